"""The real desktop app under Xvfb, driven through tauri-driver and WebKitWebDriver
(W3C WebDriver over plain HTTP), plus a stand-in notification server on the
session bus that records what the app shows."""

import base64
import ctypes
import os
import re
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from jeepney import DBusAddress, message_bus, new_method_return, new_signal
from jeepney.io.blocking import open_dbus_connection
from PIL import Image, ImageGrab

from harness.bus import BusService

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
KEYS_ENTER = "\ue007"
KEYS_ESCAPE = "\ue00c"
IDENTIFIER = "app.trellis.desktop"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Xvfb:
    """A private X display for the window."""

    def __init__(self, log: Path):
        self.display = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
        log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["Xvfb", f":{self.display}", "-screen", "0", "1280x860x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL, stderr=log.open("wb"))
        deadline = time.time() + 15
        while not Path(f"/tmp/.X11-unix/X{self.display}").exists():
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"Xvfb did not start (see {log})")
            time.sleep(0.1)

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)


class NotificationServer(BusService):
    """org.freedesktop.Notifications on the session bus: records each Notify
    and can report a click (ActionInvoked), as a desktop's server would."""

    PATH = "/org/freedesktop/Notifications"
    IFACE = "org.freedesktop.Notifications"

    def __init__(self):
        self.shown: list[dict] = []
        super().__init__(self.IFACE)

    def answer(self, member: str, msg) -> list:
        if member == "Notify":
            app, _replaces, _icon, summary, body, actions, _hints, _timeout = msg.body
            nid = len(self.shown) + 1
            self.shown.append({"id": nid, "app": app, "summary": summary, "body": body, "actions": list(actions)})
            return [new_method_return(msg, "u", (nid,))]
        if member == "GetCapabilities":
            return [new_method_return(msg, "as", (["actions", "body"],))]
        if member == "GetServerInformation":
            return [new_method_return(msg, "ssss", ("tests", "trellis", "1", "1.2"))]
        if member == "CloseNotification":
            return [new_method_return(msg)]
        return []

    def click(self, nid: int, action: str = "default"):
        """Tells the app its notification was activated."""
        addr = DBusAddress(self.PATH, interface=self.IFACE)
        self.send(new_signal(addr, "ActionInvoked", "us", (nid, action)))

    def wait_for(self, predicate, timeout: float = 30) -> dict:
        deadline = time.time() + timeout
        while time.time() < deadline:
            for n in self.shown:
                if predicate(n):
                    return n
            time.sleep(0.2)
        raise AssertionError(f"no such notification within {timeout}s; shown: {self.shown}")


def app_env(display: int, profile: Path, path_first: Path | None = None, extra: dict | None = None) -> dict:
    """The app's environment: its display and profile; path_first goes
    before PATH (where a test puts its own xdg-open); extra on top."""
    env = dict(os.environ, DISPLAY=f":{display}", TRELLIS_PROFILE=str(profile),
               WEBKIT_DISABLE_COMPOSITING_MODE="1", GDK_BACKEND="x11", TRELLIS_LOG="info", **(extra or {}))
    if path_first:
        env["PATH"] = f"{path_first}:{env['PATH']}"
    return env


def _xwininfo(display: int, *args: str) -> str:
    return subprocess.run(["xwininfo", *args], env=dict(os.environ, DISPLAY=f":{display}"),
                          capture_output=True, text=True, check=True).stdout


def main_windows(display: int) -> list[int]:
    """The X ids of the apps' main windows (titled "Trellis", or "(n) Trellis")."""
    for attempt in range(5):
        try:
            tree = _xwininfo(display, "-root", "-tree")
            break
        except subprocess.CalledProcessError:
            # A window that went away during the walk fails it; the next walk won't meet it.
            if attempt == 4:
                raise
            time.sleep(0.1)
    ids = re.findall(r'^\s*(0x[0-9a-f]+) "(?:\(\d+\) )?Trellis":', tree, re.M)
    return [int(i, 16) for i in ids]


def main_window(display: int) -> int | None:
    windows = main_windows(display)
    return windows[0] if windows else None


