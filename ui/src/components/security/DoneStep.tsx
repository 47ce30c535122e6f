import { closeSecurityDialog } from "./openDialogs";

/** The last step of a security dialog: what now holds, and Done. */
export function DoneStep({ text }: { text: string }) {
  return (
    <>
      <p className="security-lead">{text}</p>
      <div className="dialog-actions">
        <button className="btn primary" onClick={closeSecurityDialog} data-autofocus>
          Done
        </button>
      </div>
    </>
  );
}
