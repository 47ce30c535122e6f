import type { FormEvent, ReactNode } from "react";
import { Logo } from "../Logo";

/** The card both login forms share: logo, title, fields, an error line and a submit button. */
export function AuthCard(props: {
  title: string;
  subtitle: string;
  error: string | null;
  busy: boolean;
  busyLabel: string;
  submitLabel: string;
  onSubmit(): void;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!props.busy) props.onSubmit();
  };
  return (
    <main className="center-screen">
      <form className="auth-card" onSubmit={submit} aria-labelledby="auth-title">
        <Logo size={56} />
        <h1 id="auth-title">{props.title}</h1>
        <p className="muted">{props.subtitle}</p>
        {props.children}
        {props.error && (
          <p className="form-error" role="alert">
            {props.error}
          </p>
        )}
        <button className="btn primary wide" type="submit" disabled={props.busy}>
          {props.busy ? (
            <>
              <span className="spinner small" aria-hidden="true" /> {props.busyLabel}
            </>
          ) : (
            props.submitLabel
          )}
        </button>
      </form>
    </main>
  );
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
