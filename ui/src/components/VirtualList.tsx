import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useReducer,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type Ref,
} from "react";
import { flushSync } from "react-dom";
import { keptScrollTop, rowOffsets, visibleRange, type Layout } from "./virtualLayout";
import "./VirtualList.css";

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
  /**
   * Keyboard walk: the list becomes a role=list whose rows for which this is
   * true take focus with a roving tabindex (one row in the Tab order, arrows
   * and Home/End move between rows). Only the focused row's own controls are
   * reachable with Tab; the others' leave the Tab order.
   */
  focusable?: (item: T) => boolean;
}

/** A row's height as laid out, fractional: offsetHeight rounds, and a page of rounded rows adds up to a visible jump. */
const heightOf = (row: Element) => row.getBoundingClientRect().height;

const OVERSCAN_PX = 800;
const NEAR_TOP_PX = 1200;
const AT_BOTTOM_PX = 40;

// What takes focus inside a row (its links, buttons, media controls, widgets).
const TABBABLE = "a[href], button, input, select, textarea, audio[controls], video[controls], [tabindex]";
const KEPT_TABINDEX = "data-roving-tabindex";

/**
 * Takes the controls of every row but the active one out of the Tab order,
 * and gives the active row's back (what each had is kept in an attribute).
 */
function applyRoving(scroller: HTMLElement, activeKey: string | undefined) {
  for (const row of scroller.querySelectorAll<HTMLElement>(":scope > [data-roving]")) {
    const active = row.dataset.key === activeKey;
    for (const el of row.querySelectorAll<HTMLElement>(TABBABLE)) {
      const kept = el.getAttribute(KEPT_TABINDEX);
      if (active && kept !== null) {
        if (kept === "") el.removeAttribute("tabindex");
        else el.setAttribute("tabindex", kept);
        el.removeAttribute(KEPT_TABINDEX);
      } else if (!active && kept === null) {
        el.setAttribute(KEPT_TABINDEX, el.getAttribute("tabindex") ?? "");
        el.setAttribute("tabindex", "-1");
      }
    }
  }
}

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

  // The row in the Tab order: the one last focused while it is there, else the newest.
  const { focusable } = props;
  const [chosenKey, setChosenKey] = useState<string | undefined>(undefined);
  const focusIndexes = focusable ? items.flatMap((it, i) => (focusable(it) ? [i] : [])) : [];
  const chosenAt = chosenKey === undefined ? -1 : keys.indexOf(chosenKey);
  const activeAt = chosenAt >= 0 && focusIndexes.includes(chosenAt) ? chosenAt : (focusIndexes[focusIndexes.length - 1] ?? -1);
  const activeKey = activeAt >= 0 ? keys[activeAt] : undefined;
  // A row to focus once it is rendered (after a move past the rendered window).
  const pendingFocus = useRef<string | null>(null);
  // The row last moved to by keyboard, kept in view (see the layout effect).
  const following = useRef<{ key: string; left: number } | null>(null);
  const stopFollowing = () => {
    following.current = null;
  };

  // Whether the view is at the bottom, and which rows it needs, from where it is scrolled to.
  const { onAtBottomChange } = props;
  const syncView = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM_PX;
    if (bottom !== atBottom.current) {
      atBottom.current = bottom;
      onAtBottomChange?.(bottom);
    }
    setView({ top: el.scrollTop, height: el.clientHeight });
  }, [onAtBottomChange]);

  function rowNode(key: string): HTMLElement | null {
    for (const row of scroller.current?.children ?? []) if ((row as HTMLElement).dataset.key === key) return row as HTMLElement;
    return null;
  }

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
    if (pendingFocus.current !== null) {
      const row = rowNode(pendingFocus.current);
      if (row) {
        pendingFocus.current = null;
        row.focus({ preventScroll: true });
        row.scrollIntoView({ block: "nearest" });
        syncView();
      }
    }
    // Rows measured around it after a move can still shift it: the row the
    // keyboard moved to stays in view until the pointer scrolls instead.
    // (A few times per move, and through the scroll event rather than a
    // render from here, so it can never chase the anchoring above.)
    const followed = following.current === null ? null : rowNode(following.current.key);
    if (followed && followed === document.activeElement && following.current!.left > 0) {
      const box = followed.getBoundingClientRect();
      const view = el.getBoundingClientRect();
      if (box.top < view.top - 1 || box.bottom > view.bottom + 1) {
        following.current!.left--;
        followed.scrollIntoView({ block: "nearest" });
      }
    }
  }, [rows, keys, offsets, props, syncView]);

  // Only the active row's controls are in the Tab order, also after a row
  // re-renders on its own (an edit, a reaction adds controls).
  const activeKeyRef = useRef(activeKey);
  const walk = focusable !== undefined;
  useLayoutEffect(() => {
    activeKeyRef.current = activeKey;
    const el = scroller.current;
    if (el && walk) applyRoving(el, activeKey);
  });
  useEffect(() => {
    const el = scroller.current;
    if (!el || !walk || typeof MutationObserver === "undefined") return;
    const mo = new MutationObserver(() => applyRoving(el, activeKeyRef.current));
    mo.observe(el, { childList: true, subtree: true });
    return () => mo.disconnect();
  }, [walk]);


  /** Focuses the row at `index`, scrolling it into view (rendering it first if it is outside the window). */
  function focusRow(index: number) {
    const el = scroller.current;
    const key = keys[index];
    if (!el || key === undefined) return;
    setChosenKey(key);
    following.current = { key, left: 4 };
    const row = rowNode(key);
    if (row) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
      syncView();
      return;
    }
    pendingFocus.current = key;
    const rowTop = offsets[index]!;
    el.scrollTop = Math.max(0, rowTop - el.clientHeight / 2);
    syncView();
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!focusable || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target as HTMLElement;
    const row = target.closest<HTMLElement>("[data-roving]");
    if (!row || row.parentElement !== scroller.current) return;
    // A dialog opened from a row (the image viewer) keeps its own keys.
    if (target.closest("dialog")) return;
    if (target !== row) {
      // Inside a row: Escape goes back to the row.
      if (e.key === "Escape" && !e.defaultPrevented) {
        e.preventDefault();
        row.focus();
      }
      return;
    }
    const here = focusIndexes.indexOf(keys.indexOf(row.dataset.key ?? ""));
    let to: number | undefined;
    if (e.key === "ArrowUp") to = focusIndexes[Math.max(0, here - 1)];
    else if (e.key === "ArrowDown") to = focusIndexes[Math.min(focusIndexes.length - 1, here + 1)];
    else if (e.key === "Home") to = focusIndexes[0];
    else if (e.key === "End") to = focusIndexes[focusIndexes.length - 1];
    else if (e.key === "Enter") {
      // Into the row's actions (the first of its toolbar, else its first control).
      const first = row.querySelector<HTMLElement>("[role=toolbar] button, " + TABBABLE);
      if (first) {
        e.preventDefault();
        first.focus();
      }
      return;
    } else return;
    e.preventDefault();
    if (to !== undefined) focusRow(to);
  };

  // Focus arriving in a row (a click, Tab into its controls) makes it the active row.
  const onFocus = (e: { target: EventTarget }) => {
    if (!focusable) return;
    const target = e.target as HTMLElement;
    if (target === scroller.current) {
      // Tabbed onto the list while its active row is outside the window.
      if (activeAt >= 0) focusRow(activeAt);
      return;
    }
    const row = target.closest<HTMLElement>("[data-roving]");
    if (row && row.parentElement === scroller.current && row.dataset.key !== chosenKey) setChosenKey(row.dataset.key);
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
    <div
      className={props.className}
      ref={scroller}
      onScroll={syncView}
      onWheel={stopFollowing}
      onPointerDown={stopFollowing}
      onTouchStart={stopFollowing}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
      // With a keyboard walk the active row is the tab stop; the list itself
      // only while that row is outside the rendered window.
      tabIndex={focusable && activeAt >= start && activeAt < end ? -1 : 0}
      role={focusable ? "list" : "region"}
      aria-label={props.label}
    >
      {props.chat && <div className="vlist-filler" aria-hidden="true" />}
      <div style={{ height: offsets[start], flexShrink: 0 }} aria-hidden="true" />
      {items.slice(start, end).map((item, i) => {
        const roving = focusable?.(item) ?? false;
        return (
          <div
            key={item.key}
            ref={rows.refFor(item.key)}
            data-key={item.key}
            role={focusable ? "listitem" : undefined}
            data-roving={roving ? "" : undefined}
            tabIndex={roving ? (item.key === activeKey ? 0 : -1) : undefined}
            className={roving ? "vlist-row" : undefined}
          >
            {props.render(item, start + i)}
          </div>
        );
      })}
      <div style={{ height: total - offsets[end]!, flexShrink: 0 }} aria-hidden="true" />
    </div>
  );
}
