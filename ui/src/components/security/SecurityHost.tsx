import { useEffect, useRef } from "react";
import { useStore } from "../../state/context";
import { useSecurityPrompt } from "../../state/securityPrompt";
import { ConfirmIdentityDialog } from "./ConfirmIdentityDialog";
import { openSecurityDialog, useSecurityDialog } from "./openDialogs";
import { RecoveryDialog } from "./RecoveryDialog";
import { UserTrustDialog } from "./UserTrustDialog";
import { VerificationDialog } from "./VerificationDialog";
import { VerificationToasts } from "./VerificationToasts";

/**
 * The encryption dialogs over the signed-in app: "Confirm it's you" once per
 * start while this device is not part of the account's identity (until
 * skipped), the verification flow on screen, incoming requests, and the
 * dialogs asked for from elsewhere (openSecurityDialog).
 */
export function SecurityHost() {
  const store = useStore();
  // Main, which holds this, is only there while signed in.
  const cs = store.clientState!;
  const dialog = useSecurityDialog();
  const prompt = useSecurityPrompt(cs);
  const asked = useRef(false);
  useEffect(() => {
    if (prompt === "confirm" && !asked.current) {
      asked.current = true;
      openSecurityDialog({ kind: "confirm" });
    }
  }, [prompt]);
  // Leaving the signed-in app (a logout) leaves nothing open for the next account.
  useEffect(() => () => openSecurityDialog(null), []);

  const flow = store.verifications.active();
  return (
    <>
      <VerificationToasts />
      {dialog?.kind === "confirm" && !flow && <ConfirmIdentityDialog cs={cs} />}
      {dialog?.kind === "recovery" && <RecoveryDialog key={dialog.mode} mode={dialog.mode} cs={cs} />}
      {dialog?.kind === "user" && !flow && <UserTrustDialog userId={dialog.userId} />}
      {flow && <VerificationDialog key={`${flow.user_id} ${flow.flow_id}`} info={flow} />}
    </>
  );
}
