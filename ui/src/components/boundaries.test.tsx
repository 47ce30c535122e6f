// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { appended, loggedIn, room, text } from "../test/fixtures";
import { mount, servicesFor, settle } from "../test/render";
import { RoomView } from "./RoomView";

// A body that throws while rendering, as a malformed event could make it.
vi.mock("./MessageBody", async (importOriginal) => {
  const real = await importOriginal<typeof import("./MessageBody")>();
  return {
    ...real,
    MessageBody: (props: Parameters<typeof real.MessageBody>[0]) => {
      if (props.event.content.body === "boom") throw new Error("malformed");
      return <real.MessageBody {...props} />;
    },
  };
});

const R = "!r:example.org";
let unmount = () => {};
afterEach(() => {
  unmount();
  vi.restoreAllMocks();
});

describe("a tile that throws", () => {
  it("shows as one unshowable message while the rest of the room goes on", async () => {
    // React and the boundary log the exception; that is expected here.
    vi.spyOn(console, "error").mockImplementation(() => {});
    const store = loggedIn();
    store.applySync(appended(R, [text(1, R, "before"), text(2, R, "boom"), text(3, R, "after")], room(R, { name: "Room" })));
    const view = await mount(servicesFor(store), <RoomView roomId={R} onOpenRoom={() => {}} onBack={() => {}} />);
    unmount = view.unmount;
    const { container } = view;

    const broken = container.querySelectorAll(".msg.broken");
    expect(broken).toHaveLength(1);
    expect(broken[0]!.textContent).toBe("This message could not be shown (m.room.message)");
    expect(container.textContent).toContain("before");
    expect(container.textContent).toContain("after");
    expect(container.querySelector(".composer-input")).not.toBeNull();

    // And the room keeps working: a new message still arrives.
    store.applySync(appended(R, [text(4, R, "later")]));
    await settle();
    expect(container.textContent).toContain("later");
    expect(container.querySelectorAll(".msg.broken")).toHaveLength(1);
  });
});
