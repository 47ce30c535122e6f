import { useState, type ReactNode } from "react";
import { useServices } from "../../state/context";
import { Field } from "../Field";
import { FormError } from "../FormError";
import { Icon, type IconName } from "../Icon";
import { downloadText } from "./download";
import { useAction } from "./useAction";

const EXPORT_FILE = "trellis-keys.txt";

/**
 * A form behind a button: the button unfolds it, Cancel folds it back, and
 * a success folds it with what happened said under the button.
 */
function TransferForm(props: {
  label: string;
  submitLabel: string;
  busyLabel: string;
  icon: IconName;
  ready: boolean;
  /** Does the work; answers the sentence to show. */
  onSubmit(): Promise<string>;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const outcome = done && (
    <p className="muted small" role="status">
      {done}
    </p>
  );
  if (!open) {
    return (
      <>
        <button className="btn" onClick={() => setOpen(true)}>
          {props.label}
        </button>
        {outcome}
      </>
    );
  }
  return (
    <form
      className="key-transfer stack"
      aria-label={props.label.replace("…", "")}
      onSubmit={(e) => {
        e.preventDefault();
        if (busy || !props.ready) return;
        void run(async () => {
          setDone(await props.onSubmit());
          setOpen(false);
        });
      }}
    >
      {props.children}
      <FormError error={error} />
      <div className="row-actions">
        <button type="button" className="btn" onClick={() => setOpen(false)} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={busy || !props.ready}>
          <Icon name={props.icon} size={16} /> {busy ? props.busyLabel : props.submitLabel}
        </button>
      </div>
    </form>
  );
}

/** Export: a passphrase typed twice, then the locked file is saved. */
export function KeyExport() {
  const { security } = useServices();
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const exportKeys = async () => {
    if (passphrase !== again) throw new Error("The two passphrases are not the same.");
    downloadText(EXPORT_FILE, await security.exportKeys(passphrase));
    setPassphrase("");
    setAgain("");
    return `Saved ${EXPORT_FILE} to your downloads.`;
  };
  return (
    <TransferForm label="Export keys…" submitLabel="Export" busyLabel="Exporting…" icon="download" ready={Boolean(passphrase && again)} onSubmit={exportKeys}>
      <Field
        label="Passphrase for the file"
        type="password"
        value={passphrase}
        onChange={setPassphrase}
        autoComplete="new-password"
        hint="Anyone with the file and this passphrase can read your messages: make it long."
        autoFocus
      />
      <Field label="The passphrase again" type="password" value={again} onChange={setAgain} autoComplete="new-password" />
    </TransferForm>
  );
}

/** Import: a key file and its passphrase; says how many keys were new. */
export function KeyImport() {
  const { security } = useServices();
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState("");
  const importKeys = async () => {
    if (!file) return "";
    const { imported, total } = await security.importKeys(await file.text(), passphrase);
    setPassphrase("");
    setFile(null);
    if (total === 0) return "The file holds no keys.";
    return `Imported ${imported} of ${total} keys${imported < total ? " (this device had the others already)" : ""}.`;
  };
  return (
    <TransferForm label="Import keys…" submitLabel="Import" busyLabel="Importing…" icon="upload" ready={Boolean(file && passphrase)} onSubmit={importKeys}>
      <label className="field">
        <span>Key file</span>
        <input type="file" accept=".txt,text/plain" onChange={(e) => setFile(e.target.files?.[0] ?? null)} required autoFocus />
      </label>
      <Field label="Its passphrase" type="password" value={passphrase} onChange={setPassphrase} autoComplete="off" />
    </TransferForm>
  );
}
