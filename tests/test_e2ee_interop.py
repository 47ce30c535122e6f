"""Encryption between Trellis and a client we did not write: matrix-js-sdk with its
Rust crypto (tests/e2ee/peer.mjs), as Element-like apps run it. The peer sets up
the account (cross-signing, secret storage, key backup) and talks encrypted;
Trellis logs in as a new device and must read the history once it is verified,
by recovery key or by emoji, in both directions, and end cancelled flows cleanly.
"""

import pytest

from harness.frontend import eventually, login, room_meta
from test_e2ee import current_state, decrypted_bodies, verification_state, wait_decrypted


@pytest.fixture
def account(register_user, make_peer, synapse):
    """(user, phone): a js-sdk device that set up recovery for a fresh user; phone.recovery_key."""
    user = register_user("interop")
    phone = make_peer("phone")
    phone.login(synapse.url, user.user_id, user.password)
    phone.recovery_key = phone.call("bootstrap", password=user.password)["recovery_key"]
    return user, phone


def new_trellis_device(make_backend, synapse, user, phone):
    app = make_backend()
    mark = app.mark()
    login(app, synapse, user)
    assert verification_state(app, after=mark) == {
        "state_checked": True, "is_verified": False, "has_cross_signing": True, "has_ssss": True}
    # The phone learns of the new device (its crypto ignores requests from devices it does not know).
    device_id = app.request("get_state")["device_id"]
    phone.poll("device_info", lambda d: d["known"], timeout=60, user_id=user.user_id, device_id=device_id)
    return app


def locked_history(app, room_id: str, count: int) -> list[dict]:
    room_meta(app, room_id, timeout=60)
    page = app.request("paginate", {"room_id": room_id, "max_timeline_id": 0, "limit": 50}, timeout=60)
    locked = [e for e in page["events"] if e["type"] == "m.room.encrypted"]
    assert len(locked) == count and all(e.get("decryption_error") and not e.get("decrypted") for e in locked), \
        page["events"]
    return locked


def phone_sees_trellis_cross_signed(phone, user, app) -> None:
    device_id = app.request("get_state")["device_id"]
    seen = phone.poll("device_info", lambda d: d["cross_signed_by_owner"], timeout=60,
                      user_id=user.user_id, device_id=device_id)
    assert seen["verified"], seen


def test_recovery_key_from_another_client_unlocks_the_history(account, make_backend, synapse):
    user, phone = account
    room_id = phone.call("create_room", name="Old talk", encrypted=True)["room_id"]
    for text in ("one", "two", "three"):
        phone.call("send", room_id=room_id, body=text)
    phone.call("wait_backup", timeout_ms=30_000)

    app = new_trellis_device(make_backend, synapse, user, phone)
    locked = locked_history(app, room_id, 3)
    assert all("before this device logged in" in e["decryption_error"] for e in locked), locked

    mark = app.mark()
    app.request("verify", {"recovery_key": phone.recovery_key}, timeout=120)
    verification_state(app, after=mark, is_verified=True)
    got = wait_decrypted(app, room_id, 3, after=mark)
    assert sorted(decrypted_bodies(got)) == ["one", "three", "two"]
    phone_sees_trellis_cross_signed(phone, user, app)
    # And the conversation goes on, both ways, encrypted.
    phone.call("send", room_id=room_id, body="welcome, new device")
    app.wait_event("sync_complete", lambda s: "welcome, new device" in decrypted_bodies(
        (s.get("rooms") or {}).get(room_id, {}).get("events") or []), timeout=60, after=mark)
    echo = app.request("send_message", {"room_id": room_id, "text": "hello from Trellis"})
    assert echo["type"] == "m.room.encrypted"
    assert phone.call("wait_for", room_id=room_id, body="hello from Trellis", timeout_ms=30_000)


def test_a_message_withheld_from_the_unverified_device_arrives_from_the_backup(account, make_backend, synapse):
    user, phone = account
    room_id = phone.call("create_room", encrypted=True)["room_id"]
    app = new_trellis_device(make_backend, synapse, user, phone)
    phone.call("set_blacklist_unverified", on=True)
    mark = app.mark()
    event_id = phone.call("send", room_id=room_id, body="only for verified devices")["event_id"]
    phone.call("wait_backup", timeout_ms=30_000)

    def withheld(sync):
        events = (sync.get("rooms") or {}).get(room_id, {}).get("events") or []
        return any(e["event_id"] == event_id and "unverified devices" in (e.get("decryption_error") or "")
                   for e in events)
    # First the event, then the sender's word that its key is withheld.
    app.wait_event("sync_complete", withheld, timeout=60, after=mark)
    app.request("verify", {"recovery_key": phone.recovery_key}, timeout=120)
    got = app.wait_event("events_decrypted", lambda d: any(
        e["event_id"] == event_id and not e.get("decryption_error") for e in d["events"]), timeout=90, after=mark)
    assert decrypted_bodies([e for e in got["events"] if e["event_id"] == event_id]) == ["only for verified devices"]


