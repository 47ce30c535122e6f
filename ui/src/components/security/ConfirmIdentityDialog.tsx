import { useState } from "react";
import type { ClientState } from "../../rpc/types";
import { useServices } from "../../state/context";
import { setPromptFlag } from "../../state/securityPrompt";
import { securityErrorText } from "../../state/securityErrors";
import { Dialog } from "../Dialog";
import { FormError } from "../FormError";
import { Icon, type IconName } from "../Icon";
import { useSubmit } from "../useSubmit";
import { DoneStep } from "./DoneStep";
import { closeSecurityDialog, openSecurityDialog } from "./openDialogs";
import { RecoveryKeyForm } from "./RecoveryKeyForm";
import { useStepFocus } from "./useStepFocus";

type Step = "choose" | "key" | "done";

/**
 * "Confirm it's you": a new login proves it belongs to the account, with
 * another signed-in device or with the recovery key; or skips for now (a
 * notice stays), or, with neither at hand, resets the identity.
 */
export function ConfirmIdentityDialog({ cs }: { cs: ClientState }) {
  const { security } = useServices();
  const [step, setStep] = useState<Step>(cs.verification_state.is_verified ? "done" : "choose");
  const box = useStepFocus<HTMLDivElement>(step);
  const userId = cs.user_id ?? "";
  const hasSsss = cs.verification_state.has_ssss;
  const otherDevice = useSubmit(
    async () => {
      // The verification dialog takes over from here (the flow's events drive it).
      await security.requestVerification(userId);
      closeSecurityDialog();
    },
    { describe: securityErrorText },
  );
  const skip = () => {
    setPromptFlag(cs, "skippedConfirm", true);
    closeSecurityDialog();
  };

  return (
    <Dialog label="Confirm it's you" onClose={closeSecurityDialog} className="security-dialog">
      <div ref={box} tabIndex={-1} className="security-step">
        <header className="security-head">
          <span className={step === "done" ? "security-hero ok" : "security-hero"}>
            <Icon name={step === "done" ? "shieldCheck" : "shield"} size={36} />
          </span>
          <h2 className="dialog-title">{step === "done" ? "This device is verified" : "Confirm it's you"}</h2>
        </header>
        {step === "choose" && (
          <>
            <p className="security-lead">
              Confirm that this new login is yours, to read your encrypted messages here and show others that it can be trusted.
            </p>
            <div className="choice-list">
              <Choice
                icon="device"
                title="Use another device"
                detail="Compare emoji or scan a code with a device where you are already signed in."
                busy={otherDevice.busy}
                onClick={() => void otherDevice.submit()}
                autoFocus
              />
              {hasSsss && (
                <Choice
                  icon="key"
                  title="Use your recovery key"
                  detail="Enter the recovery key or passphrase you saved when you set up recovery."
                  onClick={() => setStep("key")}
                />
              )}
            </div>
            <FormError error={otherDevice.error} />
            <div className="dialog-actions spread">
              <button className="btn ghost small" onClick={() => openSecurityDialog({ kind: "recovery", mode: "reset" })}>
                Can't confirm? Reset your identity
              </button>
              <button className="btn" onClick={skip}>
                Skip for now
              </button>
            </div>
          </>
        )}
        {step === "key" && (
          <RecoveryKeyForm
            submitLabel="Confirm"
            onBack={() => setStep("choose")}
            onSubmit={async (key) => {
              await security.verify(key);
              setStep("done");
            }}
          />
        )}
        {step === "done" && (
          <DoneStep text="Your older messages will appear as their keys arrive from your key backup; this can take a moment in a big account." />
        )}
      </div>
    </Dialog>
  );
}

function Choice(props: { icon: IconName; title: string; detail: string; busy?: boolean; autoFocus?: boolean; onClick(): void }) {
  return (
    <button className="choice" onClick={props.onClick} disabled={props.busy} data-autofocus={props.autoFocus || undefined}>
      <span className="choice-icon">
        {props.busy ? <span className="spinner small" aria-hidden="true" /> : <Icon name={props.icon} size={22} />}
      </span>
      <span className="choice-text">
        <span className="choice-title">{props.title}</span>
        <span className="muted small">{props.detail}</span>
      </span>
    </button>
  );
}
