import type {
  AccountData,
  Event,
  EventRowId,
  PaginationResponse,
  Receipt,
  Room,
  SyncRoom,
  TimelineRowTuple,
} from "../rpc/types";

/**
 * Everything the UI holds about one joined room. Mutated in place; a version
 * per slice bumps when it changes, so a view watches only what it shows.
 */
export interface RoomState {
  meta: Room;
  /** Every event we have seen in this room, by rowid (timeline, state, related, echoes). */
  events: Map<EventRowId, Event>;
  eventRowids: Map<string, EventRowId>;
  /** Ascending by timeline_rowid, no duplicates. */
  timeline: TimelineRowTuple[];
  /** Event rowids in `timeline`, for echo matching. */
  inTimeline: Set<EventRowId>;
  /** Our local echoes not yet placed in the timeline, oldest first. */
  pending: EventRowId[];
  /** False once the backend said the room's start is reached. */
  hasMoreHistory: boolean;
  /** Bumps on every reset, so a page asked for before it is dropped. */
  timelineGeneration: number;
  state: Map<string, Map<string, EventRowId>>;
  accountData: Map<string, AccountData>;
  /** Latest read receipt per user. */
  receipts: Map<string, Receipt>;
  /** Replaced (never mutated) when it changes. */
  typing: string[];
  /** Our own reactions: target event id → key → reaction event id (to take one back). */
  ownReactions: Map<string, Map<string, string>>;
  /** Any change but typing and receipts: what the room list's row shows. */
  version: number;
  /** Events, the timeline or state (which names senders): what the tiles show. */
  timelineVersion: number;
  /** State events: the member list. */
  stateVersion: number;
  receiptsVersion: number;
}

export function newRoom(meta: Room): RoomState {
  return {
    meta,
    events: new Map(),
    eventRowids: new Map(),
    timeline: [],
    inTimeline: new Set(),
    pending: [],
    hasMoreHistory: true,
    timelineGeneration: 0,
    state: new Map(),
    accountData: new Map(),
    receipts: new Map(),
    typing: [],
    ownReactions: new Map(),
    version: 0,
    timelineVersion: 0,
    stateVersion: 0,
    receiptsVersion: 0,
  };
}

/** Stores (or replaces, by rowid) an event and keeps the indexes that derive from it. */
export function putEvent(room: RoomState, ev: Event, ownUserId: string | undefined): void {
  const old = room.events.get(ev.rowid);
  if (old && old.event_id !== ev.event_id) room.eventRowids.delete(old.event_id);
  room.events.set(ev.rowid, ev);
  room.eventRowids.set(ev.event_id, ev.rowid);
  if (ev.type === "m.reaction" && ev.sender === ownUserId && ev.relates_to) {
    const key = reactionKey(ev);
    if (key !== undefined) {
      let keys = room.ownReactions.get(ev.relates_to);
      if (ev.redacted_by) {
        keys?.delete(key);
      } else if (!ev.event_id.startsWith("~")) {
        if (!keys) room.ownReactions.set(ev.relates_to, (keys = new Map()));
        keys.set(key, ev.event_id);
      }
    }
  }
}

function reactionKey(ev: Event): string | undefined {
  const rel = ev.content["m.relates_to"] as { key?: unknown } | undefined;
  return typeof rel?.key === "string" ? rel.key : undefined;
}

/** Adds timeline rows, keeping the list sorted and free of duplicates. */
export function mergeTimeline(room: RoomState, rows: TimelineRowTuple[]): void {
  if (rows.length === 0) return;
  const known = new Set(room.timeline.map((r) => r.timeline_rowid));
  const fresh = rows.filter((r) => !known.has(r.timeline_rowid));
  if (fresh.length === 0) return;
  const last = room.timeline[room.timeline.length - 1];
  const merged = room.timeline.concat(fresh);
  // Sync appends newer rows and pages prepend older ones: sort only when order broke.
  if (last && fresh.some((r) => r.timeline_rowid < last.timeline_rowid)) {
    merged.sort((a, b) => a.timeline_rowid - b.timeline_rowid);
  } else {
    fresh.sort((a, b) => a.timeline_rowid - b.timeline_rowid);
    merged.splice(room.timeline.length, fresh.length, ...fresh);
  }
  room.timeline = merged;
  for (const r of fresh) room.inTimeline.add(r.event_rowid);
  dropPlacedEchoes(room);
}

