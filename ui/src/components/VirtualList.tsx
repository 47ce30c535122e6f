import {
  useImperativeHandle,
  useLayoutEffect,
  useReducer,
  useRef,
  useState,
  type ReactNode,
  type Ref,
} from "react";
import { flushSync } from "react-dom";
import { keptScrollTop, rowOffsets, visibleRange, type Layout } from "./virtualLayout";

export interface VirtualListHandle {
  scrollToBottom(): void;
  /** Brings a row into view (a little below the top) and flashes it; false if there is none. */
  scrollToKey(key: string): boolean;
}

interface Props<T extends { key: string }> {
  items: T[];
  render(item: T, index: number): ReactNode;
  /** Height guess for rows not yet measured (the measured average takes over). */
  estimate: number;
  /**
   * Chat mode: starts at the bottom and stays there while the user is there,
   * and at the very top keeps the rows in view where they are as older ones
   * arrive above (elsewhere new first rows show at the top).
   */
  chat?: boolean;
  /** Called when the view is near the top (to load older rows). */
  onNearTop?: () => void;
  onAtBottomChange?: (atBottom: boolean) => void;
  className?: string;
  label: string;
  handle?: Ref<VirtualListHandle>;
}

/** A row's height as laid out, fractional: offsetHeight rounds, and a page of rounded rows adds up to a visible jump. */
const heightOf = (row: Element) => row.getBoundingClientRect().height;

const OVERSCAN_PX = 800;
const NEAR_TOP_PX = 1200;
const AT_BOTTOM_PX = 40;

/**
 * The rows' measured heights, kept outside React's state: a ResizeObserver
 * and each row's ref callback (one per key, kept, so React does not detach
 * and re-observe rows on every render) update it, and `onChange` asks the
 * list to render again.
 */
class RowHeights {
  readonly heights = new Map<string, number>();
  private readonly nodes = new Map<Element, string>();
  private readonly refs = new Map<string, (el: HTMLDivElement | null) => () => void>();
  private readonly observer: ResizeObserver | null;

  constructor(onChange: () => void) {
    this.observer =
      typeof ResizeObserver === "undefined"
        ? null
        : new ResizeObserver((entries) => {
            let changed = false;
            for (const e of entries) {
              const key = this.nodes.get(e.target);
              if (key !== undefined && this.store(key, e.target)) changed = true;
            }
            if (changed) onChange();
          });
  }

  private store(key: string, node: Element): boolean {
    const h = heightOf(node);
    if (this.heights.get(key) === h) return false;
    this.heights.set(key, h);
    return true;
  }

  /** Reads the height of every rendered row; whether any was new or had changed. */
  measureAll(): boolean {
    let changed = false;
    for (const [node, key] of this.nodes) if (this.store(key, node)) changed = true;
    return changed;
  }

  refFor(key: string): (el: HTMLDivElement | null) => () => void {
    let ref = this.refs.get(key);
    if (!ref) {
      ref = (el) => {
        if (el) {
          this.nodes.set(el, key);
          this.observer?.observe(el);
        }
        return () => {
          if (!el) return;
          this.nodes.delete(el);
          this.observer?.unobserve(el);
          this.refs.delete(key);
        };
      };
      this.refs.set(key, ref);
    }
    return ref;
  }
}

/**
 * Renders only the rows near the viewport, with spacers for the rest. Row
 * heights are measured as they render; whenever rows above change (older
 * history prepended, an image loaded) the row in the middle of the view is
 * kept exactly where it was, so nothing jumps.
 */
export function VirtualList<T extends { key: string }>(props: Props<T>) {
  const { items, estimate } = props;
  const scroller = useRef<HTMLDivElement>(null);
  // The layout the DOM had as of the last commit, to find where the view was in it.
  const laid = useRef<Layout | null>(null);
  const atBottom = useRef(props.chat === true);
  const [view, setView] = useState({ top: 0, height: 900 });
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  // Synchronously, so the re-anchored frame is the one that gets painted.
  const [rows] = useState(() => new RowHeights(() => flushSync(rerender)));

  // Offsets of every row (cheap even for thousands).
  const keys = items.map((it) => it.key);
  const offsets = rowOffsets(keys, rows.heights, estimate);
  const total = offsets[items.length]!;
  const [start, end] = visibleRange(offsets, view.top, view.height, OVERSCAN_PX);

  // After every commit (offsets is new at each render) the row in the middle
  // of the view goes back to where it was on screen (keptScrollTop).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Rows are measured as committed (new ones, and any this render changed,
    // e.g. a message that now continues the one above), and the list renders
    // again before the paint with their heights (the anchoring below then
    // spans both renders): no frame is laid out with stale heights. Changes
    // between commits (an image loading) come through the ResizeObserver.
    if (rows.measureAll()) {
      rerender();
      return;
    }
    const last = laid.current;
    laid.current = { keys, offsets };
    if (atBottom.current && props.chat) {
      el.scrollTop = el.scrollHeight;
    } else if (last && (el.scrollTop > 0 || props.chat)) {
      const want = keptScrollTop(last, { keys, offsets }, el.scrollTop, el.clientHeight);
      if (want !== undefined && Math.abs(el.scrollTop - want) > 0.5) {
        el.scrollTop = want;
        // Rendered again before the paint, with the rows of the new position.
        setView({ top: el.scrollTop, height: el.clientHeight });
      }
    }
    if (el.scrollTop < NEAR_TOP_PX) props.onNearTop?.();
  }, [rows, keys, offsets, props]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM_PX;
    if (bottom !== atBottom.current) {
      atBottom.current = bottom;
      props.onAtBottomChange?.(bottom);
    }
    setView({ top: el.scrollTop, height: el.clientHeight });
  };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setView({ top: el.scrollTop, height: el.clientHeight });
    const ro = new ResizeObserver(() => setView({ top: el.scrollTop, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useImperativeHandle(props.handle, () => ({
    scrollToBottom() {
      const el = scroller.current;
      if (!el) return;
      atBottom.current = true;
      props.onAtBottomChange?.(true);
      el.scrollTop = el.scrollHeight;
      rerender();
    },
    scrollToKey(key: string) {
      const el = scroller.current;
      const i = keys.indexOf(key);
      if (!el || i < 0) return false;
      atBottom.current = false;
      props.onAtBottomChange?.(false);
      el.scrollTop = Math.max(0, offsets[i]! - el.clientHeight / 3);
      // Once rendered there, mark it for a moment so the eye finds it.
      requestAnimationFrame(() => {
        const row = el.querySelector(`[data-key="${CSS.escape(key)}"]`);
        row?.classList.add("flash");
        setTimeout(() => row?.classList.remove("flash"), 1600);
      });
      return true;
    },
  }));

  return (
    <div className={props.className} ref={scroller} onScroll={onScroll} tabIndex={0} role="region" aria-label={props.label}>
      {props.chat && <div className="vlist-filler" aria-hidden="true" />}
      <div style={{ height: offsets[start], flexShrink: 0 }} aria-hidden="true" />
      {items.slice(start, end).map((item, i) => (
        <div key={item.key} ref={rows.refFor(item.key)} data-key={item.key}>
          {props.render(item, start + i)}
        </div>
      ))}
      <div style={{ height: total - offsets[end]!, flexShrink: 0 }} aria-hidden="true" />
    </div>
  );
}
