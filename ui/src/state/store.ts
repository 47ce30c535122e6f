import type {
  AccountData,
  BackendEvents,
  ClientState,
  Event,
  InvitedRoom,
  SendComplete,
  SpaceEdge,
  SyncComplete,
  SyncStatus,
} from "../rpc/types";
import { addLocalEcho, applySyncRoom, newRoom, putEvent, timelineChanged, type RoomState } from "./room";
import { VerificationFlows } from "./verification";

/**
 * The client's whole view of the backend, fed by backend events. Plain Maps
 * mutated in place; `version` (global) and each room's `version` tell React
 * what changed, so thousands of rooms cost nothing until they change.
 */
export class Store {
  clientState: ClientState | null = null;
  syncStatus: SyncStatus | null = null;
  /** True once init_complete arrived for the current connection. */
  initComplete = false;
  /** Logged in just now and no sync has come in yet: the UI shows a spinner. */
  awaitingFirstSync = false;
  rooms = new Map<string, RoomState>();
  invites = new Map<string, InvitedRoom>();
  accountData = new Map<string, AccountData>();
  spaceEdges = new Map<string, SpaceEdge[]>();
  topLevelSpaces: string[] = [];
  /** Interactive verifications: incoming requests and the flow on screen. */
  verifications = new VerificationFlows();
  /**
   * Display names seen in any room's member events: the room list names the
   * senders of previews with them before a room's own members are loaded.
   */
  knownNames = new Map<string, string>();
  /** Bumps when knownNames changes, for views that show them. */
  namesVersion = 0;
  /** Bumps on every change. */
  version = 0;
  /** Bumps on every change but typing: what the room list and the spaces show. */
  roomsVersion = 0;
  private listeners = new Set<() => void>();
  private notifyQueued = false;

  get ownUserId(): string | undefined {
    return this.clientState?.user_id;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Applies one backend event. */
  apply<E extends keyof BackendEvents>(command: E, data: BackendEvents[E]): void {
    switch (command) {
      case "sync_complete":
        this.applySync(data as SyncComplete);
        break;
      case "client_state": {
        const next = data as ClientState;
        if (this.clientState && !this.clientState.is_logged_in && next.is_logged_in) this.awaitingFirstSync = true;
        this.clientState = next;
        if (!next.is_logged_in) {
          this.clear();
          this.knownNames.clear();
          this.verifications.clear();
        }
        break;
      }
      case "sync_status":
        this.syncStatus = data as SyncStatus;
        if (this.syncStatus.type === "ok") this.awaitingFirstSync = false;
        break;
      case "run_id":
        this.verifications.connectStarted();
        break;
      case "init_complete":
        this.initComplete = true;
        this.verifications.connectDone();
        break;
      case "verification":
        this.verifications.apply(data as BackendEvents["verification"]);
        break;
      case "typing": {
        const t = data as BackendEvents["typing"];
        const room = this.rooms.get(t.room_id);
        if (!room) return;
        room.typing = t.user_ids;
        // Only the typing notice shows it: the room list and the timeline stay as they are.
        this.changed(false);
        return;
      }
      case "send_complete":
        this.applySendComplete(data as SendComplete);
        break;
      case "events_decrypted": {
        const d = data as BackendEvents["events_decrypted"];
        const room = this.rooms.get(d.room_id);
        if (!room) return;
        // Each replaces the undecryptable one of the same rowid, where the timeline shows it.
        for (const ev of d.events) putEvent(room, ev, this.ownUserId);
        if (d.preview_event_rowid) room.meta = { ...room.meta, preview_event_rowid: d.preview_event_rowid };
        timelineChanged(room);
        break;
      }
      default:
        return;
    }
    this.changed();
  }

  /** Forgets every room (clear_state, or a logout). */
  clear(): void {
    this.rooms.clear();
    this.invites.clear();
    this.accountData.clear();
    this.spaceEdges.clear();
    this.topLevelSpaces = [];
    this.changed();
  }

  applySync(sync: SyncComplete): void {
    if (sync.clear_state) {
      // A fresh connect payload follows; it is complete at its init_complete.
      this.clear();
      this.initComplete = false;
      this.verifications.payloadIsFresh();
    } else {
      this.awaitingFirstSync = false;
    }
    for (const [type, data] of Object.entries(sync.account_data)) this.accountData.set(type, data);
    for (const [roomId, syncRoom] of Object.entries(sync.rooms)) {
      let room = this.rooms.get(roomId);
      if (!room) {
        // A room's first appearance always carries its meta; one without is noise.
        if (!syncRoom.meta) continue;
        room = newRoom(syncRoom.meta);
        this.rooms.set(roomId, room);
      }
      applySyncRoom(room, syncRoom, this.ownUserId);
      this.learnNames(syncRoom.events);
      this.invites.delete(roomId);
    }
    for (const roomId of sync.left_rooms) {
      this.rooms.delete(roomId);
      this.invites.delete(roomId);
    }
    for (const invite of sync.invited_rooms) {
      if (!this.rooms.has(invite.room_id)) this.invites.set(invite.room_id, invite);
    }
    for (const [spaceId, edges] of Object.entries(sync.space_edges)) this.spaceEdges.set(spaceId, edges);
    if (sync.top_level_spaces) this.topLevelSpaces = sync.top_level_spaces;
    this.changed();
  }

  learnNames(events: Event[]): void {
    for (const ev of events) {
      const name = ev.type === "m.room.member" ? ev.content.displayname : undefined;
      if (!ev.state_key || typeof name !== "string" || !name || this.knownNames.get(ev.state_key) === name) continue;
      this.knownNames.set(ev.state_key, name);
      this.namesVersion++;
    }
  }

  /** The send's outcome updates the echo in place (real event id, or the error). */
  applySendComplete(done: SendComplete): void {
    const room = this.rooms.get(done.event.room_id);
    if (!room) return;
    const event: Event = done.error ? { ...done.event, send_error: done.error } : done.event;
    putEvent(room, event, this.ownUserId);
    timelineChanged(room);
    this.changed();
  }

  /** The immediate answer of send_message/send_event. */
  addLocalEcho(echo: Event): void {
    const room = this.rooms.get(echo.room_id);
    if (!room) return;
    addLocalEcho(room, echo, this.ownUserId);
    this.changed();
  }

  /**
   * Notes a change (also one made to a room outside `apply`: pages, state);
   * `rooms` false when no room list could show it. Listeners run once per
   * microtask however many changes it saw.
   */
  changed(rooms = true): void {
    this.version++;
    if (rooms) this.roomsVersion++;
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      for (const l of this.listeners) l();
    });
  }
}
