import { useEffect, useRef, useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from "react";
import type { Event } from "../rpc/types";
import { useDraft, useServices } from "../state/context";
import { editDraft, EMPTY_DRAFT } from "../state/drafts";
import { displayName } from "../state/members";
import { messageSummary } from "../state/preview";
import type { RoomState } from "../state/room";
import { eventContent, latestEdit } from "../state/timelineItems";
import { EmojiPicker } from "./EmojiPicker";
import { UploadPreview } from "./UploadPreview";
import { Icon } from "./Icon";
import "./Composer.css";

/** Our newest text message still in the timeline, for Up-to-edit. */
function lastOwnMessage(room: RoomState, me: string | undefined): Event | undefined {
  for (let i = room.timeline.length - 1; i >= 0; i--) {
    const ev = room.events.get(room.timeline[i]!.event_rowid);
    if (!ev || ev.sender !== me || ev.state_key !== undefined || ev.redacted_by) continue;
    if (ev.type === "m.room.message" && ev.relation_type !== "m.replace") {
      const type = eventContent(ev).msgtype;
      if (type === "m.text" || type === "m.emote" || type === "m.notice") return ev;
    }
  }
  return undefined;
}

/**
 * The message box: Enter sends, Shift+Enter breaks the line, Up edits our last
 * message, Escape leaves reply/edit mode; files by paste, drop or the button.
 * Its text and mode are the room's draft, kept across switches and restarts.
 */
export function Composer(props: { room: RoomState; onError(message: string): void }) {
  const { room } = props;
  const roomId = room.meta.room_id;
  const { actions, store } = useServices();
  const [draft, setDraft] = useDraft(roomId);
  const { text, mode } = draft;
  const setText = (t: string) => setDraft({ text: t, mode });
  const [files, setFiles] = useState<File[]>([]);
  const [picker, setPicker] = useState(false);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // A new mode (reply or edit from a message's actions) takes the focus.
  useEffect(() => {
    input.current?.focus();
  }, [mode]);

  // Grow with the text, up to a limit set in CSS.
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  const send = () => {
    const body = text.trim();
    if (!body) return;
    const opts =
      mode.kind === "edit" ? { editOf: mode.event } : mode.kind === "reply" ? { replyTo: mode.event } : {};
    setDraft(EMPTY_DRAFT);
    actions.sendText(roomId, body, opts).catch((e: Error) => {
      setDraft({ text: body, mode });
      props.onError(`Could not send: ${e.message}`);
    });
  };

  /** Out of reply or edit; an edit's text goes with it. */
  const leaveMode = () => setDraft({ text: mode.kind === "edit" ? "" : text, mode: { kind: "normal" } });

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === "Escape" && mode.kind !== "normal") {
      e.preventDefault();
      leaveMode();
    } else if (e.key === "ArrowUp" && text === "" && mode.kind === "normal") {
      const last = lastOwnMessage(room, store.ownUserId);
      if (last) {
        e.preventDefault();
        setDraft(editDraft(room, last));
      }
    }
  };

  const onChange = (value: string) => {
    setText(value);
    actions.setTyping(roomId, value.trim() !== "").catch(() => {});
  };

  const insert = (s: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    setText(text.slice(0, start) + s + text.slice(end));
    setPicker(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + s.length, start + s.length);
    });
  };

  const onPaste = (e: ClipboardEvent) => {
    const pasted = Array.from(e.clipboardData.files);
    if (pasted.length) {
      e.preventDefault();
      setFiles(pasted);
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const dropped = Array.from(e.dataTransfer.files);
    if (dropped.length) setFiles(dropped);
  };

  const sendFiles = async () => {
    const queue = files;
    setFiles([]);
    for (const f of queue) {
      try {
        await actions.sendFile(roomId, f);
      } catch (err) {
        props.onError(err instanceof Error ? err.message : String(err));
      }
    }
  };

  return (
    <div
      className={dragging ? "composer dragging" : "composer"}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes("Files")) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {mode.kind !== "normal" && (
        <div className="composer-mode">
          <span>
            {mode.kind === "reply" ? (
              <>
                Replying to <strong>{displayName(room, mode.event.sender)}</strong>:{" "}
                <span className="muted">{messageSummary(mode.event, latestEdit(room, mode.event))}</span>
              </>
            ) : (
              <>Editing your message</>
            )}
          </span>
          <button
            className="btn ghost small"
            onClick={leaveMode}
            aria-label="Cancel (Escape)"
            title="Cancel (Escape)"
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      )}
      <div className="composer-row">
        <button className="btn ghost icon" onClick={() => fileInput.current?.click()} title="Attach a file" aria-label="Attach a file">
          <Icon name="attach" />
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          onChange={(e) => {
            if (e.target.files?.length) setFiles(Array.from(e.target.files));
            e.target.value = "";
          }}
        />
        <textarea
          ref={input}
          className="composer-input"
          rows={1}
          value={text}
          placeholder={`Message ${room.meta.name ?? ""}`.trim()}
          aria-label="Message"
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => actions.setTyping(roomId, false).catch(() => {})}
        />
        <div className="composer-emoji">
          <button className="btn ghost icon" onClick={() => setPicker((p) => !p)} title="Emoji" aria-label="Emoji" aria-expanded={picker}>
            <Icon name="smile" />
          </button>
          {picker && <EmojiPicker onPick={insert} onClose={() => setPicker(false)} />}
        </div>
        <button className="btn primary icon" onClick={send} disabled={!text.trim()} aria-label="Send" title="Send (Enter)">
          <Icon name="send" />
        </button>
      </div>
      {files.length > 0 && <UploadPreview files={files} onSend={sendFiles} onCancel={() => setFiles([])} />}
    </div>
  );
}
