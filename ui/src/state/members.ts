import type { Event, InvitedRoom, JsonObject } from "../rpc/types";
import { stateEvent, type RoomState } from "./room";

export interface Member {
  userId: string;
  name: string;
  avatar: string | undefined;
  membership: string;
  powerLevel: number;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** The localpart, for users whose display name we do not know. */
export function localpart(userId: string): string {
  return userId.startsWith("@") ? userId.slice(1).split(":")[0]! : userId;
}

export function memberEvent(room: RoomState, userId: string): Event | undefined {
  return stateEvent(room, "m.room.member", userId);
}

/** The name a room gives a user; else one learnt elsewhere (`known`); else the localpart. */
export function displayName(room: RoomState | undefined, userId: string, known?: Map<string, string>): string {
  const ev = room && memberEvent(room, userId);
  return str(ev?.content.displayname) ?? known?.get(userId) ?? localpart(userId);
}

export function memberAvatar(room: RoomState | undefined, userId: string): string | undefined {
  const ev = room && memberEvent(room, userId);
  return str(ev?.content.avatar_url);
}

/** Joined and invited members, by power level then name. */
export function memberList(room: RoomState): Member[] {
  const levels = stateEvent(room, "m.room.power_levels")?.content as
    | { users?: Record<string, number>; users_default?: number }
    | undefined;
  const out: Member[] = [];
  for (const [userId, rowid] of room.state.get("m.room.member") ?? []) {
    const ev = room.events.get(rowid);
    const membership = str(ev?.content.membership) ?? "leave";
    if (membership !== "join" && membership !== "invite") continue;
    out.push({
      userId,
      name: str(ev?.content.displayname) ?? localpart(userId),
      avatar: str(ev?.content.avatar_url),
      membership,
      powerLevel: levels?.users?.[userId] ?? levels?.users_default ?? 0,
    });
  }
  return out.sort(
    (a, b) =>
      Number(a.membership === "invite") - Number(b.membership === "invite") ||
      b.powerLevel - a.powerLevel ||
      a.name.localeCompare(b.name),
  );
}

/** The name to show for a room: the backend's computed name, else its alias or ID. */
export function roomName(room: RoomState): string {
  return room.meta.name || room.meta.canonical_alias || room.meta.room_id;
}

export function isSpace(room: RoomState): boolean {
  return (room.meta.creation_content as { type?: unknown } | undefined)?.type === "m.space";
}

export interface InviteInfo {
  roomId: string;
  name: string;
  avatar: string | undefined;
  inviter: string | undefined;
  inviterName: string | undefined;
  isDirect: boolean;
  createdAt: number;
}

/** What an invite's (untrusted) stripped state says about the room. */
export function inviteInfo(invite: InvitedRoom, ownUserId: string | undefined): InviteInfo {
  // The backend passes invite_state on as the homeserver sent it, so even
  // `content` may be missing.
  const find = (type: string, key = ""): { sender: string | undefined; content: JsonObject } | undefined => {
    const ev = invite.invite_state.find((e) => e.type === type && (e.state_key ?? "") === key);
    if (!ev) return undefined;
    const content = ev.content;
    const isObject = typeof content === "object" && content !== null && !Array.isArray(content);
    return { sender: str(ev.sender), content: isObject ? (content as JsonObject) : {} };
  };
  const own = ownUserId ? find("m.room.member", ownUserId) : undefined;
  const inviter = own?.sender;
  const inviterEv = inviter ? find("m.room.member", inviter) : undefined;
  const inviterName = str(inviterEv?.content.displayname) ?? (inviter && localpart(inviter));
  const isDirect = own?.content.is_direct === true;
  const name =
    str(find("m.room.name")?.content.name) ??
    str(find("m.room.canonical_alias")?.content.alias) ??
    (isDirect && inviterName) ??
    invite.room_id;
  return {
    roomId: invite.room_id,
    name: name || invite.room_id,
    avatar: str(find("m.room.avatar")?.content.url) ?? (isDirect ? str(inviterEv?.content.avatar_url) : undefined),
    inviter,
    inviterName: inviterName || undefined,
    isDirect,
    createdAt: invite.created_at,
  };
}
