// The arithmetic of VirtualList, kept apart from the DOM so it can be tested:
// where each row starts, which rows to render, and which scroll position
// keeps a chosen row exactly where it was on screen.

/** Where the view is pinned: a row, and how far its top is below the view's top. */
export interface Anchor {
  key: string;
  delta: number;
}

/** Row tops (plus the total height at the end); unmeasured rows take the measured average. */
export function rowOffsets(keys: string[], heights: Map<string, number>, estimate: number): number[] {
  let sum = 0;
  for (const h of heights.values()) sum += h;
  const guess = heights.size ? sum / heights.size : estimate;
  const offsets = new Array<number>(keys.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < keys.length; i++) offsets[i + 1] = offsets[i]! + (heights.get(keys[i]!) ?? guess);
  return offsets;
}

/** The rows [start, end) that overlap the viewport widened by `overscan` each way. */
export function visibleRange(offsets: number[], top: number, height: number, overscan: number): [number, number] {
  const count = offsets.length - 1;
  let start = 0;
  while (start < count && offsets[start + 1]! < top - overscan) start++;
  let end = start;
  while (end < count && offsets[end]! < top + height + overscan) end++;
  return [start, end];
}

/** The first row not wholly above `scrollTop`, as the anchor to keep. */
export function anchorAt(keys: string[], offsets: number[], scrollTop: number): Anchor | null {
  let i = 0;
  while (i < keys.length - 1 && offsets[i + 1]! <= scrollTop) i++;
  const key = keys[i];
  return key === undefined ? null : { key, delta: offsets[i]! - scrollTop };
}

/** The scroll position that puts the anchor's row back where it was; undefined if it is gone. */
export function anchoredScrollTop(keys: string[], offsets: number[], anchor: Anchor): number | undefined {
  const i = keys.indexOf(anchor.key);
  return i < 0 ? undefined : offsets[i]! - anchor.delta;
}
