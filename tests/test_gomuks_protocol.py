"""What a frontend written for gomuks relies on (issue 15), over stdio and a
real websocket against Synapse: the sync status in every connect payload,
`unsigned` on every event, `has_more` at a room's start, the web mode's auth
parameters, UI serving and origin checks, and client transaction ids."""

import time

from harness import Backend
from harness.frontend import join_invited_room, send_and_confirm
from test_engine import login, timeline_events
from test_web_protocol import commands, ws_login


def connect_commands(messages: list[dict]) -> list[str]:
    """The event names of a connect payload, up to init_complete."""
    seen = []
    for env in messages:
        if env["command"] in ("response", "error"):
            continue
        seen.append(env["command"])
        if env["command"] == "init_complete":
            break
    return seen


# --- sync_status --------------------------------------------------------------

def test_sync_status_follows_client_state_on_every_connect(make_backend, make_web, synapse, register_user):
    backend: Backend = make_backend()
    assert connect_commands(backend.messages)[:3] == ["run_id", "client_state", "sync_status"]
    assert backend.events("sync_status")[0]["type"] == "waiting"

    # The first successful sync of a login says ok, once.
    me = register_user()
    mark = backend.mark()
    login(backend, synapse, me)
    backend.wait_event("sync_status", lambda s: s["type"] == "ok", timeout=30, after=mark)
    time.sleep(2)  # several syncs later, still only the one
    assert [s["type"] for s in backend.events("sync_status", mark)] == ["ok"]

    # A restored session starts waiting again, then ok.
    backend.restart()
    assert connect_commands(backend.messages)[:3] == ["run_id", "client_state", "sync_status"]
    backend.wait_event("sync_status", lambda s: s["type"] == "ok", timeout=30)

    # A websocket connecting to a syncing backend hears ok at once, and again on a resume.
    web = make_web()
    client = web.ws()
    ws_login(client, synapse, register_user("webby"))
    client.wait_event("sync_status", lambda s: s["type"] == "ok", timeout=30)
    second = web.ws()
    assert commands(second)[:3] == ["run_id", "client_state", "sync_status"]
    assert second.events("sync_status")[0]["type"] == "ok"
    run_id = second.events("run_id")[0]["run_id"]
    last = second.last_event_id
    second.request("ping", {"last_received_id": last})
    second.close()
    resumed = web.ws(resume=(run_id, last))
    assert "client_state" not in commands(resumed)
    assert resumed.events("sync_status")[-1]["type"] == "ok"


# --- unsigned -----------------------------------------------------------------

def test_unsigned_is_an_object_on_every_event(backend, synapse, register_user):
    me, friend = register_user(), register_user("friend")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, friend, me.user_id, name="Unsigned")
    mark = backend.mark()
    echo, sent = send_and_confirm(backend, "send_message", {"room_id": room_id, "text": "mine"}, me.user_id)
    assert echo["unsigned"] == {}, echo
    assert sent["unsigned"] == {}, sent
    friend.send_text(room_id, "theirs")
    backend.wait_event("sync_complete", lambda s: any(e.get("content", {}).get("body") == "theirs"
                                                      for e in timeline_events(s, room_id)), after=mark)
    synced = [e for s in backend.events("sync_complete", mark) for e in timeline_events(s, room_id)]
    page = backend.request("paginate", {"room_id": room_id, "limit": 50})["events"]
    for event in synced + page:
        assert isinstance(event.get("unsigned"), dict), event


# --- paginate at the room's start ---------------------------------------------

def test_paginate_after_a_join_ends_at_the_create_event(backend, synapse, register_user):
    me, friend = register_user(), register_user("friend")
    login(backend, synapse, me)
    joined = join_invited_room(backend, friend, me.user_id, name="Fresh")
    created = backend.request("create_room", {"name": "Mine"}, timeout=60)["room_id"]
    for room_id in (joined, created):
        backend.wait_event("sync_complete", lambda s: room_id in (s.get("rooms") or {}))
        params = {"room_id": room_id, "limit": 100}
        for _ in range(3):
            page = backend.request("paginate", params, timeout=60)
            if any(e["type"] == "m.room.create" for e in page["events"]):
                break
            params["max_timeline_id"] = page["events"][-1]["timeline_rowid"]
        # The page holding the create event says it is the last one.
        assert page["events"][-1]["type"] == "m.room.create", page
        assert page["has_more"] is False, page
