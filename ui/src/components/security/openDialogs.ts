import { useSyncExternalStore } from "react";

/**
 * The encryption dialogs that can be asked for from anywhere (the notice in
 * the room list, Settings → Security, a cancelled verification's "Try another
 * way"); <SecurityHost/> shows the one asked for. Verification flows are not
 * here: the backend's `verification` events drive those.
 */
export type SecurityDialog =
  | { kind: "confirm" }
  /** setup: no recovery yet; change: a new key for this verified device; reset: a new identity. */
  | { kind: "recovery"; mode: "setup" | "change" | "reset" }
  | { kind: "user"; userId: string };

let current: SecurityDialog | null = null;
const listeners = new Set<() => void>();

export function openSecurityDialog(dialog: SecurityDialog | null): void {
  current = dialog;
  for (const l of listeners) l();
}

export function closeSecurityDialog(): void {
  openSecurityDialog(null);
}

export function useSecurityDialog(): SecurityDialog | null {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => current,
  );
}