@pytest.mark.parametrize("asker", ["trellis", "js"])
def test_emoji_verification_with_the_other_client(account, make_backend, synapse, asker):
    user, phone = account
    room_id = phone.call("create_room", encrypted=True)["room_id"]
    phone.call("send", room_id=room_id, body="before Trellis came")
    phone.call("wait_backup", timeout_ms=30_000)
    app = new_trellis_device(make_backend, synapse, user, phone)
    device_id = app.request("get_state")["device_id"]
    mark = app.mark()
    if asker == "trellis":
        flow_id = app.request("request_verification", {"user_id": user.user_id}, timeout=60)["flow_id"]
        phone.wait_event("verification_request", lambda e: e["flow_id"] == flow_id)
        phone.call("accept_verification", flow_id=flow_id)
        ready = app.wait_event("verification", lambda v: v["flow_id"] == flow_id and v["state"] == "ready",
                               timeout=60, after=mark)
        assert ready["device_id"] == phone.device_id, ready
        app.request("start_sas_verification", {"user_id": user.user_id, "flow_id": flow_id}, timeout=60)
    else:
        flow_id = phone.call("request_verification", user_id=user.user_id, device_id=device_id)["flow_id"]
        asked = app.wait_event("verification", lambda v: v["flow_id"] == flow_id, timeout=60, after=mark)
        assert (asked["state"], asked["we_started"], asked["device_id"]) == ("requested", False, phone.device_id)
        app.request("accept_verification", {"user_id": user.user_id, "flow_id": flow_id}, timeout=60)
        phone.wait_event("verification_ready", lambda e: e["flow_id"] == flow_id)
        phone.call("start_sas", flow_id=flow_id)
    ours = app.wait_event("verification", lambda v: v["flow_id"] == flow_id and v["state"] == "sas",
                          timeout=60, after=mark)
    theirs = phone.wait_event("sas", lambda e: e["flow_id"] == flow_id)
    # What two people compare on their screens.
    assert ours["emoji"] == theirs["emoji"] and ours["decimals"] == theirs["decimals"], (ours, theirs)
    app.request("confirm_verification", {"user_id": user.user_id, "flow_id": flow_id}, timeout=60)
    phone.call("confirm_sas", flow_id=flow_id)
    app.wait_event("verification", lambda v: v["flow_id"] == flow_id and v["state"] == "done", timeout=60,
                   after=mark)
    phone.wait_event("verification_done", lambda e: e["flow_id"] == flow_id)
    verification_state(app, after=mark, is_verified=True)
    phone_sees_trellis_cross_signed(phone, user, app)
    # The phone sent its secrets to the verified device: the backup opens, the history reads.
    got = wait_decrypted(app, room_id, 1, after=mark)
    assert decrypted_bodies(got) == ["before Trellis came"]


@pytest.mark.parametrize("who", ["trellis", "js"])
def test_a_cancel_from_either_side_ends_the_flow(account, make_backend, synapse, who):
    user, phone = account
    app = new_trellis_device(make_backend, synapse, user, phone)
    mark = app.mark()
    flow_id = app.request("request_verification", {"user_id": user.user_id}, timeout=60)["flow_id"]
    phone.wait_event("verification_request", lambda e: e["flow_id"] == flow_id)
    phone.call("accept_verification", flow_id=flow_id)
    app.wait_event("verification", lambda v: v["flow_id"] == flow_id and v["state"] == "ready", timeout=60,
                   after=mark)
    if who == "trellis":
        app.request("cancel_verification", {"user_id": user.user_id, "flow_id": flow_id}, timeout=60)
        theirs = phone.wait_event("verification_cancelled", lambda e: e["flow_id"] == flow_id)
        assert (theirs["code"], theirs["by_us"]) == ("m.user", False), theirs
    else:
        phone.call("cancel_verification", flow_id=flow_id)
    ended = app.wait_event("verification", lambda v: v["flow_id"] == flow_id and v["state"] == "cancelled",
                           timeout=60, after=mark)
    assert ended["cancel"]["code"] == "m.user" and ended["cancel"]["by_us"] == (who == "trellis"), ended
    assert app.request("get_verifications") == []
    assert current_state(app)["is_verified"] is False


