import { describe, expect, it } from "vitest";
import { inviteInfo } from "./members";

describe("inviteInfo", () => {
  it("reads an invite whose stripped state is malformed", () => {
    // invite_state comes from the inviting server, passed on unchecked.
    const info = inviteInfo(
      {
        room_id: "!inv:x",
        created_at: 1,
        invite_state: [
          { type: "m.room.name", state_key: "" },
          { type: "m.room.member", state_key: "@me:x", sender: 7, content: "invite" },
        ],
      },
      "@me:x",
    );
    expect(info).toMatchObject({ name: "!inv:x", inviter: undefined, isDirect: false });
  });
});
