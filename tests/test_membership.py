"""Issue 3, membership and room actions: `create_room`, `join_room`,
`knock_room`, `leave_room`, `set_membership`, `set_state`, account data,
profiles and `mute_room`; and bad input, which must come back as an error with
the homeserver's reason and leave the room as it was.
"""

import re
import secrets

import pytest

from harness import BackendError, MatrixHTTPError
from harness.frontend import (join_invited_room, login, q, room_meta, server_state, sync_room, wait_for_event,
                              wait_invited)


def membership(user, room_id: str, user_id: str) -> dict:
    return user.call("GET", f"/rooms/{q(room_id)}/state/m.room.member/{q(user_id)}")


def state_ids(user, room_id: str) -> dict[tuple[str, str], str]:
    """The room's current state as event ids (the events themselves carry a changing age)."""
    return {k: e["event_id"] for k, e in server_state(user, room_id).items()}


def member_event(backend, room_id, user_id, state, after):
    return wait_for_event(backend, room_id, lambda e: e["type"] == "m.room.member" and e.get("state_key") == user_id
                          and e["content"].get("membership") == state, f"{user_id} {state}", after=after)


# --- creating rooms -----------------------------------------------------------

def test_create_room_with_preset_initial_state_and_overrides(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    alias = f"garden-{secrets.token_hex(4)}"
    mark = backend.mark()
    created = backend.request("create_room", {
        "visibility": "private",
        "room_alias_name": alias,
        "name": "Allotment",
        "topic": "Where the leeks grow",
        "invite": [bob.user_id],
        "preset": "private_chat",
        "is_direct": False,
        "room_version": "10",
        "creation_content": {"m.federate": False},
        "initial_state": [
            {"type": "org.trellis.colour", "state_key": "leaf", "content": {"colour": "green"}},
            {"type": "m.room.guest_access", "state_key": "", "content": {"guest_access": "can_join"}},
        ],
        "power_level_content_override": {"users": {me.user_id: 100, bob.user_id: 50}, "events_default": 10},
    }, timeout=60)
    room_id = created["room_id"]
    assert created == {"room_id": room_id} and room_id.startswith("!"), created

    meta = room_meta(backend, room_id, lambda m: m.get("name") == "Allotment" and m.get("topic"), after=mark)
    assert meta["topic"] == "Where the leeks grow", meta
    assert meta.get("canonical_alias") in (None, f"#{alias}:localhost"), meta

    state = server_state(me, room_id)
    assert state[("m.room.create", "")]["content"]["room_version"] == "10"
    assert state[("m.room.create", "")]["content"]["m.federate"] is False
    assert state[("m.room.join_rules", "")]["content"]["join_rule"] == "invite"  # from private_chat
    assert state[("org.trellis.colour", "leaf")]["content"] == {"colour": "green"}
    assert state[("m.room.guest_access", "")]["content"]["guest_access"] == "can_join"
    levels = state[("m.room.power_levels", "")]["content"]
    assert levels["users"] == {me.user_id: 100, bob.user_id: 50} and levels["events_default"] == 10, levels
    assert state[("m.room.member", bob.user_id)]["content"]["membership"] == "invite"
    assert me.call("GET", f"/directory/room/{q(f'#{alias}:localhost')}")["room_id"] == room_id
    assert me.call("GET", f"/directory/list/room/{q(room_id)}") == {"visibility": "private"}
    assert room_id in [r for r in bob.sync()["rooms"]["invite"]], "bob was not invited"

    # Our own view of the new room carries the initial state.
    ours = backend.request("get_room_state", {"room_id": room_id}, timeout=60)
    by_key = {(e["type"], e.get("state_key")): e for e in ours}
    assert by_key[("org.trellis.colour", "leaf")]["content"] == {"colour": "green"}
    assert by_key[("m.room.name", "")]["content"]["name"] == "Allotment"


def test_create_public_room_and_others_join_by_alias(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    alias = f"square-{secrets.token_hex(4)}"
    room_id = backend.request("create_room", {"preset": "public_chat", "visibility": "public",
                                              "room_alias_name": alias, "name": "Town square"},
                              timeout=60)["room_id"]
    assert bob.call("GET", f"/directory/list/room/{q(room_id)}") == {"visibility": "public"}
    assert room_id in [r["room_id"] for r in bob.call("GET", "/publicRooms")["chunk"]]
    assert server_state(me, room_id)[("m.room.join_rules", "")]["content"]["join_rule"] == "public"
    mark = backend.mark()
    assert bob.join(f"#{alias}:localhost") == room_id
    member_event(backend, room_id, bob.user_id, "join", mark)


def test_create_direct_chat(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = backend.request("create_room", {"preset": "trusted_private_chat", "is_direct": True,
                                              "invite": [bob.user_id]}, timeout=60)["room_id"]
    invite = membership(me, room_id, bob.user_id)
    assert invite["membership"] == "invite" and invite.get("is_direct") is True, invite
    state = server_state(me, room_id)
    # trusted_private_chat makes invitees the creator's equals: extra creators from room v12, admins before.
    creators = state[("m.room.create", "")]["content"].get("additional_creators", [])
    levels = state[("m.room.power_levels", "")]["content"]
    assert bob.user_id in creators or levels["users"].get(bob.user_id) == 100, \
        f"trusted_private_chat did not make bob the creator's equal: {creators}, {levels}"


# --- joining and leaving ------------------------------------------------------

def test_join_by_alias_and_leave(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    alias = f"club-{secrets.token_hex(4)}"
    room_id = bob.create_room(name="Club", preset="public_chat", room_alias_name=alias)

    mark = backend.mark()
    joined = backend.request("join_room", {"room_id_or_alias": f"#{alias}:localhost", "reason": "saw the poster"},
                             timeout=60)
    assert joined == {"room_id": room_id}, joined
    room_meta(backend, room_id, lambda m: m.get("name") == "Club", after=mark)
    member = membership(bob, room_id, me.user_id)
    assert member["membership"] == "join" and member.get("reason") == "saw the poster", member

    mark = backend.mark()
    assert backend.request("leave_room", {"room_id": room_id, "reason": "too loud"}, timeout=60) is True
    backend.wait_event("sync_complete", lambda s: room_id in (s.get("left_rooms") or []), after=mark)
    member = membership(bob, room_id, me.user_id)
    assert member["membership"] == "leave" and member.get("reason") == "too loud", member
    assert room_id not in me.call("GET", "/joined_rooms")["joined_rooms"]

    # Joining by ID with via works too.
    assert backend.request("join_room", {"room_id_or_alias": room_id, "via": ["localhost"]},
                           timeout=60) == {"room_id": room_id}
    assert membership(bob, room_id, me.user_id)["membership"] == "join"


def test_reject_an_invite_by_leaving(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    mark = backend.mark()
    room_id = bob.create_room(name="Unwanted", invite=[me.user_id])
    wait_invited(backend, room_id, after=mark)
    assert backend.request("leave_room", {"room_id": room_id}, timeout=60) is True
    assert membership(bob, room_id, me.user_id)["membership"] == "leave"
    backend.wait_event("sync_complete", lambda s: room_id in (s.get("left_rooms") or []), after=mark)

    backend.restart()  # and it stays gone
    for sync in backend.events("sync_complete"):
        assert room_id not in (sync.get("rooms") or {}), "a rejected invite came back as a room after a restart"
        assert room_id not in [r["room_id"] for r in sync.get("invited_rooms") or []], \
            "a rejected invite came back after a restart"


def test_knock_and_be_let_in(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = bob.create_room(name="Knock knock", room_version="10", initial_state=[
        {"type": "m.room.join_rules", "state_key": "", "content": {"join_rule": "knock"}}])

    with pytest.raises(BackendError) as refused:  # a knock room is not open
        backend.request("join_room", {"room_id_or_alias": room_id, "via": ["localhost"]}, timeout=60)
    assert re.search(r"M_FORBIDDEN|not allowed|cannot join", refused.value.message, re.I), refused.value.message

    knocked = backend.request("knock_room", {"room_id_or_alias": room_id, "via": ["localhost"],
                                             "reason": "let me in"}, timeout=60)
    assert knocked == {"room_id": room_id}, knocked
    member = membership(bob, room_id, me.user_id)
    assert member["membership"] == "knock" and member.get("reason") == "let me in", member

    mark = backend.mark()
    bob.invite(room_id, me.user_id)
    wait_invited(backend, room_id, after=mark)
    assert backend.request("join_room", {"room_id_or_alias": room_id, "from_invite": True},
                           timeout=60) == {"room_id": room_id}
    room_meta(backend, room_id, lambda m: m.get("name") == "Knock knock", after=mark)


# --- membership actions -------------------------------------------------------

def test_invite_kick_ban_unban_with_reasons(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = backend.request("create_room", {"preset": "private_chat", "name": "Moderation"},
                              timeout=60)["room_id"]

    def act(action, reason):
        mark = backend.mark()
        assert backend.request("set_membership", {"action": action, "room_id": room_id, "user_id": bob.user_id,
                                                  "reason": reason}, timeout=60) is True
        return mark

    mark = act("invite", "come along")
    invited = member_event(backend, room_id, bob.user_id, "invite", mark)
    assert invited["sender"] == me.user_id and invited["content"].get("reason") == "come along", invited
    assert room_id in bob.sync()["rooms"]["invite"]
    bob.join(room_id)
    member_event(backend, room_id, bob.user_id, "join", mark)

    mark = act("kick", "be nice")
    kicked = member_event(backend, room_id, bob.user_id, "leave", mark)
    assert kicked["sender"] == me.user_id and kicked["content"].get("reason") == "be nice", kicked
    assert room_id not in bob.call("GET", "/joined_rooms")["joined_rooms"]

    mark = act("ban", "last warning")
    banned = member_event(backend, room_id, bob.user_id, "ban", mark)
    assert banned["content"].get("reason") == "last warning", banned
    with pytest.raises(MatrixHTTPError) as cannot:
        bob.join(room_id)
    assert cannot.value.status == 403

    mark = act("unban", "second chance")
    unbanned = member_event(backend, room_id, bob.user_id, "leave", mark)
    assert unbanned["content"].get("reason") == "second chance", unbanned
    assert membership(me, room_id, bob.user_id)["membership"] == "leave"

    state = backend.request("get_room_state", {"room_id": room_id, "include_members": True}, timeout=60)
    members = {e["state_key"]: e["content"]["membership"] for e in state if e["type"] == "m.room.member"}
    assert members == {me.user_id: "join", bob.user_id: "leave"}, members


def test_membership_action_without_power_is_refused(backend, synapse, register_user):
    me, bob, carol = register_user(), register_user("bob"), register_user("carol")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Not mine")
    bob.invite(room_id, carol.user_id)
    carol.join(room_id)
    before = state_ids(bob, room_id)

    for action in ("kick", "ban"):
        with pytest.raises(BackendError) as refused:
            backend.request("set_membership", {"action": action, "room_id": room_id, "user_id": bob.user_id,
                                               "reason": "coup"}, timeout=60)
        assert "M_FORBIDDEN" in refused.value.message, refused.value.message
    with pytest.raises(BackendError) as unknown_action:
        backend.request("set_membership", {"action": "smite", "room_id": room_id, "user_id": carol.user_id})
    assert "smite" in unknown_action.value.message or "action" in unknown_action.value.message, \
        unknown_action.value.message

    assert state_ids(bob, room_id) == before, "a refused action changed the room"
    assert membership(bob, room_id, bob.user_id)["membership"] == "join"
    assert backend.request("get_state")["is_logged_in"] is True


# --- state, account data, profile, mute ---------------------------------------

def test_set_state(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = backend.request("create_room", {"preset": "private_chat", "name": "Before"}, timeout=60)["room_id"]

    mark = backend.mark()
    event_id = backend.request("set_state", {"room_id": room_id, "type": "m.room.name", "state_key": "",
                                             "content": {"name": "After"}}, timeout=60)
    assert isinstance(event_id, str) and event_id.startswith("$"), event_id
    assert server_state(me, room_id)[("m.room.name", "")]["event_id"] == event_id
    room_meta(backend, room_id, lambda m: m.get("name") == "After", after=mark)

    custom = backend.request("set_state", {"room_id": room_id, "type": "org.trellis.widget", "state_key": "w1",
                                           "content": {"url": "https://example.org"}}, timeout=60)
    stored = server_state(me, room_id)[("org.trellis.widget", "w1")]
    assert stored["event_id"] == custom and stored["content"] == {"url": "https://example.org"}
    synced = wait_for_event(backend, room_id, lambda e: e["event_id"] == custom, "the custom state event",
                            after=mark)
    assert synced.get("state_key") == "w1", synced


def test_account_data_global_and_per_room(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Data")

    mark = backend.mark()
    assert backend.request("set_account_data", {"type": "org.trellis.settings", "content": {"theme": "moss"}},
                           timeout=60) is True
    assert me.call("GET", f"/user/{q(me.user_id)}/account_data/org.trellis.settings") == {"theme": "moss"}
    sync = backend.wait_event("sync_complete", lambda s: "org.trellis.settings" in (s.get("account_data") or {}),
                              after=mark)
    data = sync["account_data"]["org.trellis.settings"]
    assert (data["type"], data["content"], data["user_id"]) == ("org.trellis.settings", {"theme": "moss"}, me.user_id)

    assert backend.request("set_account_data", {"room_id": room_id, "type": "org.trellis.room_note",
                                                "content": {"note": "quiet"}}, timeout=60) is True
    assert me.call("GET", f"/user/{q(me.user_id)}/rooms/{q(room_id)}/account_data/org.trellis.room_note") == \
        {"note": "quiet"}
    sync = backend.wait_event("sync_complete", lambda s: "org.trellis.room_note" in (
        sync_room(s, room_id).get("account_data") or {}), after=mark)
    data = sync_room(sync, room_id)["account_data"]["org.trellis.room_note"]
    assert data["content"] == {"note": "quiet"} and data.get("room_id") == room_id, data


def test_profiles(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    bob.set_displayname("Bob Builder")
    bob.call("PUT", f"/profile/{q(bob.user_id)}/avatar_url", json={"avatar_url": "mxc://localhost/bobface"})
    profile = backend.request("get_profile", {"user_id": bob.user_id}, timeout=60)
    assert profile.get("displayname") == "Bob Builder" and profile.get("avatar_url") == "mxc://localhost/bobface", \
        profile

    assert backend.request("set_profile_field", {"field": "displayname", "value": "Trellis Tester"},
                           timeout=60) is True
    assert backend.request("set_profile_field", {"field": "avatar_url", "value": "mxc://localhost/myface"},
                           timeout=60) is True
    mine = bob.call("GET", f"/profile/{q(me.user_id)}")
    assert (mine.get("displayname"), mine.get("avatar_url")) == ("Trellis Tester", "mxc://localhost/myface"), mine
    assert backend.request("get_profile", {"user_id": me.user_id}, timeout=60).get("displayname") == "Trellis Tester"

    with pytest.raises(BackendError) as nobody:
        backend.request("get_profile", {"user_id": "@nobody-here:localhost"}, timeout=60)
    # Synapse says 404 M_UNKNOWN "No row found (profiles)"; its reason must come through.
    assert re.search(r"M_NOT_FOUND|M_UNKNOWN|not found|no row found", nobody.value.message, re.I), nobody.value.message


def test_mute_room(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Noisy")
    rule_path = f"/pushrules/global/room/{q(room_id)}"

    assert backend.request("mute_room", {"room_id": room_id, "muted": True}, timeout=60) is False
    rule = me.call("GET", rule_path)
    assert rule.get("enabled", True) and "notify" not in rule["actions"], rule
    assert backend.request("mute_room", {"room_id": room_id, "muted": True}, timeout=60) is True
    assert backend.request("mute_room", {"room_id": room_id, "muted": False}, timeout=60) is True
    try:
        rule = me.call("GET", rule_path)
        assert not rule.get("enabled", True) or "notify" in rule["actions"], f"still muted: {rule}"
    except MatrixHTTPError as gone:
        assert gone.status == 404
    assert backend.request("mute_room", {"room_id": room_id, "muted": False}, timeout=60) is False


# --- bad input ----------------------------------------------------------------

def test_bad_input_is_refused_with_reasons_and_changes_nothing(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Careful")
    before = state_ids(bob, room_id)
    nowhere = "!nowhere0000000000:localhost"

    wrong: list[str] = []  # every case is tried, so one run names them all

    def refused(command, data, pattern):
        try:
            answer = backend.request(command, data, timeout=60)
        except BackendError as failed:
            if not re.search(pattern, failed.message, re.I):
                wrong.append(f"{command} {data}: error without the reason: {failed.message!r}")
            return
        wrong.append(f"{command} {data} was not refused; it answered {answer!r}")

    refused("join_room", {"room_id_or_alias": nowhere}, r"M_\w+|not found|no known servers|unknown|nowhere")
    refused("join_room", {"room_id_or_alias": "#no-such-alias:localhost"}, r"M_NOT_FOUND|not found|no-such-alias")
    refused("set_state", {"room_id": nowhere, "type": "m.room.topic", "state_key": "", "content": {"topic": "x"}},
            r"M_\w+|not (in|a member)|unknown|nowhere")
    refused("get_room_state", {"room_id": nowhere}, r"M_\w+|not (in|a member)|unknown|nowhere|not found")
    refused("set_membership", {"action": "invite", "room_id": room_id, "user_id": "not-a-user-id"},
            r"user ?id|M_INVALID_PARAM|not-a-user-id")
    refused("leave_room", {"room_id": nowhere}, r"M_\w+|not (in|a member)|unknown|nowhere")

    assert not wrong, "\n".join(wrong)
    assert state_ids(bob, room_id) == before, "refused requests changed the room"
    assert backend.request("get_state")["is_logged_in"] is True
    mark = backend.mark()
    bob.send_text(room_id, "still here")
    backend.wait_event("sync_complete", lambda s: room_id in (s.get("rooms") or {}), after=mark)
