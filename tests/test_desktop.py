"""The desktop app (issue 5), as a person uses it: the real trellis-desktop
binary under Xvfb, driven by tauri-driver + WebKitWebDriver, against the test
Synapse. Log in, open a room, send, see the other person's reply, close the
window to the tray and get a desktop notification (recorded by a stand-in
notification server on the session bus), click it and land in the room.
The tray as a panel sees it (a stand-in StatusNotifierWatcher, the item's
properties and its dbusmenu). Media through the trellis-media scheme: images
shown (checked by their pixels on screen), files saved, uploads from the
composer, an encrypted room's image decrypted. Screenshots go to the run's
artifacts."""

import io
import os
import re
import time
from pathlib import Path

import pytest
from PIL import Image

from conftest import RUN_ARTIFACTS
from harness.desktop import (ELEMENT, KEYS_ENTER, KEYS_ESCAPE, DesktopApp, DesktopProcess, NotificationServer, Xvfb,
                             app_env, close_window, instance_running, main_windows, move_resize_window, screen_shot,
                             window_rect, window_viewable)
from harness.frontend import login
from harness.tray import TrayWatcher


@pytest.fixture(scope="module")
def desktop_bin() -> Path:
    target = os.environ.get("CARGO_TARGET_DIR") or Path.home() / ".cache/trellis/target"
    binary = Path(os.environ.get("TRELLIS_DESKTOP_BIN") or Path(target) / "debug/trellis-desktop")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no trellis-desktop at {binary}: run `cargo build -p trellis-desktop`", pytrace=False)
    return binary


@pytest.fixture
def display():
    xvfb = Xvfb(RUN_ARTIFACTS / "desktop" / "xvfb.log")
    yield xvfb.display
    xvfb.close()


@pytest.fixture
def tray_watcher():
    """The panel's side of the tray, up before the app starts (the app looks for it then)."""
    watcher = TrayWatcher()
    yield watcher
    watcher.close()


@pytest.fixture
def logs(request) -> Path:
    return RUN_ARTIFACTS / "desktop" / re.sub(r"[^\w.-]+", "_", request.node.name)


@pytest.fixture
def logged_in(make_backend, synapse, tmp_path):
    """logged_in(user, rooms): a profile logged in as user (through the stdio
    backend, which shares the engine and the keyring entry with the desktop
    app), with its first sync, holding these rooms, stored."""
    def make(user, rooms: list[str], name: str = "profile") -> Path:
        profile = tmp_path / name
        backend = make_backend(profile)
        mark = backend.mark()
        login(backend, synapse, user)
        # Stopping before the first sync is committed loses its rooms: matrix-sdk
        # keeps the response's token and returns nothing when it comes again.
        synced = lambda: {r for s in backend.events("sync_complete", mark) for r in s.get("rooms") or {}}  # noqa: E731
        wait_until(lambda: set(rooms) <= synced(), timeout=60, what="the first sync to be stored")
        backend.stop()
        return profile
    return make


def room_of_two(host, guest, name: str, **extra) -> str:
    """A room host made, with guest in it."""
    room_id = host.create_room(name=name, invite=[guest.user_id], **extra)
    guest.join(room_id)
    return room_id


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


def test_log_in_chat_and_get_notified_from_the_tray(synapse, register_user, desktop_bin, display, tmp_path):
    shots = RUN_ARTIFACTS / "desktop"
    alice, bob = register_user("alice"), register_user("bob")
    # The notification names the sender as the room's member state does.
    bob.set_displayname("Bob the Builder")
    room_id = room_of_two(bob, alice, "Desktop chat")
    bob.send_text(room_id, "hello from bob")

    notifications = NotificationServer()
    app = None
    try:
        app = DesktopApp(desktop_bin, tmp_path / "profile", display, shots)
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
        # The text the backend wrote for every frontend: the display name,
        # never the localpart.
        assert note["body"] == "Bob the Builder: are you there?"
        assert "default" in note["actions"]
        # Our own message never notified.
        assert not any("hi from the desktop" in n["body"] for n in notifications.shown)

        notifications.click(note["id"])
        app.find(text_xpath("are you there?"))
        app.screenshot(shots / "04-after-notification.png")
    except BaseException:
        if app:
            app.keep_failure(shots)
        raise
    finally:
        if app:
            app.close()
        notifications.close()


