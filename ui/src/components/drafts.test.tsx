// @vitest-environment jsdom
import { act } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { Drafts } from "../state/drafts";
import { appended, loggedIn, room, text } from "../test/fixtures";
import { mount, servicesFor } from "../test/render";
import { RoomView } from "./RoomView";

const A = "!a:example.org";
const B = "!b:example.org";
let unmount = () => {};
afterEach(() => {
  unmount();
  localStorage.clear();
});

function twoRooms() {
  const store = loggedIn();
  store.applySync(appended(A, [text(1, A, "hello from alice")], room(A, { name: "A" })));
  store.applySync(appended(B, [text(2, B, "in b")], room(B, { name: "B" })));
  return store;
}

async function show(services: ReturnType<typeof servicesFor>, roomId: string) {
  unmount();
  // Main keys the view by room, so a switch mounts a fresh one.
  const view = await mount(services, <RoomView key={roomId} roomId={roomId} onOpenRoom={() => {}} onBack={() => {}} />);
  unmount = view.unmount;
  return view.container;
}

/** Types as a person does: React sees the input event of the textarea. */
async function type(box: HTMLTextAreaElement, value: string) {
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")!.set!.call(box, value);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

const box = (c: HTMLElement) => c.querySelector<HTMLTextAreaElement>(".composer-input")!;

describe("composer drafts", () => {
  it("keep each room's text and reply target across a switch and a restart", async () => {
    const store = twoRooms();
    const services = servicesFor(store);

    let c = await show(services, A);
    await act(async () => c.querySelector<HTMLButtonElement>('.msg-tools button[aria-label="Reply"]')!.click());
    await type(box(c), "half a thought");
    expect(c.querySelector(".composer-mode")!.textContent).toContain("Replying to alice");

    c = await show(services, B);
    expect(box(c).value).toBe("");
    expect(c.querySelector(".composer-mode")).toBeNull();
    await type(box(c), "for b");

    c = await show(services, A);
    expect(box(c).value).toBe("half a thought");
    expect(c.querySelector(".composer-mode")!.textContent).toContain("hello from alice");

    // A restart: new services, the same localStorage.
    const restarted = { ...servicesFor(store), drafts: new Drafts(localStorage, () => store.ownUserId) };
    c = await show(restarted, A);
    expect(box(c).value).toBe("half a thought");
    expect(c.querySelector(".composer-mode")!.textContent).toContain("Replying to alice");
    c = await show(restarted, B);
    expect(box(c).value).toBe("for b");
  });

  it("goes once sent, and a broken stored draft reads as none", async () => {
    const store = twoRooms();
    const services = servicesFor(store);
    let c = await show(services, A);
    await type(box(c), "sent soon");
    await act(async () => c.querySelector<HTMLButtonElement>('button[aria-label="Send"]')!.click());
    expect(box(c).value).toBe("");
    expect([...Array(localStorage.length).keys()].map((i) => localStorage.key(i))).toEqual([]);

    localStorage.setItem(`trellis.draft:${store.ownUserId}:${B}`, "{not json");
    c = await show({ ...services, drafts: new Drafts(localStorage, () => store.ownUserId) }, B);
    expect(box(c).value).toBe("");
  });
});
