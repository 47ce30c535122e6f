/** What the view does with the room it was asked to show, as the room list changes. */
export type OpenRoomAction = "show" | "close" | "wait";

export interface OpenRoomFacts {
  /** The room is in the store. */
  present: boolean;
  /** It was shown before (so its absence means we left it). */
  shownBefore: boolean;
  /** It came from the address at page load (it may not be ours at all). */
  fromAddress: boolean;
  /** The connect payload is complete: every room we are in has arrived. */
  initComplete: boolean;
}

/**
 * A missing room is only judged once the room list is complete. While a
 * fresh connect payload streams in (the first, or one after a resume that
 * could not work, which clears the store) the open room may simply be in a
 * later chunk, and closing it then would throw the person out of their
 * conversation on a reconnect.
 */
export function openRoomAction(f: OpenRoomFacts): OpenRoomAction {
  if (f.present) return "show";
  if (!f.initComplete) return "wait";
  // Left (or kicked) since, or never ours; a room just joined has not arrived yet.
  return f.shownBefore || f.fromAddress ? "close" : "wait";
}
