import { useState } from "react";

export interface SubmitState {
  error: string | null;
  busy: boolean;
  submit(): Promise<void>;
  clearError(): void;
}

/**
 * A form's submit: busy while `action` runs, its failure as words
 * (`describe` rewords backend messages). With `busyAfterSuccess` the form
 * stays busy after success, for forms that the next screen replaces.
 */
export function useSubmit(
  action: () => Promise<void>,
  opts: { describe?: (message: string) => string; busyAfterSuccess?: boolean } = {},
): SubmitState {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
      if (!opts.busyAfterSuccess) setBusy(false);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      setError(opts.describe ? opts.describe(message) : message);
      setBusy(false);
    }
  };
  return { error, busy, submit, clearError: () => setError(null) };
}
