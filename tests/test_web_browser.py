"""The web mode as a person uses it (issue 6): the UI that `trellis-server
--listen` serves, in Debian's Chromium (tests/browser/driver.mjs), against the
test Synapse. Web login, Matrix login, the room list, a room, sending and
receiving; then, while the other user keeps writing, a page reload, a dropped
websocket (the page resumes) and a backend restart (the page starts over):
after each, the timeline shows every message exactly once, in order. And a
room opened while the websocket is down loads, and is read, once it is back.
Screenshots go to the run's artifacts under browser/."""

import re
import threading
import time
from pathlib import Path

import pytest

from conftest import RUN_ARTIFACTS
from harness.browser import Browser, role, text
from harness.faults import Fault

UI_DIR = Path(__file__).resolve().parent.parent / "ui" / "dist"
ROOM = "Browser chat"
# Every message of the test starts with this, so the timeline's rows can be
# read back without depending on how the tiles lay out the rest.
MESSAGE = re.compile(r"^msg-\d\d .*$", re.M)


def timeline_messages(browser: Browser) -> list[str]:
    """The message bodies the open room's timeline shows, top to bottom."""
    return [m for article in browser.texts(role("list", "Timeline"), role("article"))
            for m in MESSAGE.findall(article)]


def wait_until(check, timeout: float = 30, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def sign_in(browser: Browser, web, synapse, me, shots: Path | None = None) -> None:
    """The web server's own login, then Matrix's, as the pages ask for them."""
    browser.goto(web.base + "/")
    browser.wait(role("heading", "Sign in to this Trellis"))
    browser.fill(role("textbox", "Username"), value=web.username)
    browser.fill(role("textbox", "Password"), value=web.password)
    if shots:
        browser.screenshot(shots / "01-web-login.png")
    browser.click(role("button", "Continue"))

    browser.wait(role("heading", "Sign in to Matrix"))
    browser.fill(role("textbox", "Homeserver"), value=synapse.url)
    browser.fill(role("textbox", "Username"), value=me.localpart)
    browser.fill(role("textbox", "Password"), value=me.password)
    if shots:
        browser.screenshot(shots / "02-matrix-login.png")
    browser.click(role("button", "Sign in"))


def open_room(browser: Browser, shots: Path | None = None) -> None:
    room_button = (role("region", "Rooms"), role("button", ROOM, exact=False))
    browser.wait(*room_button, timeout=90)
    if shots:
        browser.screenshot(shots / "03-rooms.png")
    browser.click(*room_button)
    browser.wait(role("heading", ROOM))


def send(browser: Browser, body: str) -> None:
    """Types a message and sends it with Enter; returns once it shows as sent."""
    browser.fill(role("textbox", "Message"), value=body)
    browser.press(role("textbox", "Message"), key="Enter")
    browser.wait(role("list", "Timeline"), text(body))
    browser.wait(role("list", "Timeline"), text("Sending…"), state="hidden")


def bob_writes_while(bob, room_id: str, first: int, count: int, action) -> list[str]:
    """Bob sends `count` messages a quarter second apart; `action` runs after
    the third, while he goes on. Returns the bodies, in the order sent."""
    bodies = [f"msg-{n:02d} bob goes on, part {n - first + 1}" for n in range(first, first + count)]
    third = threading.Event()
    failures: list[BaseException] = []

    def write():
        try:
            for i, body in enumerate(bodies):
                bob.send_text(room_id, body)
                if i == 2:
                    third.set()
                time.sleep(0.25)
        except BaseException as e:  # re-raised below, in the test's thread
            failures.append(e)
        finally:
            third.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        third.wait(30)
        action()
    finally:
        writer.join(60)
    assert not failures, failures
    return bodies


@pytest.fixture
def web(make_web):
    """A `trellis-server --listen` serving this checkout's built UI."""
    if not (UI_DIR / "index.html").is_file():
        pytest.fail("no built UI in ui/dist: run `npm --prefix ui run build` (scripts/test does)", pytrace=False)
    return make_web(env={"TRELLIS_UI_DIR": str(UI_DIR)})


@pytest.fixture
def browser(request):
    shots = RUN_ARTIFACTS / "browser"
    b = Browser(shots / f"{request.node.name}.driver.log")
    yield b
    # A last look at the page, whatever happened: what a failure needs.
    try:
        b.screenshot(shots / f"{request.node.name}-last.png")
    except Exception:
        pass
    b.close()


def test_log_in_chat_and_reload_mid_conversation(web, synapse, register_user, browser):
    shots = RUN_ARTIFACTS / "browser"
    me, bob = register_user("me"), register_user("bob")
    room_id = bob.create_room(name=ROOM, invite=[me.user_id])
    me.join(room_id)
    bob.send_text(room_id, "msg-00 hello from bob")
    expected = ["msg-00 hello from bob"]

    sign_in(browser, web, synapse, me, shots)
    open_room(browser, shots)
    browser.wait(role("list", "Timeline"), text(expected[0]))
    assert room_id in browser.url()

    # Send: the echo turns into the sent message, which bob receives.
    mine = "msg-01 hi bob, from the browser"
    browser.fill(role("textbox", "Message"), value=mine)
    browser.press(role("textbox", "Message"), key="Enter")
    expected.append(mine)
    browser.wait(role("list", "Timeline"), text(mine))
    wait_until(lambda: any(e["content"].get("body") == mine for e in bob.messages(room_id)),
               what="bob to receive the message")
    browser.wait(role("list", "Timeline"), text("Sending…"), state="hidden")
    assert browser.count(role("list", "Timeline"), role("button", "Retry")) == 0

    reply = "msg-02 bob answers"
    bob.send_text(room_id, reply)
    expected.append(reply)
    browser.wait(role("list", "Timeline"), text(reply))
    browser.screenshot(shots / "04-conversation.png")
    assert timeline_messages(browser) == expected

    # Bob keeps writing while the page reloads: some of his messages arrive
    # before the reload, some while the page is gone, some after. From here
    # on the page's websocket passes through the driver, for the drop below.
    browser.route_websockets()
    across = bob_writes_while(bob, room_id, first=3, count=10, action=browser.reload)
    expected += across
    browser.wait(role("heading", ROOM), timeout=60)
    browser.wait(role("list", "Timeline"), text(across[-1]), timeout=60)
    browser.wait(role("list", "Timeline"), text("This is the beginning of the conversation."))
    browser.screenshot(shots / "05-after-reload.png")
    assert timeline_messages(browser) == expected

    # The connection drops (the page stays) and stays down for a moment while
    # bob writes on: the page says so, then resumes where it was.
    attached = web.log_tail(10_000).count("websocket attached resumed=true")

    def drop():
        assert browser.drop_websockets(hold=3) == 1
        browser.wait(role("status"), text("Reconnecting…", exact=False), timeout=3)
        browser.screenshot(shots / "06-reconnecting.png")

    across = bob_writes_while(bob, room_id, first=13, count=10, action=drop)
    expected += across
    browser.wait(role("list", "Timeline"), text(across[-1]), timeout=60)
    assert web.log_tail(10_000).count("websocket attached resumed=true") == attached + 1, \
        "the page did not resume its websocket session"

    after = "msg-23 back after all that"
    send(browser, after)
    expected.append(after)
    # The whole conversation is on screen (its beginning too), so what the
    # timeline shows is everything it holds.
    browser.wait(role("list", "Timeline"), text("This is the beginning of the conversation."))
    browser.screenshot(shots / "07-after-resume.png")
    assert timeline_messages(browser) == expected
    assert browser.texts(role("alert")) == []
    server_side = [e["content"]["body"] for e in reversed(bob.messages(room_id)) if e["type"] == "m.room.message"]
    assert server_side == expected


def test_the_page_comes_back_after_a_backend_restart(web, synapse, register_user, browser):
    """The backend goes away mid-conversation and comes back as a new run: the
    page says it is reconnecting, its resume cannot work, and the fresh state
    it gets instead brings it back to the same room with nothing lost or doubled,
    the messages sent meanwhile included."""
    shots = RUN_ARTIFACTS / "browser"
    me, bob = register_user("me"), register_user("bob")
    room_id = bob.create_room(name=ROOM, invite=[me.user_id])
    me.join(room_id)
    expected = ["msg-00 before the restart"]
    bob.send_text(room_id, expected[0])
    sign_in(browser, web, synapse, me)
    open_room(browser)
    browser.wait(role("list", "Timeline"), text(expected[0]))

    web.stop()
    browser.wait(role("status"), text("Reconnecting…", exact=False), timeout=30)
    for n in (1, 2, 3):
        expected.append(f"msg-{n:02d} while the backend was down")
        bob.send_text(room_id, expected[-1])
    browser.screenshot(shots / "11-backend-down.png")
    web.start()

    browser.wait(role("list", "Timeline"), text(expected[-1]), timeout=60)
    assert room_id in browser.url()
    expected.append("msg-04 after the restart")
    bob.send_text(room_id, expected[-1])
    browser.wait(role("list", "Timeline"), text(expected[-1]))
    expected.append("msg-05 me again")
    send(browser, expected[-1])
    browser.wait(role("list", "Timeline"), text("This is the beginning of the conversation."))
    browser.screenshot(shots / "12-after-restart.png")
    assert timeline_messages(browser) == expected
    assert browser.count(role("status"), text("Reconnecting…", exact=False)) == 0
    # Nothing that failed while the backend was away is still shown as an error.
    assert browser.texts(role("alert")) == []
    # Bob's first message was unread when the room was opened: the "new
    # messages" line stays above it, however many came after.
    shown = browser.texts(role("list", "Timeline"))[0].lower()
    assert shown.index("new messages") < shown.index(expected[0])


def test_a_room_opened_while_reconnecting_loads_once_back(web, synapse, register_user, browser):
    """Opening a room while the websocket is down (its requests cannot go out)
    loads it when the connection is back, without a stale error."""
    shots = RUN_ARTIFACTS / "browser"
    me, bob = register_user("me"), register_user("bob")
    room_id = bob.create_room(name=ROOM, invite=[me.user_id])
    me.join(room_id)
    bob.send_text(room_id, "msg-00 in the first room")
    side_id = bob.create_room(name="Side room", invite=[me.user_id])
    me.join(side_id)
    side = [f"msg-{n:02d} in the side room" for n in range(1, 6)]
    for body in side:
        bob.send_text(side_id, body)
    browser.route_websockets()
    sign_in(browser, web, synapse, me)
    open_room(browser)
    browser.wait(role("list", "Timeline"), text("msg-00 in the first room"))

    assert browser.drop_websockets(hold=4) == 1
    browser.wait(role("status"), text("Reconnecting…", exact=False), timeout=3)
    browser.click(role("region", "Rooms"), role("button", "Side room", exact=False))
    browser.wait(role("heading", "Side room"))
    browser.screenshot(shots / "21-opened-while-reconnecting.png")
    assert browser.count(role("region", "Rooms"), role("button", "5 unread", exact=False)) == 1

    browser.wait(role("list", "Timeline"), text("This is the beginning of the conversation."), timeout=60)
    browser.screenshot(shots / "22-loaded-once-back.png")
    assert timeline_messages(browser) == side
    assert browser.texts(role("alert")) == []
    # Seen, so read: its receipt, which could not go out before, goes out now.
    browser.wait(role("region", "Rooms"), role("button", "5 unread", exact=False), state="hidden", timeout=30)


def test_scrolling_up_a_long_room_loads_all_of_it_in_order_without_jumps(web, synapse, register_user, browser):
    """Flinging up through 400 messages, most of them fetched page by page
    from the homeserver as the view nears the top: the row in the middle of
    the view only ever moves to older messages (a page landing mid-scroll
    neither undoes the scroll nor jumps), the start of the room is reached,
    and scrolling back down shows every message once, in order."""
    me, bob = register_user("me"), register_user("bob")
    room_id = bob.create_room(name=ROOM, invite=[me.user_id])
    me.join(room_id)
    # Rows of different heights: every seventh message is three lines.
    bodies = [f"old-{n:03d}" + ("\nsecond line\nthird line" if n % 7 == 0 else " from bob") for n in range(400)]
    for body in bodies:
        last = bob.send_text(room_id, body)
    # All read already: the "new messages" line would otherwise be placed,
    # mid-scroll, above the first unread once its page arrives.
    me.read_receipt(room_id, last)
    number = re.compile(r"old-(\d{3})")
    timeline = role("list", "Timeline")

    sign_in(browser, web, synapse, me)
    open_room(browser)
    browser.wait(timeline, text("old-398 from bob"), timeout=60)

    middles: list[int] = []
    for _ in range(60):
        middles += [int(m.group(1)) for t in browser.scroll(timeline, by=-500, frames=15) if (m := number.search(t))]
        if browser.count(timeline, text("This is the beginning of the conversation.")):
            break
    else:
        raise AssertionError(f"the start of the room was never reached; the middle row went {middles[-40:]}")
    backwards = [(a, b) for a, b in zip(middles, middles[1:]) if b > a]
    assert not backwards, f"the view moved to newer messages while scrolling up: {backwards[:10]}"
    assert middles[0] > 350 and min(middles) < 20, middles

    seen: list[int] = []
    for _ in range(400):
        for t in browser.texts(timeline, role("article")):
            if (m := number.search(t)) and int(m.group(1)) not in seen:
                seen.append(int(m.group(1)))
        if seen and seen[-1] == 399:
            break
        browser.scroll(timeline, by=400, frames=1)
    assert seen == list(range(400))


def test_history_the_homeserver_refuses_is_said_at_the_top_and_loads_on_retry(web, register_user, browser, faulty):
    """Older messages that the homeserver will not give: the top of the
    timeline says so with a Retry button, and nothing asks again by itself
    however the view is scrolled; once the homeserver answers, Retry loads
    them up to the start of the room."""
    me, bob = register_user("me"), register_user("bob")
    room_id = bob.create_room(name=ROOM, invite=[me.user_id])
    me.join(room_id)
    for n in range(120):
        last = bob.send_text(room_id, f"old-{n:03d} from bob")
    me.read_receipt(room_id, last)
    timeline = role("list", "Timeline")
    history = r"^/_matrix/client/v3/rooms/[^/]+/messages"
    faulty.add(Fault("GET", history, 403, {"errcode": "M_FORBIDDEN", "error": "history is closed today"}, times=1000))
    sign_in(browser, web, faulty, me)
    open_room(browser)
    browser.wait(timeline, text("old-119 from bob"), timeout=60)

    browser.scroll(timeline, by=-3000, frames=5)
    browser.wait(timeline, text("Could not load older messages", exact=False))
    asked = len(faulty.requests_matching("GET", history))
    for _ in range(6):
        browser.scroll(timeline, by=200, frames=2)
        browser.scroll(timeline, by=-400, frames=2)
        time.sleep(0.5)
    assert len(faulty.requests_matching("GET", history)) == asked, "history was asked for again without Retry"
    assert browser.count(timeline, text("old-000 from bob")) == 0

    faulty.faults.clear()
    browser.click(timeline, role("button", "Retry"))
    for _ in range(40):
        if browser.count(timeline, text("This is the beginning of the conversation.")):
            break
        browser.scroll(timeline, by=-3000, frames=3)
    browser.wait(timeline, text("old-000 from bob"))
    assert browser.count(timeline, text("Could not load older messages", exact=False)) == 0


@pytest.fixture
def other_site():
    """A plain page served from another port of this host: the same site as
    the web mode for the browser (ports do not count), another origin."""
    import http.server

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<!doctype html><title>Another page</title><p>nothing to see"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_another_port_cannot_upload_or_move_keys_with_the_cookie(web, synapse, register_user, browser, other_site):
    me = register_user("me")
    sign_in(browser, web, synapse, me)
    browser.wait(text("No rooms yet."), timeout=90)
    routes = {
        "upload": dict(url=f"{web.base}/_gomuks/upload?filename=note.txt", body="a note"),
        "export": dict(url=f"{web.base}/_gomuks/keys/export", urlencoded={"passphrase": "pass phrase"}),
        "import": dict(url=f"{web.base}/_gomuks/keys/import",
                       form={"export": "not a key file", "passphrase": "pass phrase"}),
    }
    # From the web mode's own page the cookie reaches all three: the upload
    # is stored, the export finds no room keys yet (a new account) and the
    # import finds the file is not a key export.
    own = {name: browser.post_status(**args) for name, args in routes.items()}
    assert own == {"upload": 200, "export": 400, "import": 400}, own
    # From the other port's page the browser sends the same cookie: refused.
    browser.goto(other_site)
    browser.wait(text("nothing to see"))
    foreign = {name: browser.post_status(**args) for name, args in routes.items()}
    assert foreign == {"upload": 403, "export": 403, "import": 403}, foreign
