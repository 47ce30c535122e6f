// Wire types of the gomuks RPC API as Trellis speaks it, written by hand to
// mirror crates/rpc/src (envelope.rs, commands.rs, events.rs, model.rs,
// homeserver.rs) field for field. Fields the Rust side skips when empty are optional here.
// TODO(issue 5): generate this file from crates/rpc and check it in CI.

/** Raw JSON the backend passes through untouched (Box<RawValue> in Rust). */
export type JsonObject = Record<string, unknown>;

export type RequestId = number;
export type EventRowId = number;
export type TimelineRowId = number;

// --- envelope.rs ---

export interface Envelope<T = unknown> {
  command: string;
  request_id: RequestId;
  data: T;
}

// --- model.rs ---

/** Unread bitmask of an event. */
export const UnreadType = { Normal: 1, Notify: 2, Highlight: 4, Sound: 8 } as const;

export interface LocalContent {
  sanitized_html?: string;
  html_version?: number;
  was_plaintext?: boolean;
  big_emoji?: boolean;
  has_math?: boolean;
  edit_source?: string;
  reply_fallback_removed?: boolean;
  push_rule_id?: string;
}

export interface Event {
  rowid: EventRowId;
  timeline_rowid: TimelineRowId;
  room_id: string;
  event_id: string;
  sender: string;
  type: string;
  state_key?: string;
  timestamp: number;
  content: JsonObject;
  decrypted?: JsonObject;
  decrypted_type?: string;
  unsigned?: JsonObject;
  local_content?: LocalContent;
  transaction_id?: string;
  redacted_by?: string;
  relates_to?: string;
  relation_type?: string;
  decryption_error?: string;
  send_error?: string;
  reactions?: Record<string, number>;
  last_edit_rowid?: EventRowId;
  unread_type?: number;
  sticky_duration_ms?: number;
}

export const NameQuality = { Nil: 0, Participants: 1, CanonicalAlias: 2, Explicit: 3 } as const;

export interface LazyLoadSummary {
  "m.heroes"?: string[];
  "m.joined_member_count"?: number;
  "m.invited_member_count"?: number;
}

export interface Room {
  room_id: string;
  creation_content?: JsonObject;
  tombstone?: JsonObject;
  name?: string;
  name_quality: number;
  avatar?: string;
  explicit_avatar: boolean;
  dm_user_id?: string;
  topic?: string;
  canonical_alias?: string;
  lazy_load_summary?: LazyLoadSummary;
  encryption_event?: JsonObject;
  has_member_list: boolean;
  preview_event_rowid: EventRowId;
  sorting_timestamp: number;
  unread_highlights: number;
  unread_notifications: number;
  unread_messages: number;
  marked_unread?: boolean;
}

export interface TimelineRowTuple {
  timeline_rowid: TimelineRowId;
  event_rowid: EventRowId;
}

export interface Receipt {
  room_id?: string;
  user_id: string;
  receipt_type: string;
  thread_id?: string;
  event_id: string;
  timestamp: number;
}

export interface AccountData {
  user_id: string;
  room_id?: string;
  type: string;
  content: JsonObject;
}

/** A stripped state event of an invite, as the homeserver sent it. */
export interface StrippedStateEvent {
  type: string;
  state_key?: string;
  sender?: string;
  content: JsonObject;
}

export interface InvitedRoom {
  room_id: string;
  created_at: number;
  invite_state: StrippedStateEvent[];
}

export interface SpaceEdge {
  space_id?: string;
  child_id: string;
  child_event_rowid?: EventRowId;
  order?: string;
  suggested?: boolean;
  parent_event_rowid?: EventRowId;
  canonical?: boolean;
}

// --- events.rs ---

export interface SyncNotification {
  event_rowid: EventRowId;
  sound: boolean;
  highlight: boolean;
}

export interface SyncRoom {
  meta?: Room;
  timeline: TimelineRowTuple[];
  reset: boolean;
  state: Record<string, Record<string, EventRowId>>;
  account_data: Record<string, AccountData>;
  events: Event[];
  receipts: Record<string, Receipt[]>;
  dismiss_notifications: boolean;
  notifications: SyncNotification[];
}

export interface SyncComplete {
  since?: string;
  clear_state: boolean;
  account_data: Record<string, AccountData>;
  rooms: Record<string, SyncRoom>;
  left_rooms: string[];
  invited_rooms: InvitedRoom[];
  space_edges: Record<string, SpaceEdge[]>;
  /** null leaves the list as it is; a list replaces it. */
  top_level_spaces: string[] | null;
}

export type SyncStatusType = "ok" | "waiting" | "erroring" | "permanently-failed";

export interface SyncStatus {
  type: SyncStatusType;
  error?: string;
  error_count: number;
  last_sync?: number;
}

export interface VerificationState {
  is_verified: boolean;
  state_checked: boolean;
  has_cross_signing: boolean;
  has_ssss: boolean;
}

export interface ClientState {
  is_initialized: boolean;
  is_logged_in: boolean;
  is_verified: boolean;
  verification_state: VerificationState;
  user_id?: string;
  device_id?: string;
  homeserver_url?: string;
  displayname?: string;
  avatar_url?: string;
}

export interface RunData {
  run_id: string;
  etag: string;
  vapid_key: string;
}

export interface Typing {
  room_id: string;
  user_ids: string[];
}

export interface SendComplete {
  event: Event;
  error: string | null;
}

/** Events the backend sends, by command name. */
export interface BackendEvents {
  sync_complete: SyncComplete;
  sync_status: SyncStatus;
  typing: Typing;
  send_complete: SendComplete;
  client_state: ClientState;
  init_complete: Record<string, never>;
  run_id: RunData;
  image_auth_token: string;
  events_decrypted: { room_id: string; preview_event_rowid?: EventRowId; events: Event[] };
}

