"""Encryption people can trust (issue 14), between Trellis devices: the
verification state, setting up recovery, a new device that cannot read the
history until it is verified by recovery key or by emoji, and clear errors
for a wrong key, a wrong password and a cancelled verification.

The same flows against a client we did not write (matrix-js-sdk) are in
test_e2ee_interop.py.
"""

import pytest

from harness import BackendError
from harness.frontend import eventually, login, room_meta, wait_for_event

ENCRYPTED = [{"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]


def verification_state(backend, after: int = 0, timeout: float = 60, **want) -> dict:
    """The first client_state after `after` whose verification_state has every field of `want`
    (state_checked implied)."""
    want = {"state_checked": True, **want}
    state = backend.wait_event(
        "client_state",
        lambda s: all(s.get("verification_state", {}).get(k) == v for k, v in want.items()),
        timeout=timeout, after=after)
    assert state["is_verified"] == state["verification_state"]["is_verified"], state
    return state["verification_state"]


def current_state(backend) -> dict:
    return backend.request("get_state")["verification_state"]


def master_key(user) -> str | None:
    """The user's cross-signing master key as the homeserver publishes it."""
    keys = user.call("POST", "/keys/query", json={"device_keys": {user.user_id: []}})
    master = (keys.get("master_keys") or {}).get(user.user_id)
    return next(iter(master["keys"].values())) if master else None


def backup_key_count(user) -> int:
    """Room keys in the account's current key backup (0 when there is none)."""
    try:
        version = user.call("GET", "/room_keys/version")["version"]
    except Exception:
        return 0
    rooms = user.call("GET", "/room_keys/keys", params={"version": version})["rooms"]
    return sum(len(r["sessions"]) for r in rooms.values())


def set_up_recovery(app, user) -> str:
    """What "Set up recovery" does: a new key, then reset_encryption with it. Returns the key."""
    mark = app.mark()
    key = app.request("generate_recovery_key", {})["recovery_key"]
    assert app.request("reset_encryption", {"recovery_key": key, "account_password": user.password},
                       timeout=120) is True
    verification_state(app, after=mark, is_verified=True, has_cross_signing=True, has_ssss=True)
    return key


def encrypted_room_with_history(app, user, texts: list[str]) -> str:
    room_id = app.request("create_room", {"name": "Diary", "preset": "private_chat",
                                          "initial_state": ENCRYPTED}, timeout=60)["room_id"]
    wait_for_event(app, room_id, lambda e: e["type"] == "m.room.encryption", "the encryption event", timeout=60)
    for text in texts:
        mark = app.mark()
        echo = app.request("send_message", {"room_id": room_id, "text": text})
        app.wait_event("send_complete", lambda d: d["event"]["transaction_id"] == echo["transaction_id"]
                       and not d.get("error"), timeout=60, after=mark)
    return room_id


def wait_decrypted(app, room_id: str, count: int, after: int, timeout: float = 90) -> list[dict]:
    """The events that events_decrypted brought for room_id after the mark, once there are `count`."""
    def decrypted():
        events = {e["rowid"]: e for d in app.events("events_decrypted", after) if d["room_id"] == room_id
                  for e in d["events"] if e.get("decrypted_type")}
        return list(events.values()) if len(events) >= count else None
    return eventually(decrypted, timeout=timeout, what=f"{count} events decrypted in {room_id}")


def decrypted_bodies(events: list[dict]) -> list[str]:
    return [(e.get("decrypted") or {}).get("body") for e in events if e.get("decrypted_type") == "m.room.message"]


def test_a_fresh_account_is_checked_and_reports_no_identity(make_backend, synapse, register_user):
    user = register_user("fresh")
    app = make_backend()
    mark = app.mark()
    login(app, synapse, user)
    state = verification_state(app, after=mark)
    assert state == {"state_checked": True, "is_verified": False, "has_cross_signing": False, "has_ssss": False}
    assert app.request("get_recovery_state") == {"recovery": "disabled", "backup": "disabled",
                                                  "backup_exists": False}


def test_set_up_recovery_then_a_wrong_password_changes_nothing(make_backend, synapse, register_user):
    user = register_user("setup")
    app = make_backend()
    login(app, synapse, user)
    set_up_recovery(app, user)
    assert master_key(user), "no cross-signing identity on the homeserver"
    assert user.call("GET", "/room_keys/version")["version"]
    default_key = user.call("GET", f"/user/{user.user_id}/account_data/m.secret_storage.default_key")["key"]
    assert app.request("get_recovery_state") == {"recovery": "enabled", "backup": "enabled", "backup_exists": True}

    # Resetting again needs the password now that an identity exists.
    before = master_key(user)
    key = app.request("generate_recovery_key", {"passphrase": "correct horse battery"})
    assert key["passphrase_meta"]["algorithm"] == "m.pbkdf2", key
    with pytest.raises(BackendError) as wrong:
        app.request("reset_encryption", {"recovery_key": key["recovery_key"], "account_password": "not it"},
                    timeout=60)
    assert "password" in wrong.value.message, wrong.value.message
    assert master_key(user) == before, "a refused password still replaced the identity"
    assert current_state(app)["is_verified"] is True

    with pytest.raises(BackendError) as unknown_key:
        app.request("reset_encryption", {"recovery_key": "EsT0 made up", "account_password": user.password})
    assert "generate_recovery_key" in unknown_key.value.message

    app.request("reset_encryption", {"recovery_key": key["recovery_key"], "account_password": user.password},
                timeout=120)
    assert master_key(user) != before
    assert user.call("GET", f"/user/{user.user_id}/account_data/m.secret_storage.default_key")["key"] != default_key
    assert current_state(app)["is_verified"] is True


def test_a_new_device_reads_history_after_the_recovery_key(make_backend, synapse, register_user):
    user = register_user("newpc")
    old = make_backend()
    login(old, synapse, user)
    key = set_up_recovery(old, user)
    room_id = encrypted_room_with_history(old, user, ["first secret", "second secret"])
    eventually(lambda: backup_key_count(user) >= 1, timeout=60, what="the room key in the key backup")

    new = make_backend()
    mark = new.mark()
    login(new, synapse, user)
    assert verification_state(new, after=mark) == {
        "state_checked": True, "is_verified": False, "has_cross_signing": True, "has_ssss": True}
    room_meta(new, room_id, timeout=60)
    page = new.request("paginate", {"room_id": room_id, "max_timeline_id": 0, "limit": 50}, timeout=60)
    locked = [e for e in page["events"] if e["type"] == "m.room.encrypted"]
    assert len(locked) == 2 and all(e.get("decryption_error") for e in locked), page["events"]
    for e in locked:
        assert "before this device logged in" in e["decryption_error"], e["decryption_error"]

    with pytest.raises(BackendError) as wrong:
        new.request("verify", {"recovery_key": "EsTc LW2K PGiF wKEo yjnh ePg6 vd8w 5Uh4 gEBx 5Fg5 sbnu rWj2"},
                    timeout=60)
    assert wrong.value.message == "the recovery key or passphrase is not right"
    assert current_state(new)["is_verified"] is False

    mark = new.mark()
    # Spaces are insignificant in a recovery key; extra ones as a person pastes it.
    assert new.request("verify", {"recovery_key": f"  {key}  "}, timeout=120) is True
    verification_state(new, after=mark, is_verified=True)
    decrypted = wait_decrypted(new, room_id, 2, after=mark)
    assert sorted(decrypted_bodies(decrypted)) == ["first secret", "second secret"]
    assert all(not e.get("decryption_error") for e in decrypted)
    # Stored so: the room reads in clear from now on, also after a restart.
    new.restart()
    page = new.request("paginate", {"room_id": room_id, "max_timeline_id": 0, "limit": 50}, timeout=60)
    assert decrypted_bodies(page["events"]) == ["second secret", "first secret"]
    verification_state(new, is_verified=True)
    # The old device sees the new one as cross-signed.
    own = old.request("track_user_devices", {"user_id": user.user_id}, timeout=60)
    by_id = {d["device_id"]: d for d in own["devices"]}
    new_device = new.request("get_state")["device_id"]
    assert by_id[new_device]["trust_state"] == "cross-signed-verified", by_id


@pytest.fixture
def two_devices(make_backend, synapse, register_user):
    """(user, old, new): old set up recovery, new just logged in and is not verified."""
    user = register_user("pair")
    old = make_backend()
    login(old, synapse, user)
    set_up_recovery(old, user)
    new = make_backend()
    login(new, synapse, user)
    verification_state(new, is_verified=False, has_cross_signing=True)
    return user, old, new


def emoji_shown(user, old, new):
    """New asks old to verify it, old accepts, new starts emoji. Returns the flow's params, each
    side's `sas` state, and reached(app, state), which waits for the flow's state on one side."""
    marks = {id(old): old.mark(), id(new): new.mark()}
    asked = new.request("request_verification", {"user_id": user.user_id}, timeout=60)
    assert asked["we_started"] and asked["self_verification"] and asked["state"] == "requested", asked
    flow = {"user_id": user.user_id, "flow_id": asked["flow_id"]}

    def reached(app, state):
        return app.wait_event("verification", lambda v: v["flow_id"] == asked["flow_id"]
                              and v["state"] == state, timeout=60, after=marks[id(app)])
    incoming = reached(old, "requested")
    assert not incoming["we_started"], incoming
    old.request("accept_verification", flow, timeout=60)
    reached(new, "ready")
    new.request("start_sas_verification", flow, timeout=60)
    return flow, [reached(app, "sas") for app in (old, new)], reached


def test_emoji_verification_between_two_devices(two_devices):
    user, old, new = two_devices
    mark = new.mark()
    flow, shown, reached = emoji_shown(user, old, new)
    assert len(shown[0]["emoji"]) == 7 and len(shown[0]["decimals"]) == 3, shown[0]
    assert shown[0]["emoji"] == shown[1]["emoji"] and shown[0]["decimals"] == shown[1]["decimals"]
    assert shown[1]["device_id"] == old.request("get_state")["device_id"]
    for app in (old, new):
        app.request("confirm_verification", flow, timeout=60)
    for app in (old, new):
        reached(app, "done")
    verification_state(new, is_verified=True, after=mark)
    assert old.request("get_verifications") == [] and new.request("get_verifications") == []


def test_a_mismatch_ends_the_verification_on_both_sides(two_devices):
    user, old, new = two_devices
    flow, _, reached = emoji_shown(user, old, new)
    mine = old.request("mismatch_verification", flow, timeout=60)
    assert mine["state"] == "cancelled" and mine["cancel"]["by_us"], mine
    theirs = reached(new, "cancelled")
    assert theirs["cancel"]["code"] == "m.mismatched_sas" and not theirs["cancel"]["by_us"], theirs
    assert current_state(new)["is_verified"] is False
    with pytest.raises(BackendError) as gone:
        new.request("confirm_verification", flow)
    assert "has ended (cancelled)" in gone.value.message


def test_own_messages_are_encrypted_from_the_local_echo_on(make_backend, synapse, register_user):
    user = register_user("echo")
    app = make_backend()
    login(app, synapse, user)
    room_id = app.request("create_room", {"preset": "private_chat", "initial_state": ENCRYPTED},
                          timeout=60)["room_id"]
    wait_for_event(app, room_id, lambda e: e["type"] == "m.room.encryption", "the encryption event", timeout=60)
    mark = app.mark()
    echo = app.request("send_message", {"room_id": room_id, "text": "sealed"})
    assert echo["type"] == "m.room.encrypted" and echo["decrypted_type"] == "m.room.message", echo
    assert echo["decrypted"]["body"] == "sealed" and "body" not in echo["content"], echo
    done = app.wait_event("send_complete", lambda d: d["event"]["transaction_id"] == echo["transaction_id"],
                          timeout=60, after=mark)
    assert not done.get("error"), done
    sent = done["event"]
    assert (sent["type"], sent["decrypted_type"], sent["decrypted"]["body"]) == \
        ("m.room.encrypted", "m.room.message", "sealed"), sent
    wire = user.call("GET", f"/rooms/{room_id}/event/{sent['event_id']}")
    assert wire["type"] == "m.room.encrypted" and "ciphertext" in wire["content"], wire


def test_encryption_commands_refuse_bad_input_clearly(make_backend, synapse, register_user):
    user = register_user("bad")
    app = make_backend()
    with pytest.raises(BackendError) as logged_out:
        app.request("verify", {"recovery_key": "x"})
    assert "log in" in logged_out.value.message
    login(app, synapse, user)
    for command, data, says in [
        ("verify", {"recovery_key": "   "}, "empty"),
        ("verify", {}, "recovery_key"),
        ("verify", {"recovery_key": "EsTc LW2K PGiF wKEo"}, "no recovery set up"),
        ("get_profile_encryption_info", {"user_id": "not a user"}, "not a user ID"),
        ("request_verification", {"user_id": "@nobody:localhost"}, "cross-signing"),
        ("accept_verification", {"user_id": user.user_id, "flow_id": "nope"}, "no verification"),
        ("change_recovery_key", {"recovery_key": "whatever"}, "generate_recovery_key"),
        ("export_keys", {"passphrase": ""}, "passphrase"),
        ("import_keys", {"data": "not an export", "passphrase": "p"}, "cannot import"),
    ]:
        with pytest.raises(BackendError) as refused:
            app.request(command, data, timeout=60)
        assert says in refused.value.message, (command, refused.value.message)
    assert app.request("get_state")["is_logged_in"]
