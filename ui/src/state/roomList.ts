import { inviteInfo, isSpace, roomName, type InviteInfo } from "./members";
import type { RoomState } from "./room";
import type { Store } from "./store";

/** Every room inside a space, through its subspaces (cycles tolerated). */
export function roomsInSpace(store: Store, spaceId: string): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>([spaceId]);
  const queue = [spaceId];
  while (queue.length) {
    const id = queue.pop()!;
    for (const edge of store.spaceEdges.get(id) ?? []) {
      out.add(edge.child_id);
      if (!seen.has(edge.child_id)) {
        seen.add(edge.child_id);
        queue.push(edge.child_id);
      }
    }
  }
  return out;
}

function matches(name: string, filter: string): boolean {
  return filter === "" || name.toLowerCase().includes(filter);
}

/** Joined rooms (not spaces), newest activity first, narrowed by space and filter text. */
export function sortedRooms(store: Store, spaceId: string | null, filter: string): RoomState[] {
  const inSpace = spaceId ? roomsInSpace(store, spaceId) : null;
  const needle = filter.trim().toLowerCase();
  const out: RoomState[] = [];
  for (const room of store.rooms.values()) {
    if (isSpace(room)) continue;
    if (inSpace && !inSpace.has(room.meta.room_id)) continue;
    if (!matches(roomName(room), needle)) continue;
    out.push(room);
  }
  return out.sort((a, b) => b.meta.sorting_timestamp - a.meta.sorting_timestamp);
}

export function sortedInvites(store: Store, filter: string): InviteInfo[] {
  const needle = filter.trim().toLowerCase();
  return [...store.invites.values()]
    .map((i) => inviteInfo(i, store.ownUserId))
    .filter((i) => matches(i.name, needle))
    .sort((a, b) => b.createdAt - a.createdAt);
}

/** Joined spaces to show in the sidebar: the top-level ones the backend named. */
export function topSpaces(store: Store): RoomState[] {
  return store.topLevelSpaces.flatMap((id) => {
    const room = store.rooms.get(id);
    return room ? [room] : [];
  });
}

export interface UnreadSummary {
  messages: number;
  notifications: number;
  highlights: number;
  roomsNotifying: number;
}

/** Unread counters summed over rooms (a space's badge, the window title). */
export function unreadIn(store: Store, roomIds: Iterable<string>): UnreadSummary {
  const sum = { messages: 0, notifications: 0, highlights: 0, roomsNotifying: 0 };
  for (const id of roomIds) {
    const m = store.rooms.get(id)?.meta;
    if (!m) continue;
    sum.messages += m.unread_messages;
    sum.notifications += m.unread_notifications;
    sum.highlights += m.unread_highlights;
    if (m.unread_notifications > 0 || m.unread_highlights > 0) sum.roomsNotifying++;
  }
  return sum;
}
