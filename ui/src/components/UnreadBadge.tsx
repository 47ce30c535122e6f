import type { Room } from "../rpc/types";
import "./UnreadBadge.css";

/** Count of notifying messages (red when one mentions us); a dot for quieter unread. */
export function UnreadBadge({ meta }: { meta: Room }) {
  if (meta.unread_notifications > 0 || meta.unread_highlights > 0) {
    const n = Math.max(meta.unread_notifications, meta.unread_highlights);
    const label = `${n} unread${meta.unread_highlights > 0 ? ", mentions you" : ""}`;
    return (
      <span className={meta.unread_highlights > 0 ? "badge highlight" : "badge"} aria-label={label}>
        {n > 99 ? "99+" : n}
      </span>
    );
  }
  if (meta.unread_messages > 0 || meta.marked_unread) return <span className="badge dot" aria-label="unread" />;
  return null;
}
