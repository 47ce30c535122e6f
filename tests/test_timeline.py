"""Issue 3, reading a room: `paginate`, `get_event`, `get_room_state`,
`get_receipts`, `mark_read` and typing, through `trellis-server --stdio`
against a real Synapse, compared with what the homeserver itself says.
"""

from collections import Counter

import pytest
import requests

from harness import BackendError
from harness.frontend import (body, eventually, join_invited_room, login, q, room_meta, server_messages,
                              sync_room, wait_for_message, wait_invited)


def send_many(user, room_id: str, texts: list[str]) -> list[str]:
    """Sends texts in order over one kept-alive connection; returns the event ids."""
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {user.access_token}"
        ids = []
        for n, text in enumerate(texts):
            resp = http.put(f"{user.base_url}/_matrix/client/v3/rooms/{q(room_id)}/send/m.room.message/"
                            f"bulk-{n}-{id(texts)}", json={"msgtype": "m.text", "body": text}, timeout=30)
            resp.raise_for_status()
            ids.append(resp.json()["event_id"])
        return ids


def paginate_all(backend, room_id: str, limit: int = 50, reset: bool = False) -> tuple[list[dict], list[dict]]:
    """Pages from the newest event to the very first; returns (events newest first, the pages' metadata)."""
    collected: list[dict] = []
    pages: list[dict] = []
    max_id = 0
    for n in range(500):
        request = {"room_id": room_id, "max_timeline_id": max_id, "limit": limit}
        if reset and n == 0:
            request["reset"] = True
        page = backend.request("paginate", request, timeout=120)
        events = page["events"]
        assert len(events) <= limit, f"page {n} has {len(events)} events for limit {limit}"
        for e in events:
            assert e.get("timeline_rowid"), f"page {n}: event without timeline_rowid: {e}"
            if max_id:
                assert e["timeline_rowid"] < max_id, \
                    f"page {n}: timeline_rowid {e['timeline_rowid']} not below max_timeline_id {max_id}"
        rowids = [e["timeline_rowid"] for e in events]
        assert rowids == sorted(rowids, reverse=True) and len(set(rowids)) == len(rowids), \
            f"page {n} is not newest first with distinct timeline_rowids: {rowids}"
        for key in ("related_events", "receipts", "has_more", "from_server"):
            assert key in page, f"paginate response lacks {key}: {sorted(page)}"
        pages.append({"request": request, "count": len(events), "has_more": page["has_more"],
                      "from_server": page["from_server"]})
        collected += events
        if not page["has_more"]:
            return collected, pages
        if events:
            max_id = min(rowids)
        elif len(pages) >= 3 and all(p["count"] == 0 for p in pages[-3:]):
            raise AssertionError(f"three empty pages in a row that still say has_more: {pages[-3:]}")
    raise AssertionError(f"pagination never ended; last pages {pages[-5:]}")


def message_bodies(events: list[dict]) -> list[str]:
    return [body(e) for e in events if e["type"] == "m.room.message"]


# --- paginate -----------------------------------------------------------------