def badge_shown(icon_path: str) -> bool:
    """Whether the tray icon carries the red dot of unread highlights (drawn
    in its top right corner)."""
    with Image.open(icon_path) as img:
        rgba = img.convert("RGBA")
        r = max(min(rgba.size) // 4, 2)
        return rgba.getpixel((rgba.width - r - 1, r + 1)) == (0xE0, 0x24, 0x24, 0xFF)


def test_tray_counts_unread_marks_highlights_shows_hides_and_quits(
        register_user, logged_in, tray_watcher, desktop_bin, display, logs):
    alice, bob = register_user("alice"), register_user("bob")
    room_id = room_of_two(bob, alice, "Tray chat")
    profile = logged_in(alice, [room_id])

    app = DesktopProcess(desktop_bin, app_env(display, profile), logs / "desktop.log")
    try:
        tray = tray_watcher.wait_for_item()
        assert tray.pid() == app.proc.pid
        assert tray.prop("Status") == "Active"
        assert tray.labels() == ["No unread messages", "Show/hide Trellis", "Quit Trellis"]
        assert not badge_shown(tray.prop("IconName"))
        wait_until(lambda: window_viewable(display), what="the window to show")

        # A message in a two-person room notifies, but does not highlight.
        bob.send_text(room_id, "morning")
        wait_until(lambda: tray.labels()[0] == "1 unread message", what="the count of one")
        assert not badge_shown(tray.prop("IconName"))

        # Being mentioned highlights: the icon gets its mark.
        bob.send(room_id, "m.room.message", {"msgtype": "m.text", "body": f"{alice.localpart}: lunch?",
                                             "m.mentions": {"user_ids": [alice.user_id]}})
        wait_until(lambda: tray.labels()[0] == "2 unread messages", what="the count of two")
        assert badge_shown(tray.prop("IconName"))

        tray.click("Show/hide Trellis")
        wait_until(lambda: not window_viewable(display), timeout=10, what="the window to hide")
        tray.click("Show/hide Trellis")
        wait_until(lambda: window_viewable(display), timeout=10, what="the window to come back")

        # The window's close button hides it to the tray; the app runs on,
        # so the tray brings the window back.
        close_window(display)
        wait_until(lambda: not window_viewable(display), timeout=10, what="the window to close to the tray")
        tray.click("Show/hide Trellis")
        wait_until(lambda: window_viewable(display), timeout=10, what="the window to come back")

        tray.click("Quit Trellis")
        assert app.wait(20) == 0
        assert "panicked" not in app.log.read_text()
    finally:
        app.close()


def test_close_to_tray_turned_off_in_settings_quits_after_a_restart(
        register_user, logged_in, desktop_bin, display, logs):
    alice = register_user("alice")
    profile = logged_in(alice, [alice.create_room(name="Settings room")])

    app = DesktopApp(desktop_bin, profile, display, logs)
    try:
        app.find(text_xpath("Settings room"), timeout=60)
        app.click(app.find("//button[@title='Settings']"))
        toggle = app.find("//label[span[contains(., 'Close to tray')]]/input")
        assert app.run_js("return arguments[0].checked", {ELEMENT: toggle}) is True
        app.click(toggle)
        assert app.run_js("return arguments[0].checked", {ELEMENT: toggle}) is False
        # The shell took it (the page hands it over asynchronously) before this run ends.
        wait_until(lambda: app.run_js("return window.__TAURI_INTERNALS__.invoke('get_shell_settings')")
                   == {"notifications": True, "close_to_tray": False}, timeout=10, what="the shell to take the setting")
    finally:
        app.close()
    wait_until(lambda: not instance_running(profile), timeout=15, what="the first run to end")

    # Started again, the shell knows the setting before any page has loaded:
    # the close button, pressed as soon as the window shows, quits.
    again = DesktopProcess(desktop_bin, app_env(display, profile), logs / "restart.log")
    try:
        wait_until(lambda: window_viewable(display), what="the window to show")
        close_window(display)
        assert again.wait(20) == 0
        assert "panicked" not in again.log.read_text()
    finally:
        again.close()


def room_header(app: DesktopApp, name: str, timeout: float = 20) -> str:
    """The open room's header, once it names this room."""
    return app.find(f"//header[@class='room-head']//h2[normalize-space()='{name}']", timeout=timeout)


def test_a_second_launch_hands_its_link_to_the_first_window_and_exits(
        register_user, logged_in, desktop_bin, display, logs):
    alice, bob = register_user("alice"), register_user("bob")
    alias = f"linked-{alice.localpart}"
    linked = room_of_two(bob, alice, "Linked room", room_alias_name=alias)
    other = room_of_two(bob, alice, "Other room")
    server = alice.user_id.split(":", 1)[1]
    profile = logged_in(alice, [linked, other])
    launches = []

    def launch_again(*args: str):
        """Starts the binary again, as a desktop does for a clicked link, and
        expects it to hand over and exit at once, without a window."""
        second = DesktopProcess(desktop_bin, app_env(display, profile), logs / f"launch-{len(launches)}.log", args)
        launches.append(second)
        assert second.wait(20) == 0, second.log.read_text()
        assert "backend started" not in second.log.read_text()  # it never opened the profile

    app = DesktopApp(desktop_bin, profile, display, logs)
    try:
        app.click(app.find(text_xpath("Other room"), timeout=60))
        room_header(app, "Other room")

        launch_again(f"matrix:r/{alias}:{server}")
        room_header(app, "Linked room")
        # Room version 12 IDs have no server name; matrix.to links carry them as they are.
        launch_again(f"https://matrix.to/#/{other}?via={server}")
        room_header(app, "Other room")

        # With nothing to open, a second launch brings the window back from the tray.
        close_window(display)
        wait_until(lambda: not window_viewable(display), timeout=10, what="the window to close to the tray")
        launch_again()
        wait_until(lambda: window_viewable(display), timeout=10, what="the window to come back")
        room_header(app, "Other room")
    except BaseException:
        app.keep_failure(logs)
        raise
    finally:
        app.close()
        for launch in launches:
            launch.close()


def test_links_open_in_the_system_browser_and_nothing_else_leaves_the_app(
        register_user, logged_in, desktop_bin, display, logs, tmp_path):
    alice, bob = register_user("alice"), register_user("bob")
    room_id = room_of_two(bob, alice, "Link room")
    url = "https://example.org/trellis?from=desktop"
    bob.send_text(room_id, f"have a look at {url}")
    # What a sender may write; the backend's sanitizer drops both hrefs.
    bob.send(room_id, "m.room.message", {
        "msgtype": "m.text", "body": "file link, script link", "format": "org.matrix.custom.html",
        "formatted_body": '<a href="file:///etc/passwd">file link</a>, <a href="javascript:alert(1)">script link</a>'})
    profile = logged_in(alice, [room_id])

    # The system's opener, as the app finds it on PATH: it records what it is asked to open.
    bin_dir, opened = tmp_path / "bin", tmp_path / "opened.txt"
    bin_dir.mkdir()
    (bin_dir / "xdg-open").write_text(f"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{opened}'\n")
    (bin_dir / "xdg-open").chmod(0o755)

    def opened_urls() -> list[str]:
        return opened.read_text().splitlines() if opened.exists() else []

    with DesktopApp(desktop_bin, profile, display, logs, path_first=bin_dir) as app:
        app.click(app.find(text_xpath("Link room"), timeout=60))
        page = app.run_js("return location.href")
        app.click(app.find(f"//a[@href='{url}']"))
        wait_until(lambda: opened_urls() == [url], timeout=15, what="the system browser to get the link")

        # None of these may reach the opener: the disarmed links, the shell's
        # command asked directly, and the page navigating away.
        app.click(app.find(text_xpath("file link")))
        app.click(app.find(text_xpath("script link")))
        refusals = app.run_js("""
            const invoke = window.__TAURI_INTERNALS__.invoke;
            return (async () => {
              const out = [];
              for (const url of ["file:///etc/passwd", "javascript:alert(1)"]) {
                out.push(await invoke("open_link", { url }).then(() => "opened", (e) => String(e)));
              }
              return out;
            })();""")
        assert all("not opened" in r for r in refusals), refusals
        app.run_js("setTimeout(() => { location.href = 'ssh://example.org/'; }, 0)")
        # Last, a navigation to a web page: it goes to the browser, after everything above.
        later = "https://example.org/navigated"
        app.run_js(f"setTimeout(() => {{ location.href = '{later}'; }}, 0)")
        wait_until(lambda: later in opened_urls(), timeout=15, what="the navigation to reach the browser")
        assert opened_urls() == [url, later]

        # The window still shows Trellis, in the same room.
        assert app.run_js("return location.href") == page
        room_header(app, "Link room", timeout=5)
        # WebKitWebDriver's screenshots hang once the opener has run (the
        # window still draws): the screen itself is kept instead.
        screen_shot(display, logs / "after-links.png")


def test_window_size_and_position_are_remembered(
        register_user, logged_in, tray_watcher, desktop_bin, display, logs):
    alice = register_user("alice")
    profile = logged_in(alice, [alice.create_room(name="Window room")])
    wanted = (130, 70, 820, 560)

    first = DesktopProcess(desktop_bin, app_env(display, profile), logs / "first.log")
    try:
        wait_until(lambda: window_viewable(display), what="the window to show")
        assert window_rect(display) != wanted
        move_resize_window(display, *wanted)
        wait_until(lambda: window_rect(display) == wanted, timeout=10, what="the window to take its new place")
        # How a day with Trellis ends: closed to the tray, then quit from there.
        close_window(display)
        wait_until(lambda: not window_viewable(display), timeout=10, what="the window to close to the tray")
        tray_watcher.wait_for_item().click("Quit Trellis")
        assert first.wait(20) == 0
    finally:
        first.close()
    assert (profile / "window-state.json").is_file()

    again = DesktopProcess(desktop_bin, app_env(display, profile), logs / "again.log")
    try:
        wait_until(lambda: window_viewable(display), what="the window to show again")
        wait_until(lambda: window_rect(display) == wanted, timeout=10, what="the window at its old place and size")
    finally:
        again.close()


def test_each_profile_is_its_own_app_and_a_second_launch_goes_to_its_own(
        register_user, logged_in, desktop_bin, display, logs):
    alice, bob = register_user("alice"), register_user("bob")
    alices = logged_in(alice, [alice.create_room(name="Alice's room")], name="alice")
    bobs = logged_in(bob, [bob.create_room(name="Bob's room")], name="bob")

    apps = [DesktopProcess(desktop_bin, app_env(display, profile), logs / f"{profile.name}.log")
            for profile in (alices, bobs)]
    try:
        wait_until(lambda: len(main_windows(display)) == 2, what="a window for each profile")
        assert instance_running(alices) and instance_running(bobs)
        again = DesktopProcess(desktop_bin, app_env(display, bobs), logs / "bob-again.log")
        apps.append(again)
        assert again.wait(20) == 0
        assert "backend started" not in again.log.read_text()
        assert len(main_windows(display)) == 2
        assert all(app.proc.poll() is None for app in apps[:2])
    finally:
        for app in apps:
            app.close()


# --- media: the trellis-media scheme in the real window ----------------------------------

# A picture no wrong or blank answer looks like: four colours, one a quadrant.
QUADRANTS = ((220, 40, 40), (40, 170, 70), (40, 90, 220), (240, 200, 40))


def quadrant_png(width: int, height: int) -> bytes:
    img = Image.new("RGB", (width, height))
    for i, colour in enumerate(QUADRANTS):
        x, y = (i % 2) * width // 2, (i // 2) * height // 2
        img.paste(colour, (x, y, x + width // 2, y + height // 2))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def quadrants_wrong(img: Image.Image) -> str | None:
    """What differs from the four colours where quadrant_png put them, if anything."""
    rgb = img.convert("RGB")
    for i, colour in enumerate(QUADRANTS):
        at = (rgb.width * (1 + 2 * (i % 2)) // 4, rgb.height * (1 + 2 * (i // 2)) // 4)
        got = rgb.getpixel(at)
        if any(abs(a - b) > 16 for a, b in zip(got, colour)):
            return f"{got} at {at}, not {colour}"
    return None


def assert_drawn(app: DesktopApp, element: str, what: str, keep: Path | None = None):
    """The element shows the four colours on screen, once painted (loading
    and the timeline's scrolling may lag the page's own state)."""
    wrong = []

    def right() -> bool:
        drawn = app.element_on_screen(element)
        if keep:
            drawn.save(keep)
        wrong.append(quadrants_wrong(drawn))
        return wrong[-1] is None
    try:
        wait_until(right, timeout=10, what=what)
    except AssertionError:
        raise AssertionError(f"{what}: {wrong[-1]}") from None


def media_path(mxc: str) -> str:
    """The scheme's path for an mxc URI, as ui/src/media.ts builds it."""
    server, media_id = mxc.removeprefix("mxc://").split("/")
    return f"trellis-media://{server.replace(':', '%3A')}/{media_id}?"


def loaded_image(app: DesktopApp, img: str) -> dict:
    """The <img> once the page has it decoded."""
    state = lambda: app.run_js(  # noqa: E731
        "const i = arguments[0]; return {complete: i.complete, w: i.naturalWidth, h: i.naturalHeight, src: i.src};",
        {ELEMENT: img})
    return wait_until(lambda: (s := state())["complete"] and s["w"] > 0 and s, timeout=30, what="the image to load")


def test_media_from_others_shows_through_the_media_scheme_and_files_download(
        register_user, logged_in, desktop_bin, display, logs, tmp_path):
    alice, bob = register_user("alice"), register_user("bob")
    room_id = room_of_two(bob, alice, "Media room")
    full, thumb = quadrant_png(640, 480), quadrant_png(320, 240)
    full_mxc = bob.upload(full, "image/png", "colours.png")
    thumb_mxc = bob.upload(thumb, "image/png", "thumbnail.png")
    bob.send(room_id, "m.room.message", {
        "msgtype": "m.image", "body": "colours.png", "url": full_mxc,
        "info": {"mimetype": "image/png", "size": len(full), "w": 640, "h": 480, "thumbnail_url": thumb_mxc,
                 "thumbnail_info": {"mimetype": "image/png", "size": len(thumb), "w": 320, "h": 240}}})
    # Every byte value, so a text or HTML conversion anywhere on the way shows.
    report = bytes(range(256)) * 40 + b"the end\n"
    report_mxc = bob.upload(report, "application/octet-stream", "report.bin")
    bob.send(room_id, "m.room.message", {"msgtype": "m.file", "body": "report.bin", "filename": "report.bin",
                                         "url": report_mxc,
                                         "info": {"mimetype": "application/octet-stream", "size": len(report)}})
    profile = logged_in(alice, [room_id])

    # Where downloads go, as the desktop's user-dirs say (glib and the dirs crate read this file).
    config, downloads = tmp_path / "config", tmp_path / "Downloads"
    config.mkdir()
    downloads.mkdir()
    (config / "user-dirs.dirs").write_text(f'XDG_DOWNLOAD_DIR="{downloads}"\n')

    with DesktopApp(desktop_bin, profile, display, logs, extra_env={"XDG_CONFIG_HOME": str(config)}) as app:
        app.click(app.find(text_xpath("Media room"), timeout=60))
        img = app.find("//img[@alt='colours.png']")
        state = loaded_image(app, img)
        # The sender's thumbnail, through our scheme (never straight from Synapse).
        assert state["src"].startswith(media_path(thumb_mxc)), state
        assert (state["w"], state["h"]) == (320, 240), state
        assert_drawn(app, img, "the image as the window draws it", keep=logs / "image.png")
        # A click shows the whole picture, through the scheme too, over the app; Escape closes it.
        app.click(img)
        viewer = "//dialog[@aria-label='colours.png']"
        whole = app.find(f"{viewer}//img")
        state = loaded_image(app, whole)
        assert state["src"].startswith(media_path(full_mxc)) and (state["w"], state["h"]) == (640, 480), state
        screen_shot(display, logs / "viewer.png")
        assert_drawn(app, whole, "the whole picture in the viewer")
        app.press(KEYS_ESCAPE)
        wait_until(lambda: not app.run_js(f"return !!document.evaluate(\"{viewer}\", document).iterateNext()"),
                   timeout=10, what="the viewer to close")

        # The thumbnail was kept in the profile's disk cache, content type first.
        server, thumb_id = thumb_mxc.removeprefix("mxc://").split("/")
        cached = profile / "media-cache" / f"{server.replace(':', '%3A')}~{thumb_id}~p"
        assert cached.read_bytes() == b"image/png\n" + thumb

        # The file: its Download button saves the exact bytes in the download
        # directory, and says where; again, beside the first, never over it.
        card = "//div[@class='file-card'][.//*[normalize-space()='report.bin']]"
        for saved in (downloads / "report.bin", downloads / "report (1).bin"):
            app.click(app.find(f"{card}//a[normalize-space()='Download']"))
            app.find(f"{card}//*[@role='status' and normalize-space()='Saved to {saved}']", timeout=30)
            assert saved.read_bytes() == report
        assert sorted(p.name for p in downloads.iterdir()) == ["report (1).bin", "report.bin"]
        screen_shot(display, logs / "media.png")


UPLOAD_DIALOG = "//dialog[@aria-label='Send files']"


def attach(app: DesktopApp, path: Path):
    """Picks a file as the Attach button's file chooser hands it to the page; the preview dialog shows it."""
    app.type(app.find("//input[@type='file']"), str(path))
    app.find(f"{UPLOAD_DIALOG}//*[normalize-space()='{path.name}']", timeout=10)


def media_contents(user, room_id: str, sender: str) -> list[dict]:
    """The contents of the media messages sender sent, as the homeserver has them."""
    return [e["content"] for e in user.messages(room_id)
            if e["type"] == "m.room.message" and e["sender"] == sender and e["content"].get("url")]


def test_files_attached_in_the_composer_reach_the_other_user_byte_for_byte(
        register_user, logged_in, desktop_bin, display, logs, tmp_path):
    alice, bob = register_user("alice"), register_user("bob")
    room_id = room_of_two(bob, alice, "Upload room")
    profile = logged_in(alice, [room_id])
    picture, data = tmp_path / "holiday.png", tmp_path / "data.bin"
    picture.write_bytes(quadrant_png(400, 300))
    data.write_bytes(bytes(range(255, -1, -1)) * 30)

    with DesktopApp(desktop_bin, profile, display, logs) as app:
        app.click(app.find(text_xpath("Upload room"), timeout=60))
        room_header(app, "Upload room")
        sent = []
        for path in (picture, data):
            attach(app, path)
            if path == picture:
                preview = app.find(f"{UPLOAD_DIALOG}//img")
                state = loaded_image(app, preview)
                assert (state["w"], state["h"]) == (400, 300) and state["src"].startswith("blob:"), state
                screen_shot(display, logs / "upload-preview.png")
                assert_drawn(app, preview, "the upload's preview")
                app.click(app.find(f"{UPLOAD_DIALOG}//button[normalize-space()='Send']"))
            else:
                app.press(KEYS_ENTER)  # Send has the focus as the dialog opens
            content = wait_until(lambda: next((c for c in media_contents(bob, room_id, alice.user_id)
                                               if c["body"] == path.name), None),
                                 timeout=30, what=f"bob to receive {path.name}")
            # What bob's client would fetch is exactly what was picked.
            assert bob.download(content["url"]) == path.read_bytes(), path.name
            sent.append(content)
        image, file = sent
        assert image["msgtype"] == "m.image"
        assert image["info"] == {"mimetype": "image/png", "size": picture.stat().st_size, "w": 400, "h": 300}
        assert file["msgtype"] == "m.file" and file["info"]["size"] == data.stat().st_size

        # Our own picture in our timeline, through the scheme.
        state = loaded_image(app, app.find("//img[@alt='holiday.png']"))
        assert state["src"].startswith(media_path(image["url"])) and state["w"] == 400, state
        screen_shot(display, logs / "uploaded.png")


def test_an_image_sent_to_an_encrypted_room_is_stored_encrypted_and_shown_decrypted(
        register_user, logged_in, desktop_bin, display, logs, tmp_path):
    alice, bob = register_user("alice"), register_user("bob")
    room_id = room_of_two(bob, alice, "Secret room", initial_state=[{
        "type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}])
    profile = logged_in(alice, [room_id])
    picture = tmp_path / "secret.png"
    picture.write_bytes(quadrant_png(480, 360))

    with DesktopApp(desktop_bin, profile, display, logs / "first") as app:
        app.click(app.find(text_xpath("Secret room"), timeout=60))
        room_header(app, "Secret room")
        attach(app, picture)
        app.click(app.find(f"{UPLOAD_DIALOG}//button[normalize-space()='Send']"))
        src = loaded_image(app, app.find("//img[@alt='secret.png']", timeout=60))["src"]
    wait_until(lambda: not instance_running(profile), timeout=15, what="the first run to end")

    # The homeserver holds only ciphertext (AES-CTR: the same length).
    match = re.fullmatch(r"trellis-media://([^/]+)/([\w-]+)\?encrypted=true", src)
    assert match, src
    server, media_id = match.groups()
    stored = bob.download(f"mxc://{server.replace('%3A', ':')}/{media_id}")
    assert stored != picture.read_bytes() and len(stored) == len(picture.read_bytes())
    # Without the copy the upload left in the cache, the scheme must fetch
    # the ciphertext and decrypt it with the key in the stored event.
    cached = profile / "media-cache" / f"{server}~{media_id}~e"
    assert cached.read_bytes() == b"image/png\n" + picture.read_bytes()
    cached.unlink()

    with DesktopApp(desktop_bin, profile, display, logs / "again") as app:
        app.click(app.find(text_xpath("Secret room"), timeout=60))
        img = app.find("//img[@alt='secret.png']")
        state = loaded_image(app, img)
        assert state["src"] == src and (state["w"], state["h"]) == (480, 360), state
        assert_drawn(app, img, "the decrypted image as the window draws it")
        assert cached.read_bytes() == b"image/png\n" + picture.read_bytes()
        screen_shot(display, logs / "decrypted.png")
