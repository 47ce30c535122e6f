import { derive } from "./derive";
import { memberList } from "./members";
import type { RoomState } from "./room";
import { sortedInvites, sortedRooms } from "./roomList";
import type { Store } from "./store";
import { receiptsByEvent, timelineItems } from "./timelineItems";

/** The slices views subscribe to with useSelect: each the same value until what it reads changes. */

export const timelineOf = derive((room: RoomState) => room.timelineVersion, timelineItems);

/** Receipts hang under drawn events, so they move with the timeline too. */
export const readersOf = derive((room: RoomState) => `${room.receiptsVersion}:${room.timelineVersion}`, receiptsByEvent);

export const membersOf = derive((room: RoomState) => room.stateVersion, memberList);

export const roomsOf = derive((store: Store) => store.roomsVersion, sortedRooms);

export const invitesOf = derive((store: Store) => store.roomsVersion, sortedInvites);
