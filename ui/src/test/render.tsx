import { act, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { Actions } from "../state/actions";
import { ServicesContext, type AppServices } from "../state/context";
import { Drafts } from "../state/drafts";
import { Security } from "../state/security";
import type { Store } from "../state/store";
import { started } from "./transport";

// React's act() warns unless told it runs in a test.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// jsdom lays nothing out: no ResizeObserver, and every height is 0.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
Element.prototype.scrollIntoView ??= function () {};

/** The services around a store, on a fake transport the test can read. */
export function servicesFor(store: Store): AppServices & { transport: ReturnType<typeof started>["t"] } {
  const { t, c } = started();
  const drafts = new Drafts(window.localStorage, () => store.ownUserId);
  return { client: c, store, actions: new Actions(c, store), security: new Security(c, store), drafts, transport: t };
}

/** Mounts a view in jsdom inside the services; `unmount` takes it down. */
export async function mount(services: AppServices, ui: ReactNode) {
  const container = document.createElement("div");
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(<ServicesContext value={services}>{ui}</ServicesContext>));
  return {
    container,
    unmount: () => {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/** Lets the store's queued notification (a microtask) and React's renders run. */
export async function settle(): Promise<void> {
  await act(async () => {
    await Promise.resolve();
  });
}
