import type { RpcClient } from "../rpc/client";
import type { Event, JsonObject } from "../rpc/types";
import { uploadFile } from "../upload";
import { applyPage, applyRoomState, oldestTimelineRowid, type RoomState } from "./room";
import type { Store } from "./store";

const PAGE_SIZE = 50;
const TYPING_TIMEOUT_MS = 20_000;

export interface SendOptions {
  replyTo?: Event | undefined;
  editOf?: Event | undefined;
}

/** What the UI does to the backend; each keeps the store in step with its answer. */
export class Actions {
  /**
   * Room objects with a page in flight. By object, not by room ID: a
   * clear_state (a reconnect whose resume failed) replaces every room, and
   * the new one needs its own first page even while the old one's is out.
   */
  private paginating = new WeakSet<RoomState>();
  /** Rooms whose members we asked for; a clear_state makes new room objects, asked again. */
  private membersLoaded = new WeakSet<RoomState>();
  private lastMarked = new Map<string, string>();
  private typingSince = new Map<string, number>();

  constructor(
    private readonly client: RpcClient,
    private readonly store: Store,
  ) {}

  login(homeserver: string, username: string, password: string): Promise<boolean> {
    return this.client.request("login", { homeserver_url: homeserver, username, password });
  }

  logout(): Promise<boolean> {
    return this.client.request("logout", {});
  }

  /**
   * Asks for the newest page of a room we hold less than a page of. Called
   * as the room is chosen, before its view renders, so the answer is on its
   * way while the room's shell is drawn. Not awaited; if it fails, the
   * timeline asks again as it renders near its top.
   */
  loadFirstPage(roomId: string): void {
    const room = this.store.rooms.get(roomId);
    if (room && room.timeline.length < PAGE_SIZE && room.hasMoreHistory) this.paginate(roomId).catch(() => {});
  }

  /** Loads what a room needs when opened: its members, and a first page if we hold none. */
  async openRoom(roomId: string): Promise<void> {
    const room = this.store.rooms.get(roomId);
    if (!room) return;
    this.loadFirstPage(roomId);
    if (!this.membersLoaded.has(room)) {
      this.membersLoaded.add(room);
      try {
        const state = await this.client.request("get_room_state", {
          room_id: roomId,
          include_members: true,
          fetch_members: !room.meta.has_member_list,
        });
        const now = this.store.rooms.get(roomId);
        if (now) {
          applyRoomState(now, state, this.store.ownUserId);
          this.store.learnNames(state);
          this.store.changed();
        }
      } catch (err) {
        this.membersLoaded.delete(room);
        throw err;
      }
    }
  }

  /** One page of older history; a no-op while one is in flight or at the start. */
  async paginate(roomId: string): Promise<void> {
    const room = this.store.rooms.get(roomId);
    if (!room || !room.hasMoreHistory || this.paginating.has(room)) return;
    this.paginating.add(room);
    const generation = room.timelineGeneration;
    try {
      const page = await this.client.request("paginate", {
        room_id: roomId,
        max_timeline_id: oldestTimelineRowid(room),
        limit: PAGE_SIZE,
      });
      // A page asked for below an older object's timeline says nothing about
      // its replacement's (its has_more could end the new one's history).
      if (this.store.rooms.get(roomId) === room && applyPage(room, page, generation, this.store.ownUserId)) {
        this.store.changed();
      }
    } finally {
      this.paginating.delete(room);
    }
  }

  async sendText(roomId: string, text: string, opts: SendOptions = {}): Promise<void> {
    void this.setTyping(roomId, false);
    let relatesTo: JsonObject | undefined;
    if (opts.editOf) relatesTo = { rel_type: "m.replace", event_id: opts.editOf.event_id };
    else if (opts.replyTo) relatesTo = { "m.in_reply_to": { event_id: opts.replyTo.event_id } };
    const params = relatesTo ? { room_id: roomId, text, relates_to: relatesTo } : { room_id: roomId, text };
    this.store.addLocalEcho(await this.client.request("send_message", params));
  }

  /** Uploads a file (the transport's upload endpoint) and sends it as a media message. */
  async sendFile(roomId: string, file: File): Promise<void> {
    const room = this.store.rooms.get(roomId);
    const content = await uploadFile(file, Boolean(room?.meta.encryption_event));
    this.store.addLocalEcho(
      await this.client.request("send_message", { room_id: roomId, text: "", base_content: content }),
    );
  }

  async resend(transactionId: string): Promise<void> {
    // Queued again: the failure mark goes until send_complete says otherwise.
    const { send_error: _dropped, ...queued } = await this.client.request("resend_event", {
      transaction_id: transactionId,
    });
    this.store.addLocalEcho(queued);
  }

