// @vitest-environment jsdom
import { act } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { appended, loggedIn, room, text } from "../test/fixtures";
import { mount, servicesFor } from "../test/render";
import { RightPanel } from "./RightPanel";
import { RoomView } from "./RoomView";

const R = "!r:example.org";
let unmount = () => {};
afterEach(() => unmount());

async function openRoom(bodies: string[], extra: Parameters<typeof text>[3] = {}) {
  const store = loggedIn();
  const events = bodies.map((b, i) => text(i + 1, R, b, i === bodies.length - 1 ? extra : {}));
  store.applySync(appended(R, events, room(R, { name: "Room" })));
  const view = await mount(servicesFor(store), <RoomView roomId={R} onOpenRoom={() => {}} onBack={() => {}} />);
  unmount = view.unmount;
  const list = view.container.querySelector<HTMLElement>('[role="list"][aria-label="Timeline"]')!;
  return { store, container: view.container, list };
}

async function press(key: string) {
  const target = document.activeElement!;
  await act(async () => {
    target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
  });
}

/** What Tab can reach inside the element: focusable and not taken out of the Tab order. */
function tabStops(el: HTMLElement): HTMLElement[] {
  return [...el.querySelectorAll<HTMLElement>("a[href], button, [tabindex]")].filter((e) => e.tabIndex >= 0);
}

const rowOf = (el: Element | null) => el?.closest<HTMLElement>('[role="listitem"]');

describe("walking the timeline by keyboard", () => {
  it("puts one message and its own actions in the Tab order, and arrows move between messages", async () => {
    const { list } = await openRoom(["one", "two", "three"]);
    const stops = tabStops(list);
    // The newest message is the tab stop; its actions follow it, nobody else's.
    expect(stops[0]!.getAttribute("role")).toBe("listitem");
    expect(stops[0]!.textContent).toContain("three");
    expect(new Set(stops.map(rowOf))).toEqual(new Set([stops[0]]));

    act(() => stops[0]!.focus());
    await press("ArrowUp");
    expect(document.activeElement!.textContent).toContain("two");
    const now = tabStops(list);
    expect(now[0]).toBe(document.activeElement);
    expect(new Set(now.map(rowOf))).toEqual(new Set([document.activeElement]));

    await press("Home");
    expect(document.activeElement!.textContent).toContain("one");
    await press("ArrowUp");
    expect(document.activeElement!.textContent).toContain("one");
    await press("End");
    expect(document.activeElement!.textContent).toContain("three");
    await press("ArrowDown");
    expect(document.activeElement!.textContent).toContain("three");
  });

  it("Enter reaches the focused message's actions and Escape goes back to it", async () => {
    const { list } = await openRoom(["one", "two"]);
    const row = tabStops(list)[0]!;
    act(() => row.focus());
    await press("Enter");
    expect(document.activeElement!.getAttribute("aria-label")).toBe("React 👍");
    // Drawn, not an emoji glyph that needs a font.
    expect(document.activeElement!.querySelector("svg")).not.toBeNull();
    await press("Escape");
    expect(document.activeElement).toBe(row);
  });

  it("a spoiler is revealed with Enter", async () => {
    const { list } = await openRoom(["one", "spoiled"], {
      local_content: { sanitized_html: 'the end: <span data-mx-spoiler="">they win</span>' },
    });
    const spoiler = list.querySelector<HTMLElement>("[data-mx-spoiler]")!;
    expect(spoiler.getAttribute("role")).toBe("button");
    expect(spoiler.tabIndex).toBe(0);
    act(() => spoiler.focus());
    await press("Enter");
    expect(spoiler.classList.contains("revealed")).toBe(true);
    expect(spoiler.hasAttribute("role")).toBe(false);
    // The row stays where it was.
    expect(rowOf(document.activeElement)).toBe(rowOf(spoiler));
  });
});

describe("tabs", () => {
  it("move with the arrow keys and label their panel", async () => {
    const store = loggedIn();
    store.applySync(appended(R, [text(1, R, "hi")], room(R, { name: "Room" })));
    const view = await mount(servicesFor(store), <RightPanel room={store.rooms.get(R)!} ownUserId={undefined} onClose={() => {}} />);
    unmount = view.unmount;
    const tabs = [...view.container.querySelectorAll<HTMLElement>('[role="tab"]')];
    expect(tabs.map((t) => t.tabIndex)).toEqual([0, -1]);
    act(() => tabs[0]!.focus());
    await press("ArrowRight");
    expect(document.activeElement).toBe(tabs[1]);
    expect(tabs[1]!.getAttribute("aria-selected")).toBe("true");
    const panel = view.container.querySelector('[role="tabpanel"]')!;
    expect(panel.getAttribute("aria-labelledby")).toBe(tabs[1]!.id);
    expect(panel.textContent).not.toContain("Loading members");
    await press("ArrowRight");
    expect(document.activeElement).toBe(tabs[0]);
  });
});
