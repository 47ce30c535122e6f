"""The real desktop app under Xvfb, driven through tauri-driver and WebKitWebDriver
(W3C WebDriver over plain HTTP), plus a stand-in notification server on the
session bus that records what the app shows."""

import base64
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import requests
from jeepney import DBusAddress, MessageType, message_bus, new_error, new_method_return, new_signal
from jeepney.io.blocking import open_dbus_connection

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
KEYS_ENTER = "\ue007"


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


class NotificationServer:
    """org.freedesktop.Notifications on the session bus: records each Notify
    and can report a click (ActionInvoked), as a desktop's server would."""

    PATH = "/org/freedesktop/Notifications"
    IFACE = "org.freedesktop.Notifications"

    def __init__(self):
        self.shown: list[dict] = []
        self._conn = open_dbus_connection(bus="SESSION")
        reply = self._conn.send_and_get_reply(message_bus.RequestName(self.IFACE, 4))
        if reply.body[0] != 1:
            raise RuntimeError("another notification server owns the name on this bus")
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop:
            try:
                msg = self._conn.receive(timeout=0.5)
            except TimeoutError:
                continue
            except Exception:
                return
            hdr = msg.header
            if hdr.message_type != MessageType.method_call:
                continue
            member = hdr.fields.get(3)  # HeaderFields.member
            if member == "Notify":
                app, _replaces, _icon, summary, body, actions, _hints, _timeout = msg.body
                nid = len(self.shown) + 1
                self.shown.append({"id": nid, "app": app, "summary": summary, "body": body,
                                   "actions": list(actions)})
                self._conn.send(new_method_return(msg, "u", (nid,)))
            elif member == "GetCapabilities":
                self._conn.send(new_method_return(msg, "as", (["actions", "body"],)))
            elif member == "GetServerInformation":
                self._conn.send(new_method_return(msg, "ssss", ("tests", "trellis", "1", "1.2")))
            elif member == "CloseNotification":
                self._conn.send(new_method_return(msg))
            else:
                self._conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))

    def click(self, nid: int, action: str = "default"):
        """Tells the app its notification was activated."""
        addr = DBusAddress(self.PATH, interface=self.IFACE)
        self._conn.send(new_signal(addr, "ActionInvoked", "us", (nid, action)))

    def wait_for(self, predicate, timeout: float = 30) -> dict:
        deadline = time.time() + timeout
        while time.time() < deadline:
            for n in self.shown:
                if predicate(n):
                    return n
            time.sleep(0.2)
        raise AssertionError(f"no such notification within {timeout}s; shown: {self.shown}")

    def close(self):
        self._stop = True
        self._thread.join(2)
        self._conn.close()


class DesktopApp:
    """trellis-desktop started by tauri-driver, with a WebDriver session on its window."""

    def __init__(self, binary: Path, profile: Path, display: int, log_dir: Path):
        driver = shutil.which("tauri-driver") or str(Path.home() / ".cargo/bin/tauri-driver")
        native = shutil.which("WebKitWebDriver")
        if not os.access(driver, os.X_OK) or not native:
            raise RuntimeError("tauri-driver and WebKitWebDriver are needed (scripts/test installs them)")
        self.port = free_port()
        env = dict(os.environ, DISPLAY=f":{display}", TRELLIS_PROFILE=str(profile),
                   WEBKIT_DISABLE_COMPOSITING_MODE="1", GDK_BACKEND="x11", TRELLIS_LOG="info")
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log = log_dir / "desktop.log"
        self.proc = subprocess.Popen(
            [driver, "--port", str(self.port), "--native-port", str(free_port()), "--native-driver", native],
            env=env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
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
        self.session = resp.json()["value"]["sessionId"]

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

    def run_js(self, script: str, *args):
        return self._call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def page_source(self) -> str:
        return self._call("GET", "/source")

    def screenshot(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self._call("GET", "/screenshot")))

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
