import { useCallback, useEffect, useRef, useState } from "react";
import { setViewingRoom } from "../notify";
import { insideTauri } from "../rpc/tauri";
import { OPEN_ROOM_EVENT, tellShellCloseWindow } from "../shell";
import { useSelect, useServices } from "../state/context";
import { openRoomAction } from "../state/openRoom";
import { unreadIn } from "../state/roomList";
import { ConfirmHost, confirmAction, tellUser } from "./Confirm";
import { ConnectionBanner } from "./ConnectionBanner";
import { PanelBoundary } from "./ErrorBoundary";
import { NewRoomDialog } from "./NewRoomDialog";
import { QuickSwitcher } from "./QuickSwitcher";
import { RoomList } from "./RoomList";
import { RoomView } from "./RoomView";
import { SecurityHost } from "./security/SecurityHost";
import { SettingsDialog } from "./SettingsDialog";
import { SpacesBar } from "./SpacesBar";
import "./Main.css";

function roomFromHash(): string | null {
  const m = /^#\/room\/(.+)$/.exec(window.location.hash);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** The signed-in client: spaces, room list, the open room, dialogs. */
export function Main() {
  const { actions, store } = useServices();
  const [roomId, setRoomId] = useState<string | null>(roomFromHash);
  const [spaceId, setSpaceId] = useState<string | null>(null);
  const [switcher, setSwitcher] = useState(false);
  const [settings, setSettings] = useState(false);
  const [newRoom, setNewRoom] = useState(false);

  const openRoom = useCallback(
    (id: string) => {
      // The first page is asked for now, not once the room's view has mounted.
      actions.loadFirstPage(id);
      setRoomId(id);
    },
    [actions],
  );

  /** Pills and links name rooms by ID or alias; joined ones open, others may be joined. */
  const openByIdOrAlias = useCallback(
    (idOrAlias: string) => {
      const known = idOrAlias.startsWith("#")
        ? [...store.rooms.values()].find((r) => r.meta.canonical_alias === idOrAlias)?.meta.room_id
        : store.rooms.has(idOrAlias)
          ? idOrAlias
          : undefined;
      if (known) return openRoom(known);
      void confirmAction(`Join ${idOrAlias}?`, "Join").then(
        (yes) =>
          yes &&
          actions.joinRoom(idOrAlias).then(openRoom, (e: Error) =>
            tellUser(`Could not join ${idOrAlias}: ${e.message}`),
          ),
      );
    },
    [store, actions, openRoom],
  );

  // A room we left (or a logout) closes its view; one just joined may not have arrived
  // yet, and one from the address may not be ours at all once the room list is in.
  const shown = useRef<string | null>(null);
  const fromHash = useRef(roomId);
  const present = useSelect((s) => roomId !== null && s.rooms.has(roomId));
  const initComplete = useSelect((s) => s.initComplete);
  useEffect(() => {
    if (!roomId) return;
    const action = openRoomAction({
      present,
      shownBefore: shown.current === roomId,
      fromAddress: roomId === fromHash.current,
      initComplete,
    });
    if (action === "show") shown.current = roomId;
    else if (action === "close") setRoomId(null);
  }, [roomId, present, initComplete]);

  // The open room lives in the address, so a reload comes back to it.
  useEffect(() => {
    const hash = roomId ? `#/room/${encodeURIComponent(roomId)}` : "";
    if (window.location.hash !== hash) {
      window.history.replaceState(null, "", hash || window.location.pathname + window.location.search);
    }
  }, [roomId]);

  useEffect(() => {
    setViewingRoom(roomId);
  }, [roomId]);

  // The window title counts the rooms with notifying messages, as tabs and taskbars show it.
  const notifying = useSelect((s) => unreadIn(s, s.rooms.keys()).roomsNotifying);
  useEffect(() => {
    document.title = notifying > 0 ? `(${notifying}) Trellis` : "Trellis";
  }, [notifying]);

  useEffect(() => {
    const onOpen = (e: Event) => openRoom((e as CustomEvent<string>).detail);
    const onHash = () => {
      const id = roomFromHash();
      if (id) openRoom(id);
    };
    window.addEventListener(OPEN_ROOM_EVENT, onOpen);
    window.addEventListener("hashchange", onHash);
    return () => {
      window.removeEventListener(OPEN_ROOM_EVENT, onOpen);
      window.removeEventListener("hashchange", onHash);
    };
  }, [openRoom]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setSwitcher((s) => !s);
      }
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "w" && insideTauri()) {
        // Like the window's close button: to the tray, or quit, as set.
        e.preventDefault();
        tellShellCloseWindow();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="app-shell">
      <ConnectionBanner />
      <div className="app-columns">
        <PanelBoundary label="Spaces">
          <SpacesBar selected={spaceId} onSelect={setSpaceId} onSettings={() => setSettings(true)} />
        </PanelBoundary>
        <PanelBoundary label="Room list">
          <RoomList
            spaceId={spaceId}
            selected={roomId}
            onOpen={openRoom}
            onSwitcher={() => setSwitcher(true)}
            onNewRoom={() => setNewRoom(true)}
          />
        </PanelBoundary>
        {roomId ? (
          <PanelBoundary label="Room" resetKey={roomId}>
            <RoomView key={roomId} roomId={roomId} onOpenRoom={openByIdOrAlias} onBack={() => setRoomId(null)} />
          </PanelBoundary>
        ) : (
          <section className="room-empty" aria-label="No room open">
            <p className="muted">Pick a room on the left, or press Ctrl+K to jump to one.</p>
          </section>
        )}
      </div>
      {switcher && (
        <QuickSwitcher
          onClose={() => setSwitcher(false)}
          onOpen={(id) => {
            setSwitcher(false);
            openRoom(id);
          }}
        />
      )}
      {settings && <SettingsDialog onClose={() => setSettings(false)} />}
      {newRoom && (
        <NewRoomDialog
          onClose={() => setNewRoom(false)}
          onOpen={(id) => {
            setNewRoom(false);
            openRoom(id);
          }}
        />
      )}
      <SecurityHost />
      <ConfirmHost />
    </div>
  );
}
