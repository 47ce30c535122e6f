import { useSyncExternalStore } from "react";
import { askShellSettings, tellShellSettings } from "./shell";

export type Theme = "system" | "light" | "dark";

export interface Settings {
  theme: Theme;
  /** Desktop notifications for messages the push rules mark as notifying. */
  notifications: boolean;
  /** Closing the window hides it to the tray (desktop only). */
  closeToTray: boolean;
}

const KEY = "trellis.settings";
const DEFAULTS: Settings = { theme: "system", notifications: true, closeToTray: true };

function load(): Settings {
  try {
    return { ...DEFAULTS, ...(JSON.parse(localStorage.getItem(KEY) ?? "{}") as Partial<Settings>) };
  } catch {
    return DEFAULTS;
  }
}

let current = load();
const listeners = new Set<() => void>();

const darkQuery = window.matchMedia("(prefers-color-scheme: dark)");

/** Sets light or dark on <html>; "system" follows the OS, also when it changes later. */
export function applyTheme(theme: Theme): void {
  const dark = theme === "dark" || (theme === "system" && darkQuery.matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}

darkQuery.addEventListener("change", () => applyTheme(current.theme));

function change(patch: Partial<Settings>): void {
  current = { ...current, ...patch };
  localStorage.setItem(KEY, JSON.stringify(current));
  applyTheme(current.theme);
  for (const l of listeners) l();
}

export function updateSettings(patch: Partial<Settings>): void {
  change(patch);
  tellShellSettings(current);
}

/** Takes the shell's saved settings (desktop only), which it already acts on. */
export async function loadShellSettings(): Promise<void> {
  const saved = await askShellSettings();
  if (saved) change(saved);
}

export function getSettings(): Settings {
  return current;
}

export function useSettings(): Settings {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => current,
  );
}
