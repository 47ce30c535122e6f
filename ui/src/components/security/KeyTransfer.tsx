import { useState, type FormEvent } from "react";
import { useServices } from "../../state/context";
import { securityErrorText } from "../../state/securityErrors";
import { Field } from "../Field";
import { FormError } from "../FormError";
import { Icon } from "../Icon";
import { downloadText } from "./download";

const EXPORT_FILE = "trellis-keys.txt";

/** A form behind a button: the button opens it, Cancel folds it back. */
function Unfolding(props: { label: string; open: boolean; setOpen(open: boolean): void; children: React.ReactNode }) {
  if (!props.open) {
    return (
      <button className="btn" onClick={() => props.setOpen(true)}>
        {props.label}
      </button>
    );
  }
  return <div className="key-transfer">{props.children}</div>;
}

/** Export: a passphrase typed twice, then the locked file is saved. */
export function KeyExport() {
  const { security } = useServices();
  const [open, setOpen] = useState(false);
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (passphrase !== again) {
      setError("The two passphrases are not the same.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      downloadText(EXPORT_FILE, await security.exportKeys(passphrase));
      setDone(`Saved ${EXPORT_FILE} to your downloads.`);
      setPassphrase("");
      setAgain("");
      setOpen(false);
    } catch (err) {
      setError(securityErrorText(err instanceof Error ? err.message : String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Unfolding label="Export keys…" open={open} setOpen={setOpen}>
        <form className="stack" onSubmit={submit} aria-label="Export keys">
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
          <FormError error={error} />
          <div className="row-actions">
            <button type="button" className="btn" onClick={() => setOpen(false)} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className="btn primary" disabled={busy || !passphrase || !again}>
              <Icon name="download" size={16} /> {busy ? "Exporting…" : "Export"}
            </button>
          </div>
        </form>
      </Unfolding>
      {done && (
        <p className="muted small" role="status">
          {done}
        </p>
      )}
    </>
  );
}

/** Import: a key file and its passphrase; says how many keys were new. */
export function KeyImport() {
  const { security } = useServices();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || !file) return;
    setBusy(true);
    setError(null);
    try {
      const { imported, total } = await security.importKeys(await file.text(), passphrase);
      setDone(
        total === 0
          ? "The file holds no keys."
          : `Imported ${imported} of ${total} keys${imported < total ? " (this device had the others already)" : ""}.`,
      );
      setPassphrase("");
      setFile(null);
      setOpen(false);
    } catch (err) {
      setError(securityErrorText(err instanceof Error ? err.message : String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Unfolding label="Import keys…" open={open} setOpen={setOpen}>
        <form className="stack" onSubmit={submit} aria-label="Import keys">
          <label className="field">
            <span>Key file</span>
            <input type="file" accept=".txt,text/plain" onChange={(e) => setFile(e.target.files?.[0] ?? null)} required autoFocus />
          </label>
          <Field label="Its passphrase" type="password" value={passphrase} onChange={setPassphrase} autoComplete="off" />
          <FormError error={error} />
          <div className="row-actions">
            <button type="button" className="btn" onClick={() => setOpen(false)} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className="btn primary" disabled={busy || !file || !passphrase}>
              <Icon name="upload" size={16} /> {busy ? "Importing…" : "Import"}
            </button>
          </div>
        </form>
      </Unfolding>
      {done && (
        <p className="muted small" role="status">
          {done}
        </p>
      )}
    </>
  );
}
