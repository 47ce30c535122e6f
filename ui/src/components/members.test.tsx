// @vitest-environment jsdom
import { act } from "react";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Event } from "../rpc/types";
import { appended, loggedIn, room, sync, syncRoom, text } from "../test/fixtures";
import { mount, servicesFor } from "../test/render";
import { RightPanel } from "./RightPanel";

const R = "!big:example.org";
const ROW_PX = 48;
const VIEW_PX = 600;
let unmount = () => {};
afterEach(() => unmount());

// jsdom lays nothing out; here every list row is ROW_PX high and the list VIEW_PX.
const real = { rect: Element.prototype.getBoundingClientRect, client: Object.getOwnPropertyDescriptor(Element.prototype, "clientHeight")! };
beforeAll(() => {
  Element.prototype.getBoundingClientRect = function (this: Element) {
    const h = this.hasAttribute("data-key") ? ROW_PX : 0;
    return { x: 0, y: 0, top: 0, left: 0, width: 100, height: h, right: 100, bottom: h, toJSON() {} } as DOMRect;
  };
  Object.defineProperty(Element.prototype, "clientHeight", {
    configurable: true,
    get(this: Element) {
      return this.classList.contains("member-list") ? VIEW_PX : 0;
    },
  });
});
afterAll(() => {
  Element.prototype.getBoundingClientRect = real.rect;
  Object.defineProperty(Element.prototype, "clientHeight", real.client);
});

function member(i: number): Event {
  const id = `@user${String(i).padStart(4, "0")}:example.org`;
  return text(10 + i, R, "", {
    type: "m.room.member",
    sender: id,
    state_key: id,
    content: { membership: "join", displayname: `User ${String(i).padStart(4, "0")}` },
  });
}

describe("the member list", () => {
  it("renders a window of 2,000 members, and the rows in view as it scrolls", async () => {
    const store = loggedIn();
    store.applySync(appended(R, [text(1, R, "hi")], room(R, { name: "Big", has_member_list: true })));
    const members = Array.from({ length: 2000 }, (_, i) => member(i));
    store.applySync(
      sync({
        rooms: {
          [R]: syncRoom({
            events: members,
            state: { "m.room.member": Object.fromEntries(members.map((m) => [m.state_key!, m.rowid])) },
          }),
        },
      }),
    );
    const view = await mount(servicesFor(store), <RightPanel room={store.rooms.get(R)!} ownUserId={undefined} onClose={() => {}} />);
    unmount = view.unmount;
    const list = view.container.querySelector<HTMLElement>('[aria-label="Members"]')!;
    const shown = () => [...list.querySelectorAll(".member-name")].map((e) => e.textContent);
    expect(view.container.textContent).toContain("Members 2000");
    // The view and the overscan on both sides, not 2,000 rows.
    expect(shown().length).toBeGreaterThan(VIEW_PX / ROW_PX);
    expect(shown().length).toBeLessThan(100);
    expect(shown()[0]).toBe("User 0000");

    await act(async () => {
      list.scrollTop = 1000 * ROW_PX;
      list.dispatchEvent(new Event("scroll"));
    });
    expect(shown()).toContain("User 1000");
    expect(shown()).not.toContain("User 0000");
    expect(shown().length).toBeLessThan(100);
  });
});
