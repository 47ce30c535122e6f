import { useState } from "react";
import type { ClientState } from "../../rpc/types";
import { useServices } from "../../state/context";
import { needsAccountPassword } from "../../state/securityErrors";
import { Dialog } from "../Dialog";
import { Field } from "../Field";
import { FormError } from "../FormError";
import { Icon } from "../Icon";
import { DoneStep } from "./DoneStep";
import { closeSecurityDialog } from "./openDialogs";
import { RecoveryKeyBlock } from "./RecoveryKeyBlock";
import { useAction } from "./useAction";
import { useStepFocus } from "./useStepFocus";

export type RecoveryMode = "setup" | "change" | "reset";

type Step = "intro" | "key" | "password" | "done";

const WORDS: Record<RecoveryMode, { title: string; intro: string; start: string; commit: string; done: string }> = {
  setup: {
    title: "Set up recovery",
    intro:
      "A recovery key lets you read your encrypted messages on a new device, and confirm it's you when no other device is at hand. You will see it once: keep it somewhere safe, like a password manager.",
    start: "Make my recovery key",
    commit: "Set up recovery",
    done: "Recovery is set up. Use your recovery key to confirm new logins.",
  },
  change: {
    title: "Change your recovery key",
    intro: "You get a new recovery key and the old one stops working. Your messages and verified devices stay as they are.",
    start: "Make a new key",
    commit: "Change the key",
    done: "Your recovery key has changed. The old one no longer works.",
  },
  reset: {
    title: "Reset your identity",
    intro:
      "Only do this if you have no other signed-in device and lost your recovery key. Your other devices and the people who verified you will see a new identity and need to verify again, and messages that only your old keys can open may stay unreadable.",
    start: "Reset my identity",
    commit: "Reset identity",
    done: "Your identity is new and this device is verified. Use your new recovery key to confirm new logins.",
  },
};

/**
 * A new recovery key: made by the backend, shown once to be saved, then put
 * in use — by change_recovery_key on a verified device that keeps its
 * identity, else by reset_encryption, with the account password when the
 * homeserver asks for it.
 */
export function RecoveryDialog({ mode, cs }: { mode: RecoveryMode; cs: ClientState }) {
  const { security } = useServices();
  const words = WORDS[mode];
  const v = cs.verification_state;
  const keepIdentity = mode === "change" || (mode === "setup" && v.has_cross_signing && v.is_verified);
  const [step, setStep] = useState<Step>("intro");
  const box = useStepFocus<HTMLDivElement>(step);
  const [key, setKey] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [password, setPassword] = useState("");
  const { busy, error, run } = useAction();

  // The first refusal for want of a password asks for it, without an error yet.
  const wantsPassword = (message: string) => {
    if (keepIdentity || step === "password" || !needsAccountPassword(message)) return false;
    setStep("password");
    return true;
  };
  const generate = () =>
    run(async () => {
      setKey(await security.generateRecoveryKey());
      setStep("key");
    });
  const commit = () =>
    run(async () => {
      if (!key) return;
      if (keepIdentity) await security.changeRecoveryKey(key);
      else await security.resetEncryption(key, step === "password" ? password : undefined);
      setStep("done");
    }, wantsPassword);

  const spinner = <span className="spinner small" aria-hidden="true" />;
  return (
    <Dialog label={words.title} onClose={() => !busy && closeSecurityDialog()} className="security-dialog">
      <div ref={box} tabIndex={-1} className="security-step">
        <header className="security-head">
          <span className={`security-hero${step === "done" ? " ok" : mode === "reset" ? " warn" : ""}`}>
            <Icon name={step === "done" ? "shieldCheck" : mode === "reset" ? "shieldAlert" : "key"} size={36} />
          </span>
          <h2 className="dialog-title">{step === "done" ? "Done" : words.title}</h2>
        </header>
        {step === "intro" && (
          <>
            <p className={mode === "reset" ? "security-lead warn-box" : "security-lead"}>{words.intro}</p>
            <FormError error={error} />
            <div className="dialog-actions">
              <button className="btn" onClick={closeSecurityDialog} disabled={busy}>
                Cancel
              </button>
              <button className={mode === "reset" ? "btn danger" : "btn primary"} onClick={generate} disabled={busy} data-autofocus={mode !== "reset" || undefined}>
                {busy && spinner} {words.start}
              </button>
            </div>
          </>
        )}
        {step === "key" && key && (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              if (saved && !busy) void commit();
            }}
          >
            <p className="security-lead">This is your recovery key. It is shown only now: copy it or download it, and keep it somewhere safe.</p>
            <RecoveryKeyBlock recoveryKey={key} userId={cs.user_id ?? ""} />
            <label className="toggle">
              <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} disabled={busy} />
              <span>I have saved my recovery key somewhere safe</span>
            </label>
            <FormError error={error} />
            <div className="dialog-actions">
              <button type="button" className="btn" onClick={closeSecurityDialog} disabled={busy}>
                Cancel
              </button>
              <button type="submit" className={mode === "reset" ? "btn danger" : "btn primary"} disabled={!saved || busy}>
                {busy ? <>{spinner} Working… this can take a moment</> : words.commit}
              </button>
            </div>
          </form>
        )}
        {step === "password" && (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              if (password && !busy) void commit();
            }}
          >
            <p className="security-lead">Your homeserver wants your account password to confirm this change.</p>
            <Field label="Account password" type="password" value={password} onChange={setPassword} autoComplete="current-password" autoFocus />
            <FormError error={error} />
            <div className="dialog-actions">
              <button type="button" className="btn" onClick={closeSecurityDialog} disabled={busy}>
                Cancel
              </button>
              <button type="submit" className={mode === "reset" ? "btn danger" : "btn primary"} disabled={!password || busy}>
                {busy ? <>{spinner} Working…</> : words.commit}
              </button>
            </div>
          </form>
        )}
        {step === "done" && <DoneStep text={words.done} />}
      </div>
    </Dialog>
  );
}
