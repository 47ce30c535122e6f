import { describe, expect, it } from "vitest";
import { openRoomAction } from "./openRoom";

const facts = { present: false, shownBefore: false, fromAddress: false, initComplete: true };

describe("openRoomAction", () => {
  it("shows a room that is there", () => {
    expect(openRoomAction({ ...facts, present: true, initComplete: false })).toBe("show");
  });

  it("closes a room we left, once the room list is complete", () => {
    expect(openRoomAction({ ...facts, shownBefore: true })).toBe("close");
  });

  it("keeps the open room while a fresh connect payload is still coming in", () => {
    // A reconnect whose resume failed clears the store; the room may be in a later chunk.
    expect(openRoomAction({ ...facts, shownBefore: true, initComplete: false })).toBe("wait");
    expect(openRoomAction({ ...facts, fromAddress: true, initComplete: false })).toBe("wait");
  });

  it("closes a room from the address that the complete list lacks", () => {
    expect(openRoomAction({ ...facts, fromAddress: true })).toBe("close");
  });

  it("waits for a room just joined", () => {
    expect(openRoomAction(facts)).toBe("wait");
  });
});
