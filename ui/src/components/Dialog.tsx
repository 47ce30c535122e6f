import { useEffect, useRef, type ReactNode } from "react";
import "./Dialog.css";

/**
 * A modal on the native <dialog>: focus is trapped, Escape and a backdrop
 * click close it; the control marked `data-autofocus` starts with focus.
 */
export function Dialog(props: { label: string; onClose(): void; className?: string; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || el.open) return;
    el.showModal();
    // showModal focuses the first control, after React's autoFocus ran on a
    // dialog not yet shown: the control meant to have focus says so.
    el.querySelector<HTMLElement>("[data-autofocus]")?.focus();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${props.className ?? ""}`}
      aria-label={props.label}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) props.onClose();
      }}
    >
      {props.children}
    </dialog>
  );
}
