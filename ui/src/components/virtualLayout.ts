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

/**
 * The row at `probe` (a position in the content, e.g. the middle of the view)
 * as the anchor to keep, with its top's distance below `scrollTop`.
 */
export function anchorAt(keys: string[], offsets: number[], scrollTop: number, probe = scrollTop): Anchor | null {
  let i = 0;
  while (i < keys.length - 1 && offsets[i + 1]! <= probe) i++;
  const key = keys[i];
  return key === undefined ? null : { key, delta: offsets[i]! - scrollTop };
}

/** The scroll position that puts the anchor's row back where it was; undefined if it is gone. */
export function anchoredScrollTop(keys: string[], offsets: number[], anchor: Anchor): number | undefined {
  const i = keys.indexOf(anchor.key);
  return i < 0 ? undefined : offsets[i]! - anchor.delta;
}

/** Row keys and their tops, as rendered at one commit. */
export interface Layout {
  keys: string[];
  offsets: number[];
}

/**
 * The scroll position that keeps the row in the middle of the view where it
 * is on screen when the layout changes from `before` to `after`. The row is
 * looked up in `before` at the current `scrollTop`, so a scroll the list has
 * not handled yet is kept rather than undone.
 */
export function keptScrollTop(before: Layout, after: Layout, scrollTop: number, viewHeight: number): number | undefined {
  const anchor = anchorAt(before.keys, before.offsets, scrollTop, scrollTop + viewHeight / 2);
  return anchor ? anchoredScrollTop(after.keys, after.offsets, anchor) : undefined;
}
