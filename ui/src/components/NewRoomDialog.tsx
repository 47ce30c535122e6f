import { useState } from "react";
import { useServices } from "../state/context";
import { Dialog } from "./Dialog";
import { Field } from "./Field";
import { FormError } from "./FormError";
import { useSubmit } from "./useSubmit";
import "./segmented.css";

type Tab = "dm" | "create" | "join";

const TABS: { value: Tab; label: string }[] = [
  { value: "dm", label: "Message someone" },
  { value: "create", label: "New room" },
  { value: "join", label: "Join by address" },
];

/** Start a direct chat, create a room, or join one by its address. */
export function NewRoomDialog({ onClose, onOpen }: { onClose(): void; onOpen(roomId: string): void }) {
  const { actions } = useServices();
  const [tab, setTab] = useState<Tab>("dm");
  const [first, setFirst] = useState("");
  const [second, setSecond] = useState("");
  const { error, busy, submit, clearError } = useSubmit(
    async () => {
      let roomId: string;
      if (tab === "dm") roomId = await actions.startDirectChat(first.trim());
      else if (tab === "create") roomId = await actions.createRoom(first.trim(), second.trim());
      else roomId = await actions.joinRoom(first.trim());
      onOpen(roomId);
    },
    { busyAfterSuccess: true },
  );

  return (
    <Dialog label="Start a conversation" onClose={onClose}>
      <h2 className="dialog-title">Start a conversation</h2>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void submit();
        }}
      >
        <div className="segmented" role="tablist">
          {TABS.map((t) => (
            <button
              key={t.value}
              type="button"
              role="tab"
              aria-selected={tab === t.value}
              className={tab === t.value ? "seg active" : "seg"}
              onClick={() => {
                setTab(t.value);
                clearError();
              }}
            >
              {t.label}
            </button>
          ))}
        </div>
        {tab === "dm" && (
          <Field label="User ID" value={first} onChange={setFirst} placeholder="@someone:example.org" autoFocus />
        )}
        {tab === "create" && (
          <>
            <Field label="Room name" value={first} onChange={setFirst} autoFocus />
            <Field label="Topic (optional)" value={second} onChange={setSecond} optional />
          </>
        )}
        {tab === "join" && (
          <Field label="Room address or ID" value={first} onChange={setFirst} placeholder="#room:example.org" autoFocus />
        )}
        <FormError error={error} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy || !first.trim()}>
            {busy ? "Working…" : tab === "join" ? "Join" : tab === "dm" ? "Start chat" : "Create"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
