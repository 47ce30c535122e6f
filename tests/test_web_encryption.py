"""Issue 14's encryption UI in the web mode, in Debian's Chromium, against
the test Synapse. The account is set up by another Trellis (a stdio backend:
cross-signing, key backup and secret storage under a recovery key, and an
encrypted room with history); the browser then signs in as a new device of
the same account and, as a person would:

- skips "Confirm it's you", sees the history it cannot read yet as the
  backend's sentence, then confirms with the recovery key (a wrong
  passphrase first) and sees the same messages turn into their text without
  a reload (`events_decrypted` after the backup download);
- confirms with the other device instead: the other side cancels once (the
  page says so and offers another way), then both compare the same seven
  emoji and end verified.

Screenshots go to the run's artifacts under browser/."""

import re

from conftest import RUN_ARTIFACTS
from harness.backend import Backend, BackendError
from harness.browser import Browser, role, text
from harness.frontend import login, send_and_confirm
# The web server and browser fixtures, and the two logins, as the web tests have them.
from test_web_browser import browser, sign_in, wait_until, web  # noqa: F401

ROOM = "Garden of secrets"
SECRETS = ["sec-01 the key is under the mat", "sec-02 and the code is 1234"]
# What the backend says of a message it cannot decrypt yet (docs/rpc.md), not a debug string.
UNREADABLE = re.compile(r"key|logged in|device", re.I)


def set_up_encryption(first: Backend, me) -> str:
    """Cross-signing, backup and secret storage from the first device; returns the recovery key."""
    first.wait_event("client_state", lambda s: s["verification_state"]["state_checked"], timeout=90)
    key = first.request("generate_recovery_key", {})["recovery_key"]
    mark = first.mark()
    try:
        first.request("reset_encryption", {"recovery_key": key}, timeout=120)
    except BackendError as e:
        # The homeserver's user-interactive auth, when it asks.
        if "password" not in e.message:
            raise
        first.request("reset_encryption", {"recovery_key": key, "account_password": me.password}, timeout=120)
    first.wait_event("client_state", lambda s: s["verification_state"]["is_verified"]
                     and s["verification_state"]["has_ssss"], timeout=60, after=mark)
    return key


def backed_up_rooms(me) -> set[str]:
    """The rooms whose keys the homeserver's current key backup holds."""
    version = me.call("GET", "/room_keys/version")["version"]
    return set((me.call("GET", "/room_keys/keys", params={"version": version}).get("rooms") or {}).keys())


