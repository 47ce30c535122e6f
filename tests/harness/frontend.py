"""What a frontend sees: helpers over a `Backend` for logging in, reading rooms
out of `sync_complete`, sending with local echo, and reading the homeserver's
own view of a room (through a plain-HTTP `MatrixUser`) to compare against.
"""

import time
from typing import Any, Callable
from urllib.parse import quote

from .backend import Backend
from .matrix import MatrixUser


def q(part: str) -> str:
    return quote(part, safe="")


# --- session ------------------------------------------------------------------

def login(backend: Backend, synapse, user: MatrixUser) -> dict:
    """Logs in by password; returns the client_state that announces it."""
    mark = backend.mark()
    backend.request("login", {"homeserver_url": synapse.url, "username": user.localpart,
                              "password": user.password}, timeout=60)
    return backend.wait_event("client_state", lambda s: s.get("is_logged_in"), timeout=60, after=mark)


# --- reading sync_complete ----------------------------------------------------

def sync_room(sync: dict, room_id: str) -> dict:
    return (sync.get("rooms") or {}).get(room_id) or {}


def timeline_events(sync: dict, room_id: str) -> list[dict]:
    """The events one sync_complete puts on room_id's timeline, in timeline order."""
    room = sync_room(sync, room_id)
    by_rowid = {e["rowid"]: e for e in room.get("events") or []}
    return [by_rowid[t["event_rowid"]] for t in room.get("timeline") or [] if t["event_rowid"] in by_rowid]


def synced_events(backend: Backend, room_id: str, after: int = 0) -> list[dict]:
    """Every event any sync_complete (after the mark) carried for room_id, in arrival order."""
    return [e for s in backend.events("sync_complete", after) for e in sync_room(s, room_id).get("events") or []]


def newest_synced(backend: Backend, room_id: str, event_id: str, after: int = 0) -> dict | None:
    """The latest copy of an event that sync_complete carried, or None."""
    found = [e for e in synced_events(backend, room_id, after) if e.get("event_id") == event_id]
    return found[-1] if found else None


def body(event: dict) -> Any:
    content = event.get("content")
    return content.get("body") if isinstance(content, dict) else None


def timeline_bodies(backend: Backend, room_id: str, after: int = 0) -> list[str]:
    """Message bodies in the order sync_complete events put them on the timeline."""
    return [body(e) for s in backend.events("sync_complete", after)
            for e in timeline_events(s, room_id) if e["type"] == "m.room.message"]


def wait_for_message(backend: Backend, room_id: str, text: str, timeout: float = 30, after: int = 0) -> dict:
    """Waits until a message with that body is on room_id's timeline; returns that event."""
    sync = backend.wait_event("sync_complete", lambda s: any(
        body(e) == text for e in timeline_events(s, room_id)), timeout, after)
    return next(e for e in timeline_events(sync, room_id) if body(e) == text)


def wait_for_event(backend: Backend, room_id: str, predicate: Callable[[dict], bool], what: str,
                   timeout: float = 30, after: int = 0) -> dict:
    """Waits for a sync_complete that carries an event of room_id matching predicate; returns the event."""
    try:
        sync = backend.wait_event("sync_complete", lambda s: any(
            predicate(e) for e in sync_room(s, room_id).get("events") or []), timeout, after)
    except TimeoutError as e:
        raise TimeoutError(f"no sync_complete carried {what}: {e}") from None
    return next(e for e in sync_room(sync, room_id)["events"] if predicate(e))


def room_meta(backend: Backend, room_id: str, predicate=lambda meta: True, timeout: float = 30,
              after: int = 0) -> dict:
    """The newest room metadata (after the mark) that satisfies predicate, waiting for it if need be."""
    def matches(sync):
        meta = sync_room(sync, room_id).get("meta")
        return meta is not None and predicate(meta)
    try:
        backend.wait_event("sync_complete", matches, timeout, after)
    except TimeoutError:
        metas = [sync_room(s, room_id).get("meta") for s in backend.events("sync_complete", after)]
        metas = [m for m in metas if m is not None]
        raise AssertionError(f"no room meta for {room_id} matched within {timeout} s; "
                             f"newest was {metas[-1] if metas else None}") from None
    return [s["rooms"][room_id]["meta"] for s in backend.events("sync_complete", after) if matches(s)][-1]


def wait_invited(backend: Backend, room_id: str, timeout: float = 30, after: int = 0) -> dict:
    sync = backend.wait_event("sync_complete", lambda s: any(
        r["room_id"] == room_id for r in s.get("invited_rooms") or []), timeout, after)
    return next(r for r in sync["invited_rooms"] if r["room_id"] == room_id)


