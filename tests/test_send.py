"""Issue 3, acting in a room: `send_message` and `send_event` with local echo
and `send_complete`, replies, threads, edits, reactions and redactions between
two people, sending while the homeserver is away or across a restart, failures
and `resend_event`, and two Trellis sessions in an encrypted room.
"""

import re
import time
import uuid

import pytest

from harness import BackendError
from harness.faults import Fault
from harness.frontend import (assert_local_echo, body, eventually, join_invited_room, login, q, room_meta,
                              send_and_confirm, send_complete_for, send_completes, server_bodies, server_event,
                              server_messages, synced_events, timeline_bodies, timeline_events, wait_for_event,
                              wait_for_message, wait_invited)


def in_timeline(backend, room_id: str, event_id: str, after: int = 0) -> dict:
    """Waits until event_id is on room_id's timeline in a sync_complete; returns that event."""
    sync = backend.wait_event("sync_complete", lambda s: any(
        e["event_id"] == event_id for e in timeline_events(s, room_id)), after=after)
    return next(e for e in timeline_events(sync, room_id) if e["event_id"] == event_id)


def get_event(backend, room_id: str, event_id: str) -> dict:
    return backend.request("get_event", {"room_id": room_id, "event_id": event_id}, timeout=60)


def redact_as(user, room_id: str, event_id: str, reason: str | None = None) -> str:
    path = f"/rooms/{q(room_id)}/redact/{q(event_id)}/{uuid.uuid4().hex}"
    return user.call("PUT", path, json={"reason": reason} if reason else {})["event_id"]


def reaction(event_id: str, key: str) -> dict:
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}


# --- one message, start to end ------------------------------------------------

