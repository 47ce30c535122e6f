// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { appended, loggedIn, room, sync, syncRoom, text } from "../test/fixtures";
import { mount, servicesFor, settle } from "../test/render";
import { RoomView } from "./RoomView";

// Counts the tiles' renders: each message tile renders its body once per render.
const bodies = vi.hoisted(() => ({ renders: 0 }));
vi.mock("./MessageBody", async (importOriginal) => {
  const real = await importOriginal<typeof import("./MessageBody")>();
  return {
    ...real,
    MessageBody: (props: Parameters<typeof real.MessageBody>[0]) => {
      bodies.renders++;
      return <real.MessageBody {...props} />;
    },
  };
});

const R = "!r:example.org";
let unmount = () => {};
afterEach(() => unmount());

async function openRoom() {
  const store = loggedIn();
  store.applySync(appended(R, [text(1, R, "one"), text(2, R, "two"), text(3, R, "three")], room(R, { name: "Room" })));
  const view = await mount(servicesFor(store), <RoomView roomId={R} onOpenRoom={() => {}} onBack={() => {}} />);
  unmount = view.unmount;
  return { store, container: view.container };
}

describe("what a backend event re-renders", () => {
  it("a typing notice shows without re-rendering any timeline tile", async () => {
    const { store, container } = await openRoom();
    expect(container.textContent).toContain("three");
    const before = bodies.renders;
    expect(before).toBeGreaterThanOrEqual(3);

    store.apply("typing", { room_id: R, user_ids: ["@bob:example.org"] });
    await settle();
    expect(container.querySelector(".typing")!.textContent).toBe("bob is typing…");
    expect(bodies.renders).toBe(before);
  });

  it("a read receipt shows under its message without re-rendering the tiles", async () => {
    const { store, container } = await openRoom();
    const before = bodies.renders;
    store.applySync(
      sync({
        rooms: {
          [R]: syncRoom({
            receipts: { $e3: [{ user_id: "@bob:example.org", receipt_type: "m.read", event_id: "$e3", timestamp: 5 }] },
          }),
        },
      }),
    );
    await settle();
    expect(container.querySelector(".readers")?.getAttribute("aria-label")).toBe("Seen by bob");
    expect(bodies.renders).toBe(before);
  });

  it("a new message does render (the count above can move)", async () => {
    const { store, container } = await openRoom();
    const before = bodies.renders;
    store.applySync(appended(R, [text(4, R, "four")]));
    await settle();
    expect(container.textContent).toContain("four");
    expect(bodies.renders).toBeGreaterThan(before);
  });

  it("a new topic shows in the header without re-rendering the tiles", async () => {
    const { store, container } = await openRoom();
    const before = bodies.renders;
    store.applySync(sync({ rooms: { [R]: syncRoom({ meta: room(R, { name: "Room", topic: "A new topic" }) }) } }));
    await settle();
    expect(container.querySelector(".room-topic")?.textContent).toBe("A new topic");
    expect(bodies.renders).toBe(before);
  });
});
