import { useEffect, useState } from "react";
import { useConnectionStatus, useStore } from "../state/context";

/** A thin bar over everything while the backend or the homeserver is out of reach. */
export function ConnectionBanner() {
  const status = useConnectionStatus();
  const store = useStore();
  const [, tick] = useState(0);
  const reconnecting = status.state === "reconnecting";
  useEffect(() => {
    if (!reconnecting) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [reconnecting]);

  let text: string | null = null;
  if (reconnecting) {
    const secs = Math.max(0, Math.ceil((status.retryAt - Date.now()) / 1000));
    text = secs > 0 ? `Reconnecting… (next try in ${secs} s)` : "Reconnecting…";
  } else if (store.syncStatus?.type === "erroring") {
    text = `Can't reach your homeserver, retrying… ${store.syncStatus.error ?? ""}`;
  } else if (store.syncStatus?.type === "permanently-failed") {
    text = `Sync stopped: ${store.syncStatus.error ?? "unknown error"}`;
  }
  // Always rendered, so the layout does not jump when it appears.
  return (
    <div className={text ? "conn-banner shown" : "conn-banner"} role="status" aria-live="polite">
      {text}
    </div>
  );
}
