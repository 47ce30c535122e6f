import { useState, type FormEvent, type ReactNode } from "react";
import { Logo } from "../Logo";
import { FormError } from "./FormError";

/** The card both login forms share: logo, title, fields, an error line and a submit button. */
export function AuthCard(props: { title: string; subtitle: string; submitLabel: string; form: SubmitState; children: ReactNode }) {
  const { busy, error } = props.form;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!busy) void props.form.submit();
  };
  return (
    <main className="center-screen">
      <form className="auth-card" onSubmit={submit} aria-labelledby="auth-title">
        <Logo size={56} />
        <h1 id="auth-title">{props.title}</h1>
        <p className="muted">{props.subtitle}</p>
        {props.children}
        <FormError error={error} />
        <button className="btn primary wide" type="submit" disabled={busy}>
          {busy ? (
            <>
              <span className="spinner small" aria-hidden="true" /> Signing in…
            </>
          ) : (
            props.submitLabel
          )}
        </button>
      </form>
    </main>
  );
}

/**
 * A form's submit: busy while `action` runs, its failure as words. On success
 * the form stays busy, since what follows (a new screen) replaces it.
 */
export interface SubmitState {
  error: string | null;
  busy: boolean;
  submit(): Promise<void>;
}

export function useSubmit(action: () => Promise<void>, describe: (message: string) => string = (m) => m): SubmitState {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(describe(err instanceof Error ? err.message : String(err)));
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

export function Field(props: {
  label: string;
  value: string;
  onChange(v: string): void;
  type?: string;
  autoComplete?: string;
  placeholder?: string;
  autoFocus?: boolean;
  hint?: string;
}) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        type={props.type ?? "text"}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoComplete={props.autoComplete}
        placeholder={props.placeholder}
        autoFocus={props.autoFocus}
        required
        spellCheck={false}
        autoCapitalize="off"
      />
      {props.hint && <small className="muted">{props.hint}</small>}
    </label>
  );
}
