"""Keyboard and screen-reader use of the web UI (issue 21), in Debian's
Chromium against the test Synapse. A keyboard-only walk: open a room with
Ctrl+K, walk its messages with the arrow keys (past the virtual list's
rendered window), react and reply without the mouse; the focus outline
still shows in forced-colours mode. And axe-core over the main screens (the
two sign-in pages, the room list with a room, the room's panel, the
settings dialog): no serious or critical violation. The axe reports go to
the run's artifacts under a11y/."""

from conftest import RUN_ARTIFACTS
from harness.browser import Browser, role, text
from test_web_browser import ROOM, browser, open_room, sign_in, wait_until, web  # noqa: F401 (fixtures)

TIMELINE = role("list", "Timeline")
COUNT = 200


def seed_room(register_user):
    me, bob = register_user("me"), register_user("bob")
    room_id = bob.create_room(name=ROOM, invite=[me.user_id])
    me.join(room_id)
    bodies = [f"msg-{n:02d} from bob" for n in range(COUNT)]
    for body in bodies:
        bob.send_text(room_id, body)
    return me, bob, room_id, bodies


def focused_row(browser: Browser) -> str | None:
    """The first line of the message the focus is in (None outside the timeline)."""
    f = browser.focused()
    return f["row"] if f else None


def test_keyboard_only_walk_react_and_reply(web, synapse, register_user, browser):
    me, bob, room_id, bodies = seed_room(register_user)
    # Short enough that the timeline renders only a window of the messages.
    browser.viewport(1280, 720)
    sign_in(browser, web, synapse, me)
    browser.wait(role("region", "Rooms"), role("button", ROOM, exact=False), timeout=90)

    # Open the room from the keyboard: Ctrl+K, its name, Enter.
    browser.keys("Control+k")
    browser.type(ROOM)
    browser.keys("Enter")
    browser.wait(role("heading", ROOM))
    browser.wait(TIMELINE, text(bodies[-1]))

    # The room opens with the caret in the composer.
    wait_until(lambda: (browser.focused() or {}).get("tag") == "textarea", what="the composer to take the focus")

    # From the composer, Shift+Tab goes back through the newest message's
    # actions to the message itself. Known flake (about 1 run in 7): the
    # first pass can miss the list's tab stop while the room is still
    # settling, so the walk may go round the page once more.
    for _ in range(60):
        browser.keys("Shift+Tab")
        f = browser.focused()
        if f and f["role"] == "listitem":
            break
    f = browser.focused()
    assert f and f["role"] == "listitem", f
    assert bodies[-1] in f["row"], f

    # Up through the messages, one by one, each shown as it gets the focus:
    # 120 rows are several times what the rendered window holds, and older
    # pages load on the way.
    for body in reversed(bodies[-121:-1]):
        browser.keys("ArrowUp")
        f = browser.focused()
        assert f and f["role"] == "listitem" and body in f["row"], (body, f)
        assert f["in_view"], (body, f["box"])
    # End goes back to the newest, far outside the window where the focus was
    # (not rendered until the list scrolls there).
    browser.keys("End")
    f = browser.focused()
    assert f and bodies[-1] in f["row"] and f["in_view"], f
    browser.keys("ArrowUp")
    target = bodies[-2]
    assert target in focused_row(browser)

    # Tab goes through this message's own controls and then out of the
    # list: never into another message.
    rows_seen = []
    for _ in range(15):
        browser.keys("Tab")
        row = focused_row(browser)
        if row is None:
            break
        rows_seen.append(row)
    assert row is None, "Tab never left the timeline"
    assert all(target in r for r in rows_seen), rows_seen
    assert len(rows_seen) >= 5, rows_seen  # three reactions, more reactions, reply

    # Back to the message (Shift+Tab), into its actions (Enter), react 👍.
    for _ in range(len(rows_seen)):
        browser.keys("Shift+Tab")
    browser.keys("Escape")
    f = browser.focused()
    assert f and f["role"] == "listitem" and target in f["row"], f
    browser.keys("Enter")
    assert browser.focused()["label"] == "React 👍"
    browser.keys("Enter")
    browser.wait(TIMELINE, role("button", "👍 1"))
    wait_until(lambda: any(e.get("type") == "m.reaction" and e["sender"] == me.user_id
                           for e in bob.messages(room_id)), what="bob's server to have the reaction")

    # Then reply: to the message, along its toolbar to Reply, Enter, type, Enter.
    browser.keys("Escape")
    browser.keys("Enter")
    for _ in range(8):
        if browser.focused()["label"] == "Reply":
            break
        browser.keys("Tab")
    assert browser.focused()["label"] == "Reply", browser.focused()
    browser.keys("Enter")
    browser.wait(text("Replying to", exact=False))
    assert browser.focused()["tag"] == "textarea", browser.focused()
    reply = "msg-reply typed without a mouse"
    browser.type(reply)
    browser.keys("Enter")
    browser.wait(TIMELINE, role("article"), text(reply))
    browser.wait(TIMELINE, text("Sending…"), state="hidden")
    quoted = [a for a in browser.texts(TIMELINE, role("article")) if reply in a]
    assert quoted and target in quoted[0], quoted

    # The focus still shows in forced-colours mode (high contrast): an outline, not a shadow.
    browser.keys("Shift+Tab")
    while (f := browser.focused()) and f["role"] != "listitem":
        browser.keys("Shift+Tab")
    browser.emulate_media("active")
    f = browser.focused()
    assert f["outline"]["style"] != "none" and f["outline"]["width"] >= 2, f
    browser.emulate_media("none")


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_axe_finds_nothing_serious_on_the_main_screens(web, synapse, register_user, browser):
    me, bob = register_user("me"), register_user("bob")
    room_id = bob.create_room(name=ROOM, invite=[me.user_id])
    me.join(room_id)
    bob.send_text(room_id, "msg-00 hello from bob")
    bob.send(room_id, "m.room.message", {
        "msgtype": "m.text", "body": "msg-01 the end", "format": "org.matrix.custom.html",
        "formatted_body": 'msg-01 the end: <span data-mx-spoiler="">they win</span> <a href="https://example.org">link</a>'})
    reports = RUN_ARTIFACTS / "a11y"
    found = {}

    browser.goto(web.base + "/")
    browser.wait(role("heading", "Sign in to this Trellis"))
    found["web-login"] = browser.axe(reports / "web-login.axe.json")
    browser.fill(role("textbox", "Username"), value=web.username)
    browser.fill(role("textbox", "Password"), value=web.password)
    browser.click(role("button", "Continue"))
    browser.wait(role("heading", "Sign in to Matrix"))
    found["matrix-login"] = browser.axe(reports / "matrix-login.axe.json")
    browser.fill(role("textbox", "Homeserver"), value=synapse.url)
    browser.fill(role("textbox", "Username"), value=me.localpart)
    browser.fill(role("textbox", "Password"), value=me.password)
    browser.click(role("button", "Sign in"))

    open_room(browser)
    browser.wait(TIMELINE, text("msg-01 the end", exact=False))
    found["room"] = browser.axe(reports / "room.axe.json")
    browser.click(role("button", "Room info"))
    browser.wait(role("tabpanel"))
    found["room-panel"] = browser.axe(reports / "room-panel.axe.json")
    browser.click(role("button", "Settings"))
    browser.wait(role("dialog", "Settings"))
    found["settings"] = browser.axe(reports / "settings.axe.json")
    browser.click(role("tab", "Security"))
    browser.wait(role("tabpanel", "Security"))
    found["settings-security"] = browser.axe(reports / "settings-security.axe.json")

    bad = {screen: serious(v) for screen, v in found.items() if serious(v)}
    assert not bad, bad
