import { useSyncExternalStore } from "react";
import type { ClientState } from "../rpc/types";

/**
 * What the app says about this device's encryption, outside Settings:
 * - `checking`: the backend's first look at our keys is not done (a quiet line);
 * - `confirm`: the account has an identity this device is not part of
 *   (the "Confirm it's you" dialog);
 * - `unverified`: the same, after "Skip for now" (a small lasting notice);
 * - `setup`: there is nothing to recover from — no identity or no secret
 *   storage — so offer to set up recovery (a notice that can be put off);
 * - `none`: all is well, or put off.
 */
export type SecurityPrompt = "checking" | "confirm" | "unverified" | "setup" | "none";

export interface PromptFlags {
  /** "Skip for now" in the Confirm it's you dialog, for this login. */
  skippedConfirm: boolean;
  /** "Not now" on the set-up-recovery notice, for this login. */
  putOffSetup: boolean;
}

export function securityPrompt(cs: ClientState, flags: PromptFlags): SecurityPrompt {
  const v = cs.verification_state;
  if (!v.state_checked) return "checking";
  if (v.has_cross_signing && !v.is_verified) return flags.skippedConfirm ? "unverified" : "confirm";
  if (!v.has_cross_signing || !v.has_ssss) return flags.putOffSetup ? "none" : "setup";
  return "none";
}

// Per login (user and device): a new login is a new device, to confirm again.
const PREFIX = "trellis.security.";
const listeners = new Set<() => void>();

function storageKey(cs: ClientState, flag: keyof PromptFlags): string {
  return `${PREFIX}${flag}:${cs.user_id ?? ""}:${cs.device_id ?? ""}`;
}

function read(key: string): boolean {
  try {
    return localStorage.getItem(key) === "1";
  } catch {
    return false;
  }
}

export function setPromptFlag(cs: ClientState, flag: keyof PromptFlags, on: boolean): void {
  try {
    if (on) localStorage.setItem(storageKey(cs, flag), "1");
    else localStorage.removeItem(storageKey(cs, flag));
  } catch {
    // Storage refused (private mode): the choice lasts until the page goes.
  }
  for (const l of listeners) l();
}

/** The prompt for the signed-in device, following the person's skip and put-off choices. */
export function useSecurityPrompt(cs: ClientState): SecurityPrompt {
  const skipped = storageKey(cs, "skippedConfirm");
  const putOff = storageKey(cs, "putOffSetup");
  const subscribe = (cb: () => void) => {
    listeners.add(cb);
    return () => listeners.delete(cb);
  };
  const flags = useSyncExternalStore(subscribe, () => `${read(skipped)}:${read(putOff)}`);
  const [s, p] = flags.split(":");
  return securityPrompt(cs, { skippedConfirm: s === "true", putOffSetup: p === "true" });
}
