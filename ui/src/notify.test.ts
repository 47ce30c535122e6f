// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SyncComplete } from "./rpc/types";
import type { Store } from "./state/store";
import { sync as syncOf, syncRoom } from "./test/fixtures";

// settings.ts follows the colour scheme from its first line; jsdom has no matchMedia.
vi.hoisted(() => {
  window.matchMedia = (() => ({ matches: false, addEventListener: () => {} })) as unknown as typeof window.matchMedia;
});
const { notifyFromSync, setViewingRoom } = await import("./notify");

/** The browser's Notification, recording what the page shows. */
class FakeNotification {
  static permission = "granted";
  static shown: { title: string; options: NotificationOptions }[] = [];
  onclick: (() => void) | null = null;
  constructor(title: string, options: NotificationOptions) {
    FakeNotification.shown.push({ title, options });
  }
  close(): void {}
}

function sync(roomId: string, title: string, body: string): SyncComplete {
  const notifications = [{ event_rowid: 7, sound: true, highlight: false, title, body }];
  return syncOf({ rooms: { [roomId]: syncRoom({ notifications }) } });
}

describe("notifyFromSync", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    FakeNotification.shown = [];
    setViewingRoom(null);
  });

  it("not for the room on screen while the window has focus", () => {
    vi.stubGlobal("Notification", FakeNotification);
    vi.spyOn(document, "hasFocus").mockReturnValue(true);
    setViewingRoom("!r:x");
    notifyFromSync({ initComplete: true } as Store, sync("!r:x", "Team", "hi"));
    expect(FakeNotification.shown).toEqual([]);
  });

  it("shows the title and body the backend wrote, as the desktop shell does", () => {
    vi.stubGlobal("Notification", FakeNotification);
    const store = { initComplete: true } as Store;
    notifyFromSync(store, sync("!r:x", "Team", "Alice Liddell: lunch at noon?"));
    expect(FakeNotification.shown).toEqual([
      { title: "Team", options: { body: "Alice Liddell: lunch at noon?", tag: "!r:x", silent: false } },
    ]);
  });

  it("stays quiet before the initial payload is over", () => {
    vi.stubGlobal("Notification", FakeNotification);
    notifyFromSync({ initComplete: false } as Store, sync("!r:x", "Team", "hi"));
    expect(FakeNotification.shown).toEqual([]);
  });
});
