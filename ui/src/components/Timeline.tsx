import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSelect, useServices } from "../state/context";
import { displayName } from "../state/members";
import type { RoomState } from "../state/room";
import { timelineOf } from "../state/selectors";
import { eventType, firstUnreadKey, withUnreadLine, type TimelineItem } from "../state/timelineItems";
import { ErrorBoundary } from "./ErrorBoundary";
import { EventTile, type TileActions } from "./EventTile";
import { VirtualList, type VirtualListHandle } from "./VirtualList";
import { Icon } from "./Icon";
import "./Timeline.css";

type Row = TimelineItem | { kind: "top"; key: string };

/** The keyboard walk stops at events (messages and state lines), not at separators. */
const isEventRow = (row: Row) => row.kind === "event";

function dayLabel(ts: number): string {
  const d = new Date(ts);
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (d.toDateString() === today.toDateString()) return "Today";
  if (d.toDateString() === yesterday.toDateString()) return "Yesterday";
  return d.toLocaleDateString(undefined, {
    weekday: "long",
    month: "long",
    day: "numeric",
    year: d.getFullYear() === today.getFullYear() ? undefined : "numeric",
  });
}

/** Whether the person can see the room now: window focused and page visible. */
function useWindowActive(): boolean {
  const [active, setActive] = useState(() => document.hasFocus() && !document.hidden);
  useEffect(() => {
    const update = () => setActive(document.hasFocus() && !document.hidden);
    window.addEventListener("focus", update);
    window.addEventListener("blur", update);
    document.addEventListener("visibilitychange", update);
    return () => {
      window.removeEventListener("focus", update);
      window.removeEventListener("blur", update);
      document.removeEventListener("visibilitychange", update);
    };
  }, []);
  return active;
}

/**
 * The room's messages, newest at the bottom, older pages loading as you
 * scroll up. It watches the room's timeline slice only: typing and receipts
 * re-render their own small components, never the tiles.
 */
export function Timeline(props: { room: RoomState; actions: Omit<TileActions, "jumpTo"> }) {
  const { room } = props;
  const { actions: backend, store, client } = useServices();
  const list = useRef<VirtualListHandle>(null);
  const actions: TileActions = useMemo(
    () => ({
      ...props.actions,
      jumpTo: (eventId: string) => {
        const rowid = room.eventRowids.get(eventId);
        return rowid !== undefined && (list.current?.scrollToKey(`ev-${rowid}`) ?? false);
      },
    }),
    [props.actions, room],
  );
  const [atBottom, setAtBottom] = useState(true);
  const active = useWindowActive();
  const items = useSelect(() => timelineOf(room));
  const version = useSelect(() => room.timelineVersion);
  // The unread count as the room was opened places the line once (as soon
  // as those messages are loaded); it then stays above that message while reading.
  const [unreadAtOpen] = useState(() => room.meta.unread_messages);
  const [unreadKey, setUnreadKey] = useState<string | undefined>(undefined);
  const lineAt = unreadKey ?? firstUnreadKey(items, unreadAtOpen, store.ownUserId);
  if (lineAt !== unreadKey) setUnreadKey(lineAt);
  const rows: Row[] = useMemo(
    () => [{ kind: "top", key: "top" } as Row].concat(withUnreadLine(items, lineAt)),
    [items, lineAt],
  );

  // Runs on every render near the top. While the backend is out of reach the
  // banner says so, and the first render after it is back asks again. A
  // refusal (e.g. the homeserver's) stays at the top with a retry button
  // rather than being asked again at every render; it belongs to the room
  // object it came for, so a fresh state from the backend (clear_state, as
  // after a restart) starts without it.
  const [refusal, setRefusal] = useState<{ room: RoomState; message: string } | null>(null);
  const historyError = refusal?.room === room ? refusal.message : null;
  const loadOlder = useCallback(() => {
    if (!room.hasMoreHistory || historyError !== null || client.status.state !== "open") return;
    backend.paginate(room.meta.room_id).catch((e: Error) => {
      if (client.status.state === "open") setRefusal({ room, message: e.message });
    });
  }, [backend, client, room, historyError]);

  // Looking at the newest messages with the window focused counts as reading them.
  useEffect(() => {
    if (atBottom && active) backend.markRead(room).catch(() => {});
  }, [atBottom, active, room, items, backend]);

  const loading = room.hasMoreHistory;
  return (
    <div className="timeline-wrap">
      <VirtualList
        className="timeline"
        label="Timeline"
        focusable={isEventRow}
        items={rows}
        estimate={64}
        chat
        onNearTop={loadOlder}
        onAtBottomChange={setAtBottom}
        handle={list}
        render={(row) => {
          if (row.kind === "top") {
            return (
              <div className="timeline-top" aria-live="polite">
                {historyError !== null ? (
                  <>
                    <span className="history-error">Could not load older messages: {historyError}</span>
                    <button className="btn ghost small" onClick={() => setRefusal(null)}>
                      Retry
                    </button>
                  </>
                ) : loading ? (
                  <>
                    <span className="spinner small" aria-hidden="true" /> Loading older messages…
                  </>
                ) : (
                  "This is the beginning of the conversation."
                )}
              </div>
            );
          }
          if (row.kind === "unread") {
            return (
              <div className="unread-line" role="separator">
                <span>New messages</span>
              </div>
            );
          }
          if (row.kind === "day") {
            return (
              <div className="day-sep" role="separator">
                <span>{dayLabel(row.timestamp)}</span>
              </div>
            );
          }
          // One malformed event costs its own row, not the timeline; a new
          // version of it (edited, decrypted) gets another try.
          return (
            <ErrorBoundary
              resetKey={row.event}
              fallback={() => (
                <div className="msg broken" role="note">
                  This message could not be shown <span className="muted small">({eventType(row.event)})</span>
                </div>
              )}
            >
              <EventTile
                room={room}
                version={version}
                event={row.event}
                continuation={row.continuation}
                pending={row.pending}
                actions={actions}
              />
            </ErrorBoundary>
          );
        }}
      />
      <TypingNotice room={room} ownUserId={store.ownUserId} />
      {!atBottom && (
        <button className="jump-latest btn" onClick={() => list.current?.scrollToBottom()}>
          <Icon name="down" size={16} /> Jump to latest
        </button>
      )}
    </div>
  );
}

function TypingNotice({ room, ownUserId }: { room: RoomState; ownUserId: string | undefined }) {
  const typing = useSelect(() => room.typing);
  const others = typing.filter((u) => u !== ownUserId).map((u) => displayName(room, u));
  let text = "";
  if (others.length === 1) text = `${others[0]} is typing…`;
  else if (others.length === 2) text = `${others[0]} and ${others[1]} are typing…`;
  else if (others.length > 2) text = "Several people are typing…";
  // Always there (one line high), so the composer does not move when someone types.
  return (
    <div className="typing" aria-live="polite">
      {text}
    </div>
  );
}
