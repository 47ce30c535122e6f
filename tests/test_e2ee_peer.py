"""The encryption peer of the interoperability tests (tests/e2ee/peer.mjs, matrix-js-sdk with its
Rust crypto) on its own against Synapse: before Trellis is measured against it, it must do what
Element does — set up recovery, talk encrypted, verify devices, withhold keys and back them up."""

from urllib.parse import quote

import pytest

from harness import JsPeerError, MatrixUser


@pytest.fixture
def device(make_peer, synapse):
    """device(user, name) -> a JsPeer logged in as a new device of that user."""
    def make(user: MatrixUser, name: str):
        peer = make_peer(name)
        peer.login(synapse.url, user.user_id, user.password)
        return peer
    return make


def account_data(user: MatrixUser, event_type: str) -> dict:
    return user.call("GET", f"/user/{quote(user.user_id)}/account_data/{quote(event_type)}")


@pytest.fixture
def phone_and_laptop(register_user, device):
    """(user, phone, laptop): the phone set up recovery for a fresh user, the laptop just logged in."""
    user = register_user("own")
    phone = device(user, "phone")
    phone.call("bootstrap", password=user.password)
    return user, phone, device(user, "laptop")


def request(requester, accepter, accept: bool = True) -> str:
    """A verification request from requester to accepter's device, accepted unless told; its flow id."""
    # The Rust crypto ignores a request from a device it does not know yet, and a device that has
    # just logged in may reach the other's sync after its request does: look it up first.
    assert accepter.call("device_info", user_id=requester.user_id, device_id=requester.device_id)["known"]
    flow = requester.call("request_verification", user_id=accepter.user_id,
                          device_id=accepter.device_id)["flow_id"]
    accepter.wait_event("verification_request", lambda e: e["flow_id"] == flow)
    if accept:
        accepter.call("accept_verification", flow_id=flow)
        requester.wait_event("verification_ready", lambda e: e["flow_id"] == flow)
    return flow


def sas(flow: str, starter, other) -> None:
    """SAS on an accepted request, started by starter: the emoji both sides show are compared,
    as two people would, and both confirm; it ends done on both sides."""
    starter.call("start_sas", flow_id=flow)
    shown = [p.wait_event("sas", lambda e: e["flow_id"] == flow) for p in (starter, other)]
    assert len(shown[0]["emoji"]) == 7 and shown[0]["emoji"] == shown[1]["emoji"], shown
    assert shown[0]["decimals"] == shown[1]["decimals"], shown
    for peer in (starter, other):
        peer.call("confirm_sas", flow_id=flow)
    for peer in (starter, other):
        peer.wait_event("verification_done", lambda e: e["flow_id"] == flow)


def test_bootstrap_sets_up_cross_signing_secret_storage_and_backup(register_user, device):
    user = register_user("boot")
    peer = device(user, "phone")

    result = peer.call("bootstrap", password=user.password)

    groups = result["recovery_key"].split(" ")
    assert len(groups) == 12 and all(len(g) == 4 for g in groups), result["recovery_key"]
    # What another client finds on the homeserver: a backup, a default 4S key, every secret in it.
    backup = user.call("GET", "/room_keys/version")
    assert backup["version"] == result["backup_version"]
    assert backup["algorithm"] == "m.megolm_backup.v1.curve25519-aes-sha2"
    key_id = account_data(user, "m.secret_storage.default_key")["key"]
    assert account_data(user, f"m.secret_storage.key.{key_id}")["algorithm"] == "m.secret_storage.v1.aes-hmac-sha2"
    for secret in ("m.cross_signing.master", "m.cross_signing.self_signing", "m.cross_signing.user_signing",
                   "m.megolm_backup.v1"):
        assert key_id in account_data(user, secret)["encrypted"], secret
    keys = user.call("POST", "/keys/query", json={"device_keys": {user.user_id: []}})
    assert user.user_id in keys["master_keys"] and user.user_id in keys["self_signing_keys"]
    # The peer's own view: its identity, and its device signed by it.
    assert peer.call("user_info", user_id=user.user_id) == {
        "cross_signing_verified": True,
        "master_key": next(iter(keys["master_keys"][user.user_id]["keys"].values())),
    }
    assert peer.call("device_info", user_id=user.user_id, device_id=peer.device_id) == {
        "known": True, "cross_signed_by_owner": True, "locally_verified": True, "verified": True,
    }


def test_bootstrap_again_replaces_the_identity_through_the_password(phone_and_laptop):
    user, phone, laptop = phone_and_laptop
    before = phone.call("user_info", user_id=user.user_id)["master_key"]

    # Replacing published cross-signing keys takes the homeserver's user-interactive auth.
    with pytest.raises(JsPeerError, match="Invalid username or password"):
        laptop.call("bootstrap", password="not the password")
    reset = laptop.call("bootstrap", password=user.password)

    assert user.call("GET", "/room_keys/version")["version"] == reset["backup_version"]
    after = phone.call("user_info", user_id=user.user_id)
    assert after["master_key"] not in (None, before) and not after["cross_signing_verified"], after
    assert laptop.call("user_info", user_id=user.user_id)["cross_signing_verified"]


