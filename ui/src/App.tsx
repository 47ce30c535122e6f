import { Login } from "./components/Login";
import { Main } from "./components/Main";
import { Splash } from "./components/Splash";
import { WebLogin } from "./components/WebLogin";
import { useConnectionStatus, useSelect, useServices } from "./state/context";

/** Which screen: the web server's login, the Matrix login, a wait, or the client itself. */
export function App() {
  const status = useConnectionStatus();
  const cs = useSelect((s) => s.clientState);
  const awaitingFirstSync = useSelect((s) => s.awaitingFirstSync);
  const { client } = useServices();
  if (status.state === "auth-required") return <WebLogin onDone={() => client.start()} />;
  if (!cs) return <Splash message={status.state === "reconnecting" ? "Reconnecting…" : "Connecting…"} />;
  if (!cs.is_logged_in) return <Login />;
  if (awaitingFirstSync) return <Splash message="Syncing your rooms… this can take a minute." />;
  return <Main />;
}
