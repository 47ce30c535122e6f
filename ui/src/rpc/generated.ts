// Generated from crates/rpc/src by crates/rpc/tests/generated_types.rs.
// Do not edit: change the Rust types, then run
// TRELLIS_WRITE_TYPES=1 cargo test -p trellis-rpc --test generated_types

// --- commands.rs ---

/** Params and result of each command, by name. */
export interface Commands {
  get_state: [NoParams, ClientState];
  cancel: [CancelRequestParams, boolean];
  login: [LoginParams, boolean];
  login_custom: [LoginCustomParams, boolean];
  logout: [NoParams, boolean];
  join_room: [JoinRoomParams, JoinRoomResponse];
  knock_room: [JoinRoomParams, JoinRoomResponse];
  leave_room: [LeaveRoomParams, boolean];
  paginate: [PaginateParams, PaginationResponse];
  get_event: [GetEventParams, Event];
  get_room_state: [GetRoomStateParams, Event[]];
  get_receipts: [GetReceiptsParams, Record<string, Receipt[]>];
  send_message: [SendMessageParams, Event];
  send_event: [SendEventParams, Event];
  resend_event: [ResendEventParams, Event];
  /** Answers the new state event's ID. */
  set_state: [SetStateParams, string];
  redact_event: [RedactEventParams, RedactEventResponse];
  mark_read: [MarkReadParams, boolean];
  set_typing: [SetTypingParams, boolean];
  set_membership: [SetMembershipParams, boolean];
  /** The spec's `ReqCreateRoom` fields, checked and passed to the homeserver. */
  create_room: [JsonObject, CreateRoomResponse];
  set_account_data: [SetAccountDataParams, boolean];
  /** Answers the profile as the homeserver gave it. */
  get_profile: [GetProfileParams, JsonObject];
  set_profile_field: [SetProfileFieldParams, boolean];
  /** Answers the previous mute state. */
  mute_room: [MuteRoomParams, boolean];
  get_event_context: [GetEventContextParams, EventContextResponse];
  paginate_manual: [PaginateManualParams, ManualPaginationResponse];
  /** The local full-text index; `next_batch` is an offset into the results. */
  search_local: [SearchParams, ManualPaginationResponse];
  search_server: [SearchServerParams, ManualPaginationResponse];
  get_mentions: [GetMentionsParams, Event[]];
  get_related_events: [GetRelatedEventsParams, Event[]];
  /** The room's sticky events (MSC4354) still active, oldest first. */
  get_sticky_events: [GetStickyEventsParams, Event[]];
  get_specific_room_state: [GetSpecificRoomStateParams, Event[]];
  get_room_summary: [GetRoomSummaryParams, RoomSummary];
  get_space_hierarchy: [GetHierarchyParams, Hierarchy];
  get_mutual_rooms: [GetMutualRoomsParams, MutualRooms];
  get_media_config: [NoParams, MediaConfig];
  get_turn_servers: [NoParams, TurnServer];
  request_openid_token: [NoParams, OpenIdToken];
  /** Answers the room ID. */
  calculate_room_id: [CalculateRoomIdParams, string];
  verify: [VerifyParams, boolean];
  generate_recovery_key: [GenerateRecoveryKeyParams, RecoveryKeyResponse];
  reset_encryption: [ResetEncryptionParams, boolean];
  change_recovery_key: [ChangeRecoveryKeyParams, boolean];
  get_recovery_state: [NoParams, RecoveryStateResponse];
  track_user_devices: [UserIdParams, ProfileEncryptionInfo];
  get_profile_encryption_info: [UserIdParams, ProfileEncryptionInfo];
  reset_master_key_tofu: [UserIdParams, ProfileEncryptionInfo];
  get_own_devices: [NoParams, OwnDevicesResponse];
  ensure_group_session_shared: [RoomIdParams, boolean];
  /** Answers the passphrase-encrypted export file's text. */
  export_keys: [ExportKeysParams, string];
  import_keys: [ImportKeysParams, ImportKeysResponse];
  request_verification: [RequestVerificationParams, VerificationInfo];
  accept_verification: [VerificationFlowParams, VerificationInfo];
  start_sas_verification: [VerificationFlowParams, VerificationInfo];
  show_verification_qr: [VerificationFlowParams, VerificationInfo];
  confirm_verification: [VerificationFlowParams, VerificationInfo];
  mismatch_verification: [VerificationFlowParams, VerificationInfo];
  cancel_verification: [VerificationFlowParams, VerificationInfo];
  get_verifications: [NoParams, VerificationInfo[]];
}

