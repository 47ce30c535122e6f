import type { FormEvent, ReactNode } from "react";
import { Logo } from "../Logo";
import { FormError } from "./FormError";
import type { SubmitState } from "./useSubmit";
import "./AuthCard.css";

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
