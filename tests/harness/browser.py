"""Debian's Chromium under playwright-core, driven from a test through
tests/browser/driver.mjs (JSON lines over a pipe). Elements are named as a
person sees them: `role("button", "Sign in")`, `text("hello")`, and steps
nest (`role("region", "Rooms"), role("button", "Chat", exact=False)`)."""

import itertools
import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent / "browser"


def role(role: str, name: str | None = None, exact: bool = True) -> dict:
    step: dict[str, Any] = {"role": role, "exact": exact}
    if name is not None:
        step["name"] = name
    return step


def text(value: str, exact: bool = True) -> dict:
    return {"text": value, "exact": exact}


class BrowserError(AssertionError):
    pass


class Browser:
    def __init__(self, log_path: Path):
        node = shutil.which("node")
        if node is None or not (HERE / "node_modules/playwright-core").is_dir():
            raise BrowserError("tests/browser needs `npm ci` (scripts/test runs it) and Node.js")
        self.log_path = Path(log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # Chromium stays off the tests' private D-Bus session (it only logs noise there).
        env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
        self._log = open(self.log_path, "ab")
        self._proc = subprocess.Popen([node, str(HERE / "driver.mjs")], cwd=HERE, env=env, text=True,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log)
        self._ids = itertools.count(1)
        self._replies: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        ready = self._next(60)
        if not ready.get("ready"):
            raise BrowserError(f"driver.mjs did not start: {ready}")

    def _read(self) -> None:
        for line in self._proc.stdout:
            if line.strip():
                self._replies.put(json.loads(line))
        self._replies.put(None)

    def _next(self, timeout: float) -> dict:
        try:
            reply = self._replies.get(timeout=timeout)
        except queue.Empty:
            raise BrowserError(f"driver.mjs silent for {timeout} s:\n{self.log_tail()}") from None
        if reply is None:
            raise BrowserError(f"driver.mjs exited ({self._proc.wait()}):\n{self.log_tail()}")
        return reply

    def call(self, op: str, timeout: float = 90, **args) -> Any:
        cid = next(self._ids)
        self._proc.stdin.write(json.dumps({"id": cid, "op": op, **args}) + "\n")
        self._proc.stdin.flush()
        reply = self._next(timeout)
        assert reply.get("id") == cid, reply
        if not reply["ok"]:
            raise BrowserError(f"{op} {args}: {reply['error']}")
        return reply["value"]

    # --- what a test does -----------------------------------------------------------

    def goto(self, url: str) -> str:
        return self.call("goto", url=url)

    def reload(self) -> str:
        return self.call("reload")

    def url(self) -> str:
        return self.call("url")

    def wait(self, *path: dict, state: str = "visible", timeout: float = 30) -> None:
        self.call("wait", timeout=timeout + 30, path=list(path), state=state, timeout_ms=int(timeout * 1000))

    def count(self, *path: dict) -> int:
        return self.call("count", path=list(path))

    def fill(self, *path: dict, value: str) -> None:
        self.call("fill", path=list(path), value=value)

    def click(self, *path: dict) -> None:
        self.call("click", path=list(path))

    def press(self, *path: dict, key: str) -> None:
        self.call("press", path=list(path), key=key)

    def texts(self, *path: dict) -> list[str]:
        return self.call("texts", path=list(path))

    def scroll(self, *path: dict, by: int, frames: int) -> list[str]:
        """Scrolls by `by` px every animation frame; the middle row's text at each frame."""
        return self.call("scroll", path=list(path), by=by, frames=frames)

    def route_websockets(self) -> None:
        """From now on the page's new websockets pass through the driver, which can cut them."""
        self.call("route_websockets")

    def drop_websockets(self, hold: float = 0) -> int:
        """Cuts the routed websockets; new ones wait `hold` seconds before reaching the server."""
        return self.call("drop_websockets", hold_ms=int(hold * 1000))

    def keys(self, *keys: str) -> None:
        """Presses keys on whatever has the focus, one after another."""
        self.call("keys", keys=list(keys))

    def type(self, text: str) -> None:
        """Types text on whatever has the focus, key by key."""
        self.call("type", text=text)

    def focused(self) -> dict | None:
        """What has the keyboard focus: tag, role, label, text, the timeline
        row it is in (`row`), whether it is on screen (`in_view`), its outline."""
        return self.call("focused")

    def emulate_media(self, forced_colors: str) -> None:
        """"active" or "none": forced-colours mode, as Windows' high contrast."""
        self.call("emulate_media", forced_colors=forced_colors)

    def viewport(self, width: int, height: int) -> None:
        self.call("viewport", width=width, height=height)

    def axe(self, report: Path) -> list[dict]:
        """axe-core over the page as it is; the full report goes to `report`,
        the violations (id, impact, help, targets) come back."""
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        return self.call("axe", file=str(report))

    def post_status(self, url: str, body: str | None = None, form: dict | None = None,
                    urlencoded: dict | None = None) -> int:
        """The HTTP status of a no-cors POST the current page sends with the
        browser's cookies (a text body, multipart `form` fields or a urlencoded form)."""
        return self.call("post_status", url=url, body=body, form=form, urlencoded=urlencoded)

    def screenshot(self, file: Path) -> None:
        Path(file).parent.mkdir(parents=True, exist_ok=True)
        self.call("screenshot", file=str(file))

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                self._proc.wait(30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._log.close()
