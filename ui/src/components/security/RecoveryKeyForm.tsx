import { useId, useState } from "react";
import { readRecoveryInput } from "../../state/recoveryKey";
import { securityErrorText } from "../../state/securityErrors";
import { FormError } from "../FormError";
import { useSubmit } from "../useSubmit";

/**
 * The recovery key (or passphrase) field: a key with a typo is caught here,
 * anything else goes to `onSubmit`, whose failure is shown in words.
 */
export function RecoveryKeyForm(props: { submitLabel: string; onSubmit(key: string): Promise<void>; onBack(): void }) {
  const id = useId();
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const input = readRecoveryInput(value);
  const form = useSubmit(
    async () => {
      if (input.kind === "key" || input.kind === "passphrase") await props.onSubmit(input.value);
    },
    { describe: securityErrorText },
  );
  const submit = () => {
    if (form.busy || input.kind === "empty") return;
    if (input.kind === "bad-key") {
      setProblem(input.problem);
      return;
    }
    setProblem(null);
    void form.submit();
  };
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label className="field">
        <span id={`${id}-label`}>Recovery key or passphrase</span>
        <textarea
        aria-labelledby={`${id}-label`}
        className="recovery-input"
        value={value}
        rows={2}
        onChange={(e) => {
          setValue(e.target.value);
          setProblem(null);
          form.clearError();
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            submit();
          }
        }}
        placeholder="EsT… (12 groups of 4) or your passphrase"
        aria-describedby={`${id}-hint`}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        data-autofocus
        autoFocus
        disabled={form.busy}
        />
        <small className="muted" id={`${id}-hint`}>
          Spaces and line breaks do not matter.
        </small>
      </label>
      <FormError error={problem ?? form.error} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={props.onBack} disabled={form.busy}>
          Back
        </button>
        <button type="submit" className="btn primary" disabled={form.busy || input.kind === "empty"}>
          {form.busy ? (
            <>
              <span className="spinner small" aria-hidden="true" /> Unlocking your keys…
            </>
          ) : (
            props.submitLabel
          )}
        </button>
      </div>
    </form>
  );
}