/** The data of commands that take none: an empty object. */
export type NoParams = Record<string, never>;

/** `cancel`. */
export interface CancelRequestParams {
  request_id: number;
  reason?: string | null;
}

/**
 * `login`: the homeserver may be a URL or a bare server name, the username a
 * localpart or a full user ID.
 */
export interface LoginParams {
  homeserver_url: string;
  username: string;
  password: string;
}

/** `login_custom`: a raw `/login` request body, sent as it is. */
export interface LoginCustomParams {
  homeserver_url: string;
  request: JsonObject;
}

/** `join_room` and `knock_room`. */
export interface JoinRoomParams {
  room_id_or_alias: string;
  via?: string[];
  reason?: string | null;
  from_invite?: boolean;
}

/** `mautrix.RespJoinRoom`. */
export interface JoinRoomResponse {
  room_id: string;
}

/** `mautrix.RespCreateRoom`. */
export interface CreateRoomResponse {
  room_id: string;
}

/** `leave_room`. */
export interface LeaveRoomParams {
  room_id: string;
  reason?: string | null;
}

/** `paginate`. */
export interface PaginateParams {
  room_id: string;
  max_timeline_id?: number;
  limit: number;
  reset?: boolean;
}

/** The result of `paginate`: newest first. */
export interface PaginationResponse {
  events: Event[];
  /** Events the page refers to (reply targets) that are not in it. */
  related_events: Event[];
  receipts: Record<string, Receipt[]>;
  has_more: boolean;
  from_server: boolean;
}

/** `get_event`. */
export interface GetEventParams {
  room_id: string;
  event_id: string;
  unredact?: boolean;
}

/** `get_room_state`. */
export interface GetRoomStateParams {
  room_id: string;
  refetch?: boolean;
  fetch_members?: boolean;
  include_members?: boolean;
}

/** `get_receipts`: the receipts on each of the given events. */
export interface GetReceiptsParams {
  room_id: string;
  event_ids: string[];
}

/** `send_message`: text is markdown unless base_content says otherwise. */
export interface SendMessageParams {
  room_id: string;
  base_content?: JsonObject | null;
  extra?: JsonObject | null;
  text?: string;
  relates_to?: unknown;
  mentions?: Mentions | null;
  /**
   * Trellis: a client-chosen ID; sending again with it returns the
   * first send's event instead of sending twice (docs/rpc.md).
   */
  transaction_id?: string | null;
}

/** `m.mentions`. */
export interface Mentions {
  user_ids?: string[];
  room?: boolean;
}

/** `send_event`. */
export interface SendEventParams {
  room_id: string;
  type: string;
  content: JsonObject;
  disable_encryption?: boolean;
  synchronous?: boolean;
  /** Trellis: as in `send_message`. */
  transaction_id?: string | null;
}

/** `resend_event`. */
export interface ResendEventParams {
  transaction_id: string;
}

/** `set_state`: returns the new event's ID. */
export interface SetStateParams {
  room_id: string;
  type: string;
  state_key?: string;
  content: JsonObject;
}

/** `redact_event`. */
export interface RedactEventParams {
  room_id: string;
  event_id: string;
  reason?: string | null;
}

/** `mautrix.RespSendEvent`, the result of `redact_event`. */
export interface RedactEventResponse {
  event_id: string;
}

/**
 * `mark_read`: moves a receipt (m.read, m.read.private) or the read
 * marker (m.fully_read) to an event.
 */
export interface MarkReadParams {
  room_id: string;
  event_id: string;
  receipt_type: string;
}

