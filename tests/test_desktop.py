"""The desktop app (issue 5), as a person uses it: the real trellis-desktop
binary under Xvfb, driven by tauri-driver + WebKitWebDriver, against the test
Synapse. Log in, open a room, send, see the other person's reply, close the
window to the tray and get a desktop notification (recorded by a stand-in
notification server on the session bus), click it and land in the room.
Screenshots go to the run's artifacts."""

import os
import time
from pathlib import Path

import pytest

from conftest import RUN_ARTIFACTS
from harness.desktop import KEYS_ENTER, DesktopApp, NotificationServer, Xvfb


@pytest.fixture(scope="module")
def desktop_bin() -> Path:
    target = os.environ.get("CARGO_TARGET_DIR") or Path.home() / ".cache/trellis/target"
    binary = Path(os.environ.get("TRELLIS_DESKTOP_BIN") or Path(target) / "debug/trellis-desktop")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no trellis-desktop at {binary}: run `cargo build -p trellis-desktop`", pytrace=False)
    return binary


def text_xpath(text: str) -> str:
    return f"//*[contains(normalize-space(.), '{text}') and not(*[contains(normalize-space(.), '{text}')])]"


def wait_until(check, timeout: float = 30, what: str = "condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_log_in_chat_and_get_notified_from_the_tray(synapse, register_user, desktop_bin, tmp_path, request):
    shots = RUN_ARTIFACTS / "desktop"
    alice, bob = register_user("alice"), register_user("bob")
    room_id = bob.create_room(name="Desktop chat", invite=[alice.user_id])
    alice.join(room_id)
    bob.send_text(room_id, "hello from bob")

    display = Xvfb(RUN_ARTIFACTS / "desktop" / "xvfb.log")
    notifications = NotificationServer()
    app = None
    try:
        app = DesktopApp(desktop_bin, tmp_path / "profile", display.display, shots)
        homeserver = app.find("//label[span[text()='Homeserver']]/input")
        app.type(homeserver, "\ue010" + "\ue003" * 40 + synapse.url)  # End, Backspace…: replace the default
        app.type(app.find("//label[span[text()='Username']]/input"), alice.localpart)
        app.type(app.find("//label[span[text()='Password']]/input"), alice.password)
        app.screenshot(shots / "01-login.png")
        app.click(app.find("//button[normalize-space()='Sign in']"))

        app.click(app.find(text_xpath("Desktop chat"), timeout=60))
        app.find(text_xpath("hello from bob"))
        app.screenshot(shots / "02-room.png")

        composer = app.find("//textarea[@aria-label='Message']")
        app.type(composer, "hi from the desktop" + KEYS_ENTER)
        wait_until(lambda: any(e.get("content", {}).get("body") == "hi from the desktop"
                               for e in bob.messages(room_id)), what="bob to receive the message")

        bob.send_text(room_id, "reply from bob")
        app.find(text_xpath("reply from bob"))
        app.screenshot(shots / "03-reply.png")

        # Ctrl+W does what the close button does: the window goes to the tray.
        app.type(composer, "\ue009w\ue000")
        wait_until(lambda: app.run_js("return document.visibilityState") == "hidden",
                   timeout=10, what="the window to hide")
        bob.send_text(room_id, "are you there?")
        note = notifications.wait_for(lambda n: "are you there?" in n["body"], timeout=60)
        assert note["app"] == "Trellis"
        assert note["summary"] == "Desktop chat"
        assert note["body"].startswith(bob.localpart)
        assert "default" in note["actions"]
        # Our own message never notified.
        assert not any("hi from the desktop" in n["body"] for n in notifications.shown)

        notifications.click(note["id"])
        app.find(text_xpath("are you there?"))
        app.screenshot(shots / "04-after-notification.png")
    except BaseException:
        if app:
            app.screenshot(shots / "failure.png")
            (shots / "failure.html").write_text(app.page_source())
        raise
    finally:
        if app:
            app.close()
        notifications.close()
        display.close()
