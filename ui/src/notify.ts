import { insideTauri } from "./rpc/tauri";
import type { SyncComplete } from "./rpc/types";
import { getSettings } from "./settings";
import { requestOpenRoom, tellShellViewingRoom } from "./shell";
import { displayName, roomName } from "./state/members";
import { messageSummary } from "./state/preview";
import type { Store } from "./state/store";
import { latestEdit } from "./state/timelineItems";

let viewingRoom: string | null = null;

/** The room on screen, which does not notify while the window has focus. */
export function setViewingRoom(roomId: string | null): void {
  viewingRoom = roomId;
  tellShellViewingRoom(roomId);
}

/**
 * Browser notifications for what the backend's push rules marked as notifying
 * (the desktop shell shows its own). Never for our own messages, nor for the
 * room being looked at.
 */
export function notifyFromSync(store: Store, sync: SyncComplete): void {
  if (insideTauri() || !store.initComplete || !getSettings().notifications) return;
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  for (const [roomId, syncRoom] of Object.entries(sync.rooms)) {
    const room = store.rooms.get(roomId);
    if (!room || (roomId === viewingRoom && document.hasFocus())) continue;
    for (const n of syncRoom.notifications) {
      const ev = room.events.get(n.event_rowid);
      if (!ev || ev.sender === store.ownUserId) continue;
      const note = new Notification(roomName(room), {
        body: `${displayName(room, ev.sender)}: ${messageSummary(ev, latestEdit(room, ev))}`,
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