/** `set_typing`: timeout in milliseconds; 0 stops typing. */
export interface SetTypingParams {
  room_id: string;
  timeout?: number;
}

/** `set_membership`: invite, kick, ban or unban. */
export interface SetMembershipParams {
  action: string;
  room_id: string;
  user_id: string;
  reason?: string | null;
  msc4293_redact_events?: boolean;
}

/** `set_account_data`: room data when room_id is set. */
export interface SetAccountDataParams {
  room_id?: string | null;
  type: string;
  content: JsonObject;
}

/** `get_profile`. */
export interface GetProfileParams {
  user_id: string;
}

/** `set_profile_field`. */
export interface SetProfileFieldParams {
  field: string;
  value?: unknown;
}

/** `mute_room`: answers the previous mute state. */
export interface MuteRoomParams {
  room_id: string;
  muted: boolean;
}

/**
 * `get_event_context`: `limit` events around the event (the homeserver's
 * default when 0).
 */
export interface GetEventContextParams {
  room_id: string;
  event_id: string;
  limit?: number;
}

/**
 * The result of `get_event_context`: `before` newest first and `after`
 * oldest first, as the homeserver's `/context` orders them.
 */
export interface EventContextResponse {
  end: string;
  start: string;
  before: Event[];
  event: Event;
  after: Event[];
}

/**
 * `paginate_manual`: `/messages` from a token, or a thread's events
 * (`/relations/{thread_root}/m.thread`) when `thread_root` is set.
 */
export interface PaginateManualParams {
  room_id: string;
  thread_root?: string | null;
  since?: string | null;
  /** `b` (backwards) or `f` (forwards). */
  direction: string;
  limit: number;
}

/** The result of `paginate_manual`, in the order the homeserver gave. */
export interface ManualPaginationResponse {
  events: Event[];
  next_batch?: string;
}

/**
 * `search_local`: words of `search_term` (the last one as a prefix) in
 * stored messages, optionally narrowed by room, sender, time and a
 * substring of the raw content.
 */
export interface SearchParams {
  search_term: string;
  raw_like?: string | null;
  limit?: number;
  room_ids?: string[] | null;
  senders?: string[] | null;
  min_timestamp?: number | null;
  max_timestamp?: number | null;
  include_redacted?: boolean;
  sort_by_time?: boolean;
  next_batch?: string | null;
}

/** `search_server`: the homeserver's `/search` over room events. */
export interface SearchServerParams {
  search_term: string;
  limit?: number;
  room_ids?: string[] | null;
  senders?: string[] | null;
  sort_by_time?: boolean;
  next_batch?: string | null;
}

/**
 * `get_mentions`: stored events whose unread type has a bit of `type`
 * (highlight when 0), at or before `max_timestamp`, newest first.
 */
export interface GetMentionsParams {
  max_timestamp: number;
  type?: number;
  limit?: number;
  room_id?: string | null;
}

/**
 * `get_related_events`: stored events relating to one; all relation types
 * when `relation_type` is empty.
 */
export interface GetRelatedEventsParams {
  room_id: string;
  event_id: string;
  relation_type?: string;
}

/** `get_sticky_events`. */
export interface GetStickyEventsParams {
  room_id: string;
}

/** `get_specific_room_state`. */
export interface GetSpecificRoomStateParams {
  keys: RoomStateGuid[];
}

/** One state event's address (`database.RoomStateGUID`). */
export interface RoomStateGuid {
  room_id: string;
  type: string;
  state_key?: string;
}

/** `get_room_summary`. */
export interface GetRoomSummaryParams {
  room_id_or_alias: string;
  via?: string[];
}

/** `get_space_hierarchy`. */
export interface GetHierarchyParams {
  room_id: string;
  from?: string | null;
  limit?: number;
  max_depth?: number | null;
  suggested_only?: boolean;
}

/** `get_mutual_rooms`. */
export interface GetMutualRoomsParams {
  user_id: string;
  next_batch?: string | null;
}

