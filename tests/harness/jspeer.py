"""A Matrix client that is not Trellis: tests/e2ee/peer.mjs, one matrix-js-sdk device with its Rust
crypto, driven over JSON lines (the protocol is at the top of peer.mjs).

Replies and pushed events are kept for the peer's whole life, so a test can wait for an event
that already arrived; the peer's stderr goes to a log file, whose tail every error carries.
"""

import itertools
import json
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent.parent / "e2ee"


class JsPeerError(AssertionError):
    """The peer answered with an error, went silent or exited."""


class JsPeer:
    def __init__(self, log_path: Path, name: str = "peer"):
        node = shutil.which("node")
        if node is None or not (HERE / "node_modules/matrix-js-sdk").is_dir():
            raise JsPeerError("tests/e2ee needs Node.js and `npm ci` (scripts/test runs it)")
        self.name = name
        self.log_path = Path(log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        self._log.write(f"===== {name}: node peer.mjs =====\n".encode())
        self._log.flush()
        self._proc = subprocess.Popen([node, str(HERE / "peer.mjs")], cwd=HERE, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=self._log)
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._replies: dict[int, dict] = {}
        self.events: list[dict] = []  # every pushed event, in arrival order
        self.bad_lines: list[str] = []
        self._eof = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_event("ready", timeout=60)
        self.user_id: str | None = None
        self.device_id: str | None = None

    def _read(self) -> None:
        for raw in self._proc.stdout:
            line = raw.decode(errors="replace").strip()
            if not line:
                continue
            with self._cond:
                try:
                    message = json.loads(line)
                except ValueError:
                    self.bad_lines.append(line)
                    continue
                if "event" in message:
                    self.events.append(message)
                else:
                    self._replies[message.get("id")] = message
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _wait(self, found: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = found()
                if value is not None:
                    return value
                if self._eof:
                    raise JsPeerError(f"{self.name} exited ({self._proc.wait()}) while waiting for {what}:\n"
                                      f"{self.log_tail()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise JsPeerError(f"{self.name}: no {what} within {timeout} s:\n{self.log_tail()}")
                self._cond.wait(remaining)

    # --- commands -----------------------------------------------------------------------------

    def call(self, command: str, timeout: float | None = None, **args) -> Any:
        """Runs one command; raises JsPeerError with the peer's message on an error reply.

        The peer gives every command its own deadline (timeout_ms for the waiting ones), so the
        default here only catches a peer that stopped answering at all.
        """
        rid = next(self._ids)
        line = json.dumps({"id": rid, "command": command, "args": args})
        try:
            self._proc.stdin.write(line.encode() + b"\n")
            self._proc.stdin.flush()
        except BrokenPipeError:
            raise JsPeerError(f"{self.name} is gone; cannot send {command}:\n{self.log_tail()}") from None
        if timeout is None:
            timeout = args.get("timeout_ms", 30_000) / 1000 + 45
        reply = self._wait(lambda: self._replies.pop(rid, None), timeout, f"reply to {command}")
        if "error" in reply:
            raise JsPeerError(f"{self.name} {command}: {reply['error']}")
        return reply.get("ok")

    def poll(self, command: str, predicate: Callable[[Any], bool], timeout: float = 20, **args) -> Any:
        """Runs command until its result satisfies predicate, e.g. until a signature another
        device uploads shows in device_info; returns that result."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.call(command, **args)
            if predicate(result):
                return result
            if time.monotonic() > deadline:
                raise JsPeerError(f"{self.name} {command} {args}: still {result} after {timeout} s")
            time.sleep(0.3)

    def login(self, homeserver_url: str, user_id: str, password: str, **kwargs) -> dict:
        session = self.call("login", homeserver_url=homeserver_url, user_id=user_id, password=password, **kwargs)
        self.user_id, self.device_id = session["user_id"], session["device_id"]
        return session

    # --- pushed events -----------------------------------------------------------------------

    def mark(self) -> int:
        """A position in the events, for waiting only on what comes later."""
        with self._cond:
            return len(self.events)

    def wait_event(self, name: str, predicate: Callable[[dict], bool] = lambda _: True,
                   timeout: float = 30, after: int = 0) -> dict:
        def found():
            return next((e for e in self.events[after:] if e["event"] == name and predicate(e)), None)
        return self._wait(found, timeout, f"{name} event")

    def events_named(self, name: str, after: int = 0) -> list[dict]:
        with self._cond:
            return [e for e in self.events[after:] if e["event"] == name]

    # --- life ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc.poll() is None

    def stop(self, timeout: float = 20) -> None:
        """Asks the peer to stop; it must exit cleanly (code 0)."""
        if self.running:
            self.call("stop", timeout=timeout)
        try:
            code = self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.close()
            raise JsPeerError(f"{self.name} did not exit within {timeout} s after stop") from None
        self._reader.join(5)
        self._log.close()
        if code != 0:
            raise JsPeerError(f"{self.name} exited with {code}:\n{self.log_tail()}")

    def close(self) -> None:
        """Teardown: whatever state the test left, leave no process behind."""
        if self.running:
            self._proc.kill()
            self._proc.wait()
        if not self._log.closed:
            self._log.close()

    def log_tail(self, lines: int = 80) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"
