import { useState } from "react";
import type { VerificationInfo } from "../../rpc/types";
import { useServices, useStore } from "../../state/context";
import { securityErrorText } from "../../state/securityErrors";
import { Icon } from "../Icon";
import { otherParty } from "./VerificationDialog";

/** Incoming verification requests, in a corner until accepted (the dialog takes over) or declined. */
export function VerificationToasts() {
  const store = useStore();
  const incoming = store.verifications.incoming();
  return (
    <section className="toasts" aria-label="Verification requests" aria-live="polite">
      {incoming.map((info) => (
        <RequestToast key={`${info.user_id} ${info.flow_id}`} info={info} other={otherParty(info, store.knownNames)} />
      ))}
    </section>
  );
}

function RequestToast({ info, other }: { info: VerificationInfo; other: string }) {
  const { security } = useServices();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const text = info.self_verification
    ? `${other.charAt(0).toUpperCase()}${other.slice(1)} wants to verify this device.`
    : `${other} wants to verify you.`;
  const accept = () => {
    setError(null);
    setBusy(true);
    security.accept(info).catch((e: Error) => {
      setError(securityErrorText(e.message));
      setBusy(false);
    });
  };
  return (
    <div className="toast" role="group" aria-label="Verification request">
      <span className="toast-icon">
        <Icon name="shield" size={22} />
      </span>
      <div className="toast-text">
        <p>{text}</p>
        {error && <p className="form-error small">{error}</p>}
        <div className="toast-actions">
          <button className="btn small" onClick={() => void security.decline(info)}>
            Decline
          </button>
          <button className="btn primary small" onClick={accept} disabled={busy}>
            {busy ? "Accepting…" : "Accept"}
          </button>
        </div>
      </div>
    </div>
  );
}