def account_with_history(make_backend, synapse, me) -> tuple[Backend, str, str]:
    """The first device: encryption set up, an encrypted room with SECRETS, their keys in the backup."""
    first = make_backend()
    login(first, synapse, me)
    key = set_up_encryption(first, me)
    room_id = first.request("create_room", {
        "name": ROOM, "preset": "private_chat",
        "initial_state": [{"type": "m.room.encryption", "state_key": "",
                           "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]}, timeout=60)["room_id"]
    for body in SECRETS:
        send_and_confirm(first, "send_message", {"room_id": room_id, "text": body}, me.user_id, timeout=60)
    wait_until(lambda: room_id in backed_up_rooms(me), timeout=60, what="the room's keys in the key backup")
    return first, room_id, key


def timeline_articles(browser: Browser) -> list[str]:
    return browser.texts(role("list", "Timeline"), role("article"))


def test_history_unreadable_until_the_recovery_key_then_decrypted_in_place(
        web, synapse, register_user, make_backend, browser):  # noqa: F811
    shots = RUN_ARTIFACTS / "browser" / "encryption"
    me = register_user("me")
    _first, room_id, key = account_with_history(make_backend, synapse, me)

    sign_in(browser, web, synapse, me)
    browser.wait(role("dialog", "Confirm it's you"), timeout=90)
    browser.wait(role("button", "Use your recovery key", exact=False))
    browser.screenshot(shots / "01-confirm-its-you.png")
    browser.click(role("button", "Skip for now"))
    browser.wait(role("dialog", "Confirm it's you"), state="hidden")
    browser.wait(role("status"), text("This device is not verified"))

    # The history is there, unreadable: each message says why, in words.
    room_button = (role("region", "Rooms"), role("button", ROOM, exact=False))
    browser.wait(*room_button, timeout=90)
    browser.click(*room_button)
    browser.wait(role("heading", ROOM))
    browser.wait(role("list", "Timeline"), role("article"), timeout=60)
    wait_until(lambda: len(timeline_articles(browser)) >= len(SECRETS), what="the history on screen")
    before = timeline_articles(browser)
    assert not any(s in a for a in before for s in SECRETS), before
    unreadable = [a for a in before if UNREADABLE.search(a)]
    assert len(unreadable) >= len(SECRETS), before
    assert not any("Megolm" in a or "{" in a for a in before), f"a debug string on screen: {before}"
    browser.screenshot(shots / "02-history-unreadable.png")

    # Back through the notice: a wrong passphrase is refused in words, and changes nothing.
    browser.click(role("status"), role("button", "Verify"))
    browser.click(role("dialog", "Confirm it's you"), role("button", "Use your recovery key", exact=False))
    field = (role("dialog", "Confirm it's you"), role("textbox", "Recovery key or passphrase"))
    browser.fill(*field, value="not my passphrase at all")
    browser.click(role("dialog", "Confirm it's you"), role("button", "Confirm"))
    browser.wait(role("dialog", "Confirm it's you"), role("alert"), text("not right", exact=False), timeout=60)
    browser.screenshot(shots / "03-wrong-passphrase.png")

    browser.fill(*field, value=key)
    browser.click(role("dialog", "Confirm it's you"), role("button", "Confirm"))
    browser.wait(role("heading", "This device is verified"), timeout=90)
    browser.click(role("button", "Done"))

    # The same rows turn into their text, without a reload, as the backup's keys arrive.
    for body in SECRETS:
        browser.wait(role("list", "Timeline"), text(body), timeout=90)
    after = timeline_articles(browser)
    assert not any(UNREADABLE.search(a) and not any(s in a for s in SECRETS) for a in after), after
    assert browser.count(role("status"), text("This device is not verified")) == 0
    assert room_id in browser.url()
    browser.screenshot(shots / "04-history-decrypted.png")


def emoji_on_screen(browser: Browser) -> list[str]:
    """The descriptions of the seven emoji the verification dialog shows, in order."""
    return [t.split("\n")[-1].strip() for t in browser.texts(role("list", "Emoji to compare"), role("listitem"))]


def test_confirm_with_the_other_device_after_it_cancels_once(
        web, synapse, register_user, make_backend, browser):  # noqa: F811
    shots = RUN_ARTIFACTS / "browser" / "encryption"
    me = register_user("me")
    first = make_backend()
    login(first, synapse, me)
    set_up_encryption(first, me)

    sign_in(browser, web, synapse, me)
    dialog = role("dialog", "Confirm it's you")
    browser.wait(dialog, timeout=90)

    # The first try: the other device says no. The page says so, and leads back.
    mark = first.mark()
    browser.click(dialog, role("button", "Use another device", exact=False))
    browser.wait(role("dialog", "Verify this device"), text("Waiting for your other device", exact=False))
    asked = first.wait_event("verification", lambda v: v["state"] == "requested" and not v["we_started"],
                             timeout=60, after=mark)
    first.request("cancel_verification", {"user_id": me.user_id, "flow_id": asked["flow_id"]})
    browser.wait(role("dialog", "Verify this device"), text("cancelled the verification", exact=False), timeout=60)
    browser.screenshot(shots / "10-cancelled-by-the-other-device.png")
    browser.click(role("button", "Try another way"))

    # The second: accepted there, emoji compared here and there, both confirm.
    mark = first.mark()
    browser.click(dialog, role("button", "Use another device", exact=False))
    asked = first.wait_event("verification", lambda v: v["state"] == "requested" and not v["we_started"],
                             timeout=60, after=mark)
    flow = {"user_id": me.user_id, "flow_id": asked["flow_id"]}
    first.request("accept_verification", flow)
    browser.click(role("dialog", "Verify this device"), role("button", "Compare emoji"))
    theirs = first.wait_event("verification", lambda v: v["flow_id"] == flow["flow_id"] and v["state"] == "sas",
                              timeout=60, after=mark)
    browser.wait(role("list", "Emoji to compare"), timeout=60)
    browser.screenshot(shots / "11-emoji.png")
    ours = emoji_on_screen(browser)
    assert len(ours) == 7 and ours == [e["description"] for e in theirs["emoji"]], (ours, theirs["emoji"])

    browser.click(role("button", "They match"))
    first.request("confirm_verification", flow)
    browser.wait(role("dialog", "Verify this device"), text("Verified"), timeout=60)
    first.wait_event("verification", lambda v: v["flow_id"] == flow["flow_id"] and v["state"] == "done",
                     timeout=60, after=mark)
    browser.screenshot(shots / "12-verified.png")
    browser.click(role("button", "Close", exact=True))

    # Verified for good: no notice, and Settings → Security says so.
    wait_until(lambda: browser.count(role("status"), text("This device is not verified")) == 0,
               what="the notice to go")
    browser.click(role("button", "Settings"))
    browser.click(role("tab", "Security"))
    browser.wait(role("tabpanel", "Security"), text("Verified"), timeout=30)
    browser.screenshot(shots / "13-settings-security.png")
