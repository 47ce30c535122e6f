import { useSyncExternalStore } from "react";
import { Dialog } from "./Dialog";
import "./Confirm.css";

interface Question {
  text: string;
  confirmLabel: string;
  danger: boolean;
  /** False for a plain notice: one button. */
  cancellable: boolean;
  answer(yes: boolean): void;
}

// One question at a time, asked from anywhere; <ConfirmHost/> shows it.
let current: Question | null = null;
const listeners = new Set<() => void>();

function set(q: Question | null) {
  current = q;
  for (const l of listeners) l();
}

/** Asks the person to confirm, in the app's own dialog (webviews may not show window.confirm). */
export function confirmAction(text: string, confirmLabel: string, danger = false, cancellable = true): Promise<boolean> {
  current?.answer(false);
  return new Promise((resolve) => {
    set({
      text,
      confirmLabel,
      danger,
      cancellable,
      answer: (yes) => {
        set(null);
        resolve(yes);
      },
    });
  });
}

/** Tells the person something that needs no decision. */
export function tellUser(text: string): Promise<boolean> {
  return confirmAction(text, "OK", false, false);
}

export function ConfirmHost() {
  const q = useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => current,
  );
  if (!q) return null;
  return (
    <Dialog label="Confirm" onClose={() => q.answer(false)} className="confirm">
      <p className="confirm-text">{q.text}</p>
      <div className="dialog-actions">
        {q.cancellable && (
          <button className="btn" onClick={() => q.answer(false)}>
            Cancel
          </button>
        )}
        {/* Enter confirms, unless what it confirms cannot be undone. */}
        <button className={q.danger ? "btn danger" : "btn primary"} data-autofocus={!q.danger || undefined} onClick={() => q.answer(true)}>
          {q.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
