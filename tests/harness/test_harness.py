"""The harness itself, against Synapse alone: if these fail, nothing else can be trusted."""

import pytest
import requests

from harness import MatrixHTTPError


def test_users_talk_through_synapse(register_user):
    alice, bob = register_user("alice"), register_user("bob")
    assert alice.user_id != bob.user_id and alice.whoami() == alice.user_id

    room_id = alice.create_room(name="Harness", invite=[bob.user_id])
    assert room_id in bob.sync()["rooms"]["invite"]
    assert bob.join(room_id) == room_id

    # Well past every default rate limit: none of these may meet a 429.
    sent = [alice.send_text(room_id, f"message {i}") for i in range(40)]
    bodies = [e["content"]["body"] for e in reversed(bob.messages(room_id, limit=100))
              if e["type"] == "m.room.message"]
    assert bodies == [f"message {i}" for i in range(40)]
    assert len(set(sent)) == 40


def test_many_registrations_and_logins_are_not_rate_limited(register_user):
    users = [register_user() for _ in range(12)]
    for user in users:
        assert user.login_again().whoami() == user.user_id


def test_well_known_points_at_the_homeserver(synapse):
    resp = requests.get(f"{synapse.url}/.well-known/matrix/client", timeout=5)
    assert resp.json()["m.homeserver"]["base_url"].rstrip("/") == synapse.url


def test_stop_and_start_keep_port_and_data(synapse, register_user):
    alice = register_user()
    room_id = alice.create_room(name="Survives restarts")
    alice.send_text(room_id, "before the outage")

    synapse.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{synapse.url}/_matrix/client/versions", timeout=2)
    synapse.start()

    assert alice.whoami() == alice.user_id
    assert "before the outage" in [e["content"].get("body") for e in alice.messages(room_id)]


def test_wrong_token_is_refused(synapse, register_user):
    alice = register_user()
    alice.access_token = "syt_not_a_token"
    with pytest.raises(MatrixHTTPError) as refused:
        alice.whoami()
    assert refused.value.status == 401
