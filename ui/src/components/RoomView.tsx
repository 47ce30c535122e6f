import { useCallback, useEffect, useMemo, useState } from "react";
import type { Event } from "../rpc/types";
import { useConnectionStatus, useSelect, useServices } from "../state/context";
import { editDraft } from "../state/drafts";
import { roomName } from "../state/members";
import { Avatar } from "./Avatar";
import { Composer } from "./Composer";
import { PanelBoundary } from "./ErrorBoundary";
import type { TileActions } from "./EventTile";
import { RightPanel } from "./RightPanel";
import { Timeline } from "./Timeline";
import { Icon } from "./Icon";
import { IdentityChangeNotice, RoomShield } from "./security/RoomShield";
import "./RoomView.css";

/** The open room: header, timeline, composer, and the side panel when asked for. */
export function RoomView(props: { roomId: string; onOpenRoom(idOrAlias: string): void; onBack(): void }) {
  const { roomId, onOpenRoom } = props;
  // The room object (replaced by a clear_state) and its meta: the header's
  // slice. The timeline, composer and panel watch their own.
  const room = useSelect((s) => s.rooms.get(roomId));
  const meta = useSelect(() => room?.meta);
  const { store, actions: backend, client, drafts } = useServices();
  const online = useConnectionStatus().state === "open";
  const [panel, setPanel] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const showError = useCallback((m: string) => setError(m), []);

  // Members and a first page, again after a clear_state replaced the room's
  // object, and when the connection is back (a room opened while it was down
  // could not ask; the banner said why, so no error for that).
  useEffect(() => {
    if (!room || !online) return;
    backend.openRoom(roomId).catch((e: Error) => {
      if (client.status.state === "open") showError(`Could not load the room: ${e.message}`);
    });
  }, [room, roomId, backend, client, showError, online]);
  const actions: Omit<TileActions, "jumpTo"> = useMemo(
    () => ({
      // The composer shows the room's draft: these set its mode (an edit, its text too).
      reply: (event: Event) => drafts.set(roomId, { ...drafts.get(roomId), mode: { kind: "reply", event } }),
      edit: (event: Event) => {
        const room = store.rooms.get(roomId);
        if (room) drafts.set(roomId, editDraft(room, event));
      },
      openRoom: onOpenRoom,
      error: showError,
    }),
    [drafts, store, roomId, onOpenRoom, showError],
  );

  if (!room || !meta) {
    return (
      <section className="room-empty" aria-label="Opening room">
        <p className="muted">
          <span className="spinner small" aria-hidden="true" /> Opening the room…
        </p>
      </section>
    );
  }
  const name = roomName(room);
  const members = meta.lazy_load_summary?.["m.joined_member_count"];
  return (
    <div className="room-area">
      <section className="room-view" aria-label={name}>
        <header className="room-head">
          <button className="btn ghost icon narrow-only" onClick={props.onBack} aria-label="Back to rooms">
            <Icon name="back" />
          </button>
          <Avatar id={meta.dm_user_id ?? roomId} name={name} mxc={meta.avatar} size={36} />
          <div className="room-head-text">
            <h2>{name}</h2>
            {meta.topic ? (
              <p className="room-topic" title={meta.topic}>
                {meta.topic}
              </p>
            ) : (
              members !== undefined && <p className="room-topic">{members} members</p>
            )}
          </div>
          <RoomShield meta={meta} />
          <button
            className={panel ? "btn ghost active" : "btn ghost"}
            onClick={() => setPanel((p) => !p)}
            aria-pressed={panel}
            aria-label="Room info"
            title="Members and room info"
          >
            <Icon name="users" /> <span className="hide-narrow">Room info</span>
          </button>
        </header>
        {error && (
          <div className="room-error" role="alert">
            <span>{error}</span>
            <button className="btn ghost small" onClick={() => setError(null)} aria-label="Dismiss">
              <Icon name="close" size={16} />
            </button>
          </div>
        )}
        <PanelBoundary label="Timeline" resetKey={room}>
          <Timeline room={room} actions={actions} />
        </PanelBoundary>
        <IdentityChangeNotice meta={meta} />
        <PanelBoundary label="Composer" resetKey={room}>
          <Composer key={roomId} room={room} onError={showError} />
        </PanelBoundary>
      </section>
      {panel && (
        <PanelBoundary label="Room details" resetKey={room}>
          <RightPanel room={room} ownUserId={store.ownUserId} onClose={() => setPanel(false)} />
        </PanelBoundary>
      )}
    </div>
  );
}