/**
 * `calculate_room_id`: the ID a v12+ room gets when its create event has
 * this content and timestamp and we send it.
 */
export interface CalculateRoomIdParams {
  timestamp: number;
  content: JsonObject;
}

// --- crypto.rs ---

/** `verify`: the recovery key (spaces optional) or the passphrase. */
export interface VerifyParams {
  recovery_key: string;
}

/** `generate_recovery_key`. */
export interface GenerateRecoveryKeyParams {
  passphrase?: string;
}

/** How a passphrase becomes the key (`m.pbkdf2`). */
export interface PassphraseMeta {
  algorithm: string;
  salt: string;
  iterations: number;
  bits?: number;
}

/** The result of `generate_recovery_key`. */
export interface RecoveryKeyResponse {
  recovery_key: string;
  passphrase_meta?: PassphraseMeta;
}

/**
 * `reset_encryption`: a key from `generate_recovery_key`, and the account
 * password for the homeserver's user-interactive auth when it asks.
 */
export interface ResetEncryptionParams {
  recovery_key: string;
  account_password?: string | null;
}

/** `change_recovery_key`: a key from `generate_recovery_key`. */
export interface ChangeRecoveryKeyParams {
  recovery_key: string;
}

/** `track_user_devices`, `get_profile_encryption_info`, `reset_master_key_tofu`. */
export interface UserIdParams {
  user_id: string;
}

/** How far a device is trusted, with gomuks's names. */
export type TrustState = "blacklisted" | "unverified" | "verified" | "cross-signed-untrusted" | "cross-signed-tofu" | "cross-signed-verified";

/** One device of a user, with its keys. */
export interface ProfileDevice {
  device_id: string;
  name: string;
  identity_key: string;
  signing_key: string;
  fingerprint: string;
  trust_state: TrustState;
}

/** A user's devices and identity as this device knows them. */
export interface ProfileEncryptionInfo {
  devices_tracked: boolean;
  devices: ProfileDevice[];
  master_key: string;
  first_master_key: string;
  user_trusted: boolean;
  errors: string[];
  /** The identity changed since we first saw or verified it (Trellis). */
  identity_changed: boolean;
}

/** One of our devices as the homeserver lists it. */
export interface OwnDevice {
  device_id: string;
  display_name?: string;
  last_seen_ip?: string;
  last_seen_ts?: number;
}

/** The result of `get_own_devices`. */
export interface OwnDevicesResponse {
  encryption: ProfileEncryptionInfo;
  devices: OwnDevice[];
  current_device: ProfileDevice;
}

/** `ensure_group_session_shared`. */
export interface RoomIdParams {
  room_id: string;
}

/** `export_keys`: all room keys, or one room's. */
export interface ExportKeysParams {
  passphrase: string;
  room_id?: string | null;
}

/** `import_keys`: the text of a key export file. */
export interface ImportKeysParams {
  data: string;
  passphrase: string;
}

/** The result of `import_keys`. */
export interface ImportKeysResponse {
  imported: number;
  total: number;
}

/** Whether recovery (secret storage with every secret) is set up. */
export type RecoveryStatus = "unknown" | "enabled" | "incomplete" | "disabled";

/** Whether this device backs up its room keys. */
export type BackupStatus = "enabled" | "disabled";

/** The result of `get_recovery_state`. */
export interface RecoveryStateResponse {
  recovery: RecoveryStatus;
  backup: BackupStatus;
  /** A key backup exists on the homeserver (this device may not use it). */
  backup_exists: boolean;
}

/**
 * `request_verification`: our own user without a device asks every other
 * device of ours.
 */
export interface RequestVerificationParams {
  user_id: string;
  device_id?: string | null;
}

/** The other commands of a verification flow name it by user and flow. */
export interface VerificationFlowParams {
  user_id: string;
  flow_id: string;
}

/** Where a verification flow is; see docs/rpc.md for the transitions. */
export type VerificationPhase = "requested" | "ready" | "starting" | "sas" | "confirmed" | "qr_shown" | "qr_scanned" | "done" | "cancelled";

