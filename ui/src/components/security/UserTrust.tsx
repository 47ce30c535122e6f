import { useEffect } from "react";
import { useServices, useStore } from "../../state/context";
import { deviceTrust, userTrust } from "../../state/trustWords";
import { FormError } from "../FormError";
import { TrustBadge } from "./TrustBadge";
import { useAction } from "./useAction";
import { useUserTrust } from "./useTrust";

/**
 * A user's identity and devices with their trust, and what can be done about
 * it: verify them (a verification in our DM), or accept an identity that
 * changed. For ourselves, the devices only (Settings → Security verifies).
 */
export function UserTrust({ userId, name }: { userId: string; name: string }) {
  const { security } = useServices();
  const own = useStore().ownUserId === userId;
  const info = useUserTrust(userId);
  const { busy, error, run } = useAction();
  // Someone whose devices the backend does not follow yet: fetch them once.
  const untracked = info?.devices_tracked === false;
  useEffect(() => {
    if (untracked) security.trackUser(userId).catch(() => {});
  }, [untracked, security, userId]);

  if (!info) {
    return (
      <p className="muted small" role="status">
        <span className="spinner small" aria-hidden="true" /> Looking up {name}'s devices…
      </p>
    );
  }
  const trust = userTrust(info);
  const canVerify = !own && info.master_key !== "" && (!info.user_trusted || info.identity_changed);
  return (
    <div className="user-trust">
      {!own && (
        <div className={`user-trust-summary ${trust.tone}`}>
          <TrustBadge trust={trust} />
          <p className="small">{trust.detail}</p>
        </div>
      )}
      <div className="stack">
        {canVerify && (
          <button className="btn primary" onClick={() => void run(() => security.requestVerification(userId))} disabled={busy}>
            {info.identity_changed ? "Verify again" : `Verify ${name}`}
          </button>
        )}
        {info.identity_changed && (
          <button className="btn" onClick={() => void run(() => security.acceptIdentity(userId))} disabled={busy}>
            Accept the new identity
          </button>
        )}
      </div>
      <FormError error={error} />
      <h4 className="section-label">{own ? "Your devices" : "Devices"}</h4>
      {info.devices.length === 0 ? (
        <p className="muted small">{info.devices_tracked ? "No devices with encryption." : "Looking up devices…"}</p>
      ) : (
        <ul className="device-list compact">
          {info.devices.map((d) => (
            <li key={d.device_id} className="device">
              <span className="device-text">
                <span className="device-name">{d.name || d.device_id}</span>
                <span className="muted small mono">{d.device_id}</span>
              </span>
              <TrustBadge trust={deviceTrust(d.trust_state, own)} />
            </li>
          ))}
        </ul>
      )}
      {info.errors.length > 0 && <p className="muted small">{info.errors.join(" ")}</p>}
    </div>
  );
}