def _main_window_info(display: int) -> str | None:
    window = main_window(display)
    if window is None:
        return None
    try:
        return _xwininfo(display, "-id", hex(window))
    except subprocess.CalledProcessError:
        return None  # gone between the two calls


def window_viewable(display: int) -> bool:
    """Whether the main window is mapped, that is on screen rather than in the tray."""
    info = _main_window_info(display)
    return info is not None and "Map State: IsViewable" in info


def window_rect(display: int) -> tuple[int, int, int, int] | None:
    """Where the main window is on the screen: x, y, width, height."""
    info = _main_window_info(display)
    if info is None:
        return None
    field = lambda name: int(re.search(rf"^\s*{name}:\s*(-?\d+)", info, re.M).group(1))  # noqa: E731
    return field("Absolute upper-left X"), field("Absolute upper-left Y"), field("Width"), field("Height")


def screen_shot(display: int, path: Path):
    """What the display shows, read from the X server."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ImageGrab.grab(xdisplay=f":{display}").save(path)


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


@contextmanager
def _window_manager(display: int):
    """Xlib on the display, with the main window: Xvfb has no window
    manager, so the test does what one would."""
    window = main_window(display)
    if window is None:
        raise AssertionError("no Trellis window on the display")
    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    x11.XMoveResizeWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                                      ctypes.c_uint, ctypes.c_uint]
    x11.XFlush.argtypes = x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x11.XOpenDisplay(f":{display}".encode())
    if not dpy:
        raise RuntimeError(f"cannot open display :{display}")
    try:
        yield x11, dpy, window
        x11.XFlush(dpy)
    finally:
        x11.XCloseDisplay(dpy)


def close_window(display: int):
    """What a window manager's close button does: WM_DELETE_WINDOW sent to the main window."""
    with _window_manager(display) as (x11, dpy, window):
        event = _XEvent()
        event.xclient.type = 33  # ClientMessage
        event.xclient.window = window
        event.xclient.message_type = x11.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
        event.xclient.format = 32
        event.xclient.data[0] = x11.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
        x11.XSendEvent(dpy, window, 0, 0, ctypes.byref(event))


def move_resize_window(display: int, x: int, y: int, width: int, height: int):
    """What a person dragging the main window and its corner ends with."""
    with _window_manager(display) as (x11, dpy, window):
        x11.XMoveResizeWindow(dpy, window, x, y, width, height)


def instance_name(profile: Path) -> str:
    """The single-instance plugin's bus name for a profile's app: the
    identifier and an FNV-1a hash of the profile's path (main.rs, instance_id)."""
    h = 0xCBF29CE484222325
    for b in os.fsencode(os.path.realpath(profile)):
        h = ((h ^ b) * 0x100000001B3) % 2**64
    return f"{IDENTIFIER}.p{h:016x}.SingleInstance"


def instance_running(profile: Path) -> bool:
    """Whether a Trellis of this profile owns its single-instance name on the session bus."""
    with open_dbus_connection(bus="SESSION") as conn:
        return bool(conn.send_and_get_reply(message_bus.NameHasOwner(instance_name(profile))).body[0])


