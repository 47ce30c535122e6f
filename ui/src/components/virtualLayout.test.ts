import { describe, expect, it } from "vitest";
import { anchorAt, anchoredScrollTop, keptScrollTop, rowOffsets, visibleRange } from "./virtualLayout";

const keys = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `r${from + i}`);

/** Where a row's top is on screen (relative to the view's top). */
function screenY(k: string[], offsets: number[], scrollTop: number, key: string): number {
  return offsets[k.indexOf(key)]! - scrollTop;
}

describe("virtual layout", () => {
  it("stacks measured rows and guesses the rest from the measured average", () => {
    const heights = new Map([
      ["r0", 40],
      ["r1", 80],
    ]);
    expect(rowOffsets(keys(0, 4), heights, 10)).toEqual([0, 40, 120, 180, 240]);
    expect(rowOffsets(keys(0, 2), new Map(), 10)).toEqual([0, 10, 20]);
  });

  it("renders only the rows near the viewport", () => {
    const offsets = rowOffsets(keys(0, 1000), new Map(), 50);
    const [start, end] = visibleRange(offsets, 10_000, 500, 100);
    expect(offsets[start]! <= 10_000 - 100).toBe(true);
    expect(offsets[end]! >= 10_500 + 100).toBe(true);
    expect(end - start).toBeLessThan(20);
  });

  it("keeps the row in view where it was when a page of older rows arrives above it", () => {
    const before = keys(100, 200);
    const heights = new Map(before.map((k, i) => [k, 30 + (i % 3) * 20]));
    const oldOffsets = rowOffsets(before, heights, 50);
    const scrollTop = 1234;
    const anchor = anchorAt(before, oldOffsets, scrollTop)!;
    const y = screenY(before, oldOffsets, scrollTop, anchor.key);

    const after = keys(50, 200); // 50 older rows, not yet measured
    const newOffsets = rowOffsets(after, heights, 50);
    const newTop = anchoredScrollTop(after, newOffsets, anchor)!;
    expect(screenY(after, newOffsets, newTop, anchor.key)).toBe(y);

    // Then they are measured, taller than guessed: still no movement.
    for (const k of keys(50, 100)) heights.set(k, 120);
    const measured = rowOffsets(after, heights, 50);
    const measuredTop = anchoredScrollTop(after, measured, anchor)!;
    expect(screenY(after, measured, measuredTop, anchor.key)).toBe(y);
  });

  it("has nothing to hold on to once the anchored row is gone", () => {
    const k = keys(0, 10);
    const offsets = rowOffsets(k, new Map(), 20);
    const anchor = anchorAt(k, offsets, 45)!;
    expect(anchor).toEqual({ key: "r2", delta: -5 });
    expect(anchoredScrollTop(keys(5, 10), rowOffsets(keys(5, 10), new Map(), 20), anchor)).toBeUndefined();
  });

  it("keeps a scroll made since the last layout, rather than going back to where the view was", () => {
    const heights = new Map(keys(0, 300).map((k, i) => [k, 40 + (i % 4) * 10]));
    const before = { keys: keys(100, 200), offsets: rowOffsets(keys(100, 200), heights, 50) };
    // The list last laid out at 1000; the person has since scrolled to 2200,
    // and then a page of older rows arrives before the scroll event does.
    const scrollTop = 2200;
    const middle = anchorAt(before.keys, before.offsets, scrollTop, scrollTop + 300)!;
    const after = { keys: keys(50, 200), offsets: rowOffsets(keys(50, 200), heights, 50) };
    const kept = keptScrollTop(before, after, scrollTop, 600)!;
    expect(screenY(after.keys, after.offsets, kept, middle.key)).toBe(screenY(before.keys, before.offsets, scrollTop, middle.key));
    expect(kept).toBeGreaterThan(scrollTop);
  });

  it("holds the rows in view at the very top while older ones arrive above", () => {
    const top = (k: string[]) => ["top", ...k];
    const before = { keys: top(keys(100, 200)), offsets: rowOffsets(top(keys(100, 200)), new Map(), 50) };
    const after = { keys: top(keys(50, 200)), offsets: rowOffsets(top(keys(50, 200)), new Map(), 50) };
    // At scrollTop 0 the first row is the "loading" row, which stays first:
    // holding on to it would show the new page instead. The middle row is held.
    expect(keptScrollTop(before, after, 0, 600)).toBe(50 * 50);
  });
});
