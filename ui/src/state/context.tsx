import { createContext, useContext, useSyncExternalStore } from "react";
import type { RpcClient } from "../rpc/client";
import type { ConnectionStatus } from "../rpc/transport";
import type { Actions } from "./actions";
import type { RoomState } from "./room";
import type { Security } from "./security";
import type { Store } from "./store";

export interface AppServices {
  client: RpcClient;
  store: Store;
  actions: Actions;
  security: Security;
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const s = useContext(ServicesContext);
  if (!s) throw new Error("useServices outside ServicesContext");
  return s;
}

/** Re-renders on any store change; returns the store. */
export function useStore(): Store {
  const { store } = useServices();
  useSyncExternalStore(store.subscribe, () => store.version);
  return store;
}

/** Re-renders only when this room changes (or appears/disappears). */
export function useRoom(roomId: string | null): RoomState | undefined {
  const { store } = useServices();
  useSyncExternalStore(store.subscribe, () => store.roomSnapshot(roomId));
  return roomId ? store.rooms.get(roomId) : undefined;
}

export function useConnectionStatus(): ConnectionStatus {
  const { client } = useServices();
  return useSyncExternalStore(
    (cb) => client.onStatus(cb),
    () => client.status,
  );
}
