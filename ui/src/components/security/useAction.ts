import { useState } from "react";
import { securityErrorText } from "../../state/securityErrors";

/**
 * One encryption command at a time from a view: busy while it runs, its
 * failure in words. `handled` may take a failure itself (true: no error shown).
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<unknown>, handled?: (message: string) => boolean): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!handled?.(message)) setError(securityErrorText(message));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