  /** Adds our reaction, or takes it back if we already reacted with that key. */
  async toggleReaction(room: RoomState, target: Event, key: string): Promise<void> {
    const own = room.ownReactions.get(target.event_id)?.get(key);
    if (own) {
      await this.client.request("redact_event", { room_id: room.meta.room_id, event_id: own });
      return;
    }
    const echo = await this.client.request("send_event", {
      room_id: room.meta.room_id,
      type: "m.reaction",
      content: { "m.relates_to": { rel_type: "m.annotation", event_id: target.event_id, key } },
    });
    this.store.addLocalEcho(echo);
  }

  async redact(roomId: string, eventId: string): Promise<void> {
    await this.client.request("redact_event", { room_id: roomId, event_id: eventId });
  }

  /** Moves our read receipt to the newest event, once per event. */
  async markRead(room: RoomState): Promise<void> {
    const last = latestRemoteEvent(room);
    const me = this.store.ownUserId;
    if (!last || !me) return;
    const roomId = room.meta.room_id;
    const unread = room.meta.unread_messages > 0 || room.meta.marked_unread === true;
    if (this.lastMarked.get(roomId) === last.event_id) return;
    if (!unread && room.receipts.get(me)?.event_id === last.event_id) return;
    this.lastMarked.set(roomId, last.event_id);
    try {
      await this.client.request("mark_read", { room_id: roomId, event_id: last.event_id, receipt_type: "m.read" });
    } catch (err) {
      // Not marked after all (say, the connection was down): the next try must go out.
      if (this.lastMarked.get(roomId) === last.event_id) this.lastMarked.delete(roomId);
      throw err;
    }
  }

  /** Typing notices, refreshed at most every few seconds while typing. */
  async setTyping(roomId: string, typing: boolean): Promise<void> {
    const since = this.typingSince.get(roomId);
    if (typing && since !== undefined && Date.now() - since < TYPING_TIMEOUT_MS / 2) return;
    if (!typing && since === undefined) return;
    if (typing) this.typingSince.set(roomId, Date.now());
    else this.typingSince.delete(roomId);
    await this.client.request("set_typing", { room_id: roomId, timeout: typing ? TYPING_TIMEOUT_MS : 0 });
  }

  async acceptInvite(roomId: string): Promise<void> {
    await this.client.request("join_room", { room_id_or_alias: roomId, from_invite: true });
  }

  async declineInvite(roomId: string): Promise<void> {
    await this.client.request("leave_room", { room_id: roomId });
    this.store.invites.delete(roomId);
    this.store.changed();
  }

  async leaveRoom(roomId: string): Promise<void> {
    await this.client.request("leave_room", { room_id: roomId });
  }

  async joinRoom(roomIdOrAlias: string): Promise<string> {
    return (await this.client.request("join_room", { room_id_or_alias: roomIdOrAlias })).room_id;
  }

  async createRoom(name: string, topic: string): Promise<string> {
    const params: JsonObject = { name, preset: "private_chat" };
    if (topic) params.topic = topic;
    return (await this.client.request("create_room", params)).room_id;
  }

  /** A new direct chat with one user, recorded in m.direct so it shows as theirs. */
  async startDirectChat(userId: string): Promise<string> {
    if (!/^@[^:]+:.+$/.test(userId)) throw new Error("A user ID looks like @name:example.org.");
    const { room_id } = await this.client.request("create_room", {
      is_direct: true,
      invite: [userId],
      preset: "trusted_private_chat",
    });
    const direct = (this.store.accountData.get("m.direct")?.content ?? {}) as Record<string, string[]>;
    const content = { ...direct, [userId]: [...(direct[userId] ?? []), room_id] };
    await this.client.request("set_account_data", { type: "m.direct", content });
    return room_id;
  }

  async setDisplayName(name: string): Promise<void> {
    await this.client.request("set_profile_field", { field: "displayname", value: name });
    // The backend refreshes client_state from the homeserver later; show the accepted name now.
    const cs = this.store.clientState;
    if (cs) this.store.apply("client_state", { ...cs, displayname: name });
  }

  async invite(roomId: string, userId: string): Promise<void> {
    await this.client.request("set_membership", { action: "invite", room_id: roomId, user_id: userId });
  }

  async setMuted(roomId: string, muted: boolean): Promise<void> {
    await this.client.request("mute_room", { room_id: roomId, muted });
  }
}

/** The newest event in the timeline that the homeserver knows (not a local echo). */
function latestRemoteEvent(room: RoomState): Event | undefined {
  for (let i = room.timeline.length - 1; i >= 0; i--) {
    const ev = room.events.get(room.timeline[i]!.event_rowid);
    if (ev && !ev.event_id.startsWith("~")) return ev;
  }
  return undefined;
}
