import { useEffect, useRef, useState } from "react";
import { EMOJI_CATEGORIES, searchEmoji } from "../emoji";
import "./EmojiPicker.css";

/** A searchable grid of emoji; Escape or a click elsewhere closes it. */
export function EmojiPicker({ onPick, onClose }: { onPick(emoji: string): void; onClose(): void }) {
  const [query, setQuery] = useState("");
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const outside = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [onClose]);
  const groups = query.trim() ? [{ name: "Results", emoji: searchEmoji(query) }] : EMOJI_CATEGORIES;
  return (
    <div
      className="emoji-picker"
      ref={root}
      role="dialog"
      aria-label="Emoji"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <input
        className="emoji-search"
        autoFocus
        placeholder="Search emoji"
        aria-label="Search emoji"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          const first = groups[0]?.emoji[0];
          if (e.key === "Enter" && first) {
            e.preventDefault();
            onPick(first.char);
          }
        }}
      />
      <div className="emoji-groups">
        {groups.map((g) => (
          <section key={g.name} aria-label={g.name}>
            <h4>{g.name}</h4>
            <div className="emoji-grid">
              {g.emoji.map((e) => (
                <button key={e.char} className="emoji-btn" title={e.name} aria-label={e.name} onClick={() => onPick(e.char)}>
                  {e.char}
                </button>
              ))}
            </div>
          </section>
        ))}
        {groups[0]?.emoji.length === 0 && <p className="muted small">No emoji match.</p>}
      </div>
    </div>
  );
}