/** One emoji of a short authentication string. */
export interface SasEmoji {
  symbol: string;
  description: string;
}

/** A QR code as its modules: `size` rows of `size` characters, `1` dark. */
export interface QrCode {
  size: number;
  modules: string;
}

/** Why a flow was cancelled, and by whom. */
export interface VerificationCancel {
  code: string;
  reason: string;
  by_us: boolean;
}

/**
 * A verification flow's whole state: the `verification` event, and the
 * result of every verification command.
 */
export interface VerificationInfo {
  flow_id: string;
  /** The other party; our own user for our own devices. */
  user_id: string;
  device_id?: string;
  device_name?: string;
  self_verification: boolean;
  we_started: boolean;
  room_id?: string;
  state: VerificationPhase;
  /** What the other side supports, e.g. `m.sas.v1`. */
  methods: string[];
  emoji?: SasEmoji[];
  /** Three numbers, the short authentication string for those without emoji. */
  decimals?: number[];
  qr_code?: QrCode;
  cancel?: VerificationCancel;
}

// --- envelope.rs ---

/** Request ids count up from the frontend; backend events count down from -1. */
export type RequestId = number;

/** What a transport sends out: a reply to a request or a backend event. */
export interface Envelope<T = unknown> {
  command: string;
  request_id: RequestId;
  data: T;
}

/**
 * An incoming request as read off the wire. `data` stays raw until the
 * command's handler knows which type to parse it into.
 */
export interface IncomingRequest {
  command: string;
  /** Absent (or 0) means "don't reply" as the spec says. */
  request_id?: RequestId;
  data?: JsonObject | null;
}

/** The reply command names of the spec. */
export const RESPONSE = "response";

export const ERROR = "error";

// --- events.rs ---

/** The payload of each backend event, by name. */
export interface BackendEvents {
  sync_complete: SyncComplete;
  sync_status: SyncStatus;
  events_decrypted: EventsDecrypted;
  typing: Typing;
  send_complete: SendComplete;
  client_state: ClientState;
  init_complete: InitComplete;
  run_id: RunData;
  /** Trellis: a verification flow's whole state, at every change. */
  verification: VerificationInfo;
  /** Websocket only: a short-lived token for media fetches without the cookie. */
  image_auth_token: string;
}

/**
 * `sync_complete`. Every field the spec lists is always sent, empty or
 * not, so frontends need no presence checks.
 */
export interface SyncComplete {
  since?: string;
  clear_state: boolean;
  account_data: Record<string, AccountData>;
  rooms: Record<string, SyncRoom>;
  left_rooms: string[];
  invited_rooms: InvitedRoom[];
  space_edges: Record<string, SpaceEdge[]>;
  /** `null` leaves the frontend's list as it is; a list replaces it. */
  top_level_spaces: string[] | null;
}

/** One room's part of a `sync_complete`. */
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

/** An event the push rules say should notify. */
export interface SyncNotification {
  event_rowid: EventRowId;
  sound: boolean;
  highlight: boolean;
  /**
   * Trellis: the notification's title (the room's name), made by the
   * backend so every frontend shows the same.
   */
  title: string;
  /** Trellis: its body ("Alice: the message", display names, cut short). */
  body: string;
}

/** `sync_status.type`. */
export type SyncStatusType = "ok" | "waiting" | "erroring" | "permanently-failed";

/** `sync_status`. */
export interface SyncStatus {
  type: SyncStatusType;
  error?: string;
  error_count: number;
  last_sync?: number;
}

/** `client_state.verification_state`. */
export interface VerificationState {
  is_verified: boolean;
  state_checked: boolean;
  has_cross_signing: boolean;
  has_ssss: boolean;
}

/** `client_state`, also the result of `get_state`. */
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

/** `run_id`. */
export interface RunData {
  run_id: string;
  etag: string;
  vapid_key: string;
}

/** `init_complete` carries an empty object. */
export type InitComplete = Record<string, never>;

/** `typing`: the users typing in a room right now. */
export interface Typing {
  room_id: string;
  user_ids: string[];
}

