import { createContext, useContext, useSyncExternalStore } from "react";
import type { RpcClient } from "../rpc/client";
import type { ConnectionStatus } from "../rpc/transport";
import type { Actions } from "./actions";
import type { Draft, Drafts } from "./drafts";
import type { Security } from "./security";
import type { Store } from "./store";

export interface AppServices {
  client: RpcClient;
  store: Store;
  actions: Actions;
  security: Security;
  drafts: Drafts;
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const s = useContext(ServicesContext);
  if (!s) throw new Error("useServices outside ServicesContext");
  return s;
}

/**
 * The slice of the store a component shows; it re-renders only when that
 * value changes (by Object.is). A selector returns a primitive, an object
 * the store replaces when it changes (a room, its meta, its typing list), or
 * a `derive`d value, never a fresh object per call.
 */
export function useSelect<T>(select: (store: Store) => T): T {
  const { store } = useServices();
  return useSyncExternalStore(store.subscribe, () => select(store));
}

/** Re-renders on any store change; returns the store. For small views that read much of it. */
export function useStore(): Store {
  const { store } = useServices();
  useSyncExternalStore(store.subscribe, () => store.version);
  return store;
}

/** One room's composer draft, and the way to change it. */
export function useDraft(roomId: string): [Draft, (draft: Draft) => void] {
  const { drafts } = useServices();
  const draft = useSyncExternalStore(drafts.subscribe, () => drafts.get(roomId));
  return [draft, (next) => drafts.set(roomId, next)];
}

export function useConnectionStatus(): ConnectionStatus {
  const { client } = useServices();
  return useSyncExternalStore(
    (cb) => client.onStatus(cb),
    () => client.status,
  );
}