def test_send_message_local_echo_then_send_complete_then_remote_echo(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Echoes")

    mark = backend.mark()
    started = time.monotonic()
    echo = backend.request("send_message", {"room_id": room_id, "text": "hello from Trellis"}, timeout=10)
    assert time.monotonic() - started < 5, "send_message did not answer at once"
    assert_local_echo(echo, room_id, me.user_id, "m.room.message")
    assert echo["content"].get("msgtype") == "m.text" and body(echo) == "hello from Trellis", echo

    done = send_complete_for(backend, echo["transaction_id"], after=mark)
    assert done["error"] is None, done
    sent = done["event"]
    assert sent["event_id"].startswith("$"), done
    assert (sent["rowid"], sent["transaction_id"], sent["room_id"], sent["sender"]) == \
        (echo["rowid"], echo["transaction_id"], room_id, me.user_id), (sent, echo)
    assert not sent.get("send_error"), sent

    remote = in_timeline(backend, room_id, sent["event_id"], after=mark)
    assert remote["rowid"] == echo["rowid"], f"the remote echo got a new rowid: {remote} vs echo {echo}"
    assert remote.get("transaction_id") == echo["transaction_id"], remote
    assert body(remote) == "hello from Trellis"
    wire = server_event(bob, room_id, sent["event_id"])
    assert (wire["sender"], wire["type"], wire["content"]["msgtype"], wire["content"]["body"]) == \
        (me.user_id, "m.room.message", "m.text", "hello from Trellis"), wire

    time.sleep(2)  # anything extra would have arrived by now
    assert len(send_completes(backend, echo["transaction_id"], mark)) == 1, backend.events("send_complete", mark)
    assert server_bodies(bob, room_id).count("hello from Trellis") == 1
    assert timeline_bodies(backend, room_id, mark).count("hello from Trellis") == 1


def test_message_content_options_reach_the_homeserver(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Content")

    _, mention = send_and_confirm(backend, "send_message", {
        "room_id": room_id, "text": "hey bob", "mentions": {"user_ids": [bob.user_id], "room": False}}, me.user_id)
    wire = server_event(bob, room_id, mention["event_id"])["content"]
    assert wire["body"] == "hey bob" and wire["m.mentions"] == {"user_ids": [bob.user_id]}, wire

    _, everyone = send_and_confirm(backend, "send_message", {
        "room_id": room_id, "text": "hey all", "mentions": {"room": True}}, me.user_id)
    assert server_event(bob, room_id, everyone["event_id"])["content"]["m.mentions"] == {"room": True}

    _, extra = send_and_confirm(backend, "send_message", {
        "room_id": room_id, "text": "with extra", "extra": {"org.trellis.flag": {"on": True}}}, me.user_id)
    wire = server_event(bob, room_id, extra["event_id"])["content"]
    assert wire["body"] == "with extra" and wire["org.trellis.flag"] == {"on": True}, wire

    _, custom = send_and_confirm(backend, "send_event", {
        "room_id": room_id, "type": "org.trellis.ping", "content": {"n": 1}}, me.user_id)
    wire = server_event(bob, room_id, custom["event_id"])
    assert (wire["type"], wire["content"]) == ("org.trellis.ping", {"n": 1}), wire

    # base_content is the content the text goes into: here a notice.
    _, notice = send_and_confirm(backend, "send_message", {
        "room_id": room_id, "text": "a notice", "base_content": {"msgtype": "m.notice"}}, me.user_id)
    wire = server_event(bob, room_id, notice["event_id"])["content"]
    assert (wire["msgtype"], wire["body"]) == ("m.notice", "a notice"), wire


# --- the conversation ---------------------------------------------------------

def test_conversation_with_replies_threads_edits_reactions_and_redactions(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Conversation")

    mark = backend.mark()
    hello = bob.send_text(room_id, "hello")
    seen = in_timeline(backend, room_id, hello, after=mark)
    assert not seen.get("relates_to") and not seen.get("relation_type"), seen

    # I reply to bob.
    reply_echo, reply = send_and_confirm(backend, "send_message", {
        "room_id": room_id, "text": "hi bob", "relates_to": {"m.in_reply_to": {"event_id": hello}}}, me.user_id)
    assert reply_echo["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == hello, reply_echo
    wire = server_event(bob, room_id, reply["event_id"])["content"]
    assert wire["m.relates_to"] == {"m.in_reply_to": {"event_id": hello}}, wire
    assert wire["body"] == "hi bob", wire
    remote = in_timeline(backend, room_id, reply["event_id"], after=mark)
    assert remote["rowid"] == reply_echo["rowid"], (remote, reply_echo)

    # Bob answers in a thread on his message; I answer in the same thread.
    threaded = bob.send(room_id, "m.room.message", {"msgtype": "m.text", "body": "in a thread", "m.relates_to": {
        "rel_type": "m.thread", "event_id": hello, "is_falling_back": True, "m.in_reply_to": {"event_id": hello}}})
    bobs_thread = in_timeline(backend, room_id, threaded, after=mark)
    assert (bobs_thread.get("relates_to"), bobs_thread.get("relation_type")) == (hello, "m.thread"), bobs_thread
    thread_rel = {"rel_type": "m.thread", "event_id": hello, "is_falling_back": True,
                  "m.in_reply_to": {"event_id": threaded}}
    _, my_thread = send_and_confirm(backend, "send_message", {
        "room_id": room_id, "text": "me too, in the thread", "relates_to": thread_rel}, me.user_id)
    assert server_event(bob, room_id, my_thread["event_id"])["content"]["m.relates_to"] == thread_rel
    mine = in_timeline(backend, room_id, my_thread["event_id"], after=mark)
    assert (mine.get("relates_to"), mine.get("relation_type")) == (hello, "m.thread"), mine

    # Reactions: mine through send_event, two of bob's.
    _, my_thumb = send_and_confirm(backend, "send_event", {
        "room_id": room_id, "type": "m.reaction", "content": reaction(hello, "👍")}, me.user_id)
    assert server_event(bob, room_id, my_thumb["event_id"])["content"] == reaction(hello, "👍")
    bob.send(room_id, "m.reaction", reaction(hello, "👍"))
    heart = bob.send(room_id, "m.reaction", reaction(hello, "❤️"))
    synced_heart = wait_for_event(backend, room_id, lambda e: e["event_id"] == heart, "bob's ❤️", after=mark)
    assert (synced_heart.get("relates_to"), synced_heart.get("relation_type")) == (hello, "m.annotation")
    eventually(lambda: get_event(backend, room_id, hello).get("reactions") == {"👍": 2, "❤️": 1},
               what="reactions {👍: 2, ❤️: 1} on bob's message")

    # I edit my reply twice; the newest edit wins.
    _, edit1 = send_and_confirm(backend, "send_message", {
        "room_id": room_id, "text": "hi Bob", "relates_to": {"rel_type": "m.replace", "event_id": reply["event_id"]}},
        me.user_id)
    _, edit2 = send_and_confirm(backend, "send_message", {
        "room_id": room_id, "text": "hi Bob!", "relates_to": {"rel_type": "m.replace", "event_id": reply["event_id"]}},
        me.user_id)
    wire = server_event(bob, room_id, edit2["event_id"])["content"]
    assert wire["m.relates_to"] == {"rel_type": "m.replace", "event_id": reply["event_id"]}, wire
    assert wire["m.new_content"]["body"] == "hi Bob!" and wire["m.new_content"]["msgtype"] == "m.text", wire
    for edit in (edit1, edit2):
        synced = in_timeline(backend, room_id, edit["event_id"], after=mark)
        assert (synced.get("relates_to"), synced.get("relation_type")) == (reply["event_id"], "m.replace"), synced
    eventually(lambda: get_event(backend, room_id, reply["event_id"]).get("last_edit_rowid") == edit2["rowid"],
               what=f"last_edit_rowid of my reply = my newest edit's rowid {edit2['rowid']}")

    # Bob edits his first message.
    bob_edit = bob.send(room_id, "m.room.message", {
        "msgtype": "m.text", "body": "* hello there", "m.new_content": {"msgtype": "m.text", "body": "hello there"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": hello}})
    bob_edit_synced = in_timeline(backend, room_id, bob_edit, after=mark)
    assert (bob_edit_synced.get("relates_to"), bob_edit_synced.get("relation_type")) == (hello, "m.replace")
    eventually(lambda: get_event(backend, room_id, hello).get("last_edit_rowid") == bob_edit_synced["rowid"],
               what="last_edit_rowid of bob's message = his edit's rowid")

    # What a room opened now shows: the same, through paginate.
    page = backend.request("paginate", {"room_id": room_id, "max_timeline_id": 0, "limit": 50}, timeout=60)
    by_id = {e["event_id"]: e for e in page["events"]}
    assert by_id[hello].get("reactions") == {"👍": 2, "❤️": 1}, by_id[hello]
    assert by_id[hello].get("last_edit_rowid") == bob_edit_synced["rowid"], by_id[hello]
    assert by_id[reply["event_id"]].get("last_edit_rowid") == edit2["rowid"], by_id[reply["event_id"]]
    assert (by_id[threaded].get("relates_to"), by_id[threaded].get("relation_type")) == (hello, "m.thread")

    # Redactions. Each redacted event must show redacted_by and keep only the content the redaction
    # algorithm keeps, i.e. what the homeserver itself now serves; every case is checked, so one run
    # names all that is wrong.
    problems: list[str] = []

    def check_redacted(event_id: str, redaction_id: str, what: str, after: int) -> None:
        expected = server_event(bob, room_id, event_id)["content"]
        synced = wait_for_event(backend, room_id, lambda e: e["event_id"] == event_id and e.get("redacted_by"),
                                f"{what} with redacted_by", after=after)
        if synced["redacted_by"] != redaction_id:
            problems.append(f"{what} in sync_complete: redacted_by {synced['redacted_by']} != {redaction_id}")
        if synced["content"] != expected:
            problems.append(f"{what} in sync_complete has content {synced['content']}, the server {expected}")
        stored = get_event(backend, room_id, event_id)
        if stored.get("redacted_by") != redaction_id or stored["content"] != expected:
            problems.append(f"{what} from get_event: redacted_by {stored.get('redacted_by')}, "
                            f"content {stored['content']}, the server {expected}")

    # Bob takes his heart back.
    mark = backend.mark()
    unheart = redact_as(bob, room_id, heart)
    check_redacted(heart, unheart, "bob's ❤️", mark)
    eventually(lambda: get_event(backend, room_id, hello).get("reactions") == {"👍": 2},
               what="reactions {👍: 2} after bob redacted his ❤️")

    # I delete my reply, with a reason.
    redaction = backend.request("redact_event", {"room_id": room_id, "event_id": reply["event_id"],
                                                 "reason": "wrong thread"}, timeout=60)
    assert str(redaction.get("event_id", "")).startswith("$"), redaction
    wire = server_event(bob, room_id, redaction["event_id"])
    assert wire["type"] == "m.room.redaction" and wire["content"].get("reason") == "wrong thread", wire
    assert reply["event_id"] in (wire.get("redacts"), wire["content"].get("redacts")), wire
    assert server_event(bob, room_id, reply["event_id"])["content"] == {}  # a message keeps nothing
    check_redacted(reply["event_id"], redaction["event_id"], "my reply", mark)

    # Bob deletes his first message.
    bob_redaction = redact_as(bob, room_id, hello, "oops")
    check_redacted(hello, bob_redaction, "bob's first message", mark)
    assert not problems, "\n".join(problems)


# --- the homeserver away, and a restart ---------------------------------------

def test_messages_sent_while_the_homeserver_is_down_arrive_once_in_order(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Offline")
    texts = ["offline one", "offline two", "offline three"]

    synapse.stop()
    mark = backend.mark()
    echoes = []
    for text in texts:
        started = time.monotonic()
        echo = backend.request("send_message", {"room_id": room_id, "text": text}, timeout=10)
        assert time.monotonic() - started < 5, f"send_message of {text!r} waited for the network"
        assert_local_echo(echo, room_id, me.user_id, "m.room.message")
        assert body(echo) == text
        echoes.append(echo)
    assert len({e["transaction_id"] for e in echoes}) == 3 and len({e["rowid"] for e in echoes}) == 3
    time.sleep(5)  # a few retries against the dead server
    early = backend.events("send_complete", mark)
    assert not early, f"send_complete while the homeserver was still down: {early}"

    synapse.start()
    done = [send_complete_for(backend, e["transaction_id"], timeout=120, after=mark) for e in echoes]
    for echo, complete in zip(echoes, done):
        assert complete["error"] is None and complete["event"]["event_id"].startswith("$"), complete
        assert complete["event"]["rowid"] == echo["rowid"], (complete, echo)
    wait_for_message(backend, room_id, texts[-1], timeout=60, after=mark)
    time.sleep(3)

    for echo in echoes:
        assert len(send_completes(backend, echo["transaction_id"], mark)) == 1, backend.events("send_complete", mark)
    assert [b for b in server_bodies(bob, room_id) if b.startswith("offline")] == texts, \
        "the homeserver does not have each message exactly once, in order"
    assert [b for b in timeline_bodies(backend, room_id, mark) if b.startswith("offline")] == texts
    ids = [c["event"]["event_id"] for c in done]
    server_order = [e["event_id"] for e in reversed(server_messages(bob, room_id)) if e["event_id"] in ids]
    assert server_order == ids


@pytest.mark.parametrize("closed_by", ["quit", "kill9"])
def test_unsent_message_goes_out_once_after_a_restart(backend, synapse, register_user, closed_by):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Restart unsent")

    synapse.stop()
    echo = backend.request("send_message", {"room_id": room_id, "text": "written offline"}, timeout=10)
    assert_local_echo(echo, room_id, me.user_id, "m.room.message")
    time.sleep(2)
    assert not send_completes(backend, echo["transaction_id"]), backend.events("send_complete")
    if closed_by == "quit":
        backend.stop()  # close the app with the message unsent
    else:
        backend.kill9()  # or it crashes: the local echo was answered, so it was stored
    synapse.start()
    backend.start(timeout=120)

    done = send_complete_for(backend, echo["transaction_id"], timeout=120)
    assert done["error"] is None and done["event"]["event_id"].startswith("$"), done
    assert done["event"]["rowid"] == echo["rowid"], (done, echo)
    wait_for_message(backend, room_id, "written offline", timeout=60)
    time.sleep(3)
    assert len(send_completes(backend, echo["transaction_id"])) == 1, backend.events("send_complete")
    assert server_bodies(bob, room_id).count("written offline") == 1
    assert timeline_bodies(backend, room_id).count("written offline") == 1

    backend.restart()  # and never again
    time.sleep(5)
    assert not send_completes(backend, echo["transaction_id"]), "the message was sent again after another restart"
    assert server_bodies(bob, room_id).count("written offline") == 1


def quick_sends(backend, room_id: str, texts: list[str], pipelined: bool) -> list[dict]:
    """Sends texts as fast as a frontend can: each after the previous answer, or all at once (pipelined)."""
    if pipelined:
        request_ids = [backend.send("send_message", {"room_id": room_id, "text": t}) for t in texts]
        return [backend.reply(rid, "send_message", timeout=30) for rid in request_ids]
    return [backend.request("send_message", {"room_id": room_id, "text": t}, timeout=30) for t in texts]


@pytest.mark.parametrize("pipelined", [False, True], ids=["one-after-another", "pipelined"])
def test_quick_sends_go_out_in_order(backend, synapse, register_user, pipelined):
    """A frontend need not wait for send_message's answer before the next: the order sent is the order kept."""
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Quick")
    texts = [f"quick {n:02d}" for n in range(30)]

    mark = backend.mark()
    echoes = quick_sends(backend, room_id, texts, pipelined)
    assert [body(e) for e in echoes] == texts
    done = [send_complete_for(backend, e["transaction_id"], timeout=60, after=mark) for e in echoes]
    assert all(d["error"] is None for d in done), [d for d in done if d["error"] is not None]
    wait_for_message(backend, room_id, texts[-1], after=mark)
    by_rowid = [body(e) for e in sorted(echoes, key=lambda e: e["rowid"])]
    by_timestamp = [body(e) for e in sorted(echoes, key=lambda e: e["timestamp"])]
    assert [b for b in server_bodies(bob, room_id) if b.startswith("quick")] == texts, \
        f"the homeserver got the messages out of order or not exactly once; local echoes by rowid: {by_rowid}" \
        f"; by timestamp: {by_timestamp}"
    assert [b for b in timeline_bodies(backend, room_id, mark) if b.startswith("quick")] == texts


def test_kill9_right_after_sending_loses_and_duplicates_nothing(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Crash while sending")
    texts = [f"crash {n:02d}" for n in range(20)]

    mark = backend.mark()
    echoes = quick_sends(backend, room_id, texts, pipelined=False)
    completed_before = len(backend.events("send_complete", mark))
    backend.kill9()  # every message was accepted (local echo returned); some were still going out
    backend.start(timeout=120)

    def on_server():
        return [b for b in server_bodies(bob, room_id) if b.startswith("crash")]
    eventually(lambda: len(on_server()) >= len(texts), timeout=120, what="all messages on the homeserver")
    time.sleep(5)  # a duplicate would have arrived by now
    assert on_server() == texts, \
        f"after kill -9 ({completed_before} of {len(texts)} sends had completed): the homeserver has {on_server()}"
    for echo in echoes:
        assert len(send_completes(backend, echo["transaction_id"])) <= 1, backend.events("send_complete")
    page = backend.request("paginate", {"room_id": room_id, "max_timeline_id": 0, "limit": 50}, timeout=60)
    ours = [body(e) for e in reversed(page["events"]) if (body(e) or "").startswith("crash")]
    assert ours == texts, f"our timeline after the crash: {ours}"


# --- failures -----------------------------------------------------------------

def test_too_large_message_fails_cleanly_and_the_room_keeps_working(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Too large")
    huge = "x" * 100_000
    too_large = re.compile(r"M_TOO_LARGE|too large|65536|64 ?Ki?B", re.I)

    mark = backend.mark()
    try:
        echo = backend.request("send_message", {"room_id": room_id, "text": huge}, timeout=30)
    except BackendError as refused:  # refused before any echo: fine, if it says why
        assert too_large.search(refused.message), f"no homeserver reason in {refused.message!r}"
        page = backend.request("paginate", {"room_id": room_id, "max_timeline_id": 0, "limit": 50}, timeout=60)
        assert huge not in [body(e) for e in page["events"]], "a refused message is on the timeline"
    else:
        assert_local_echo(echo, room_id, me.user_id, "m.room.message")
        done = send_complete_for(backend, echo["transaction_id"], timeout=60, after=mark)
        assert done["error"] and too_large.search(done["error"]), f"no homeserver reason in {done['error']!r}"
        assert done["event"].get("send_error"), f"the failed event has no send_error: {done['event']}"
        time.sleep(5)
        assert len(send_completes(backend, echo["transaction_id"], mark)) == 1, \
            "a permanent failure was retried or reported twice"
    assert huge not in server_bodies(bob, room_id)

    # The failure blocks nothing: the next message in the same room goes out.
    _, after = send_and_confirm(backend, "send_message", {"room_id": room_id, "text": "a normal one"}, me.user_id)
    assert body(server_event(bob, room_id, after["event_id"])) == "a normal one"


SEND_PATH = r"/rooms/[^/]+/send/m\.room\.message/"


def test_transient_send_failures_are_retried_with_the_same_transaction(backend, synapse, register_user, faulty):
    me, bob = register_user(), register_user("bob")
    mark = backend.mark()
    backend.request("login", {"homeserver_url": faulty.url, "username": me.localpart, "password": me.password},
                    timeout=60)
    backend.wait_event("client_state", lambda s: s.get("is_logged_in"), timeout=60, after=mark)
    room_id = join_invited_room(backend, bob, me.user_id, name="Flaky")
    faulty.add(Fault("PUT", SEND_PATH, 429, {"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests",
                                             "retry_after_ms": 500}, headers={"Retry-After": "1"}))
    faulty.add(Fault("PUT", SEND_PATH, 502, {"errcode": "M_UNKNOWN", "error": "Bad Gateway"}))
    faulty.add(Fault("PUT", SEND_PATH, 503, {"errcode": "M_UNKNOWN", "error": "Service Unavailable"}))

    mark = backend.mark()
    echo = backend.request("send_message", {"room_id": room_id, "text": "through the storm"}, timeout=10)
    done = send_complete_for(backend, echo["transaction_id"], timeout=90, after=mark)
    assert done["error"] is None and done["event"]["event_id"].startswith("$"), done
    attempts = faulty.requests_matching("PUT", SEND_PATH)
    assert [status for _, _, status in attempts] == [429, 502, 503, 200], attempts
    assert len({path for _, path, _ in attempts}) == 1, f"retries changed the transaction id: {attempts}"
    time.sleep(2)
    assert len(send_completes(backend, echo["transaction_id"], mark)) == 1
    assert server_bodies(bob, room_id).count("through the storm") == 1


def test_permanent_send_failure_is_not_retried(backend, synapse, register_user, faulty):
    me, bob = register_user(), register_user("bob")
    mark = backend.mark()
    backend.request("login", {"homeserver_url": faulty.url, "username": me.localpart, "password": me.password},
                    timeout=60)
    backend.wait_event("client_state", lambda s: s.get("is_logged_in"), timeout=60, after=mark)
    room_id = join_invited_room(backend, bob, me.user_id, name="Refused")
    faulty.add(Fault("PUT", SEND_PATH, 400, {"errcode": "M_BAD_JSON", "error": "Content not JSON"}))

    mark = backend.mark()
    echo = backend.request("send_message", {"room_id": room_id, "text": "refused once"}, timeout=10)
    failed = send_complete_for(backend, echo["transaction_id"], timeout=60, after=mark)
    assert failed["error"] and "M_BAD_JSON" in failed["error"], failed
    assert failed["event"].get("send_error"), failed
    time.sleep(5)
    assert [s for _, _, s in faulty.requests_matching("PUT", SEND_PATH)] == [400], "a permanent failure was retried"
    assert len(send_completes(backend, echo["transaction_id"], mark)) == 1

    # resend_event tries again, with the same transaction id, and it goes through.
    mark = backend.mark()
    backend.request("resend_event", {"transaction_id": echo["transaction_id"]}, timeout=30)
    done = send_complete_for(backend, echo["transaction_id"], timeout=60, after=mark)
    assert done["error"] is None and not done["event"].get("send_error"), done
    attempts = faulty.requests_matching("PUT", SEND_PATH)
    assert len({path for _, path, _ in attempts}) == 1, f"the resend used another transaction id: {attempts}"
    assert server_bodies(bob, room_id).count("refused once") == 1


def test_forbidden_send_fails_then_resend_succeeds(backend, synapse, register_user):
    me, bob = register_user(), register_user("bob")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, bob, me.user_id, name="Moderated",
                                power_level_content_override={"events_default": 50})

    mark = backend.mark()
    echo = backend.request("send_message", {"room_id": room_id, "text": "may I speak"}, timeout=10)
    assert_local_echo(echo, room_id, me.user_id, "m.room.message")
    failed = send_complete_for(backend, echo["transaction_id"], timeout=60, after=mark)
    assert failed["error"] and re.search(r"M_FORBIDDEN|power|permission", failed["error"], re.I), failed
    assert failed["event"].get("send_error"), failed
    assert failed["event"]["transaction_id"] == echo["transaction_id"]

    levels = bob.call("GET", f"/rooms/{q(room_id)}/state/m.room.power_levels/")
    levels["users"][me.user_id] = 50
    levels_id = bob.set_state(room_id, "m.room.power_levels", levels)
    wait_for_event(backend, room_id, lambda e: e["event_id"] == levels_id, "the new power levels", after=mark)

    mark = backend.mark()
    resent = backend.request("resend_event", {"transaction_id": echo["transaction_id"]}, timeout=30)
    if isinstance(resent, dict):
        assert resent.get("transaction_id") == echo["transaction_id"], resent
    done = send_complete_for(backend, echo["transaction_id"], timeout=60, after=mark)
    assert done["error"] is None and done["event"]["event_id"].startswith("$"), done
    assert not done["event"].get("send_error"), done
    assert server_bodies(bob, room_id).count("may I speak") == 1

    with pytest.raises(BackendError) as unknown:
        backend.request("resend_event", {"transaction_id": "no-such-transaction"})
    assert unknown.value.message.strip()


# --- encryption ---------------------------------------------------------------

def clear_text(event: dict):
    """The body a person reads: decrypted if it was encrypted."""
    if event.get("decrypted_type") == "m.room.message":
        return (event.get("decrypted") or {}).get("body")
    return body(event) if event["type"] == "m.room.message" else None


def decrypted_in_sync(backend, room_id: str, event_id: str, timeout: float = 60, after: int = 0) -> dict:
    """Waits for event_id in a sync_complete, decrypted; says what came instead if it does not."""
    try:
        return wait_for_event(backend, room_id, lambda e: e["event_id"] == event_id and e.get("decrypted_type"),
                              f"{event_id} decrypted", timeout=timeout, after=after)
    except TimeoutError as e:
        copies = [c for c in synced_events(backend, room_id, after) if c["event_id"] == event_id]
        late = [d for d in backend.events("events_decrypted", after) if d.get("room_id") == room_id]
        raise AssertionError(f"{e}\ncopies in sync_complete: {copies}\nevents_decrypted: {late}") from None


def test_two_trellis_sessions_read_each_other_in_an_encrypted_room(make_backend, synapse, register_user):
    alice, bob = register_user("alice"), register_user("bob")
    alice_app, bob_app = make_backend(), make_backend()
    login(alice_app, synapse, alice)
    login(bob_app, synapse, bob)

    bob_mark = bob_app.mark()
    alice_mark = alice_app.mark()
    created = alice_app.request("create_room", {
        "name": "Secret garden", "preset": "private_chat", "invite": [bob.user_id],
        "initial_state": [{"type": "m.room.encryption", "state_key": "",
                           "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]}, timeout=60)
    room_id = created["room_id"]
    wait_invited(bob_app, room_id, timeout=60, after=bob_mark)
    assert bob_app.request("join_room", {"room_id_or_alias": room_id, "from_invite": True},
                           timeout=60) == {"room_id": room_id}
    wait_for_event(alice_app, room_id, lambda e: e["type"] == "m.room.member" and e.get("state_key") == bob.user_id
                   and e["content"].get("membership") == "join", "bob's join", timeout=60, after=alice_mark)
    assert room_meta(alice_app, room_id, lambda m: m.get("encryption_event"))

    _, sent = send_and_confirm(alice_app, "send_message", {"room_id": room_id, "text": "only for bob"},
                               alice.user_id, timeout=60)
    wire = server_event(alice, room_id, sent["event_id"])
    assert wire["type"] == "m.room.encrypted" and "ciphertext" in wire["content"] and "body" not in wire["content"], \
        f"the homeserver can read the message: {wire}"
    got = decrypted_in_sync(bob_app, room_id, sent["event_id"], after=bob_mark)
    assert (got["type"], got["decrypted_type"], got["sender"]) == ("m.room.encrypted", "m.room.message", alice.user_id)
    assert got["decrypted"]["body"] == "only for bob", got
    assert not got.get("decryption_error"), got
    # My own message reads in clear too (as the decrypted wrapper or as the plain event I sent).
    own = wait_for_event(alice_app, room_id, lambda e: e["event_id"] == sent["event_id"], "alice's own message",
                         after=alice_mark)
    assert clear_text(own) == "only for bob", own

    alice_mark = alice_app.mark()
    _, answer = send_and_confirm(bob_app, "send_message", {
        "room_id": room_id, "text": "and only for alice", "relates_to": {"m.in_reply_to": {"event_id": sent["event_id"]}}},
        bob.user_id, timeout=60)
    got = decrypted_in_sync(alice_app, room_id, answer["event_id"], after=alice_mark)
    assert got["decrypted"]["body"] == "and only for alice", got
    assert got["decrypted"]["m.relates_to"]["m.in_reply_to"]["event_id"] == sent["event_id"], got
    assert "body" not in server_event(bob, room_id, answer["event_id"])["content"]

    # Both read the conversation in clear when they open the room (once bob's
    # own reply is on his timeline: sync brings it back after the send).
    decrypted_in_sync(bob_app, room_id, answer["event_id"], after=bob_mark)
    for app in (alice_app, bob_app):
        page = app.request("paginate", {"room_id": room_id, "max_timeline_id": 0, "limit": 20}, timeout=60)
        clear = [clear_text(e) for e in page["events"] if clear_text(e) is not None]
        assert clear[:2] == ["and only for alice", "only for bob"], clear
