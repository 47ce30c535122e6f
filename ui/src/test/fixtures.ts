import type { Event, Room, SyncComplete, SyncRoom } from "../rpc/types";
import { Store } from "../state/store";

export const ME = "@me:example.org";
const DAY = 24 * 60 * 60 * 1000;
export const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
export { DAY };

export function room(id: string, patch: Partial<Room> = {}): Room {
  return {
    room_id: id,
    name_quality: 3,
    explicit_avatar: false,
    has_member_list: false,
    preview_event_rowid: 0,
    sorting_timestamp: 0,
    unread_highlights: 0,
    unread_notifications: 0,
    unread_messages: 0,
    ...patch,
  };
}

export function text(rowid: number, roomId: string, body: string, patch: Partial<Event> = {}): Event {
  return {
    rowid,
    timeline_rowid: 0,
    room_id: roomId,
    event_id: `$e${rowid}`,
    sender: "@alice:example.org",
    type: "m.room.message",
    timestamp: T0 + rowid * 1000,
    content: { msgtype: "m.text", body },
    unsigned: {},
    ...patch,
  };
}

export function syncRoom(patch: Partial<SyncRoom> = {}): SyncRoom {
  return {
    timeline: [],
    reset: false,
    state: {},
    account_data: {},
    events: [],
    receipts: {},
    dismiss_notifications: false,
    notifications: [],
    ...patch,
  };
}

export function sync(patch: Partial<SyncComplete> = {}): SyncComplete {
  return {
    clear_state: false,
    account_data: {},
    rooms: {},
    left_rooms: [],
    invited_rooms: [],
    space_edges: {},
    top_level_spaces: null,
    ...patch,
  };
}

/** A sync that appends the given events to a room's timeline, timeline rowid = rowid. */
export function appended(roomId: string, events: Event[], meta?: Room): SyncComplete {
  return sync({
    rooms: {
      [roomId]: syncRoom({
        ...(meta ? { meta } : {}),
        events,
        timeline: events.map((e) => ({ timeline_rowid: e.rowid, event_rowid: e.rowid })),
      }),
    },
  });
}

/** A store that has been told we are logged in as ME. */
export function loggedIn(): Store {
  const store = new Store();
  store.apply("client_state", {
    is_initialized: true,
    is_logged_in: true,
    is_verified: false,
    verification_state: { is_verified: false, state_checked: false, has_cross_signing: false, has_ssss: false },
    user_id: ME,
  });
  return store;
}
