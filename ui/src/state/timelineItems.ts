import type { Event, JsonObject } from "../rpc/types";
import type { RoomState } from "./room";

/** The type and content to show: the decrypted ones when the event was encrypted. */
export function eventType(ev: Event): string {
  return ev.decrypted_type ?? ev.type;
}

export function eventContent(ev: Event): JsonObject {
  return ev.decrypted ?? ev.content;
}

/** Events that only modify others (shown on their targets) or that we do not draw. */
function hidden(ev: Event): boolean {
  const type = eventType(ev);
  if (type === "m.reaction" || type === "m.room.redaction") return true;
  if (ev.relation_type === "m.replace" && !ev.redacted_by) return true;
  if (ev.state_key !== undefined) return false;
  return !(type === "m.room.message" || type === "m.sticker" || type === "m.room.encrypted");
}

export function isMessage(ev: Event): boolean {
  return ev.state_key === undefined;
}

const GROUP_GAP_MS = 5 * 60 * 1000;

export type TimelineItem =
  | { kind: "day"; key: string; timestamp: number }
  /** "New messages": where the unread part began when the room was opened. */
  | { kind: "unread"; key: string }
  | {
      kind: "event";
      /** The rowid: an echo keeps it when it becomes the real event, so nothing re-mounts. */
      key: string;
      event: Event;
      /** Same sender as the message just above, close in time: no avatar or name. */
      continuation: boolean;
      /** A local echo not yet placed in the timeline. */
      pending: boolean;
    };

function dayKey(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** The rows the timeline draws, oldest first: day separators, grouped messages, echoes last. */
export function timelineItems(room: RoomState): TimelineItem[] {
  const items: TimelineItem[] = [];
  let prev: Event | undefined;
  let prevDay = "";
  const push = (ev: Event, pending: boolean) => {
    if (hidden(ev)) return;
    const day = dayKey(ev.timestamp);
    const newDay = day !== prevDay;
    prevDay = day;
    if (newDay) items.push({ kind: "day", key: `day-${day}`, timestamp: ev.timestamp });
    const continuation =
      !newDay &&
      prev !== undefined &&
      isMessage(ev) &&
      isMessage(prev) &&
      prev.sender === ev.sender &&
      ev.timestamp - prev.timestamp < GROUP_GAP_MS;
    items.push({ kind: "event", key: `ev-${ev.rowid}`, event: ev, continuation, pending });
    prev = ev;
  };
  for (const row of room.timeline) {
    const ev = room.events.get(row.event_rowid);
    if (ev) push(ev, false);
  }
  for (const rowid of room.pending) {
    const ev = room.events.get(rowid);
    if (ev) push(ev, true);
  }
  return items;
}

/**
 * The key of the first of the last `unread` messages of others (the room's
 * unread count when it was opened): where the "new messages" line goes.
 * Undefined when they are not all loaded yet, rather than a wrong place.
 * Reckoned once and then kept: counted again later, the line would move
 * down with every message that arrives while the room is open.
 */
export function firstUnreadKey(items: TimelineItem[], unread: number, ownUserId: string | undefined): string | undefined {
  if (unread <= 0) return undefined;
  let left = unread;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.kind !== "event" || item.pending || !isMessage(item.event) || item.event.sender === ownUserId) continue;
    if (--left === 0) return item.key;
  }
  return undefined;
}

/** Puts the "new messages" line above the item with this key (and above its day separator). */
export function withUnreadLine(items: TimelineItem[], key: string | undefined): TimelineItem[] {
  const i = key === undefined ? -1 : items.findIndex((item) => item.key === key);
  if (i < 0) return items;
  const item = items[i]!;
  const at = i > 0 && items[i - 1]!.kind === "day" ? i - 1 : i;
  // The first new message shows its sender again, below the line.
  const first = item.kind === "event" ? { ...item, continuation: false } : item;
  return [...items.slice(0, at), { kind: "unread", key: "unread-line" }, ...items.slice(at, i), first, ...items.slice(i + 1)];
}

/** The event an edit chain ends at, so a message shows its latest text. */
export function latestEdit(room: RoomState, ev: Event): Event | undefined {
  return ev.last_edit_rowid ? room.events.get(ev.last_edit_rowid) : undefined;
}

/** Which event a message replies to, if any. */
export function replyTarget(ev: Event): string | undefined {
  const rel = eventContent(ev)["m.relates_to"] as { "m.in_reply_to"?: { event_id?: unknown } } | undefined;
  const id = rel?.["m.in_reply_to"]?.event_id;
  return typeof id === "string" ? id : undefined;
}

/**
 * Read receipts of others, by the drawn event they show under: a receipt on
 * an event we do not draw (a reaction, a redaction, an edit) shows under the
 * nearest drawn event before it.
 */
export function receiptsByEvent(room: RoomState, ownUserId: string | undefined): Map<string, string[]> {
  const readersOf = new Map<string, string[]>();
  for (const r of room.receipts.values()) {
    if (r.user_id === ownUserId) continue;
    const list = readersOf.get(r.event_id);
    if (list) list.push(r.user_id);
    else readersOf.set(r.event_id, [r.user_id]);
  }
  const out = new Map<string, string[]>();
  let shownUnder: string | undefined;
  for (const row of room.timeline) {
    const ev = room.events.get(row.event_rowid);
    if (!ev) continue;
    if (!hidden(ev)) shownUnder = ev.event_id;
    const readers = readersOf.get(ev.event_id);
    if (!readers || !shownUnder) continue;
    const list = out.get(shownUnder);
    out.set(shownUnder, list ? list.concat(readers) : readers);
  }
  return out;
}