def test_paginate_a_thousand_messages_matches_the_server(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = bob.create_room(name="Thousand")
    before_join = [f"msg {n}" for n in range(700)]
    after_join = [f"msg {n}" for n in range(700, 1000)]
    send_many(bob, room_id, before_join)  # only pagination from the server can bring these

    mark = backend.mark()
    bob.invite(room_id, me.user_id)
    wait_invited(backend, room_id, after=mark)
    assert backend.request("join_room", {"room_id_or_alias": room_id, "from_invite": True},
                           timeout=60) == {"room_id": room_id}
    backend.wait_event("sync_complete", lambda s: room_id in (s.get("rooms") or {}), after=mark)
    send_many(bob, room_id, after_join)  # these come by sync, some in limited batches
    wait_for_message(backend, room_id, "msg 999", timeout=120, after=mark)

    events, pages = paginate_all(backend, room_id)
    server = server_messages(bob, room_id)  # newest first, as paginate

    got = message_bodies(events)
    counts = Counter(got)
    assert not {b: c for b, c in counts.items() if c > 1}, \
        f"messages returned more than once: { {b: c for b, c in counts.items() if c > 1} }"
    missing = [b for b in message_bodies(server) if b not in counts]
    assert not missing, f"{len(missing)} messages never returned, e.g. {missing[:10]}; pages: {pages}"
    assert got == message_bodies(server), "messages in a different order than the server's /messages"
    assert got == [f"msg {n}" for n in reversed(range(1000))]
    assert [e["event_id"] for e in events] == [e["event_id"] for e in server], \
        "the timeline's events (state and membership included) differ from the server's /messages"
    assert any(p["from_server"] for p in pages), f"no page came from the homeserver: {pages}"
    timeline_ids = [e["timeline_rowid"] for e in events]
    assert all(a > b for a, b in zip(timeline_ids, timeline_ids[1:])), "timeline_rowid not strictly decreasing"

    newest = backend.request("paginate", {"room_id": room_id, "limit": 50}, timeout=60)  # no max_timeline_id
    assert [e["event_id"] for e in newest["events"]] == [e["event_id"] for e in events[:50]]

    # Everything is stored now: the same walk again comes from our database, unchanged.
    again, pages_again = paginate_all(backend, room_id)
    assert [e["event_id"] for e in again] == [e["event_id"] for e in events]
    assert [e["timeline_rowid"] for e in again] == timeline_ids, "stored events moved on the timeline"
    assert not [p for p in pages_again if p["from_server"] and p["count"]], \
        f"events fetched from the homeserver a second time: {pages_again}"


def test_paginate_reset_reloads_from_the_server(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Reset")
    mark = backend.mark()
    send_many(bob, room_id, [f"r {n}" for n in range(80)])
    wait_for_message(backend, room_id, "r 79", after=mark)

    events, pages = paginate_all(backend, room_id, limit=30, reset=True)
    assert pages[0]["from_server"] is True, f"a reset did not reload from the homeserver: {pages}"
    assert message_bodies(events)[0] == "r 79", "a reset does not start again at the newest message"
    server_ids = [e["event_id"] for e in server_messages(bob, room_id)]
    assert [e["event_id"] for e in events] == server_ids, \
        f"after a reset, the timeline differs from the server's /messages; pages {pages}"
    again, _ = paginate_all(backend, room_id, limit=30)
    assert [e["event_id"] for e in again] == server_ids, "the reloaded timeline was not kept"


def test_paginate_brings_reply_targets_and_receipts(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Context")
    mark = backend.mark()
    target = bob.send_text(room_id, "the question")
    send_many(bob, room_id, [f"filler {n}" for n in range(20)])
    reply = bob.send(room_id, "m.room.message", {"msgtype": "m.text", "body": "the answer",
                                                 "m.relates_to": {"m.in_reply_to": {"event_id": target}}})
    bob.read_receipt(room_id, reply)
    backend.wait_event("sync_complete", lambda s: reply in (sync_room(s, room_id).get("receipts") or {}),
                       after=mark)

    page = backend.request("paginate", {"room_id": room_id, "max_timeline_id": 0, "limit": 5}, timeout=60)
    ids = [e["event_id"] for e in page["events"]]
    assert reply in ids and target not in ids, ids
    related = {e["event_id"]: e for e in page["related_events"]}
    assert target in related, f"the reply's target is not in related_events: {list(related)}"
    assert body(related[target]) == "the question"
    receipts = page["receipts"].get(reply) or []
    assert [r["user_id"] for r in receipts if r["receipt_type"] == "m.read"] == [bob.user_id], page["receipts"]


def test_paginate_unknown_room_is_an_error(backend, synapse, register_user):
    me = register_user()
    login(backend, synapse, me)
    with pytest.raises(BackendError) as failed:
        backend.request("paginate", {"room_id": "!nowhere:localhost", "max_timeline_id": 0, "limit": 20},
                        timeout=60)
    assert failed.value.message.strip(), "an empty error message"
    assert backend.request("get_state")["is_logged_in"] is True


# --- get_event ----------------------------------------------------------------

def test_get_event_from_the_store_and_from_the_homeserver(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = bob.create_room(name="Events")
    old_ids = send_many(bob, room_id, [f"old {n}" for n in range(150)])  # the oldest never come by sync
    mark = backend.mark()
    bob.invite(room_id, me.user_id)
    wait_invited(backend, room_id, after=mark)
    backend.request("join_room", {"room_id_or_alias": room_id, "from_invite": True}, timeout=60)
    mark = backend.mark()
    new_id = bob.send_text(room_id, "fresh")
    synced = wait_for_message(backend, room_id, "fresh", after=mark)

    stored = backend.request("get_event", {"room_id": room_id, "event_id": new_id})
    server = bob.call("GET", f"/rooms/{q(room_id)}/event/{q(new_id)}")
    assert stored["event_id"] == new_id and stored["rowid"] == synced["rowid"], (stored, synced)
    assert (stored["room_id"], stored["sender"], stored["type"]) == (room_id, bob.user_id, "m.room.message")
    assert stored["content"] == server["content"]
    assert stored["timestamp"] == server["origin_server_ts"]

    fetched = backend.request("get_event", {"room_id": room_id, "event_id": old_ids[0]}, timeout=60)
    assert fetched["event_id"] == old_ids[0], fetched
    assert (fetched["sender"], fetched["type"], body(fetched)) == (bob.user_id, "m.room.message", "old 0")
    assert fetched["timestamp"] == bob.call("GET", f"/rooms/{q(room_id)}/event/{q(old_ids[0])}")["origin_server_ts"]


def test_get_event_that_does_not_exist_says_why(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Nothing here")
    with pytest.raises(BackendError) as failed:
        backend.request("get_event", {"room_id": room_id, "event_id": "$doesnotexist0000000000000000000000000000000"},
                        timeout=60)
    assert "M_NOT_FOUND" in failed.value.message or "not found" in failed.value.message.lower(), failed.value.message
    with pytest.raises(BackendError) as unknown_room:
        backend.request("get_event", {"room_id": "!nowhere:localhost", "event_id": "$whatever"}, timeout=60)
    assert unknown_room.value.message.strip()
    assert backend.request("get_state")["is_logged_in"] is True


# --- get_room_state -----------------------------------------------------------

def test_get_room_state_is_the_current_state(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Stateful", topic="first topic", initial_state=[
        {"type": "org.trellis.colour", "state_key": "leaf", "content": {"colour": "green"}}])

    state = backend.request("get_room_state", {"room_id": room_id}, timeout=60)
    by_key = {(e["type"], e.get("state_key")): e for e in state}
    assert by_key[("m.room.create", "")]["sender"] == bob.user_id
    assert by_key[("m.room.name", "")]["content"] == {"name": "Stateful"}
    assert by_key[("m.room.topic", "")]["content"]["topic"] == "first topic"
    assert by_key[("org.trellis.colour", "leaf")]["content"] == {"colour": "green"}
    for e in state:
        assert e["event_id"].startswith("$") and e["rowid"] > 0 and e["room_id"] == room_id, e

    # As in gomuks: members come back only with include_members, which also
    # makes the backend wait for the fetch instead of doing it in the background.
    without = backend.request("get_room_state", {"room_id": room_id, "fetch_members": True}, timeout=60)
    assert not [e for e in without if e["type"] == "m.room.member"], without
    with_members = backend.request("get_room_state", {"room_id": room_id, "fetch_members": True,
                                                      "include_members": True}, timeout=60)
    members = {e["state_key"]: e["content"]["membership"] for e in with_members if e["type"] == "m.room.member"}
    assert members == {bob.user_id: "join", me.user_id: "join"}, \
        f"members {members} in get_room_state with fetch_members and include_members; it returned {[(e['type'], e.get('state_key')) for e in with_members]}"
    included = backend.request("get_room_state", {"room_id": room_id, "include_members": True}, timeout=60)
    assert {e["state_key"] for e in included if e["type"] == "m.room.member"} == {bob.user_id, me.user_id}

    mark = backend.mark()
    topic_id = bob.set_state(room_id, "m.room.topic", {"topic": "second topic"})
    room_meta(backend, room_id, lambda m: m.get("topic") == "second topic", after=mark)
    refetched = backend.request("get_room_state", {"room_id": room_id, "refetch": True, "include_members": True},
                                timeout=60)
    topics = [e for e in refetched if e["type"] == "m.room.topic"]
    assert len(topics) == 1 and topics[0]["event_id"] == topic_id, topics
    server = {(e["type"], e["state_key"]): e["event_id"] for e in bob.call("GET", f"/rooms/{q(room_id)}/state")}
    ours = {(e["type"], e.get("state_key")): e["event_id"] for e in refetched}
    assert {k: v for k, v in ours.items() if k[0] != "m.room.member"} == \
        {k: v for k, v in server.items() if k[0] != "m.room.member"}


# --- receipts and read markers ------------------------------------------------

def test_get_receipts_shows_who_read_what(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Receipts")
    mark = backend.mark()
    first = bob.send_text(room_id, "read me")
    second = bob.send_text(room_id, "and me")
    wait_for_message(backend, room_id, "and me", after=mark)
    bob.read_receipt(room_id, second)
    backend.wait_event("sync_complete", lambda s: second in (sync_room(s, room_id).get("receipts") or {}),
                       after=mark)

    receipts = backend.request("get_receipts", {"room_id": room_id, "event_ids": [first, second]})
    bobs = [r for r in receipts.get(second) or [] if r["user_id"] == bob.user_id]
    assert len(bobs) == 1, receipts
    assert bobs[0]["receipt_type"] == "m.read" and bobs[0]["event_id"] == second and bobs[0]["timestamp"] > 0
    assert not [r for r in receipts.get(first) or [] if r["user_id"] == bob.user_id], \
        f"bob's receipt is still on the older event: {receipts}"


@pytest.mark.parametrize("receipt_type", ["m.read", "m.read.private"])
def test_mark_read_clears_unread_counts(backend, synapse, register_user, receipt_type):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Unread")
    last = [bob.send_text(room_id, f"unread {n}") for n in range(3)][-1]
    room_meta(backend, room_id, lambda m: m["unread_messages"] == 3 and m["unread_notifications"] == 3)

    mark = backend.mark()
    assert backend.request("mark_read", {"room_id": room_id, "event_id": last, "receipt_type": receipt_type}) is True
    room_meta(backend, room_id, lambda m: (m["unread_messages"], m["unread_notifications"],
                                           m["unread_highlights"]) == (0, 0, 0), after=mark)

    # The homeserver has the receipt: visible to bob if public, only to me if private.
    def receipt_for(user):
        sync = user.sync()
        for e in sync["rooms"]["join"][room_id]["ephemeral"]["events"]:
            if e["type"] == "m.receipt" and me.user_id in e["content"].get(last, {}).get(receipt_type, {}):
                return True
        return False
    eventually(lambda: receipt_for(me), what=f"my {receipt_type} receipt on the homeserver")
    if receipt_type == "m.read":
        assert receipt_for(bob), "bob does not see my read receipt"
    else:
        assert not receipt_for(bob), "bob sees my private read receipt"


def test_mark_read_fully_read_moves_the_read_marker(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Marker")
    mark = backend.mark()
    last = [bob.send_text(room_id, f"marker {n}") for n in range(3)][-1]
    wait_for_message(backend, room_id, "marker 2", after=mark)

    mark = backend.mark()
    assert backend.request("mark_read", {"room_id": room_id, "event_id": last,
                                         "receipt_type": "m.fully_read"}) is True
    marker = me.call("GET", f"/user/{q(me.user_id)}/rooms/{q(room_id)}/account_data/m.fully_read")
    assert marker == {"event_id": last}, marker
    sync = backend.wait_event("sync_complete", lambda s: "m.fully_read" in (
        sync_room(s, room_id).get("account_data") or {}), after=mark)
    assert sync_room(sync, room_id)["account_data"]["m.fully_read"]["content"] == {"event_id": last}


def test_mark_read_refuses_an_unknown_receipt_type(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Odd receipts")
    event_id = bob.send_text(room_id, "something")
    with pytest.raises(BackendError) as refused:
        backend.request("mark_read", {"room_id": room_id, "event_id": event_id, "receipt_type": "m.glanced_at"})
    assert "m.glanced_at" in refused.value.message or "receipt" in refused.value.message.lower(), \
        refused.value.message


# --- typing -------------------------------------------------------------------

def test_typing_both_ways(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Typing")
    typing_path = f"/rooms/{q(room_id)}/typing/{q(bob.user_id)}"

    mark = backend.mark()
    bob.call("PUT", typing_path, json={"typing": True, "timeout": 30000})
    typing = backend.wait_event("typing", lambda t: t["room_id"] == room_id and bob.user_id in t["user_ids"],
                                after=mark)
    assert typing == {"room_id": room_id, "user_ids": [bob.user_id]}, typing
    mark = backend.mark()
    bob.call("PUT", typing_path, json={"typing": False})
    backend.wait_event("typing", lambda t: t["room_id"] == room_id and t["user_ids"] == [], after=mark)

    # Bob's client sees me type, then stop.
    since = bob.sync()["next_batch"]

    def bob_sees(predicate, what):
        nonlocal since
        deadline_syncs = 20
        for _ in range(deadline_syncs):
            sync = bob.sync(since, timeout_ms=2000)
            since = sync["next_batch"]
            room = (sync.get("rooms") or {}).get("join", {}).get(room_id) or {}
            for e in room.get("ephemeral", {}).get("events", []):
                if e["type"] == "m.typing" and predicate(e["content"]["user_ids"]):
                    return
        raise AssertionError(f"bob never saw {what}")

    assert backend.request("set_typing", {"room_id": room_id, "timeout": 30000}) is True
    bob_sees(lambda ids: me.user_id in ids, "me typing")
    assert backend.request("set_typing", {"room_id": room_id, "timeout": 0}) is True
    bob_sees(lambda ids: me.user_id not in ids, "me stop typing")