/** `send_complete`. */
export interface SendComplete {
  event: Event;
  error: string | null;
}

/** `events_decrypted`: events that failed to decrypt at first and now have. */
export interface EventsDecrypted {
  room_id: string;
  preview_event_rowid?: EventRowId;
  events: Event[];
}

// --- homeserver.rs ---

/**
 * What the room directory, summaries and hierarchies say about a room
 * (`mautrix.PublicRoomInfo`).
 */
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

/** `get_room_summary`. */
export interface RoomSummary extends PublicRoomInfo {
  /** Our membership; `leave` when the homeserver does not know the room. */
  membership?: string;
}

/** `get_space_hierarchy`. */
export interface Hierarchy {
  next_batch?: string;
  rooms: ChildRoomsChunk[];
}

/** One room of a space hierarchy with its `m.space.child` events. */
export interface ChildRoomsChunk extends PublicRoomInfo {
  /** Plain JSON: a flattened struct cannot hold raw values. */
  children_state: unknown[];
}

/** `get_mutual_rooms`. */
export interface MutualRooms {
  joined: string[];
  next_batch?: string;
  count?: number;
}

/** `get_media_config`. */
export interface MediaConfig {
  "m.upload.size"?: number;
}

/**
 * `get_turn_servers`. A homeserver without TURN answers `{}`, which
 * arrives as empty fields (no `uris`).
 */
export interface TurnServer {
  username: string;
  password: string;
  ttl: number;
  uris: string[];
}

/** `request_openid_token`. */
export interface OpenIdToken {
  access_token: string;
  expires_in: number;
  matrix_server_name: string;
  token_type: string;
}

// --- model.rs ---

/**
 * A JSON object passed through as it is. Raw JSON fields
 * (`Box<RawValue>`) hold one too: event content, unsigned data, request
 * bodies, which the Matrix spec makes objects.
 */
export type JsonObject = Record<string, unknown>;

export type EventRowId = number;

export type TimelineRowId = number;

/** Unread bitmask of an event: which counters it raises. */
export const UnreadType = {
  Normal: 1,
  Notify: 2,
  Highlight: 4,
  Sound: 8,
} as const;

/** `database.Event`. */
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
  /**
   * Absent (local echoes) is kept as `None` in the store, which tells
   * echoes apart; frontends read fields of it unchecked, so it goes out
   * as `{}`.
   */
  unsigned: JsonObject;
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

/** `database.LocalContent`: what the backend derived from an event's content. */
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

/** How good a room's name is, in gomuks's order. */
export const NameQuality = {
  Nil: 0,
  Participants: 1,
  CanonicalAlias: 2,
  Explicit: 3,
} as const;

/** `database.Room`: a joined room's metadata as the room list needs it. */
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

/** The `summary` block of a sync room (heroes and member counts). */
export interface LazyLoadSummary {
  "m.heroes"?: string[];
  "m.joined_member_count"?: number;
  "m.invited_member_count"?: number;
}

/** `database.TimelineRowTuple`. */
export interface TimelineRowTuple {
  timeline_rowid: TimelineRowId;
  event_rowid: EventRowId;
}

/** `database.Receipt`. */
export interface Receipt {
  room_id?: string;
  user_id: string;
  receipt_type: string;
  thread_id?: string;
  event_id: string;
  timestamp: number;
}

/** `database.AccountData`, global or per room. */
export interface AccountData {
  user_id: string;
  room_id?: string;
  type: string;
  content: JsonObject;
}

/** `database.InvitedRoom`. */
export interface InvitedRoom {
  room_id: string;
  created_at: number;
  /** Stripped state events, passed through as the homeserver sent them. */
  invite_state: JsonObject[];
}

/** `database.SpaceEdge`. */
export interface SpaceEdge {
  space_id?: string;
  child_id: string;
  child_event_rowid?: EventRowId;
  order?: string;
  suggested?: boolean;
  parent_event_rowid?: EventRowId;
  canonical?: boolean;
}
