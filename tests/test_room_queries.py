"""Issue 3, looking around rooms: `get_event_context`, `paginate_manual`
(threads too), `get_related_events`, `get_specific_room_state`,
`get_room_summary`, `get_space_hierarchy`, `get_mutual_rooms`,
`get_sticky_events`, `get_media_config`, `get_turn_servers`, `request_openid_token` and
`calculate_room_id`, through `trellis-server --stdio` against a real Synapse,
each compared with what the homeserver itself says.
"""

import base64
import hashlib
import hmac
import re

import pytest

from harness import BackendError
from harness.frontend import body, join_invited_room, login, q, wait_for_event, wait_for_message
from harness.matrix import call
from harness.synapse import TURN_SHARED_SECRET, TURN_URIS


def bodies(events: list[dict]) -> list[str]:
    return [body(e) for e in events]


def thread_reply(root: str, text: str) -> dict:
    return {"msgtype": "m.text", "body": text,
            "m.relates_to": {"rel_type": "m.thread", "event_id": root, "is_falling_back": True,
                             "m.in_reply_to": {"event_id": root}}}


def assert_stored_message(backend, event: dict, room_id: str) -> None:
    """A message the backend fetched: stored (rowid, same row on get_event) with local_content."""
    assert event["rowid"] > 0 and event["room_id"] == room_id, event
    assert event.get("local_content"), f"fetched message has no local_content: {event}"
    again = backend.request("get_event", {"room_id": room_id, "event_id": event["event_id"]})
    assert again["rowid"] == event["rowid"], (again, event)


# --- get_event_context and paginate_manual ------------------------------------

