import type { RpcClient } from "../rpc/client";
import type { ClientState, CommandName, Params, ProfileEncryptionInfo, Result, VerificationInfo } from "../rpc/types";
import type { Store } from "./store";

const RETRY_AFTER_MS = 30_000;

type FlowCommand =
  | "accept_verification"
  | "start_sas_verification"
  | "show_verification_qr"
  | "confirm_verification"
  | "mismatch_verification"
  | "cancel_verification";

/**
 * What the backend knows about other users' devices and identities, asked
 * for as views need it (one request per user) and asked again when our own
 * trust changes (a verify makes cross-signed devices verified) or after we
 * verified someone. Views subscribe per user, so one answer re-renders only
 * the tiles of that sender.
 */
export class TrustCache {
  private infos = new Map<string, ProfileEncryptionInfo>();
  private asked = new Set<string>();
  private listeners = new Set<() => void>();

  constructor(private readonly fetch: (userId: string) => Promise<ProfileEncryptionInfo>) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  peek(userId: string): ProfileEncryptionInfo | undefined {
    return this.infos.get(userId);
  }

  /** Asks once per user; after a failure, a view that needs it may ask again a little later. */
  want(userId: string): void {
    if (this.asked.has(userId)) return;
    this.asked.add(userId);
    this.load(userId);
  }

  /** Asks again for one user, or for every user asked about so far. */
  refresh(userId?: string): void {
    for (const id of userId ? [userId] : [...this.asked]) {
      this.asked.add(id);
      this.load(id);
    }
  }

  set(userId: string, info: ProfileEncryptionInfo): void {
    this.infos.set(userId, info);
    for (const l of this.listeners) l();
  }

  clear(): void {
    this.infos.clear();
    this.asked.clear();
    for (const l of this.listeners) l();
  }

  private load(userId: string): void {
    this.fetch(userId).then(
      (info) => this.set(userId, info),
      // Not at once: every tile of that sender would ask again as it mounts.
      () => setTimeout(() => this.asked.delete(userId), RETRY_AFTER_MS),
    );
  }
}

function verificationKey(cs: ClientState | null): string {
  const v = cs?.verification_state;
  return v ? `${cs.user_id}:${v.is_verified}:${v.has_cross_signing}:${v.has_ssss}` : "";
}

/**
 * The encryption commands the UI uses (docs/rpc.md, "Encryption"), keeping
 * the store's verification flows and the trust cache in step with their
 * answers.
 */
export class Security {
  readonly trust: TrustCache;

  constructor(
    private readonly client: RpcClient,
    private readonly store: Store,
  ) {
    this.trust = new TrustCache((userId) => this.call("get_profile_encryption_info", { user_id: userId }));
    let seen = verificationKey(store.clientState);
    client.onEvent((command, data) => {
      if (command === "client_state") {
        const now = verificationKey(data as ClientState);
        if (!(data as ClientState).is_logged_in) this.trust.clear();
        else if (now !== seen) this.trust.refresh();
        seen = now;
      } else if (command === "verification") {
        const info = data as VerificationInfo;
        if (info.state === "done" && !info.self_verification) this.trust.refresh(info.user_id);
      }
    });
  }

  private call<C extends CommandName>(command: C, data: Params<C>): Promise<Result<C>> {
    return this.client.request(command, data);
  }

  // --- this device and recovery ---------------------------------------------------

  /** Unlocks secret storage with the recovery key or passphrase; a client_state follows. */
  async verify(recoveryKey: string): Promise<void> {
    await this.call("verify", { recovery_key: recoveryKey });
  }

  async generateRecoveryKey(): Promise<string> {
    return (await this.call("generate_recovery_key", {})).recovery_key;
  }

  /** New identity, backup and secret storage under `recoveryKey` (from generateRecoveryKey). */
  async resetEncryption(recoveryKey: string, accountPassword?: string): Promise<void> {
    const params = accountPassword ? { recovery_key: recoveryKey, account_password: accountPassword } : { recovery_key: recoveryKey };
    await this.call("reset_encryption", params);
  }

  async changeRecoveryKey(recoveryKey: string): Promise<void> {
    await this.call("change_recovery_key", { recovery_key: recoveryKey });
  }

  recoveryState() {
    return this.call("get_recovery_state", {});
  }

  ownDevices() {
    return this.call("get_own_devices", {});
  }

  exportKeys(passphrase: string): Promise<string> {
    return this.call("export_keys", { passphrase });
  }

  importKeys(data: string, passphrase: string) {
    return this.call("import_keys", { data, passphrase });
  }

  // --- other users ------------------------------------------------------------------

  /** Fetches the user's devices from the homeserver if they are not tracked yet. */
  async trackUser(userId: string): Promise<ProfileEncryptionInfo> {
    const info = await this.call("track_user_devices", { user_id: userId });
    this.trust.set(userId, info);
    return info;
  }

  /** Accepts a changed identity as the user's new one, without verifying it. */
  async acceptIdentity(userId: string): Promise<void> {
    this.trust.set(userId, await this.call("reset_master_key_tofu", { user_id: userId }));
  }

  // --- interactive verification -----------------------------------------------------

  /** Our own user without a device: every other device of ours is asked. */
  async requestVerification(userId: string, deviceId?: string): Promise<VerificationInfo> {
    const info = await this.call("request_verification", deviceId ? { user_id: userId, device_id: deviceId } : { user_id: userId });
    this.store.verifications.answer(info, undefined);
    this.store.changed();
    return info;
  }

  /** Accepts an incoming request; its answer (or the next event) moves it to the dialog. */
  accept(info: VerificationInfo): Promise<void> {
    return this.flow("accept_verification", info);
  }

  startEmoji(info: VerificationInfo): Promise<void> {
    return this.flow("start_sas_verification", info);
  }

  showQr(info: VerificationInfo): Promise<void> {
    return this.flow("show_verification_qr", info);
  }

  /** The emoji match (sas), or the other device scanned our code (qr_scanned). */
  confirm(info: VerificationInfo): Promise<void> {
    return this.flow("confirm_verification", info);
  }

  mismatch(info: VerificationInfo): Promise<void> {
    return this.flow("mismatch_verification", info);
  }

  /**
   * Cancels a flow. If the backend no longer knows it, there is nothing left
   * to cancel: it goes from the screen all the same.
   */
  async cancel(info: VerificationInfo): Promise<void> {
    try {
      await this.flow("cancel_verification", info);
    } catch {
      this.dismiss(info);
    }
  }

  /** Declines an incoming request: cancelled there, gone here. */
  async decline(info: VerificationInfo): Promise<void> {
    this.dismiss(info);
    await this.flow("cancel_verification", info).catch(() => {});
  }

  dismiss(info: VerificationInfo): void {
    this.store.verifications.dismiss(info.user_id, info.flow_id);
    this.store.changed();
  }

  private async flow(command: FlowCommand, info: VerificationInfo): Promise<void> {
    const askedIn = this.store.verifications.get(info.user_id, info.flow_id)?.state;
    const answer = await this.call(command, { user_id: info.user_id, flow_id: info.flow_id });
    this.store.verifications.answer(answer, askedIn);
    this.store.changed();
  }
}
