// TEMPORARY: the encryption wire types of docs/rpc.md ("Encryption"), typed
// here only until crates/rpc has them and generated.ts carries them (the
// lead's "rpc: encryption" commit). Then this file goes and everything
// imports from ./types.

import type { RpcClient } from "./client";

export type VerificationFlowState =
  | "requested"
  | "ready"
  | "starting"
  | "sas"
  | "confirmed"
  | "qr_shown"
  | "qr_scanned"
  | "done"
  | "cancelled";

export interface SasEmoji {
  symbol: string;
  description: string;
}

export interface VerificationQrCode {
  size: number;
  modules: string;
}

export interface VerificationCancel {
  code: string;
  reason: string;
  by_us: boolean;
}

export interface VerificationInfo {
  flow_id: string;
  user_id: string;
  device_id?: string;
  device_name?: string;
  self_verification: boolean;
  we_started: boolean;
  room_id?: string;
  state: VerificationFlowState;
  methods: string[];
  emoji?: SasEmoji[];
  decimals?: [number, number, number];
  qr_code?: VerificationQrCode;
  cancel?: VerificationCancel;
}

export type TrustState =
  | "blacklisted"
  | "unverified"
  | "verified"
  | "cross-signed-untrusted"
  | "cross-signed-tofu"
  | "cross-signed-verified";

export interface ProfileDevice {
  device_id: string;
  name: string;
  identity_key: string;
  signing_key: string;
  fingerprint: string;
  trust_state: TrustState;
}

export interface ProfileEncryptionInfo {
  devices_tracked: boolean;
  devices: ProfileDevice[];
  master_key: string;
  first_master_key: string;
  user_trusted: boolean;
  errors: string[];
  identity_changed: boolean;
}

export interface OwnDevice {
  device_id: string;
  display_name?: string;
  last_seen_ip?: string;
  last_seen_ts?: number;
}

export interface OwnDevices {
  encryption: ProfileEncryptionInfo;
  devices: OwnDevice[];
  current_device: ProfileDevice;
}

export interface RecoveryState {
  recovery: "enabled" | "incomplete" | "disabled" | "unknown";
  backup: "enabled" | "disabled" | "unknown";
  backup_exists: boolean;
  room_keys: { total: number; backed_up: number };
}

export interface RecoveryKeyResponse {
  recovery_key: string;
  passphrase_meta?: unknown;
}

export interface ImportKeysResult {
  imported: number;
  total: number;
}

type FlowParams = { user_id: string; flow_id: string };

/** The encryption commands of docs/rpc.md: params and result by name. */
export interface EncryptionCommands {
  verify: [{ recovery_key: string }, boolean];
  generate_recovery_key: [{ passphrase?: string }, RecoveryKeyResponse];
  reset_encryption: [{ recovery_key: string; account_password?: string }, boolean];
  change_recovery_key: [{ recovery_key: string }, boolean];
  get_recovery_state: [Record<string, never>, RecoveryState];
  track_user_devices: [{ user_id: string }, ProfileEncryptionInfo];
  get_profile_encryption_info: [{ user_id: string }, ProfileEncryptionInfo];
  reset_master_key_tofu: [{ user_id: string }, ProfileEncryptionInfo];
  get_own_devices: [Record<string, never>, OwnDevices];
  export_keys: [{ passphrase: string; room_id?: string }, string];
  import_keys: [{ data: string; passphrase: string }, ImportKeysResult];
  request_verification: [{ user_id: string; device_id?: string }, VerificationInfo];
  accept_verification: [FlowParams, VerificationInfo];
  start_sas_verification: [FlowParams, VerificationInfo];
  show_verification_qr: [FlowParams, VerificationInfo];
  confirm_verification: [FlowParams, VerificationInfo];
  mismatch_verification: [FlowParams, VerificationInfo];
  cancel_verification: [FlowParams, VerificationInfo];
  get_verifications: [Record<string, never>, VerificationInfo[]];
}

/** client.request for the commands above, until Commands has them. */
export function encryptionRequest<C extends keyof EncryptionCommands>(
  client: RpcClient,
  command: C,
  data: EncryptionCommands[C][0],
): Promise<EncryptionCommands[C][1]> {
  const untyped = client.request as unknown as (c: string, d: unknown) => Promise<EncryptionCommands[C][1]>;
  return untyped.call(client, command, data);
}
