import type { Event } from "../rpc/types";
import type { RoomState } from "./room";
import { eventContent, latestEdit } from "./timelineItems";

export type ComposerMode = { kind: "normal" } | { kind: "reply"; event: Event } | { kind: "edit"; event: Event };

/** What the composer holds for one room: the text, and the message it replies to or edits. */
export interface Draft {
  text: string;
  mode: ComposerMode;
}

export const EMPTY_DRAFT: Draft = { text: "", mode: { kind: "normal" } };

const PREFIX = "trellis.draft:";

function isEvent(v: unknown): v is Event {
  const e = v as Partial<Event> | null;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.event_id === "string" &&
    typeof e.room_id === "string" &&
    typeof e.sender === "string" &&
    typeof e.content === "object" &&
    e.content !== null
  );
}

/** A stored draft, or nothing for anything that is not one (an older format, a hand edit). */
function parse(raw: string | null): Draft | undefined {
  if (!raw) return undefined;
  let v: { text?: unknown; kind?: unknown; event?: unknown };
  try {
    v = JSON.parse(raw) as typeof v;
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null || typeof v.text !== "string") return undefined;
  const mode: ComposerMode =
    (v.kind === "reply" || v.kind === "edit") && isEvent(v.event) ? { kind: v.kind, event: v.event } : { kind: "normal" };
  return { text: v.text, mode };
}

/**
 * The composer's drafts, per account and room, in localStorage: switching
 * rooms or restarting the app finds the text and the reply/edit target as
 * they were left. Views read them with useDraft; an empty draft is removed.
 */
export class Drafts {
  private readonly cache = new Map<string, Draft>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage: Storage | undefined,
    private readonly account: () => string | undefined,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private key(roomId: string): string {
    return `${PREFIX}${this.account() ?? ""}:${roomId}`;
  }

  /** The same object until it changes (what useSyncExternalStore needs). */
  get(roomId: string): Draft {
    const key = this.key(roomId);
    let draft = this.cache.get(key);
    if (!draft) {
      draft = parse(this.read(key)) ?? EMPTY_DRAFT;
      this.cache.set(key, draft);
    }
    return draft;
  }

  set(roomId: string, draft: Draft): void {
    const key = this.key(roomId);
    this.cache.set(key, draft);
    const empty = draft.text === "" && draft.mode.kind === "normal";
    const stored = { text: draft.text, kind: draft.mode.kind, event: draft.mode.kind === "normal" ? undefined : draft.mode.event };
    try {
      if (empty) this.storage?.removeItem(key);
      else this.storage?.setItem(key, JSON.stringify(stored));
    } catch {
      // Storage full or refused: the draft still lives for this run.
    }
    for (const l of this.listeners) l();
  }

  /** Forgets every draft (a logout). */
  clear(): void {
    this.cache.clear();
    try {
      const keys: string[] = [];
      for (let i = 0; i < (this.storage?.length ?? 0); i++) {
        const k = this.storage?.key(i);
        if (k?.startsWith(PREFIX)) keys.push(k);
      }
      for (const k of keys) this.storage?.removeItem(k);
    } catch {
      // Nothing stored to forget.
    }
    for (const l of this.listeners) l();
  }

  private read(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }
}

/** The draft that editing a message starts: its text (the recovered markdown, else the body). */
export function editDraft(room: RoomState, ev: Event): Draft {
  const source = latestEdit(room, ev) ?? ev;
  const body = eventContent(ev).body;
  return { text: source.local_content?.edit_source ?? (typeof body === "string" ? body : ""), mode: { kind: "edit", event: ev } };
}