def test_second_device_of_the_same_user_talks_encrypted(register_user, device):
    user = register_user("pair")
    phone = device(user, "phone")
    room = phone.call("create_room", name="Notes", encrypted=True)["room_id"]
    laptop = device(user, "laptop")

    sent = phone.call("send", room_id=room, body="from the phone")["event_id"]
    assert laptop.call("wait_for", room_id=room, body="from the phone")["event_id"] == sent
    laptop.call("send", room_id=room, body="from the laptop")
    phone.call("wait_for", room_id=room, body="from the laptop")

    # Encrypted on the wire, readable in both timelines.
    on_server = [e for e in user.messages(room) if e["type"] in ("m.room.encrypted", "m.room.message")]
    assert [e["type"] for e in on_server] == ["m.room.encrypted"] * 2
    for peer in (phone, laptop):
        texts = [m["body"] for m in peer.call("messages", room_id=room) if m["type"] == "m.room.message"]
        assert texts == ["from the phone", "from the laptop"]


@pytest.mark.parametrize("starter", ["requester", "accepter"])
def test_sas_between_two_devices_of_the_same_user(phone_and_laptop, starter):
    user, phone, laptop = phone_and_laptop
    assert not phone.call("device_info", user_id=user.user_id, device_id=laptop.device_id)["verified"]

    # The new laptop asks the phone, which holds the identity.
    flow = request(laptop, phone)
    sas(flow, *((laptop, phone) if starter == "requester" else (phone, laptop)))

    # The phone cross-signed the laptop; each side trusts the other now.
    # (The phone uploads its signature just after the flow ends: each side looks until it shows.)
    for peer in (phone, laptop):
        seen = peer.poll("device_info", lambda d: d["cross_signed_by_owner"],
                         user_id=user.user_id, device_id=laptop.device_id)
        assert seen["verified"], (peer.name, seen)
    assert laptop.call("device_info", user_id=user.user_id, device_id=phone.device_id)["verified"]
    assert laptop.call("user_info", user_id=user.user_id)["cross_signing_verified"]


@pytest.mark.parametrize("how", ["cancel_request", "cancel_at_sas", "mismatch"])
def test_a_cancel_ends_the_other_side_with_its_code(phone_and_laptop, how):
    user, phone, laptop = phone_and_laptop
    flow = request(laptop, phone, accept=how != "cancel_request")
    if how != "cancel_request":
        laptop.call("start_sas", flow_id=flow)
        phone.wait_event("sas", lambda e: e["flow_id"] == flow)

    if how == "mismatch":
        phone.call("mismatch_sas", flow_id=flow)
    else:
        phone.call("cancel_verification", flow_id=flow)

    code = "m.mismatched_sas" if how == "mismatch" else "m.user"
    theirs = laptop.wait_event("verification_cancelled", lambda e: e["flow_id"] == flow)
    assert (theirs["code"], theirs["by_us"]) == (code, False), theirs
    ours = phone.wait_event("verification_cancelled", lambda e: e["flow_id"] == flow)
    assert (ours["code"], ours["by_us"]) == (code, True), ours
    for peer in (phone, laptop):
        assert not peer.events_named("verification_done")
    assert not phone.call("device_info", user_id=user.user_id, device_id=laptop.device_id)["verified"]
    # A new request after the cancel still works: nothing was left half-done.
    sas(request(laptop, phone), laptop, phone)


def test_qr_code_shown_by_one_device_scanned_by_the_other(phone_and_laptop):
    user, phone, laptop = phone_and_laptop
    flow = request(laptop, phone)

    qr = laptop.call("show_qr", flow_id=flow)["data_base64"]
    phone.call("scan_qr", flow_id=flow, data_base64=qr)
    laptop.wait_event("qr_scanned", lambda e: e["flow_id"] == flow)
    laptop.call("confirm_qr", flow_id=flow)

    for peer in (phone, laptop):
        peer.wait_event("verification_done", lambda e: e["flow_id"] == flow)
    assert phone.call("device_info", user_id=user.user_id, device_id=laptop.device_id)["verified"]