// --- homeserver.rs ---

export interface PublicRoomInfo {
  room_id: string;
  avatar_url?: string;
  canonical_alias?: string;
  guest_can_join: boolean;
  join_rule?: string;
  name?: string;
  num_joined_members: number;
  room_type: string;
  topic?: string;
  world_readable: boolean;
  room_version?: string;
  encryption?: string;
  allowed_room_ids?: string[];
}

export interface RoomSummary extends PublicRoomInfo {
  membership?: string;
}

export interface ChildRoomsChunk extends PublicRoomInfo {
  children_state: JsonObject[];
}

export interface Hierarchy {
  next_batch?: string;
  rooms: ChildRoomsChunk[];
}

export interface MutualRooms {
  joined: string[];
  next_batch?: string;
  count?: number;
}

export interface MediaConfig {
  "m.upload.size"?: number;
}

export interface TurnServer {
  username: string;
  password: string;
  ttl: number;
  uris: string[];
}

export interface OpenIdToken {
  access_token: string;
  expires_in: number;
  matrix_server_name: string;
  token_type: string;
}

// --- commands.rs ---

export interface JoinRoomParams {
  room_id_or_alias: string;
  via?: string[];
  reason?: string;
  from_invite?: boolean;
}

export interface EventContextResponse {
  end: string;
  start: string;
  /** Newest first. */
  before: Event[];
  event: Event;
  /** Oldest first. */
  after: Event[];
}

export interface ManualPaginationResponse {
  events: Event[];
  next_batch?: string;
}

export interface RoomStateGuid {
  room_id: string;
  type: string;
  state_key?: string;
}

export interface Mentions {
  user_ids?: string[];
  room?: boolean;
}

export interface PaginationResponse {
  events: Event[];
  related_events: Event[];
  receipts: Record<string, Receipt[]>;
  has_more: boolean;
  from_server: boolean;
}

/** Params and results of each command, by name. */
export interface Commands {
  get_state: [Record<string, never>, ClientState];
  cancel: [{ request_id: RequestId; reason?: string }, boolean];
  login: [{ homeserver_url: string; username: string; password: string }, boolean];
  logout: [Record<string, never>, boolean];
  login_custom: [{ homeserver_url: string; request: JsonObject }, boolean];
  join_room: [JoinRoomParams, { room_id: string }];
  knock_room: [JoinRoomParams, { room_id: string }];
  leave_room: [{ room_id: string; reason?: string }, boolean];
  paginate: [
    { room_id: string; max_timeline_id?: TimelineRowId; limit: number; reset?: boolean },
    PaginationResponse,
  ];
  get_event: [{ room_id: string; event_id: string; unredact?: boolean }, Event];
  get_room_state: [
    { room_id: string; refetch?: boolean; fetch_members?: boolean; include_members?: boolean },
    Event[],
  ];
  get_receipts: [{ room_id: string; event_ids: string[] }, Record<string, Receipt[]>];
  send_message: [
    {
      room_id: string;
      text: string;
      base_content?: JsonObject;
      extra?: JsonObject;
      relates_to?: JsonObject;
      mentions?: Mentions;
    },
    Event,
  ];
  send_event: [{ room_id: string; type: string; content: JsonObject }, Event];
  resend_event: [{ transaction_id: string }, Event];
  set_state: [{ room_id: string; type: string; state_key?: string; content: JsonObject }, string];
  redact_event: [{ room_id: string; event_id: string; reason?: string }, { event_id: string }];
  mark_read: [{ room_id: string; event_id: string; receipt_type: string }, boolean];
  set_typing: [{ room_id: string; timeout: number }, boolean];
  set_membership: [
    {
      action: "invite" | "kick" | "ban" | "unban";
      room_id: string;
      user_id: string;
      reason?: string;
      msc4293_redact_events?: boolean;
    },
    boolean,
  ];
  /** The spec's ReqCreateRoom fields, passed to the homeserver as they are. */
  create_room: [JsonObject, { room_id: string }];
  set_account_data: [{ room_id?: string; type: string; content: JsonObject }, boolean];
  get_profile: [{ user_id: string }, JsonObject];
  set_profile_field: [{ field: "displayname" | "avatar_url"; value: unknown }, boolean];
  mute_room: [{ room_id: string; muted: boolean }, boolean];
  get_event_context: [{ room_id: string; event_id: string; limit?: number }, EventContextResponse];
  paginate_manual: [
    { room_id: string; thread_root?: string; since?: string; direction: "b" | "f"; limit: number },
    ManualPaginationResponse,
  ];
  get_related_events: [{ room_id: string; event_id: string; relation_type?: string }, Event[]];
  get_specific_room_state: [{ keys: RoomStateGuid[] }, Event[]];
  get_room_summary: [{ room_id_or_alias: string; via?: string[] }, RoomSummary];
  get_space_hierarchy: [
    { room_id: string; from?: string; limit?: number; max_depth?: number; suggested_only?: boolean },
    Hierarchy,
  ];
  get_mutual_rooms: [{ user_id: string; next_batch?: string }, MutualRooms];
  get_media_config: [Record<string, never>, MediaConfig];
  get_turn_servers: [Record<string, never>, TurnServer];
  request_openid_token: [Record<string, never>, OpenIdToken];
  calculate_room_id: [{ timestamp: number; content: JsonObject }, string];
}

export type CommandName = keyof Commands;
export type Params<C extends CommandName> = Commands[C][0];
export type Result<C extends CommandName> = Commands[C][1];