def join_invited_room(backend: Backend, inviter: MatrixUser, me_id: str, **create) -> str:
    """inviter creates a room and invites me; I see the invite and accept it through the backend."""
    mark = backend.mark()
    room_id = inviter.create_room(invite=[me_id], **create)
    wait_invited(backend, room_id, after=mark)
    joined = backend.request("join_room", {"room_id_or_alias": room_id, "from_invite": True}, timeout=60)
    assert joined == {"room_id": room_id}, joined
    backend.wait_event("sync_complete", lambda s: room_id in (s.get("rooms") or {}), after=mark)
    return room_id


# --- sending ------------------------------------------------------------------

def send_complete_for(backend: Backend, transaction_id: str, timeout: float = 30, after: int = 0) -> dict:
    return backend.wait_event("send_complete", lambda d: (d.get("event") or {}).get("transaction_id")
                              == transaction_id, timeout, after)


def send_completes(backend: Backend, transaction_id: str, after: int = 0) -> list[dict]:
    return [d for d in backend.events("send_complete", after)
            if (d.get("event") or {}).get("transaction_id") == transaction_id]


def assert_local_echo(echo: dict, room_id: str, me_id: str, event_type: str) -> None:
    """The event send_message/send_event answer with at once, before the homeserver has it."""
    assert isinstance(echo, dict), echo
    assert echo.get("transaction_id"), f"local echo has no transaction_id: {echo}"
    assert str(echo.get("event_id", "")).startswith("~"), f"local echo event_id is not a ~ placeholder: {echo}"
    assert echo.get("rowid", 0) > 0, f"local echo has no rowid: {echo}"
    assert echo.get("room_id") == room_id, echo
    assert echo.get("sender") == me_id, echo
    # In an encrypted room the echo may already be the m.room.encrypted wrapper.
    assert echo.get("type") == event_type or (
        echo.get("type") == "m.room.encrypted" and echo.get("decrypted_type") == event_type), echo
    assert not echo.get("send_error"), echo


def send_and_confirm(backend: Backend, command: str, data: dict, me_id: str, timeout: float = 30) -> tuple[dict, dict]:
    """Sends through send_message/send_event; returns (local echo, successful send_complete event)."""
    mark = backend.mark()
    echo = backend.request(command, data, timeout=10)
    assert_local_echo(echo, data["room_id"], me_id, data.get("type", "m.room.message"))
    done = send_complete_for(backend, echo["transaction_id"], timeout, after=mark)
    assert done.get("error") in (None, ""), f"{command} failed: {done}"
    event = done["event"]
    assert event["event_id"].startswith("$"), f"send_complete carries no real event id: {done}"
    assert event["rowid"] == echo["rowid"], f"send_complete rowid {event['rowid']} != local echo {echo['rowid']}"
    return echo, event


# --- the homeserver's own view ------------------------------------------------

def server_messages(user: MatrixUser, room_id: str, page: int = 100) -> list[dict]:
    """Every event of the room as /messages?dir=b pages it for user, newest first."""
    events: list[dict] = []
    params: dict = {"dir": "b", "limit": page}
    for _ in range(10_000):
        resp = user.call("GET", f"/rooms/{q(room_id)}/messages", params=params)
        events += resp.get("chunk") or []
        if not resp.get("chunk") or not resp.get("end"):
            return events
        params["from"] = resp["end"]
    raise AssertionError("/messages never ended")


def server_bodies(user: MatrixUser, room_id: str) -> list[str]:
    """Message bodies in the room, oldest first, as the homeserver has them."""
    return [e["content"].get("body") for e in reversed(server_messages(user, room_id))
            if e["type"] == "m.room.message" and "body" in e.get("content", {})]


def server_event(user: MatrixUser, room_id: str, event_id: str) -> dict:
    return user.call("GET", f"/rooms/{q(room_id)}/event/{q(event_id)}")


def server_state(user: MatrixUser, room_id: str) -> dict[tuple[str, str], dict]:
    return {(e["type"], e["state_key"]): e for e in user.call("GET", f"/rooms/{q(room_id)}/state")}


def eventually(check: Callable[[], Any], timeout: float = 20, interval: float = 0.3, what: str = "condition"):
    """Retries check until it returns something truthy without raising; returns that value."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            value = check()
            if value:
                return value
            last = value
        except AssertionError as e:
            last = e
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s; last: {last}")
        time.sleep(interval)
