import { useCallback, useEffect, useEffectEvent, useState } from "react";
import type { OwnDevicesResponse, RecoveryStateResponse } from "../../rpc/types";
import type { ClientState, TrustState } from "../../rpc/types";
import { useServices, useStore } from "../../state/context";
import { securityErrorText } from "../../state/securityErrors";
import { deviceTrust } from "../../state/trustWords";
import { FormError } from "../FormError";
import { KeyExport, KeyImport } from "./KeyTransfer";
import { openSecurityDialog } from "./openDialogs";
import { TrustBadge } from "./TrustBadge";

/** An answer loaded on mount and again when `key` changes; `reload` asks again. */
function useAnswer<T>(load: () => Promise<T>, key: string) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  // `load` is a fresh closure each render; what it asks for changes with `key`.
  const loadLatest = useEffectEvent(load);
  useEffect(() => {
    let live = true;
    loadLatest().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
      },
      (e: unknown) => live && setError(securityErrorText(e instanceof Error ? e.message : String(e))),
    );
    return () => {
      live = false;
    };
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data, error, reload };
}

/** Settings → Security: this device, recovery, key files, and every device of ours. */
export function SecurityTab() {
  const { security } = useServices();
  const cs = useStore().clientState!;
  const v = cs.verification_state;
  // Asked again whenever our verification state moves (a verify, a reset, a verification).
  const key = `${v.state_checked}:${v.is_verified}:${v.has_cross_signing}:${v.has_ssss}`;
  const recovery = useAnswer(() => security.recoveryState(), key);
  const devices = useAnswer(() => security.ownDevices(), key);
  return (
    <div className="security-tab">
      <ThisDevice cs={cs} devices={devices.data} />
      <Recovery cs={cs} state={recovery.data} error={recovery.error} />
      <section className="settings-group" aria-labelledby="keys-heading">
        <h3 id="keys-heading" className="settings-heading">
          Encryption keys
        </h3>
        <p className="muted small">
          A key file holds the keys of your encrypted messages, locked with a passphrase you choose, to carry them to another app.
        </p>
        <div className="key-transfers">
          <KeyExport />
          <KeyImport />
        </div>
      </section>
      <OwnDeviceList cs={cs} devices={devices.data} error={devices.error} onReload={devices.reload} />
    </div>
  );
}

function ThisDevice({ cs, devices }: { cs: ClientState; devices: OwnDevicesResponse | null }) {
  const v = cs.verification_state;
  const current = devices?.current_device;
  const name = devices?.devices.find((d) => d.device_id === cs.device_id)?.display_name ?? current?.name;
  return (
    <section className="settings-group" aria-labelledby="this-device-heading">
      <h3 id="this-device-heading" className="settings-heading">
        This device
      </h3>
      <div className="device-card">
        <span className="device-text">
          <span className="device-name">{name || "This device"}</span>
          <span className="muted small mono">{cs.device_id}</span>
        </span>
        {!v.state_checked ? (
          <span className="muted small">Checking…</span>
        ) : (
          <TrustBadge trust={deviceTrust(v.is_verified ? "cross-signed-verified" : "unverified", true)} />
        )}
      </div>
      {v.state_checked && !v.is_verified && (
        <div className="row-actions">
          <button className="btn primary" onClick={() => openSecurityDialog({ kind: "confirm" })}>
            Verify this device
          </button>
        </div>
      )}
    </section>
  );
}

function recoveryWords(state: RecoveryStateResponse): string {
  switch (state.recovery) {
    case "enabled":
      return "Recovery is set up: your recovery key confirms new logins and unlocks your message history.";
    case "incomplete":
      return "Recovery is set up, but this device does not hold all its keys yet. Enter your recovery key to complete it.";
    case "disabled":
      return "Recovery is not set up. Without it, a new login cannot read your older messages if you lose your devices.";
    case "unknown":
      return "Checking recovery…";
  }
}

function backupWords(state: RecoveryStateResponse): string {
  if (state.backup === "enabled") return "Key backup is on: the keys of your messages are kept, encrypted, on your homeserver.";
  if (state.backup_exists) return "A key backup exists on your homeserver, but this device does not use it yet.";
  if (state.backup === "disabled") return "Key backup is off.";
  return "";
}

