/**
 * A function of an object (a room, the store) and a few plain arguments,
 * computed again only when the object's version or the arguments change.
 * Selectors built on it hand useSelect the same value while nothing it reads
 * has changed, which is what lets a component skip the store's other news.
 * One cached result per object: two callers with different arguments take
 * turns, which costs a computation, never a wrong answer.
 */
export function derive<K extends object, A extends unknown[], T>(
  version: (key: K) => number | string,
  compute: (key: K, ...args: A) => T,
): (key: K, ...args: A) => T {
  const cache = new WeakMap<K, { version: number | string; args: A; value: T }>();
  return (key, ...args) => {
    const v = version(key);
    const hit = cache.get(key);
    if (hit && hit.version === v && hit.args.every((a, i) => Object.is(a, args[i]))) return hit.value;
    const value = compute(key, ...args);
    cache.set(key, { version: v, args, value });
    return value;
  };
}
