import { memo, useEffect, useState, type CSSProperties } from "react";
import type { Event } from "../rpc/types";
import { useSelect, useServices } from "../state/context";
import { displayName, memberAvatar } from "../state/members";
import { messageSummary } from "../state/preview";
import { putEvent, type RoomState } from "../state/room";
import { readersOf } from "../state/selectors";
import { stateSummary } from "../state/stateSummary";
import { eventContent, latestEdit, replyTarget } from "../state/timelineItems";
import { Avatar, userHue } from "./Avatar";
import { confirmAction } from "./Confirm";
import { EmojiPicker } from "./EmojiPicker";
import { MessageBody } from "./MessageBody";
import { Icon, type IconName } from "./Icon";
import { DeviceShield } from "./security/DeviceShield";
import { SenderShield } from "./security/SenderShield";
import "./EventTile.css";

export interface TileActions {
  reply(ev: Event): void;
  /** Scrolls to a loaded event; false when it is not in the loaded timeline. */
  jumpTo(eventId: string): boolean;
  edit(ev: Event): void;
  openRoom(roomIdOrAlias: string): void;
  error(message: string): void;
}

// The toolbar's one-click reactions, drawn as icons (see Icon); the key sent is the emoji.
const QUICK_REACTIONS: { key: string; icon: IconName }[] = [
  { key: "👍", icon: "thumbsUp" },
  { key: "❤️", icon: "heart" },
  { key: "😂", icon: "laugh" },
];

// One formatter for every tile: toLocaleTimeString builds a new one per call,
// which was a tenth of the work of scrolling through a long timeline.
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

export function timeOf(ts: number): string {
  return timeFormat.format(ts);
}

/**
 * One timeline row: a state change in one line, or a message with everything
 * around it. `version` is the room's timelineVersion, so a tile draws again
 * when its reactions, edits or senders' names may have changed.
 */
export const EventTile = memo(function EventTile(props: {
  room: RoomState;
  version: number;
  event: Event;
  continuation: boolean;
  pending: boolean;
  actions: TileActions;
}) {
  const { room, event: ev } = props;
  const nameOf = (id: string) => displayName(room, id);
  if (ev.state_key !== undefined) {
    return (
      <div className="state-line">
        <span>{stateSummary(ev, nameOf)}</span>
        <time className="muted small">{timeOf(ev.timestamp)}</time>
        <Readers room={room} eventId={ev.event_id} />
      </div>
    );
  }
  return <Message {...props} />;
});

function Message(props: {
  room: RoomState;
  event: Event;
  continuation: boolean;
  pending: boolean;
  actions: TileActions;
}) {
  const { room, event: ev, actions } = props;
  const { store, actions: backend } = useServices();
  const me = store.ownUserId;
  const own = ev.sender === me;
  const [picker, setPicker] = useState(false);
  const edit = latestEdit(room, ev);
  const name = displayName(room, ev.sender);
  const emote = eventContent(ev).msgtype === "m.emote";
  const replyTo = replyTarget(ev);
  const removed = Boolean(ev.redacted_by);

  const react = (key: string) => {
    setPicker(false);
    backend.toggleReaction(room, ev, key).catch((e: Error) => actions.error(`Could not react: ${e.message}`));
  };
  const remove = async () => {
    if (!(await confirmAction("Delete this message for everyone?", "Delete", true))) return;
    backend.redact(room.meta.room_id, ev.event_id).catch((e: Error) => actions.error(`Could not delete: ${e.message}`));
  };
  const onPill = (kind: string, target: string) => {
    if (kind === "room") actions.openRoom(target);
  };

  return (
    <article
      className={`msg${props.continuation ? " cont" : ""}${props.pending ? " pending" : ""}${ev.send_error ? " failed" : ""}`}
      aria-label={`${name} at ${timeOf(ev.timestamp)}`}
    >
      <div className="msg-gutter">
        {props.continuation ? (
          <time className="msg-hover-time">{timeOf(ev.timestamp)}</time>
        ) : (
          <Avatar id={ev.sender} name={name} mxc={memberAvatar(room, ev.sender)} size={36} />
        )}
      </div>
      <div className="msg-main">
        {!props.continuation && (
          <header className="msg-head">
            <span className="msg-sender" style={{ "--avatar-hue": userHue(ev.sender) } as CSSProperties}>
              {name}
            </span>
            {room.meta.encryption_event && !own && <SenderShield userId={ev.sender} name={name} />}
            <time className="muted small" dateTime={new Date(ev.timestamp).toISOString()}>
              {timeOf(ev.timestamp)}
            </time>
          </header>
        )}
        {replyTo && <ReplyQuote room={room} eventId={replyTo} onJump={actions.jumpTo} />}
        <div className="msg-content">
          {emote && !removed && <span className="emote-name">* {name} </span>}
          <MessageBody event={ev} edit={edit} onPill={onPill} />
          {edit && !removed && <span className="muted small edited">(edited)</span>}
          {!removed && <DeviceShield event={ev} />}
        </div>
        {!removed && ev.reactions && <Reactions room={room} ev={ev} onToggle={react} />}
        <SendState ev={ev} pending={props.pending} own={own} onError={actions.error} />
        <Readers room={room} eventId={ev.event_id} />
      </div>
      {!removed && !ev.event_id.startsWith("~") && (
        <div className="msg-tools" role="toolbar" aria-label="Actions">
          {QUICK_REACTIONS.map(({ key, icon }) => (
            <button key={key} className="tool" onClick={() => react(key)} title={`React ${key}`} aria-label={`React ${key}`}>
              <Icon name={icon} size={18} />
            </button>
          ))}
          <button className="tool" onClick={() => setPicker((p) => !p)} title="More reactions" aria-label="More reactions" aria-expanded={picker}>
            <Icon name="addReaction" size={18} />
          </button>
          <button className="tool" onClick={() => actions.reply(ev)} title="Reply" aria-label="Reply">
            <Icon name="reply" size={18} />
          </button>
          {own && eventContent(ev).msgtype !== undefined && !eventContent(ev).url && (
            <button className="tool" onClick={() => actions.edit(ev)} title="Edit" aria-label="Edit">
              <Icon name="edit" size={18} />
            </button>
          )}
          {own && (
            <button className="tool" onClick={remove} title="Delete" aria-label="Delete">
              <Icon name="trash" size={18} />
            </button>
          )}
          {picker && (
            <div className="msg-picker">
              <EmojiPicker onPick={react} onClose={() => setPicker(false)} />
            </div>
          )}
        </div>
      )}
    </article>
  );
}

