import type { ReactNode } from "react";
import type { VerificationInfo } from "../../rpc/types";
import { useServices, useStore } from "../../state/context";
import { canCompareEmoji, canScanOurQr, cancelText, isFinal } from "../../state/verification";
import { Dialog } from "../Dialog";
import { FormError } from "../FormError";
import { Icon } from "../Icon";
import { openSecurityDialog } from "./openDialogs";
import { QrCodeImage } from "./QrCodeImage";
import { SasCompare } from "./SasCompare";
import { useAction } from "./useAction";
import { useStepFocus } from "./useStepFocus";

/** The other side, as a sentence names it: "your device “Phone”", "Bob". */
export function otherParty(info: VerificationInfo, knownNames: Map<string, string>): string {
  if (info.self_verification) {
    if (info.device_name) return `your device “${info.device_name}”`;
    return info.device_id ? `your device ${info.device_id}` : "your other device";
  }
  return knownNames.get(info.user_id) ?? info.user_id;
}

/**
 * One verification, as its `verification` events move it along (docs/rpc.md):
 * waiting, choosing emoji or a QR code, comparing, confirming, and its end.
 * Every state has a way out: Cancel (also Escape) until it ends, then Close.
 */
export function VerificationDialog({ info }: { info: VerificationInfo }) {
  const { security } = useServices();
  const store = useStore();
  const act = useAction();
  const box = useStepFocus<HTMLDivElement>(info.state);
  const other = otherParty(info, store.knownNames);
  const final = isFinal(info.state);
  const cancel = () => void act.run(() => security.cancel(info));
  const close = () => (final ? security.dismiss(info) : cancel());
  const title = info.self_verification ? "Verify this device" : `Verify ${other}`;

  let body: ReactNode;
  let actions: ReactNode;
  const cancelButton = (
    <button className="btn" onClick={cancel} disabled={act.busy}>
      Cancel
    </button>
  );
  switch (info.state) {
    case "requested":
      body = (
        <Waiting>
          {info.we_started
            ? info.self_verification
              ? "Waiting for your other device… Open Trellis or another Matrix app where you are signed in, and accept the request there."
              : `Waiting for ${other} to accept…`
            : "Accepting the request…"}
        </Waiting>
      );
      actions = cancelButton;
      break;
    case "ready":
      body = <p className="security-lead">How do you want to verify {other}?</p>;
      actions = (
        <>
          {cancelButton}
          {canScanOurQr(info) && (
            <button className="btn" onClick={() => void act.run(() => security.showQr(info))} disabled={act.busy}>
              Show a QR code
            </button>
          )}
          {canCompareEmoji(info) && (
            <button className="btn primary" onClick={() => void act.run(() => security.startEmoji(info))} disabled={act.busy} data-autofocus>
              Compare emoji
            </button>
          )}
        </>
      );
      break;
    case "starting":
      body = <Waiting>Getting the emoji ready…</Waiting>;
      actions = cancelButton;
      break;
    case "sas":
      body = (
        <>
          <p className="security-lead">Check that {other} shows these emoji, in the same order.</p>
          <SasCompare info={info} />
        </>
      );
      actions = (
        <>
          <button className="btn danger" onClick={() => void act.run(() => security.mismatch(info))} disabled={act.busy}>
            They don't match
          </button>
          <button className="btn primary" onClick={() => void act.run(() => security.confirm(info))} disabled={act.busy}>
            They match
          </button>
        </>
      );
      break;
    case "confirmed":
      body = <Waiting>Waiting for {other} to confirm…</Waiting>;
      actions = cancelButton;
      break;
    case "qr_shown":
      body = (
        <>
          <p className="security-lead">Scan this code with {other}.</p>
          {info.qr_code ? <QrCodeImage qr={info.qr_code} label="QR code for the other device to scan" /> : <Waiting>Making the code…</Waiting>}
        </>
      );
      actions = (
        <>
          {cancelButton}
          {canCompareEmoji(info) && (
            <button className="btn" onClick={() => void act.run(() => security.startEmoji(info))} disabled={act.busy}>
              Can't scan? Compare emoji
            </button>
          )}
        </>
      );
      break;
    case "qr_scanned":
      body = (
        <p className="security-lead">
          {info.self_verification
            ? "Your other device scanned the code. Does it show a green shield, saying this device is verified?"
            : `${other} scanned the code. Does their device show a green shield, saying you are verified?`}
        </p>
      );
      actions = (
        <>
          <button className="btn danger" onClick={cancel} disabled={act.busy}>
            No
          </button>
          <button className="btn primary" onClick={() => void act.run(() => security.confirm(info))} disabled={act.busy} data-autofocus>
            Yes
          </button>
        </>
      );
      break;
    case "done":
      body = (
        <div className="security-result ok">
          <Icon name="shieldCheck" size={48} />
          <p>
            <strong>Verified</strong>
          </p>
          <p className="muted">
            {info.self_verification
              ? "This device is verified. Your older messages will appear as their keys arrive."
              : `You verified ${other}. Their devices and messages show as trusted.`}
          </p>
        </div>
      );
      actions = (
        <button className="btn primary" onClick={close} data-autofocus>
          Close
        </button>
      );
      break;
    case "cancelled":
      body = (
        <div className="security-result warn">
          <Icon name="shieldAlert" size={48} />
          <p>
            <strong>Not verified</strong>
          </p>
          <p className="muted">{cancelText(info.cancel, other)}</p>
        </div>
      );
      actions = (
        <>
          {info.self_verification && !store.clientState?.verification_state.is_verified && (
            <button
              className="btn"
              onClick={() => {
                security.dismiss(info);
                openSecurityDialog({ kind: "confirm" });
              }}
            >
              Try another way
            </button>
          )}
          <button className="btn primary" onClick={close} data-autofocus>
            Close
          </button>
        </>
      );
      break;
  }

  return (
    <Dialog label={title} onClose={close} className="security-dialog">
      <div ref={box} tabIndex={-1} className="security-step">
        <header className="security-head">
          <h2 className="dialog-title">{title}</h2>
        </header>
        {body}
        <FormError error={act.error} />
        <div className="dialog-actions">{actions}</div>
      </div>
    </Dialog>
  );
}

function Waiting({ children }: { children: ReactNode }) {
  return (
    <p className="security-wait" role="status">
      <span className="spinner small" aria-hidden="true" /> {children}
    </p>
  );
}
