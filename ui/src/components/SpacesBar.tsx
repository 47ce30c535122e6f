import { useStore } from "../state/context";
import { roomName } from "../state/members";
import { roomsInSpace, topSpaces, unreadIn } from "../state/roomList";
import { Avatar } from "./Avatar";
import { Logo } from "../Logo";
import "./SpacesBar.css";

/** The narrow left column: all rooms, each top-level space, and settings at the bottom. */
export function SpacesBar(props: { selected: string | null; onSelect(id: string | null): void; onSettings(): void }) {
  const store = useStore();
  const spaces = topSpaces(store);
  const me = store.clientState;
  return (
    <nav className="spaces-bar" aria-label="Spaces">
      <button
        className={props.selected === null ? "space-btn active" : "space-btn"}
        onClick={() => props.onSelect(null)}
        title="All rooms"
        aria-pressed={props.selected === null}
      >
        <Logo size={40} />
        <span className="sr-only">All rooms</span>
      </button>
      {spaces.length > 0 && <hr />}
      <div className="spaces-scroll">
        {spaces.map((space) => {
          const id = space.meta.room_id;
          const unread = unreadIn(store, roomsInSpace(store, id));
          return (
            <button
              key={id}
              className={props.selected === id ? "space-btn active" : "space-btn"}
              onClick={() => props.onSelect(id)}
              title={roomName(space)}
              aria-pressed={props.selected === id}
            >
              <Avatar id={id} name={roomName(space)} mxc={space.meta.avatar} size={40} />
              <span className="sr-only">{roomName(space)}</span>
              {unread.notifications > 0 && (
                <span className={unread.highlights > 0 ? "badge dot highlight" : "badge dot"} aria-label="unread" />
              )}
            </button>
          );
        })}
      </div>
      <button className="space-btn settings-btn" onClick={props.onSettings} title="Settings">
        {me?.user_id ? (
          <Avatar id={me.user_id} name={me.displayname ?? me.user_id} mxc={me.avatar_url} size={36} />
        ) : null}
        <span className="sr-only">Settings</span>
      </button>
    </nav>
  );
}

