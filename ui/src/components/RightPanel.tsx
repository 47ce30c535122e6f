import { useMemo, useState } from "react";
import { useSelect, useServices, useStore } from "../state/context";
import { isRoomMuted } from "../state/pushRules";
import { roomName, type Member } from "../state/members";
import type { RoomState } from "../state/room";
import { membersOf } from "../state/selectors";
import { Avatar } from "./Avatar";
import { confirmAction } from "./Confirm";
import { FormError } from "./FormError";
import { useSubmit } from "./useSubmit";
import { useTabs } from "./Tabs";
import { VirtualList } from "./VirtualList";
import { Icon } from "./Icon";
import { UserTrust } from "./security/UserTrust";
import "./RightPanel.css";

const PANEL_TABS = ["members", "info"] as const;

/** Members (by power, then name) and the room's details, with leave and mute. */
export function RightPanel({ room, ownUserId, onClose }: { room: RoomState; ownUserId: string | undefined; onClose(): void }) {
  const [tab, setTab] = useState<"members" | "info">("members");
  const tabs = useTabs(PANEL_TABS, tab, setTab);
  const [selected, setSelected] = useState<Member | null>(null);
  const members = useSelect(() => membersOf(room));
  return (
    <aside className="right-panel" aria-label="Room details">
      <header className="panel-head">
        <div {...tabs.list} className="tabs">
          <button {...tabs.tab("members")}>
            Members {members.length > 0 && <span className="muted">{members.length}</span>}
          </button>
          <button {...tabs.tab("info")}>Info</button>
        </div>
        <button className="btn ghost small" onClick={onClose} aria-label="Close panel">
          <Icon name="close" size={16} />
        </button>
      </header>
      <div {...tabs.panel} className="panel-body">
      {tab === "members" && selected ? (
        <MemberDetails member={selected} own={selected.userId === ownUserId} onBack={() => setSelected(null)} />
      ) : tab === "members" ? (
        <>
          <InviteBox roomId={room.meta.room_id} />
          {members.length === 0 ? (
            <p className="member-list muted">Loading members…</p>
          ) : (
            <MemberList members={members} ownUserId={ownUserId} onSelect={setSelected} />
          )}
        </>
      ) : (
        <RoomInfo room={room} />
      )}
      </div>
    </aside>
  );
}

/** Every member, as a virtual list: a room of thousands renders the few rows in view. */
function MemberList(props: { members: Member[]; ownUserId: string | undefined; onSelect(m: Member): void }) {
  const { members, ownUserId, onSelect } = props;
  const rows = useMemo(() => members.map((m) => ({ key: m.userId, member: m })), [members]);
  return (
    <VirtualList
      className="member-list"
      label="Members"
      items={rows}
      estimate={48}
      render={({ member: m }) => (
        <button className="member" onClick={() => onSelect(m)}>
          <Avatar id={m.userId} name={m.name} mxc={m.avatar} size={32} />
          <span className="member-text">
            <span className="member-name">
              {m.name}
              {m.userId === ownUserId && <span className="muted"> (you)</span>}
            </span>
            <span className="muted small">{m.userId}</span>
          </span>
          {m.powerLevel >= 100 ? (
            <span className="role">Admin</span>
          ) : m.powerLevel >= 50 ? (
            <span className="role">Mod</span>
          ) : m.membership === "invite" ? (
            <span className="role muted">Invited</span>
          ) : null}
        </button>
      )}
    />
  );
}

/** One member: who they are, and their devices and trust (with Verify). */
function MemberDetails({ member, own, onBack }: { member: Member; own: boolean; onBack(): void }) {
  return (
    <div className="member-details">
      <button className="btn ghost small" onClick={onBack} autoFocus>
        <Icon name="back" size={16} /> Members
      </button>
      <div className="room-info-hero">
        <Avatar id={member.userId} name={member.name} mxc={member.avatar} size={72} />
        <h3>
          {member.name}
          {own && <span className="muted"> (you)</span>}
        </h3>
        <p className="muted small mono">{member.userId}</p>
      </div>
      <UserTrust userId={member.userId} name={member.name} />
    </div>
  );
}

/** Invite someone by user ID; the new member shows up through sync. */
function InviteBox({ roomId }: { roomId: string }) {
  const { actions } = useServices();
  const [userId, setUserId] = useState("");
  const { error, busy, submit } = useSubmit(async () => {
    await actions.invite(roomId, userId.trim());
    setUserId("");
  });
  return (
    <form
      className="invite-box"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy && userId.trim()) void submit();
      }}
    >
      <input value={userId} onChange={(e) => setUserId(e.target.value)} placeholder="@someone:example.org" aria-label="User ID to invite" />
      <button className="btn small" type="submit" disabled={busy || !userId.trim()}>
        Invite
      </button>
      <FormError error={error} />
    </form>
  );
}

function RoomInfo({ room }: { room: RoomState }) {
  const { actions } = useServices();
  const store = useStore();
  const [error, setError] = useState<string | null>(null);
  const m = room.meta;
  const muted = isRoomMuted(store, m.room_id);
  const leave = async () => {
    if (!(await confirmAction(`Leave ${roomName(room)}?`, "Leave", true))) return;
    try {
      await actions.leaveRoom(m.room_id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const toggleMute = async () => {
    const next = !muted;
    try {
      // The push rule change comes back through sync and flips the button.
      await actions.setMuted(m.room_id, next);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div className="room-info">
      <div className="room-info-hero">
        <Avatar id={m.dm_user_id ?? m.room_id} name={roomName(room)} mxc={m.avatar} size={72} />
        <h3>{roomName(room)}</h3>
        {m.canonical_alias && <p className="muted">{m.canonical_alias}</p>}
      </div>
      {m.topic && <p className="room-info-topic">{m.topic}</p>}
      <dl className="facts">
        <dt>Room ID</dt>
        <dd className="mono">{m.room_id}</dd>
        <dt>Encryption</dt>
        <dd>{m.encryption_event ? "End-to-end encrypted" : "Not encrypted"}</dd>
        {m.lazy_load_summary?.["m.joined_member_count"] !== undefined && (
          <>
            <dt>Members</dt>
            <dd>{m.lazy_load_summary["m.joined_member_count"]}</dd>
          </>
        )}
      </dl>
      <FormError error={error} />
      <div className="stack">
        <button className="btn" onClick={toggleMute}>
          {muted ? "Unmute notifications" : "Mute notifications"}
        </button>
        <button className="btn danger" onClick={leave}>
          Leave room
        </button>
      </div>
    </div>
  );
}
