import { invoke } from "@tauri-apps/api/core";
import { insideTauri } from "./rpc/tauri";
import type { Settings } from "./settings";

// What the desktop shell needs from the UI, beyond the RPC: the settings it
// acts on (notifications, close to tray) and the room on screen (no
// notification for a room the person is looking at). No-ops in a browser.

function tell(command: string, args: Record<string, unknown>): void {
  if (!insideTauri()) return;
  invoke(command, args).catch((err: unknown) => console.warn(`shell command ${command} failed:`, err));
}

export function tellShellSettings(settings: Settings): void {
  tell("set_shell_settings", {
    settings: { notifications: settings.notifications, close_to_tray: settings.closeToTray },
  });
}

/**
 * The settings the shell keeps in the profile (it acts on them before any page
 * loads), or null in a browser. On the desktop they, not localStorage, are the
 * saved ones.
 */
export async function askShellSettings(): Promise<Pick<Settings, "notifications" | "closeToTray"> | null> {
  if (!insideTauri()) return null;
  try {
    const saved = await invoke<{ notifications: boolean; close_to_tray: boolean }>("get_shell_settings");
    return { notifications: saved.notifications, closeToTray: saved.close_to_tray };
  } catch (err) {
    console.warn("shell command get_shell_settings failed:", err);
    return null;
  }
}

export function tellShellViewingRoom(roomId: string | null): void {
  tell("set_viewing_room", { roomId });
}

export function tellShellCloseWindow(): void {
  tell("close_window", {});
}

/** Opens a link outside the app: a new tab in a browser, the system's handler on the desktop. */
export function openExternal(url: string): void {
  if (insideTauri()) tell("open_link", { url });
  else window.open(url, "_blank", "noopener,noreferrer");
}

/** Other parts of the app (notifications, the shell's deep links) ask for a room this way. */
export const OPEN_ROOM_EVENT = "trellis-open-room";

export function requestOpenRoom(roomId: string): void {
  window.dispatchEvent(new CustomEvent(OPEN_ROOM_EVENT, { detail: roomId }));
}