def test_withheld_from_an_unverified_device_but_in_the_backup(register_user, device):
    user = register_user("withheld")
    phone = device(user, "phone")
    recovery_key = phone.call("bootstrap", password=user.password)["recovery_key"]
    room = phone.call("create_room", encrypted=True)["room_id"]
    laptop = device(user, "laptop")  # a new device nobody verified
    phone.call("send", room_id=room, body="for every device")
    laptop.call("wait_for", room_id=room, body="for every device")

    phone.call("set_blacklist_unverified", on=True)
    secret = phone.call("send", room_id=room, body="for verified devices")["event_id"]

    # The laptop gets the event, then the phone's word that its key is withheld from it.
    withheld = laptop.poll("messages", lambda ms: any(
        m["event_id"] == secret and m["decryption_error"] == "MEGOLM_KEY_WITHHELD_FOR_UNVERIFIED_DEVICE"
        for m in ms), room_id=room)
    assert [m["body"] for m in withheld if m["event_id"] == secret] == [None]
    backed_up = phone.call("wait_backup", timeout_ms=30_000)
    assert backed_up["total"] >= 2 and backed_up["backed_up"] == backed_up["total"], backed_up
    on_server = user.call("GET", "/room_keys/keys", params={"version": backed_up["version"]})["rooms"]
    assert len(on_server[room]["sessions"]) == 2, on_server

    # A wrong key changes nothing; the right one brings the withheld message from the backup.
    with pytest.raises(JsPeerError, match="wrong recovery key"):
        laptop.call("recover", recovery_key="EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d")
    assert not laptop.call("device_info", user_id=user.user_id, device_id=laptop.device_id)["cross_signed_by_owner"]
    restored = laptop.call("recover", recovery_key=recovery_key)
    assert restored["imported"] >= 1, restored
    assert laptop.call("wait_for", room_id=room, body="for verified devices")["event_id"] == secret
    assert laptop.call("device_info", user_id=user.user_id, device_id=laptop.device_id)["cross_signed_by_owner"]


def test_recovery_with_a_passphrase_and_logout(register_user, device):
    user = register_user("phrase")
    phone = device(user, "phone")
    phone.call("bootstrap", password=user.password, passphrase="correct horse battery staple")
    laptop = device(user, "laptop")

    with pytest.raises(JsPeerError, match="wrong recovery key or passphrase"):
        laptop.call("recover", passphrase="incorrect horse")
    laptop.call("recover", passphrase="correct horse battery staple")
    assert phone.poll("device_info", lambda d: d["cross_signed_by_owner"],
                      user_id=user.user_id, device_id=laptop.device_id)["verified"]

    laptop.call("logout")
    devices = {d["device_id"] for d in user.call("GET", "/devices")["devices"]}
    assert laptop.device_id not in devices and phone.device_id in devices
    with pytest.raises(JsPeerError, match="not logged in"):
        laptop.call("messages", room_id="!gone:localhost")


def test_the_peer_says_what_went_wrong(make_peer, register_user, synapse):
    peer = make_peer()
    with pytest.raises(JsPeerError, match="not logged in"):
        peer.call("send", room_id="!nowhere:localhost", body="hi")
    with pytest.raises(JsPeerError, match="unknown command"):
        peer.call("fly")
    user = register_user("errors")
    with pytest.raises(JsPeerError, match="login"):
        peer.call("login", homeserver_url=synapse.url, user_id=user.user_id, password="wrong")
    peer.login(synapse.url, user.user_id, user.password)
    with pytest.raises(JsPeerError, match="room_id is required"):
        peer.call("messages")
    with pytest.raises(JsPeerError, match="no message .* within 500 ms"):
        room = peer.call("create_room")["room_id"]
        peer.call("wait_for", room_id=room, body="never sent", timeout_ms=500)
    with pytest.raises(JsPeerError, match="no verification with flow id"):
        peer.call("confirm_sas", flow_id="nope")


@pytest.mark.parametrize("dm", ["given", "found_or_created"])
def test_sas_with_another_person_in_a_dm(register_user, device, dm):
    alice_user, bob_user = register_user("alice"), register_user("bob")
    alice, bob = device(alice_user, "alice"), device(bob_user, "bob")
    for peer, user in ((alice, alice_user), (bob, bob_user)):
        peer.call("bootstrap", password=user.password)
    args = {}
    if dm == "given":
        args["room_id"] = alice.call("create_room", invite=[bob.user_id], direct=True)["room_id"]
        bob.call("join", room_id=args["room_id"])

    asked = alice.call("request_verification", user_id=bob.user_id, **args)
    flow = asked["flow_id"]
    if dm == "found_or_created":
        bob.call("join", room_id=asked["room_id"])  # the request is in the new room's history
    incoming = bob.wait_event("verification_request", lambda e: e["flow_id"] == flow)
    assert (incoming["user_id"], incoming["room_id"]) == (alice.user_id, asked["room_id"]), incoming
    bob.call("accept_verification", flow_id=flow)
    alice.wait_event("verification_ready", lambda e: e["flow_id"] == flow)
    sas(flow, bob, alice)

    # Each trusts the other's identity now, and so the other's cross-signed device.
    for me, them in ((alice, bob), (bob, alice)):
        me.poll("user_info", lambda u: u["cross_signing_verified"], user_id=them.user_id)
        assert me.call("device_info", user_id=them.user_id, device_id=them.device_id)["verified"], me.name