def test_verifying_another_person(register_user, make_peer, make_backend, synapse):
    me, them = register_user("me"), register_user("them")
    app = make_backend()
    login(app, synapse, me)
    key = app.request("generate_recovery_key", {})["recovery_key"]
    app.request("reset_encryption", {"recovery_key": key, "account_password": me.password}, timeout=120)
    peer = make_peer("them")
    peer.login(synapse.url, them.user_id, them.password)
    peer.call("bootstrap", password=them.password)
    info = app.request("track_user_devices", {"user_id": them.user_id}, timeout=60)
    assert not info["user_trusted"] and info["master_key"], info
    assert [d["device_id"] for d in info["devices"]] == [peer.device_id]
    assert info["devices"][0]["trust_state"] == "cross-signed-tofu", info

    mark = app.mark()
    asked = app.request("request_verification", {"user_id": them.user_id}, timeout=60)
    assert asked["room_id"], asked  # in a DM, as the spec has it for other users
    peer.call("join", room_id=asked["room_id"])
    peer.wait_event("verification_request", lambda e: e["flow_id"] == asked["flow_id"], timeout=60)
    peer.call("accept_verification", flow_id=asked["flow_id"])
    flow = {"user_id": them.user_id, "flow_id": asked["flow_id"]}
    app.wait_event("verification", lambda v: v["flow_id"] == asked["flow_id"] and v["state"] == "ready",
                   timeout=60, after=mark)
    app.request("start_sas_verification", flow, timeout=60)
    ours = app.wait_event("verification", lambda v: v["flow_id"] == asked["flow_id"] and v["state"] == "sas",
                          timeout=60, after=mark)
    assert ours["emoji"] == peer.wait_event("sas", lambda e: e["flow_id"] == asked["flow_id"])["emoji"]
    app.request("confirm_verification", flow, timeout=60)
    peer.call("confirm_sas", flow_id=asked["flow_id"])
    app.wait_event("verification", lambda v: v["flow_id"] == asked["flow_id"] and v["state"] == "done",
                   timeout=60, after=mark)
    # Our signature of their identity is uploaded just after the flow ends.
    info = eventually(lambda: (i := app.request("track_user_devices", {"user_id": them.user_id}, timeout=60))
                      ["user_trusted"] and i, timeout=60, what=f"{them.user_id} trusted")
    assert info["devices"][0]["trust_state"] == "cross-signed-verified", info
    peer.poll("user_info", lambda u: u["cross_signing_verified"], timeout=60, user_id=me.user_id)


def test_a_qr_code_trellis_shows_is_scanned_by_the_other_client(account, make_backend, synapse):
    user, phone = account
    app = new_trellis_device(make_backend, synapse, user, phone)
    mark = app.mark()
    flow_id = app.request("request_verification", {"user_id": user.user_id}, timeout=60)["flow_id"]
    flow = {"user_id": user.user_id, "flow_id": flow_id}
    phone.wait_event("verification_request", lambda e: e["flow_id"] == flow_id)
    phone.call("accept_verification", flow_id=flow_id)
    ready = app.wait_event("verification", lambda v: v["flow_id"] == flow_id and v["state"] == "ready",
                           timeout=60, after=mark)
    assert "m.qr_code.scan.v1" in ready["methods"], ready
    shown = app.request("show_verification_qr", flow, timeout=60)
    assert shown["state"] == "qr_shown" and shown["qr_code"]["size"] ** 2 == len(shown["qr_code"]["modules"])
    # The phone reads the code as drawn, as its camera would.
    phone.call("scan_qr_image", flow_id=flow_id, **shown["qr_code"])
    app.wait_event("verification", lambda v: v["flow_id"] == flow_id and v["state"] == "qr_scanned",
                   timeout=60, after=mark)
    app.request("confirm_verification", flow, timeout=60)
    app.wait_event("verification", lambda v: v["flow_id"] == flow_id and v["state"] == "done", timeout=60,
                   after=mark)
    phone.wait_event("verification_done", lambda e: e["flow_id"] == flow_id)
    verification_state(app, after=mark, is_verified=True)
    phone_sees_trellis_cross_signed(phone, user, app)
