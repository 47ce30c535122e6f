import { memo, useMemo, useState, type KeyboardEvent } from "react";
import { useSelect, useServices } from "../state/context";
import { roomName, type InviteInfo } from "../state/members";
import type { RoomState } from "../state/room";
import { isRoomMuted } from "../state/pushRules";
import { invitesOf, roomsOf } from "../state/selectors";
import { previewText } from "../state/preview";
import { Avatar } from "./Avatar";
import { Icon } from "./Icon";
import { SecurityNotice } from "./security/SecurityNotice";
import { VirtualList } from "./VirtualList";
import { UnreadBadge } from "./UnreadBadge";
import "./RoomList.css";

type Row = { key: string; room: RoomState; version: number };

/** Up and Down move between rooms (and from the filter box into the list). */
function moveFocus(e: KeyboardEvent<HTMLElement>) {
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
  const rows = Array.from(e.currentTarget.querySelectorAll<HTMLElement>(".room-row"));
  const at = rows.indexOf(document.activeElement as HTMLElement);
  const next = e.key === "ArrowDown" ? rows[at + 1] : at > 0 ? rows[at - 1] : undefined;
  if (next) {
    e.preventDefault();
    next.focus();
  }
}

/** The middle column: filter box, invites on top, then rooms by latest activity. */
export function RoomList(props: {
  spaceId: string | null;
  selected: string | null;
  onOpen(id: string): void;
  onSwitcher(): void;
  onNewRoom(): void;
}) {
  const { store } = useServices();
  const [filter, setFilter] = useState("");
  // The rooms slice: not typing or receipts, which no row shows.
  const rooms = useSelect((s) => roomsOf(s, props.spaceId, filter));
  const invites = useSelect((s) => invitesOf(s, filter));
  const namesVersion = useSelect((s) => s.namesVersion);
  const rows: Row[] = useMemo(
    () => rooms.map((room) => ({ key: room.meta.room_id, room, version: room.version })),
    [rooms],
  );
  const title = props.spaceId ? roomName(store.rooms.get(props.spaceId)!) : "Rooms";

  return (
    <aside className="room-list" aria-label="Room list" onKeyDown={moveFocus}>
      <header className="room-list-head">
        <h2>{title}</h2>
        <span className="head-actions">
          <button className="btn ghost small" onClick={props.onSwitcher} title="Quick switcher (Ctrl+K)">
            Ctrl+K
          </button>
          <button className="btn ghost icon" onClick={props.onNewRoom} title="Start a conversation" aria-label="Start a conversation">
            <Icon name="plus" />
          </button>
        </span>
      </header>
      <div className="room-filter">
        <input
          type="search"
          placeholder="Filter rooms"
          aria-label="Filter rooms"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && rows[0]) {
              e.preventDefault();
              props.onOpen(rows[0].key);
            }
            if (e.key === "Escape") setFilter("");
          }}
        />
      </div>
      {invites.length > 0 && (
        <section className="invites" aria-label="Invites">
          {invites.map((inv) => (
            <InviteRow key={inv.roomId} invite={inv} onJoined={props.onOpen} />
          ))}
        </section>
      )}
      {rows.length === 0 && invites.length === 0 ? (
        <p className="muted room-list-empty">{filter ? "No rooms match." : "No rooms yet."}</p>
      ) : (
        <VirtualList
          className="room-list-scroll"
          label="Rooms"
          items={rows}
          estimate={56}
          render={(row) => (
            <RoomRow
              room={row.room}
              version={row.version}
              selected={row.key === props.selected}
              ownUserId={store.ownUserId}
              knownNames={store.knownNames}
              muted={isRoomMuted(store, row.key)}
              namesVersion={namesVersion}
              onOpen={props.onOpen}
            />
          )}
        />
      )}
      <SecurityNotice />
    </aside>
  );
}

const RoomRow = memo(function RoomRow(props: {
  room: RoomState;
  version: number;
  selected: boolean;
  ownUserId: string | undefined;
  knownNames: Map<string, string>;
  muted: boolean;
  /** Only for memo: previews re-render when names are learnt. */
  namesVersion: number;
  onOpen(id: string): void;
}) {
  const { room } = props;
  const m = room.meta;
  const name = roomName(room);
  const unread = m.unread_messages > 0 || m.marked_unread === true;
  return (
    <button
      className={`room-row${props.selected ? " selected" : ""}${unread ? " unread" : ""}`}
      onClick={() => props.onOpen(m.room_id)}
      aria-current={props.selected ? "page" : undefined}
    >
      <Avatar id={m.dm_user_id ?? m.room_id} name={name} mxc={m.avatar} size={36} />
      <span className="room-row-text">
        <span className="room-row-name">{name}</span>
        <span className="room-row-preview">{previewText(room, props.ownUserId, props.knownNames)}</span>
      </span>
      {props.muted && (
        <span className="muted-icon" title="Muted">
          <Icon name="muted" size={16} label="Muted" />
        </span>
      )}
      <UnreadBadge meta={m} />
    </button>
  );
});

function InviteRow({ invite, onJoined }: { invite: InviteInfo; onJoined(id: string): void }) {
  const { actions } = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (accept: boolean) => {
    setBusy(true);
    setError(null);
    try {
      if (accept) {
        await actions.acceptInvite(invite.roomId);
        onJoined(invite.roomId);
      } else {
        await actions.declineInvite(invite.roomId);
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="invite-row">
      <Avatar id={invite.roomId} name={invite.name} mxc={invite.avatar} size={36} />
      <div className="invite-text">
        <span className="room-row-name">{invite.name}</span>
        <span className="muted small">
          {invite.isDirect ? "wants to chat" : invite.inviterName ? `Invited by ${invite.inviterName}` : "Invitation"}
        </span>
        {error && <span className="form-error small">{error}</span>}
        <span className="invite-actions">
          <button className="btn primary small" disabled={busy} onClick={() => act(true)}>
            Accept
          </button>
          <button className="btn small" disabled={busy} onClick={() => act(false)}>
            Decline
          </button>
        </span>
      </div>
    </div>
  );
}
