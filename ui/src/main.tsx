// The base styles first: the components' own (imported by each) build on them.
import "./app.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { RpcClient } from "./rpc/client";
import { insideTauri, TauriTransport } from "./rpc/tauri";
import { WebSocketTransport } from "./rpc/websocket";
import { Actions } from "./state/actions";
import { Drafts } from "./state/drafts";
import { Security } from "./state/security";
import { ServicesContext } from "./state/context";
import { Store } from "./state/store";
import { notifyFromSync } from "./notify";
import type { SyncComplete } from "./rpc/types";
import { applyTheme, getSettings, loadShellSettings } from "./settings";
import "./components/security/security.css";

applyTheme(getSettings().theme);

// Inside the desktop shell the backend is in-process (Tauri IPC); anywhere else
// the page came from `trellis-server --listen`, which speaks the websocket.
const client = new RpcClient(insideTauri() ? new TauriTransport() : new WebSocketTransport());
const store = new Store();
client.onEvent((command, data) => {
  store.apply(command, data);
  if (command === "sync_complete") notifyFromSync(store, data as SyncComplete);
});
void loadShellSettings();
const services = {
  client,
  store,
  actions: new Actions(client, store),
  security: new Security(client, store),
  drafts: new Drafts(window.localStorage, () => store.ownUserId),
};
client.start();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <ServicesContext value={services}>
      <App />
    </ServicesContext>
  </StrictMode>,
);
