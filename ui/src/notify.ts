import { insideTauri } from "./rpc/tauri";
import type { SyncComplete } from "./rpc/types";
import { getSettings } from "./settings";
import { requestOpenRoom, tellShellViewingRoom } from "./shell";
import type { Store } from "./state/store";

let viewingRoom: string | null = null;

/** The room on screen, which does not notify while the window has focus. */
export function setViewingRoom(roomId: string | null): void {
  viewingRoom = roomId;
  tellShellViewingRoom(roomId);
}

/**
 * Browser notifications for what the backend's push rules marked as notifying
 * (the desktop shell shows its own), with the title and body the backend wrote
 * for both. Not for the room being looked at; the backend never notifies our
 * own messages.
 */
export function notifyFromSync(store: Store, sync: SyncComplete): void {
  if (insideTauri() || !store.initComplete || !getSettings().notifications) return;
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  for (const [roomId, syncRoom] of Object.entries(sync.rooms)) {
    if (roomId === viewingRoom && document.hasFocus()) continue;
    for (const n of syncRoom.notifications) {
      const note = new Notification(n.title, {
        body: n.body,
        tag: roomId,
        silent: !n.sound,
      });
      note.onclick = () => {
        window.focus();
        requestOpenRoom(roomId);
        note.close();
      };
    }
  }
}
