import type { Event, JsonObject } from "../rpc/types";
import { displayName } from "./members";
import type { RoomState } from "./room";
import { eventContent, eventType, latestEdit } from "./timelineItems";

/** A one-line text for a message (as its latest edit has it): its body, or what kind of media it is. */
export function messageSummary(ev: Event, edit?: Event): string {
  if (ev.redacted_by) return "Message deleted";
  if (ev.decryption_error || eventType(ev) === "m.room.encrypted") return "Encrypted message";
  const newContent = edit && !edit.redacted_by ? eventContent(edit)["m.new_content"] : undefined;
  const c = newContent && typeof newContent === "object" ? (newContent as JsonObject) : eventContent(ev);
  const body = typeof c.body === "string" ? c.body : "";
  switch (c.msgtype) {
    case "m.image":
      return "Image";
    case "m.video":
      return "Video";
    case "m.audio":
      return "Audio";
    case "m.file":
      return body || "File";
    case "m.emote":
      return `* ${body}`;
  }
  if (eventType(ev) === "m.sticker") return "Sticker";
  return body;
}

/** The room list's second line: who said what last ("You:" for us, no name in a DM from them). */
export function previewText(room: RoomState, ownUserId: string | undefined, knownNames: Map<string, string>): string {
  const ev = room.events.get(room.meta.preview_event_rowid);
  if (!ev) return room.meta.topic ?? "";
  const text = ev.state_key !== undefined ? "" : messageSummary(ev, latestEdit(room, ev));
  if (!text) return "";
  if (ev.sender === ownUserId) return `You: ${text}`;
  if (ev.sender === room.meta.dm_user_id) return text;
  return `${displayName(room, ev.sender, knownNames)}: ${text}`;
}