def test_event_context_shows_the_neighbours_and_its_tokens_page_on(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = bob.create_room(name="Context", preset="public_chat")
    # Sent before we join: only the homeserver can show them to us.
    ids = [bob.send_text(room_id, f"m {n}") for n in range(20)]
    mark = backend.mark()
    assert backend.request("join_room", {"room_id_or_alias": room_id}, timeout=60) == {"room_id": room_id}
    backend.wait_event("sync_complete", lambda s: room_id in (s.get("rooms") or {}), after=mark)

    ctx = backend.request("get_event_context", {"room_id": room_id, "event_id": ids[10], "limit": 6}, timeout=60)
    assert body(ctx["event"]) == "m 10" and ctx["event"]["event_id"] == ids[10], ctx["event"]
    # Synapse splits the limit: half before (newest first), half after (oldest first).
    assert bodies(ctx["before"]) == ["m 9", "m 8", "m 7"], bodies(ctx["before"])
    assert bodies(ctx["after"]) == ["m 11", "m 12", "m 13"], bodies(ctx["after"])
    assert ctx["start"] and ctx["end"], ctx
    for e in [*ctx["before"], ctx["event"], *ctx["after"]]:
        assert e["local_content"].get("was_plaintext") is True, e
    assert_stored_message(backend, ctx["before"][0], room_id)

    # The jump view pages on from its tokens, with nothing skipped or repeated.
    later = backend.request("paginate_manual", {"room_id": room_id, "since": ctx["end"], "direction": "f",
                                                "limit": 3}, timeout=60)
    assert bodies(later["events"]) == ["m 14", "m 15", "m 16"], bodies(later["events"])
    assert later["next_batch"], later
    earlier = backend.request("paginate_manual", {"room_id": room_id, "since": ctx["start"], "direction": "b",
                                                  "limit": 3}, timeout=60)
    assert bodies(earlier["events"]) == ["m 6", "m 5", "m 4"], bodies(earlier["events"])
    assert_stored_message(backend, earlier["events"][0], room_id)

    # The stored timeline did not take these in: paginate still serves it in order.
    page = backend.request("paginate", {"room_id": room_id, "limit": 100}, timeout=60)
    rowids = [e["timeline_rowid"] for e in page["events"]]
    assert rowids == sorted(rowids, reverse=True), rowids


def test_paginate_manual_with_thread_root_returns_only_the_thread(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Threads")
    root = bob.send_text(room_id, "root")
    other_root = bob.send_text(room_id, "another root")
    replies = []
    for n in range(5):
        replies.append(bob.send(room_id, "m.room.message", thread_reply(root, f"in thread {n}")))
        bob.send_text(room_id, f"main {n}")
        bob.send(room_id, "m.room.message", thread_reply(other_root, f"other thread {n}"))
    bob.send(room_id, "m.reaction", {"m.relates_to": {"rel_type": "m.annotation", "event_id": root, "key": "👀"}})

    first = backend.request("paginate_manual", {"room_id": room_id, "thread_root": root, "direction": "b",
                                                "limit": 3}, timeout=60)
    assert bodies(first["events"]) == ["in thread 4", "in thread 3", "in thread 2"], bodies(first["events"])
    assert first.get("next_batch"), first
    rest = backend.request("paginate_manual", {"room_id": room_id, "thread_root": root, "direction": "b",
                                               "since": first["next_batch"], "limit": 3}, timeout=60)
    assert bodies(rest["events"]) == ["in thread 1", "in thread 0"], bodies(rest["events"])
    assert not rest.get("next_batch"), rest
    everything = first["events"] + rest["events"]
    assert [e["event_id"] for e in everything] == replies[::-1]
    for e in everything:
        assert (e["relates_to"], e["relation_type"]) == (root, "m.thread"), e
        assert e["local_content"], e

    # Without a thread root and without a token: the room's newest events.
    newest = backend.request("paginate_manual", {"room_id": room_id, "direction": "b", "limit": 2}, timeout=60)
    assert [e["type"] for e in newest["events"]][0] == "m.reaction", newest["events"]


# --- get_related_events -------------------------------------------------------

def test_sticky_events_are_listed_while_they_last(backend, synapse, register_user):
    """MSC4354 (Synapse's experimental support is on in the test config):
    an event sent sticky for a while is listed until then; one whose time
    is up, and ordinary events, are not."""
    import uuid

    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Sticky")

    def send_sticky(body: str, duration_ms: int) -> str:
        path = f"/rooms/{q(room_id)}/send/m.room.message/{uuid.uuid4().hex}"
        return bob.call("PUT", path, params={"org.matrix.msc4354.sticky_duration_ms": duration_ms},
                        json={"msgtype": "m.text", "body": body})["event_id"]

    lasting = send_sticky("here for a minute", 60_000)
    brief = send_sticky("gone at once", 1)
    bob.send_text(room_id, "not sticky")
    wait_for_message(backend, room_id, "not sticky")

    sticky = backend.request("get_sticky_events", {"room_id": room_id})
    assert [e["event_id"] for e in sticky] == [lasting], sticky
    assert sticky[0]["sticky_duration_ms"] == 60_000 and body(sticky[0]) == "here for a minute"
    # The brief one is stored, with its duration, just no longer sticky.
    gone = backend.request("get_event", {"room_id": room_id, "event_id": brief})
    assert gone["sticky_duration_ms"] == 1
    with pytest.raises(BackendError):
        backend.request("get_sticky_events", {"room_id": "!nowhere:localhost"})


def test_related_events_list_reactions_edits_and_replies_from_the_store(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Relations")
    mark = backend.mark()
    target = bob.send_text(room_id, "react to me")
    wait_for_message(backend, room_id, "react to me", after=mark)

    thumbs = bob.send(room_id, "m.reaction", {"m.relates_to": {
        "rel_type": "m.annotation", "event_id": target, "key": "👍"}})
    backend.request("send_event", {"room_id": room_id, "type": "m.reaction", "content": {"m.relates_to": {
        "rel_type": "m.annotation", "event_id": target, "key": "👍"}}})
    edit = bob.send(room_id, "m.room.message", {
        "msgtype": "m.text", "body": "* react to me!", "m.new_content": {"msgtype": "m.text", "body": "react to me!"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": target}})
    reply = bob.send(room_id, "m.room.message", {"msgtype": "m.text", "body": "a reply",
                                                 "m.relates_to": {"m.in_reply_to": {"event_id": target}}})
    unrelated = bob.send_text(room_id, "unrelated")
    wait_for_event(backend, room_id, lambda e: e["event_id"] == unrelated, "the last message", after=mark)
    wait_for_event(backend, room_id, lambda e: e["sender"] == me.user_id and e["type"] == "m.reaction"
                   and e["event_id"].startswith("$"), "our reaction's remote echo", after=mark)

    reactions = backend.request("get_related_events", {"room_id": room_id, "event_id": target,
                                                       "relation_type": "m.annotation"})
    assert sorted(e["sender"] for e in reactions) == sorted([bob.user_id, me.user_id]), reactions
    assert thumbs in [e["event_id"] for e in reactions]
    assert all(e["relates_to"] == target and e["relation_type"] == "m.annotation" for e in reactions), reactions

    edits = backend.request("get_related_events", {"room_id": room_id, "event_id": target,
                                                   "relation_type": "m.replace"})
    assert [e["event_id"] for e in edits] == [edit], edits
    assert edits[0]["local_content"], edits[0]

    everything = backend.request("get_related_events", {"room_id": room_id, "event_id": target})
    ids = [e["event_id"] for e in everything]
    assert set(ids) >= {thumbs, edit, reply} and unrelated not in ids and len(ids) == 4, everything
    stamps = [e["timestamp"] for e in everything]
    assert stamps == sorted(stamps), "related events are not oldest first"

    # The target itself shows what the relations add up to.
    target_event = backend.request("get_event", {"room_id": room_id, "event_id": target})
    assert target_event["reactions"] == {"👍": 2}, target_event
    assert backend.request("get_related_events", {"room_id": room_id, "event_id": reply}) == []


# --- get_specific_room_state --------------------------------------------------

def test_specific_room_state_returns_the_asked_events_in_order(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Stateful")
    mark = backend.mark()
    topic_id = bob.set_state(room_id, "m.room.topic", {"topic": "what we talk about"})
    wait_for_event(backend, room_id, lambda e: e["event_id"] == topic_id, "the topic", after=mark)

    state = backend.request("get_specific_room_state", {"keys": [
        {"room_id": room_id, "type": "m.room.topic", "state_key": ""},
        {"room_id": room_id, "type": "m.room.member", "state_key": me.user_id},
        {"room_id": room_id, "type": "com.example.never.set", "state_key": ""},
        {"room_id": room_id, "type": "m.room.name", "state_key": ""},
    ]})
    assert [(e["type"], e["state_key"]) for e in state] == [
        ("m.room.topic", ""), ("m.room.member", me.user_id), ("m.room.name", "")], state
    assert state[0]["event_id"] == topic_id and state[0]["content"] == {"topic": "what we talk about"}
    assert state[1]["content"]["membership"] == "join"
    assert state[2]["content"] == {"name": "Stateful"}
    assert backend.request("get_specific_room_state", {"keys": []}) == []


# --- rooms we may not be in ---------------------------------------------------

def test_room_summary_previews_a_room_before_joining(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    alias_local = f"preview-{bob.localpart}"
    room_id = bob.create_room(name="Preview me", preset="public_chat", room_alias_name=alias_local,
                              topic="come in")
    alias = f"#{alias_local}:{bob.user_id.split(':', 1)[1]}"

    summary = backend.request("get_room_summary", {"room_id_or_alias": alias}, timeout=60)
    assert summary["room_id"] == room_id and summary["name"] == "Preview me" and summary["topic"] == "come in"
    assert summary["canonical_alias"] == alias and summary["join_rule"] == "public"
    assert summary["num_joined_members"] == 1 and summary["membership"] == "leave", summary
    server = call(synapse.url, "GET", f"/_matrix/client/v1/room_summary/{q(room_id)}", me.access_token)
    by_id = backend.request("get_room_summary", {"room_id_or_alias": room_id}, timeout=60)
    # The spec's fields as the homeserver gave them; room_type is always there ("" for a plain room).
    expected = {k: v for k, v in server.items() if not k.startswith("im.nheko.")}
    assert by_id == {"room_type": "", **expected}, (by_id, server)


def test_space_hierarchy_lists_the_space_and_its_children(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    server_name = bob.user_id.split(":", 1)[1]
    space = bob.create_room(name="Space", preset="public_chat", creation_content={"type": "m.space"})
    children = [bob.create_room(name=f"Child {n}", preset="public_chat") for n in range(3)]
    for child in children:
        bob.set_state(space, "m.space.child", {"via": [server_name], "suggested": child == children[0]},
                      state_key=child)

    whole = backend.request("get_space_hierarchy", {"room_id": space, "limit": 10}, timeout=60)
    rooms = whole["rooms"]
    assert rooms[0]["room_id"] == space and rooms[0]["room_type"] == "m.space", rooms[0]
    assert sorted(r["room_id"] for r in rooms[1:]) == sorted(children), rooms
    assert {r["name"] for r in rooms[1:]} == {"Child 0", "Child 1", "Child 2"}
    edges = rooms[0]["children_state"]
    assert sorted(e["state_key"] for e in edges) == sorted(children), edges
    assert all(e["type"] == "m.space.child" and e["content"]["via"] == [server_name] for e in edges), edges
    assert not whole.get("next_batch"), whole

    # Paged: one room at a time, all of them once.
    seen, token = [], None
    for _ in range(10):
        page = backend.request("get_space_hierarchy", {"room_id": space, "limit": 1,
                                                       **({"from": token} if token else {})}, timeout=60)
        assert len(page["rooms"]) == 1, page
        seen += [r["room_id"] for r in page["rooms"]]
        token = page.get("next_batch")
        if not token:
            break
    assert sorted(seen) == sorted([space, *children]), seen

    suggested = backend.request("get_space_hierarchy", {"room_id": space, "suggested_only": True}, timeout=60)
    assert [r["room_id"] for r in suggested["rooms"]] == [space, children[0]], suggested
    shallow = backend.request("get_space_hierarchy", {"room_id": space, "max_depth": 0}, timeout=60)
    assert [r["room_id"] for r in shallow["rooms"]] == [space], shallow


def test_mutual_rooms_are_the_rooms_both_are_in(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    shared = sorted(join_invited_room(backend, bob, me.user_id, name=f"Shared {n}") for n in range(2))
    bob.create_room(name="Bob alone")
    register_user("carol").create_room(name="Carol alone")

    mutual = backend.request("get_mutual_rooms", {"user_id": bob.user_id}, timeout=60)
    assert sorted(mutual["joined"]) == shared and mutual.get("count") == 2, mutual
    assert not mutual.get("next_batch"), mutual
    stranger = register_user("stranger")
    assert backend.request("get_mutual_rooms", {"user_id": stranger.user_id})["joined"] == []


# --- homeserver services ------------------------------------------------------

def test_media_config_is_the_homeservers(backend, synapse, register_user):
    me = register_user()
    login(backend, synapse, me)
    config = backend.request("get_media_config", timeout=60)
    assert config == call(synapse.url, "GET", "/_matrix/client/v1/media/config", me.access_token)
    assert config["m.upload.size"] > 0, config


def test_turn_servers_are_credentials_a_turn_server_accepts(backend, synapse, register_user):
    me = register_user()
    login(backend, synapse, me)
    turn = backend.request("get_turn_servers", timeout=60)
    assert turn["uris"] == TURN_URIS and turn["ttl"] == 3600, turn
    # The TURN REST scheme: username "expiry:user", password HMAC-SHA1 of it with the shared secret.
    expiry, user = turn["username"].split(":", 1)
    assert user == me.user_id and int(expiry) > 0, turn
    expected = base64.b64encode(hmac.new(TURN_SHARED_SECRET.encode(), turn["username"].encode(),
                                         hashlib.sha1).digest()).decode()
    assert turn["password"] == expected, turn


def test_openid_token_identifies_us_to_a_service(backend, synapse, register_user):
    me = register_user()
    login(backend, synapse, me)
    token = backend.request("request_openid_token", timeout=60)
    assert token["token_type"] == "Bearer" and token["expires_in"] > 0, token
    assert token["matrix_server_name"] == me.user_id.split(":", 1)[1], token
    # What a service does with it: ask the homeserver whose token it is.
    info = call(synapse.url, "GET", "/_matrix/federation/v1/openid/userinfo",
                params={"access_token": token["access_token"]})
    assert info == {"sub": me.user_id}, info


# --- calculate_room_id --------------------------------------------------------

def test_calculated_room_id_is_the_one_synapse_gives_a_v12_room(backend, synapse, register_user):
    me = register_user()
    login(backend, synapse, me)
    for creation in ({}, {"type": "m.space", "m.federate": False}):
        room_id = backend.request("create_room", {"name": "Hashed", "room_version": "12",
                                                  "creation_content": creation}, timeout=60)["room_id"]
        create = call(synapse.url, "GET", f"/_matrix/client/v3/rooms/{q(room_id)}/state/m.room.create/",
                      me.access_token, params={"format": "event"})
        assert create["content"]["room_version"] == "12", create
        calculated = backend.request("calculate_room_id", {"timestamp": create["origin_server_ts"],
                                                           "content": create["content"]})
        assert calculated == room_id, (calculated, create)
        # Another moment gives another room.
        assert backend.request("calculate_room_id", {"timestamp": create["origin_server_ts"] + 1,
                                                     "content": create["content"]}) != room_id

    for content, why in (({"room_version": "11"}, "does not derive"), ({}, "no room_version"),
                         ([], "must be an object")):
        with pytest.raises(BackendError) as refused:
            backend.request("calculate_room_id", {"timestamp": 1, "content": content})
        assert why in refused.value.message, refused.value.message


# --- bad input ----------------------------------------------------------------

def test_bad_input_gets_the_reason_and_the_backend_keeps_serving(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Bad input")
    server_name = me.user_id.split(":", 1)[1]
    unknown_room = f"!doesnotexist:{server_name}"
    missing_event = "$doesnotexist00000000000000000000000000000"
    cases = [
        ("get_event_context", {"room_id": unknown_room, "event_id": missing_event}, r"not in room"),
        ("get_event_context", {"room_id": room_id, "event_id": missing_event}, r"M_NOT_FOUND"),
        ("get_event_context", {"room_id": room_id, "event_id": "not an id"}, r"not an event ID"),
        ("get_event_context", {"room_id": "garbage", "event_id": missing_event}, r"not a room ID"),
        ("paginate_manual", {"room_id": room_id, "direction": "sideways", "limit": 5}, r"direction"),
        ("paginate_manual", {"room_id": room_id, "direction": "b", "limit": 5, "since": "not-a-token"},
         r"M_INVALID_PARAM|M_UNKNOWN|token"),
        ("paginate_manual", {"room_id": room_id, "direction": "b", "limit": 5, "thread_root": "nope"},
         r"not an event ID"),
        ("paginate_manual", {"room_id": room_id, "direction": "b"}, r"invalid data for paginate_manual.*limit"),
        ("get_related_events", {"room_id": room_id, "event_id": "nope"}, r"not an event ID"),
        ("get_related_events", {"room_id": unknown_room, "event_id": missing_event}, r"not in room"),
        ("get_specific_room_state", {"keys": [{"room_id": unknown_room, "type": "m.room.name"}]}, r"not in room"),
        ("get_specific_room_state", {"keys": "m.room.name"}, r"invalid data for get_specific_room_state"),
        ("get_room_summary", {"room_id_or_alias": "no such thing"}, r"not a room ID or alias"),
        ("get_room_summary", {"room_id_or_alias": f"#nobody-made-this:{server_name}"}, r"M_NOT_FOUND"),
        ("get_space_hierarchy", {"room_id": unknown_room}, r"M_FORBIDDEN|M_NOT_FOUND"),
        ("get_space_hierarchy", {"room_id": "#alias:x"}, r"not a room ID"),
        ("get_mutual_rooms", {"user_id": "bob"}, r"not a user ID"),
        ("get_mutual_rooms", {"user_id": me.user_id}, r"M_INVALID_PARAM.*yourself"),
    ]
    for command, data, reason in cases:
        with pytest.raises(BackendError) as refused:
            backend.request(command, data, timeout=60)
        assert re.search(reason, refused.value.message), (command, data, refused.value.message)
    # Still serving, and the room is as it was.
    state = backend.request("get_specific_room_state", {"keys": [{"room_id": room_id, "type": "m.room.name"}]})
    assert state[0]["content"] == {"name": "Bad input"}, state