/** Local echoes leave `pending` once their row (same rowid or transaction id) is in the timeline. */
function dropPlacedEchoes(room: RoomState): void {
  if (room.pending.length === 0) return;
  const placedTxns = new Set<string>();
  for (const rowid of room.inTimeline) {
    const txn = room.events.get(rowid)?.transaction_id;
    if (txn) placedTxns.add(txn);
  }
  room.pending = room.pending.filter((rowid) => {
    if (room.inTimeline.has(rowid)) return false;
    const txn = room.events.get(rowid)?.transaction_id;
    return !(txn && placedTxns.has(txn));
  });
}

export function resetTimeline(room: RoomState): void {
  room.timeline = [];
  room.inTimeline = new Set();
  room.hasMoreHistory = true;
  room.timelineGeneration++;
}

/** Keeps the newest receipt per user. */
export function putReceipts(room: RoomState, receipts: Record<string, Receipt[]>): void {
  for (const list of Object.values(receipts)) {
    for (const r of list) {
      if (r.receipt_type !== "m.read" && r.receipt_type !== "m.read.private") continue;
      const old = room.receipts.get(r.user_id);
      if (old && old.timestamp > r.timestamp) continue;
      room.receipts.set(r.user_id, r);
      if (old?.event_id !== r.event_id) room.receiptsVersion++;
    }
  }
}

/** Marks a change to what the timeline shows (its events, their reactions and edits, the senders' names). */
export function timelineChanged(room: RoomState): void {
  room.timelineVersion++;
  room.version++;
}

/** One room's part of a sync_complete. */
export function applySyncRoom(room: RoomState, sync: SyncRoom, ownUserId: string | undefined): void {
  if (sync.meta) room.meta = sync.meta;
  for (const ev of sync.events) putEvent(room, ev, ownUserId);
  if (sync.reset) resetTimeline(room);
  mergeTimeline(room, sync.timeline);
  for (const [type, keys] of Object.entries(sync.state)) {
    let map = room.state.get(type);
    if (!map) room.state.set(type, (map = new Map()));
    for (const [key, rowid] of Object.entries(keys)) map.set(key, rowid);
  }
  for (const [type, data] of Object.entries(sync.account_data)) room.accountData.set(type, data);
  putReceipts(room, sync.receipts);
  const stateChanged = Object.keys(sync.state).length > 0;
  if (stateChanged) room.stateVersion++;
  if (stateChanged || sync.events.length > 0 || sync.timeline.length > 0 || sync.reset) timelineChanged(room);
  else room.version++;
}

/** Applies one page of history, unless the timeline was reset since it was asked for. */
export function applyPage(
  room: RoomState,
  page: PaginationResponse,
  generation: number,
  ownUserId: string | undefined,
): boolean {
  if (generation !== room.timelineGeneration) return false;
  for (const ev of page.related_events) putEvent(room, ev, ownUserId);
  for (const ev of page.events) putEvent(room, ev, ownUserId);
  mergeTimeline(
    room,
    page.events.map((ev) => ({ timeline_rowid: ev.timeline_rowid, event_rowid: ev.rowid })),
  );
  putReceipts(room, page.receipts);
  room.hasMoreHistory = page.has_more;
  timelineChanged(room);
  return true;
}

/** A local echo from send_message/send_event: shown at the bottom until its row is placed. */
export function addLocalEcho(room: RoomState, echo: Event, ownUserId: string | undefined): void {
  putEvent(room, echo, ownUserId);
  if (!room.inTimeline.has(echo.rowid) && !room.pending.includes(echo.rowid)) {
    room.pending.push(echo.rowid);
    dropPlacedEchoes(room);
  }
  timelineChanged(room);
}

/** The oldest timeline row we hold, where the next page starts (0: from the newest). */
export function oldestTimelineRowid(room: RoomState): number {
  return room.timeline[0]?.timeline_rowid ?? 0;
}

/** The state event of a type and key, if we have it. */
export function stateEvent(room: RoomState, type: string, key = ""): Event | undefined {
  const rowid = room.state.get(type)?.get(key);
  return rowid === undefined ? undefined : room.events.get(rowid);
}

/** The result of get_room_state: current state events, members included when asked. */
export function applyRoomState(room: RoomState, events: Event[], ownUserId: string | undefined): void {
  for (const ev of events) {
    if (ev.state_key === undefined) continue;
    putEvent(room, ev, ownUserId);
    let map = room.state.get(ev.type);
    if (!map) room.state.set(ev.type, (map = new Map()));
    map.set(ev.state_key, ev.rowid);
  }
  room.stateVersion++;
  timelineChanged(room);
}