function Recovery({ cs, state, error }: { cs: ClientState; state: RecoveryStateResponse | null; error: string | null }) {
  const v = cs.verification_state;
  return (
    <section className="settings-group" aria-labelledby="recovery-heading">
      <h3 id="recovery-heading" className="settings-heading">
        Recovery
      </h3>
      <FormError error={error} />
      {state ? (
        <>
          <p className="small">{recoveryWords(state)}</p>
          {backupWords(state) && <p className="muted small">{backupWords(state)}</p>}
        </>
      ) : (
        !error && (
          <p className="muted small" role="status">
            <span className="spinner small" aria-hidden="true" /> Checking recovery…
          </p>
        )
      )}
      <div className="row-actions">
        {state?.recovery === "incomplete" && !v.is_verified && (
          <button className="btn primary" onClick={() => openSecurityDialog({ kind: "confirm" })}>
            Enter recovery key
          </button>
        )}
        {(state?.recovery === "disabled" || !v.has_cross_signing) && (
          <button className="btn primary" onClick={() => openSecurityDialog({ kind: "recovery", mode: "setup" })}>
            Set up recovery
          </button>
        )}
        {state?.recovery === "enabled" && v.is_verified && (
          <button className="btn" onClick={() => openSecurityDialog({ kind: "recovery", mode: "change" })}>
            Change recovery key
          </button>
        )}
        {v.has_cross_signing && (
          <button className="btn danger" onClick={() => openSecurityDialog({ kind: "recovery", mode: "reset" })}>
            Reset identity…
          </button>
        )}
      </div>
    </section>
  );
}

function lastSeen(ts: number | undefined): string {
  if (!ts) return "";
  return `Last seen ${new Date(ts).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}`;
}

/**
 * A verification between two of our devices needs one that is verified: this
 * one vouches for an unverified other, or a verified other for this one.
 */
function canVerifyWith(thisVerified: boolean, other: TrustState | undefined): boolean {
  const otherVerified = other === "cross-signed-verified" || other === "verified";
  return other !== undefined && other !== "blacklisted" && thisVerified !== otherVerified;
}

function OwnDeviceList(props: { cs: ClientState; devices: OwnDevicesResponse | null; error: string | null; onReload(): void }) {
  const { security } = useServices();
  const { cs, devices } = props;
  const [error, setError] = useState<string | null>(null);
  const trustOf = new Map(devices?.encryption.devices.map((d) => [d.device_id, d.trust_state]));
  const others = (devices?.devices ?? []).filter((d) => d.device_id !== cs.device_id);
  const verify = (deviceId: string) => {
    setError(null);
    security.requestVerification(cs.user_id ?? "", deviceId).catch((e: Error) => setError(securityErrorText(e.message)));
  };
  return (
    <section className="settings-group" aria-labelledby="devices-heading">
      <h3 id="devices-heading" className="settings-heading">
        Your other devices
      </h3>
      <FormError error={props.error ?? error} />
      {!devices && !props.error && <p className="muted small">Loading your devices…</p>}
      {devices && others.length === 0 && <p className="muted small">You are signed in nowhere else.</p>}
      <ul className="device-list">
        {others.map((d) => {
          const state = trustOf.get(d.device_id);
          return (
            <li key={d.device_id} className="device">
              <span className="device-text">
                <span className="device-name">{d.display_name || d.device_id}</span>
                <span className="muted small">
                  <span className="mono">{d.device_id}</span> {lastSeen(d.last_seen_ts)}
                </span>
              </span>
              {state ? (
                <TrustBadge trust={deviceTrust(state, true)} />
              ) : (
                <span className="muted small" title="This device has no encryption keys">
                  No encryption
                </span>
              )}
              {canVerifyWith(cs.verification_state.is_verified, state) && (
                <button
                  className="btn small"
                  onClick={() => verify(d.device_id)}
                  title={cs.verification_state.is_verified ? "Confirm that this device is yours" : "Confirm this device with that one"}
                >
                  {cs.verification_state.is_verified ? "Verify" : "Verify with it"}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {devices && (
        <button className="btn ghost small" onClick={props.onReload}>
          Refresh
        </button>
      )}
    </section>
  );
}
