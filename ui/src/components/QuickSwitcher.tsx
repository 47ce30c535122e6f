import { useState } from "react";
import { useSelect } from "../state/context";
import { roomName } from "../state/members";
import { roomsOf } from "../state/selectors";
import { Avatar } from "./Avatar";
import { Dialog } from "./Dialog";
import { UnreadBadge } from "./UnreadBadge";
import "./QuickSwitcher.css";

const MAX_RESULTS = 12;

/** Ctrl+K: type part of a room's name, arrows to pick, Enter to open. */
export function QuickSwitcher({ onClose, onOpen }: { onClose(): void; onOpen(id: string): void }) {
  const [query, setQuery] = useState("");
  const [index, setIndex] = useState(0);
  const results = useSelect((s) => roomsOf(s, null, query)).slice(0, MAX_RESULTS);
  const pick = results[Math.min(index, results.length - 1)];
  return (
    <Dialog label="Jump to a room" onClose={onClose} className="switcher">
      <input
        className="switcher-input"
        data-autofocus
        placeholder="Jump to a room…"
        aria-label="Room name"
        aria-controls="switcher-results"
        aria-activedescendant={pick ? `sw-${pick.meta.room_id}` : undefined}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setIndex(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setIndex((i) => Math.min(i + 1, results.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setIndex((i) => Math.max(i - 1, 0));
          } else if (e.key === "Enter" && pick) {
            // Or the Enter would also land, as a newline, in the composer that takes focus.
            e.preventDefault();
            onOpen(pick.meta.room_id);
          }
        }}
      />
      <ul id="switcher-results" role="listbox" className="switcher-results">
        {results.map((room, i) => (
          <li
            key={room.meta.room_id}
            id={`sw-${room.meta.room_id}`}
            role="option"
            aria-selected={room === pick}
            className={room === pick ? "active" : undefined}
            onMouseEnter={() => setIndex(i)}
            onClick={() => onOpen(room.meta.room_id)}
          >
            <Avatar id={room.meta.dm_user_id ?? room.meta.room_id} name={roomName(room)} mxc={room.meta.avatar} size={28} />
            <span className="grow">{roomName(room)}</span>
            <UnreadBadge meta={room.meta} />
          </li>
        ))}
        {results.length === 0 && <li className="muted">No rooms match.</li>}
      </ul>
    </Dialog>
  );
}
