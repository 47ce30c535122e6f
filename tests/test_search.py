"""Finding messages (issue 17): the local full-text index — encrypted rooms
too, which the homeserver cannot search — kept in step with edits,
redactions and late decryption; the homeserver's /search; and mentions.

Everything a person types goes through search_local as words, never as FTS5
syntax, so the hostile terms here must answer (empty or a clear error) and
leave the backend working.
"""

import pytest

from harness import BackendError
from harness.frontend import eventually, join_invited_room, login, send_and_confirm, wait_for_event, wait_invited
from test_e2ee import ENCRYPTED, encrypted_room_with_history, set_up_recovery, wait_decrypted
from test_send import decrypted_in_sync


def found(app, term: str, **params) -> list[str]:
    """The clear text of what search_local finds for term, in its order."""
    page = app.request("search_local", {"search_term": term, "limit": 50, **params})
    return [clear(e) for e in page["events"]]


def clear(event: dict) -> str | None:
    content = event.get("decrypted") if event.get("decrypted_type") else event.get("content")
    return (content or {}).get("body")


def secret_room(alice_app, bob_app, bob) -> str:
    """An encrypted room alice made and bob joined."""
    bob_mark = bob_app.mark()
    room_id = alice_app.request("create_room", {"name": "Addresses", "preset": "private_chat",
                                                "invite": [bob.user_id], "initial_state": ENCRYPTED},
                                timeout=60)["room_id"]
    wait_invited(bob_app, room_id, timeout=60, after=bob_mark)
    bob_app.request("join_room", {"room_id_or_alias": room_id, "from_invite": True}, timeout=60)
    wait_for_event(alice_app, room_id, lambda e: e["type"] == "m.room.member" and e.get("state_key") == bob.user_id
                   and e["content"].get("membership") == "join", "bob's join", timeout=60)
    return room_id


def test_encrypted_messages_are_found_locally_and_follow_edits_and_redactions(make_backend, synapse,
                                                                               register_user):
    alice, bob = register_user("alice"), register_user("bob")
    alice_app, bob_app = make_backend(), make_backend()
    login(alice_app, synapse, alice)
    login(bob_app, synapse, bob)
    room_id = secret_room(alice_app, bob_app, bob)

    bob_mark = bob_app.mark()
    sent = {}
    for key, text in [("cafe", "Meet me at the Café Noir, 12 rue de la Paix"),
                      ("lunch", "lunch tomorrow?"),
                      ("old", "the old address was wrong")]:
        _, sent[key] = send_and_confirm(alice_app, "send_message", {"room_id": room_id, "text": text},
                                        alice.user_id, timeout=60)
    for event in sent.values():
        decrypted_in_sync(bob_app, room_id, event["event_id"], after=bob_mark)

    # Case and accents do not matter, the last word is a prefix, every word must appear.
    assert found(bob_app, "cafe noi") == ["Meet me at the Café Noir, 12 rue de la Paix"]
    assert found(bob_app, "CAFÉ") == found(bob_app, "café")
    assert found(bob_app, "paix lunch") == []
    assert found(bob_app, "lunch", room_ids=[room_id], senders=[alice.user_id]) == ["lunch tomorrow?"]
    assert found(bob_app, "lunch", senders=[bob.user_id]) == []
    # The homeserver holds only ciphertext: its own search finds nothing there.
    assert bob_app.request("search_server", {"search_term": "lunch", "room_ids": [room_id]},
                           timeout=60)["events"] == []

    # An edit: found by its new text, as the original event.
    bob_mark = bob_app.mark()
    _, edit = send_and_confirm(alice_app, "send_message", {
        "room_id": room_id, "text": "the new street is Baker Street",
        "relates_to": {"rel_type": "m.replace", "event_id": sent["old"]["event_id"]}}, alice.user_id, timeout=60)
    decrypted_in_sync(bob_app, room_id, edit["event_id"], after=bob_mark)
    page = eventually(lambda: bob_app.request("search_local", {"search_term": "baker"})["events"] or None,
                      what="the edited message found by its new text")
    assert [e["event_id"] for e in page] == [sent["old"]["event_id"]]
    assert found(bob_app, "old address") == []

    # A redaction takes the message out of the index.
    bob_mark = bob_app.mark()
    alice_app.request("redact_event", {"room_id": room_id, "event_id": sent["cafe"]["event_id"]}, timeout=60)
    wait_for_event(bob_app, room_id, lambda e: e["type"] == "m.room.redaction", "the redaction", timeout=60,
                   after=bob_mark)
    eventually(lambda: found(bob_app, "cafe") == [], what="the redacted message gone from search")