/** Chips of reaction keys with counts; ours are highlighted and clicking toggles them. */
function Reactions({ room, ev, onToggle }: { room: RoomState; ev: Event; onToggle(key: string): void }) {
  const mine = room.ownReactions.get(ev.event_id);
  const entries = Object.entries(ev.reactions ?? {}).filter(([, n]) => n > 0);
  if (entries.length === 0) return null;
  return (
    <div className="reactions">
      {entries.map(([key, n]) => (
        <button
          key={key}
          className={mine?.has(key) ? "chip mine" : "chip"}
          aria-pressed={mine?.has(key) ?? false}
          onClick={() => onToggle(key)}
          title={mine?.has(key) ? "Remove your reaction" : "React"}
        >
          <span className="chip-key">{key.startsWith("mxc://") ? <Icon name="image" size={14} /> : key}</span> {n}
        </button>
      ))}
    </div>
  );
}

/** Pending → sent for our echoes; failed with a retry button. */
function SendState({ ev, pending, own, onError }: { ev: Event; pending: boolean; own: boolean; onError(m: string): void }) {
  const { actions } = useServices();
  if (!own || !ev.transaction_id) return null;
  if (ev.send_error) {
    return (
      <div className="send-state failed" role="alert">
        Not sent: {ev.send_error}{" "}
        <button
          className="btn small"
          onClick={() => actions.resend(ev.transaction_id!).catch((e: Error) => onError(`Retry failed: ${e.message}`))}
        >
          Retry
        </button>
      </div>
    );
  }
  if (ev.event_id.startsWith("~")) return <div className="send-state">Sending…</div>;
  if (pending) return <div className="send-state">Sent</div>;
  return null;
}

const MAX_READERS = 4;

/** Who has read up to this event; subscribed on its own, so a receipt re-renders only this. */
function Readers({ room, eventId }: { room: RoomState; eventId: string }) {
  const readers = useSelect((store) => readersOf(room, store.ownUserId).get(eventId));
  if (!readers || readers.length === 0) return null;
  const names = readers.map((id) => displayName(room, id));
  return (
    <div className="readers" title={`Seen by ${names.join(", ")}`} aria-label={`Seen by ${names.join(", ")}`}>
      {readers.slice(0, MAX_READERS).map((id) => (
        <Avatar key={id} id={id} name={displayName(room, id)} mxc={memberAvatar(room, id)} size={16} />
      ))}
      {readers.length > MAX_READERS && <span className="muted small">+{readers.length - MAX_READERS}</span>}
    </div>
  );
}

/** The message replied to, from the room's events or fetched once from the backend. */
function ReplyQuote({ room, eventId, onJump }: { room: RoomState; eventId: string; onJump(id: string): boolean }) {
  const { client, store } = useServices();
  const rowid = room.eventRowids.get(eventId);
  const known = rowid !== undefined ? room.events.get(rowid) : undefined;
  const [fetched, setFetched] = useState<Event | null | undefined>(undefined);
  useEffect(() => {
    if (known || fetched !== undefined) return;
    let live = true;
    client.request("get_event", { room_id: room.meta.room_id, event_id: eventId }).then(
      (ev) => {
        if (!live) return;
        setFetched(ev);
        const current = store.rooms.get(room.meta.room_id);
        // Kept for the next render of any reply to it; not a change worth announcing.
        if (current && !current.eventRowids.has(ev.event_id)) putEvent(current, ev, store.ownUserId);
      },
      () => live && setFetched(null),
    );
    return () => {
      live = false;
    };
  }, [known, fetched, client, store, room.meta.room_id, eventId]);
  const target = known ?? fetched ?? undefined;
  return (
    <blockquote
      className="reply-quote"
      role="button"
      tabIndex={0}
      title="Show the original message"
      onClick={() => onJump(eventId)}
      onKeyDown={(e) => {
        if (e.key === "Enter") onJump(eventId);
      }}
    >
      {target ? (
        <>
          <span className="reply-sender">{displayName(room, target.sender)}</span>{" "}
          <span className="reply-text">{messageSummary(target, latestEdit(room, target))}</span>
        </>
      ) : (
        <span className="muted">{fetched === null ? "Original message not available" : "Loading reply…"}</span>
      )}
    </blockquote>
  );
}
