import { useEffect, useRef } from "react";

/**
 * For a dialog whose steps replace its controls: at each new step, focus goes
 * to the step's `data-autofocus` control, or to the step itself (so a screen
 * reader reads it), never to the page behind. Put the ref on a container
 * with tabIndex={-1}.
 */
export function useStepFocus<T extends HTMLElement>(step: string) {
  const ref = useRef<T>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || el.contains(document.activeElement)) return;
    (el.querySelector<HTMLElement>("[data-autofocus]") ?? el).focus();
  }, [step]);
  return ref;
}