def test_paging_ordering_and_hostile_terms(make_backend, synapse, register_user):
    me, bob = register_user("me"), register_user("bob")
    app = make_backend()
    login(app, synapse, me)
    room_id = join_invited_room(app, bob, me.user_id, name="Notes")
    texts = [f"note {i} about apples" for i in range(5)] + ["apples apples apples, only apples"]
    for text in texts:
        bob.send_text(room_id, text)
    eventually(lambda: len(found(app, "apples")) == 6, what="all six messages indexed")

    # Relevance puts the message that is all apples first; by time, newest first.
    assert found(app, "apples")[0] == texts[-1]
    assert found(app, "apples", sort_by_time=True) == texts[::-1]

    # Paged: next_batch until there is none, every message once.
    seen, batch = [], None
    while True:
        page = app.request("search_local", {"search_term": "apple", "limit": 4, "sort_by_time": True,
                                            **({"next_batch": batch} if batch else {})})
        seen += [clear(e) for e in page["events"]]
        batch = page.get("next_batch")
        if not batch:
            break
    assert seen == texts[::-1]
    assert found(app, "apples", raw_like="only") == [texts[-1]]

    # What FTS5 would read as syntax is only separators here.
    for term in ['"', 'AND(', '*', 'NEAR(apples', 'body:apples', 'apples OR', '-apples', "'", '^apples']:
        result = found(app, term)
        assert result in ([], found(app, "apples")) or all("apples" in r for r in result), (term, result)
    assert found(app, '"apples"') == found(app, "apples")
    with pytest.raises(BackendError) as long_term:
        app.request("search_local", {"search_term": "x" * 2000})
    assert "long" in long_term.value.message, long_term.value.message
    with pytest.raises(BackendError) as bad_batch:
        app.request("search_local", {"search_term": "apples", "next_batch": "-3"})
    assert "next_batch" in bad_batch.value.message
    # Still answering after all of it.
    assert len(found(app, "apples")) == 6

    # The homeserver's search finds the plain room's messages, in its order.
    server = app.request("search_server", {"search_term": "apples", "room_ids": [room_id], "sort_by_time": True},
                         timeout=60)
    assert [clear(e) for e in server["events"]] == texts[::-1]


def test_late_decryption_reaches_the_index(make_backend, synapse, register_user):
    user = register_user("diary")
    first = make_backend()
    login(first, synapse, user)
    key = set_up_recovery(first, user)
    room_id = encrypted_room_with_history(first, user, ["the locker code is 4711", "buy oat milk"])

    second = make_backend()
    login(second, synapse, user)
    wait_for_event(second, room_id, lambda e: e.get("decryption_error"), "an undecryptable message", timeout=60)
    assert found(second, "locker") == []

    mark = second.mark()
    second.request("verify", {"recovery_key": key}, timeout=120)
    wait_decrypted(second, room_id, 2, after=mark)
    eventually(lambda: found(second, "locker") == ["the locker code is 4711"],
               what="the late-decrypted message found")


def test_mentions_are_listed_newest_first_with_the_rule_that_matched(make_backend, synapse, register_user):
    alice, bob = register_user("alice"), register_user("bob")
    alice_app, bob_app = make_backend(), make_backend()
    login(alice_app, synapse, alice)
    login(bob_app, synapse, bob)
    plain = join_invited_room(bob_app, alice, bob.user_id, name="Plain")
    secret = secret_room(alice_app, bob_app, bob)

    bob_mark = bob_app.mark()
    alice.send(plain, "m.room.message", {"msgtype": "m.text", "body": f"{bob.user_id}: look at this",
                                        "m.mentions": {"user_ids": [bob.user_id]}})
    alice.send_text(plain, "nothing for bob here")
    _, mention = send_and_confirm(alice_app, "send_message", {
        "room_id": secret, "text": "bob, the secret one", "mentions": {"user_ids": [bob.user_id]}},
        alice.user_id, timeout=60)
    decrypted_in_sync(bob_app, secret, mention["event_id"], after=bob_mark)

    def mentions():
        events = bob_app.request("get_mentions", {"max_timestamp": 2 ** 53, "type": 0, "limit": 10})
        return events if len(events) == 2 else None
    events = eventually(mentions, timeout=30, what="two mentions")
    assert [clear(e) for e in events] == ["bob, the secret one", f"{bob.user_id}: look at this"]
    assert all(e["unread_type"] & 2 for e in events), events
    assert [e["local_content"].get("push_rule_id") for e in events] == [".m.rule.is_user_mention"] * 2, events
    only_plain = bob_app.request("get_mentions", {"max_timestamp": 2 ** 53, "type": 0, "limit": 10,
                                                  "room_id": plain})
    assert [e["room_id"] for e in only_plain] == [plain]
