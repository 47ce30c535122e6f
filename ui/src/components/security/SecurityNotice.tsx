import { useStore } from "../../state/context";
import { setPromptFlag, useSecurityPrompt } from "../../state/securityPrompt";
import { Icon } from "../Icon";
import { openSecurityDialog, useSecurityDialog } from "./openDialogs";

/**
 * A quiet line at the foot of the room list about this device's encryption:
 * the backend still checking, this device not verified (leads back to
 * "Confirm it's you"), or recovery not set up (can be put off; Settings →
 * Security keeps it).
 */
export function SecurityNotice() {
  const store = useStore();
  const cs = store.clientState!;
  const prompt = useSecurityPrompt(cs);
  const dialog = useSecurityDialog();
  if (prompt === "checking") {
    return (
      <div className="security-notice quiet" role="status">
        <span className="spinner small" aria-hidden="true" /> Checking encryption…
      </div>
    );
  }
  if ((prompt === "confirm" && dialog?.kind !== "confirm") || prompt === "unverified") {
    return (
      <div className="security-notice warn" role="status">
        <Icon name="shieldAlert" size={18} />
        <span className="grow">This device is not verified</span>
        <button className="btn small" onClick={() => openSecurityDialog({ kind: "confirm" })}>
          Verify
        </button>
      </div>
    );
  }
  if (prompt === "setup") {
    return (
      <div className="security-notice" role="status">
        <Icon name="key" size={18} />
        <span className="grow">Set up recovery so you never lose your encrypted messages</span>
        <span className="security-notice-actions">
          <button className="btn ghost small" onClick={() => setPromptFlag(cs, "putOffSetup", true)}>
            Not now
          </button>
          <button className="btn small" onClick={() => openSecurityDialog({ kind: "recovery", mode: "setup" })}>
            Set up
          </button>
        </span>
      </div>
    );
  }
  return null;
}
