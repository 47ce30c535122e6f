import { useSyncExternalStore } from "react";
import { useConnectionStatus, useSelect } from "../state/context";
import "./ConnectionBanner.css";

const never = () => () => {};
const everySecond = (tick: () => void) => {
  const t = setInterval(tick, 1000);
  return () => clearInterval(t);
};

/** The time in whole seconds, ticking while `running` (a countdown's clock). */
function useSeconds(running: boolean): number {
  return useSyncExternalStore(running ? everySecond : never, () => Math.floor(Date.now() / 1000));
}

/** A thin bar over everything while the backend or the homeserver is out of reach. */
export function ConnectionBanner() {
  const status = useConnectionStatus();
  const syncStatus = useSelect((s) => s.syncStatus);
  const reconnecting = status.state === "reconnecting";
  const now = useSeconds(reconnecting);

  let text: string | null = null;
  if (reconnecting) {
    const secs = Math.max(0, Math.ceil(status.retryAt / 1000 - now));
    text = secs > 0 ? `Reconnecting… (next try in ${secs} s)` : "Reconnecting…";
  } else if (syncStatus?.type === "erroring") {
    text = `Can't reach your homeserver, retrying… ${syncStatus.error ?? ""}`;
  } else if (syncStatus?.type === "permanently-failed") {
    text = `Sync stopped: ${syncStatus.error ?? "unknown error"}`;
  }
  // Always rendered, so the layout does not jump when it appears.
  return (
    <div className={text ? "conn-banner shown" : "conn-banner"} role="status" aria-live="polite">
      {text}
    </div>
  );
}