class DesktopProcess:
    """trellis-desktop started directly (no WebDriver), for what happens
    outside the page: the tray, a second launch, how the process ends."""

    def __init__(self, binary: Path, env: dict, log: Path, args: tuple[str, ...] = ()):
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log
        self.proc = subprocess.Popen([str(binary), *args], env=env, stdout=subprocess.DEVNULL,
                                     stderr=log.open("wb"))

    def wait(self, timeout: float = 20) -> int:
        return self.proc.wait(timeout)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class DesktopApp:
    """trellis-desktop started by tauri-driver, with a WebDriver session on its window."""

    def __init__(self, binary: Path, profile: Path, display: int, log_dir: Path, path_first: Path | None = None,
                 extra_env: dict | None = None):
        driver = shutil.which("tauri-driver") or str(Path.home() / ".cargo/bin/tauri-driver")
        native = shutil.which("WebKitWebDriver")
        if not os.access(driver, os.X_OK) or not native:
            raise RuntimeError("tauri-driver and WebKitWebDriver are needed (scripts/test installs them)")
        self.port = free_port()
        self.display = display
        env = app_env(display, profile, path_first, extra_env)
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log = log_dir / "desktop.log"
        self.proc = subprocess.Popen(
            [driver, "--port", str(self.port), "--native-port", str(free_port()), "--native-driver", native],
            env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        self.log_dir = log_dir
        self.url = f"http://127.0.0.1:{self.port}"
        try:
            self.session = self._start_session(binary)
        except BaseException:
            self.proc.kill()  # no session, no close(): the driver would outlive the test
            self.proc.wait(10)
            raise

    def _start_session(self, binary: Path) -> str:
        deadline = time.time() + 20
        while True:
            try:
                requests.get(self.url + "/status", timeout=1)
                break
            except requests.ConnectionError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"tauri-driver did not start (see {self.log})")
                time.sleep(0.2)
        caps = {"capabilities": {"alwaysMatch": {"tauri:options": {"application": str(binary)}}}}
        resp = requests.post(self.url + "/session", json=caps, timeout=120)
        resp.raise_for_status()
        return resp.json()["value"]["sessionId"]

    def _call(self, method: str, path: str, body=None, timeout: float = 30):
        resp = requests.request(method, f"{self.url}/session/{self.session}{path}",
                                json=body if body is not None else ({} if method == "POST" else None),
                                timeout=timeout)
        value = resp.json().get("value") if resp.content else None
        if not resp.ok:
            raise RuntimeError(f"WebDriver {method} {path} -> {resp.status_code}: {value}")
        return value

    def find(self, xpath: str, timeout: float = 30) -> str:
        """The first element matching xpath, waiting for it to appear."""
        deadline = time.time() + timeout
        while True:
            try:
                found = self._call("POST", "/element", {"using": "xpath", "value": xpath})
                if isinstance(found, dict) and ELEMENT in found:
                    return found[ELEMENT]
            except RuntimeError:
                pass
            if time.time() > deadline:
                raise AssertionError(f"nothing matches {xpath} after {timeout}s")
            time.sleep(0.25)

    def click(self, element: str):
        self._call("POST", f"/element/{element}/click")

    def type(self, element: str, text: str):
        self._call("POST", f"/element/{element}/value", {"text": text})

    def press(self, key: str):
        """A key pressed and released where the focus is (KEYS_ESCAPE, …)."""
        self._call("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]})

    def run_js(self, script: str, *args):
        return self._call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def page_source(self) -> str:
        return self._call("GET", "/source")

    def screenshot(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self._call("GET", "/screenshot")))

    def element_on_screen(self, element: str) -> Image.Image:
        """The element as the screen shows it, read from the X server
        (WebKitWebDriver's screenshots hang with a modal dialog open)."""
        left, top, width, height = self.run_js(
            "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height];",
            {ELEMENT: element})
        rect = window_rect(self.display)
        if rect is None:
            raise AssertionError("no Trellis window on the display")
        x, y = rect[0] + round(left), rect[1] + round(top)
        return ImageGrab.grab(bbox=(x, y, x + round(width), y + round(height)), xdisplay=f":{self.display}")

    def keep_failure(self, directory: Path):
        """The page and a screenshot, as far as a failing session still gives them."""
        directory.mkdir(parents=True, exist_ok=True)
        for name, take in (("failure.html", lambda: self.page_source().encode()),
                           ("failure.png", lambda: base64.b64decode(self._call("GET", "/screenshot", timeout=15)))):
            try:
                (directory / name).write_bytes(take())
            except Exception as e:  # noqa: BLE001 — keep what can be kept
                (directory / f"{name}.error.txt").write_text(repr(e))

    def __enter__(self) -> "DesktopApp":
        return self

    def __exit__(self, kind, _value, _trace):
        """Ends the app; after a failure, keeps the page and a screenshot in the log directory first."""
        if kind is not None:
            self.keep_failure(self.log_dir)
        self.close()

    def close(self):
        try:
            requests.delete(f"{self.url}/session/{self.session}", timeout=10)
        except requests.RequestException:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
