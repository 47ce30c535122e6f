"""Drives `trellis-server --stdio`: JSON-lines envelopes on stdin/stdout.

Every line the backend prints is kept, in order, for the whole life of one
process (a "run"), so a test can wait for something that already happened and
can look back at everything afterwards. The reader also checks the envelope
rules of the gomuks RPC protocol as lines arrive and records any breach in
`protocol_errors`, which the test fixture turns into a failure.
"""

import itertools
import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

REPLY_COMMANDS = ("response", "error")


class BackendError(Exception):
    """The backend answered a request with an `error` envelope."""

    def __init__(self, command: str, message: Any):
        super().__init__(f"{command}: {message}")
        self.command = command
        self.message = message if isinstance(message, str) else json.dumps(message)


class BackendExited(RuntimeError):
    pass


class Backend:
    def __init__(self, binary: str | Path, profile: Path, log_path: Path,
                 env: dict[str, str] | None = None, use_profile_flag: bool = True):
        self.binary = str(binary)
        self.profile = Path(profile)
        self.log_path = Path(log_path)
        self.extra_env = env or {}
        self.use_profile_flag = use_profile_flag
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._proc: subprocess.Popen | None = None
        self._reader: threading.Thread | None = None
        self.messages: list[dict] = []  # envelopes of the current run, in arrival order
        self.transcript: list[str] = []  # every stdout line of every run, for leak checks
        self.protocol_errors: list[str] = []
        self._sent_ids: set[int] = set()
        self._replies: Counter = Counter()
        self._eof = False

    # --- process life -------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, wait_init: bool = True, timeout: float = 60) -> None:
        if self.running:
            raise RuntimeError("backend already running")
        self.profile.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        args = [self.binary, "--stdio"]
        if self.use_profile_flag:
            args += ["--profile", str(self.profile)]
        # Debug logs from our crates: more to read on failure, and more places a secret could leak.
        env = {"TRELLIS_LOG": "info,trellis_core=debug,trellis_server=debug",
               **os.environ, "RUST_BACKTRACE": "1", "NO_COLOR": "1", **self.extra_env}
        with self._cond:
            self.messages = []
            self._sent_ids = set()
            self._replies = Counter()
            self._eof = False
        with open(self.log_path, "ab") as log:
            log.write(f"===== {' '.join(args)} =====\n".encode())
            log.flush()
            self._proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=log, env=env)
        self._reader = threading.Thread(target=self._read, args=(self._proc,), daemon=True)
        self._reader.start()
        if wait_init:
            self.wait_event("init_complete", timeout=timeout)

    def stop(self, timeout: float = 15, sig: signal.Signals | None = None) -> int:
        """Closes stdin, or sends sig (SIGTERM, SIGINT), which must make the backend exit cleanly on its own."""
        proc = self._proc
        how = f"{sig.name} was sent" if sig else "stdin closed"
        if sig:
            proc.send_signal(sig)
        else:
            proc.stdin.close()
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f"backend did not exit within {timeout} s after {how}")
        self._reader.join(5)
        assert code == 0, f"backend exited with {code} after {how}; log:\n{self.log_tail()}"
        return code

    def kill9(self) -> None:
        self._proc.send_signal(signal.SIGKILL)
        self._proc.wait()
        self._reader.join(5)

    def restart(self, **start_kwargs) -> None:
        if self.running:
            self.stop()
        self.start(**start_kwargs)

    def close(self) -> None:
        """Teardown: whatever state the test left, leave no process behind."""
        if self.running:
            self._proc.kill()
            self._proc.wait()

    # --- wire ---------------------------------------------------------------

    def _read(self, proc: subprocess.Popen) -> None:
        last_event_id = 0
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            with self._cond:
                self.transcript.append(line)
                try:
                    env = json.loads(line)
                    if not isinstance(env, dict) or not isinstance(env.get("command"), str):
                        raise ValueError("not an envelope")
                except ValueError:
                    self.protocol_errors.append(f"stdout line is not a JSON envelope: {line[:300]}")
                    continue
                rid = env.get("request_id")
                if env["command"] in REPLY_COMMANDS:
                    if rid in self._sent_ids:
                        self._replies[rid] += 1
                        if self._replies[rid] > 1:
                            self.protocol_errors.append(f"request {rid} answered more than once: {line[:300]}")
                    elif rid not in (0, None):  # 0/absent: a reply to a line with no usable id
                        self.protocol_errors.append(f"reply to request {rid}, which was never sent: {line[:300]}")
                elif not isinstance(rid, int) or rid >= 0:
                    self.protocol_errors.append(f"event without a negative request_id: {line[:300]}")
                elif last_event_id and rid != last_event_id - 1:
                    self.protocol_errors.append(f"event id {rid} does not follow {last_event_id}")
                elif not last_event_id and rid != -1:
                    self.protocol_errors.append(f"first event of a run has id {rid}, not -1")
                if env["command"] not in REPLY_COMMANDS and isinstance(rid, int) and rid < 0:
                    last_event_id = rid
                self.messages.append(env)
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def send_raw(self, line: str, request_id: int | None = None) -> None:
        """Writes one line as it is; request_id names the id it carries, if any, so its reply is expected."""
        if request_id is not None:
            with self._cond:
                self._sent_ids.add(request_id)
        self._proc.stdin.write(line.encode() + b"\n")
        self._proc.stdin.flush()

    def send(self, command: str, data: Any = None) -> int:
        """Sends a request without waiting; returns its request_id."""
        rid = next(self._ids)
        self.send_raw(json.dumps({"command": command, "request_id": rid, "data": {} if data is None else data}), rid)
        return rid

    def next_request_id(self) -> int:
        return next(self._ids)

    def reply(self, request_id: int, command: str = "", timeout: float = 30) -> Any:
        """Waits for the reply to request_id; raises BackendError on an `error` envelope."""
        env = self.wait_for(lambda e: e["command"] in REPLY_COMMANDS and e.get("request_id") == request_id,
                            timeout, f"the reply to {command or 'request'} #{request_id}")
        if env["command"] == "error":
            raise BackendError(command, env.get("data"))
        return env.get("data")

    def request(self, command: str, data: Any = None, timeout: float = 30) -> Any:
        return self.reply(self.send(command, data), command, timeout)

    # --- looking at what arrived --------------------------------------------

    def mark(self) -> int:
        """A position in this run's messages, for waiting only on what comes later."""
        with self._cond:
            return len(self.messages)

    def wait_for(self, predicate: Callable[[dict], bool], timeout: float, what: str, after: int = 0) -> dict:
        deadline = time.monotonic() + timeout
        index = after
        with self._cond:
            while True:
                for env in self.messages[index:]:
                    if predicate(env):
                        return env
                index = len(self.messages)
                remaining = deadline - time.monotonic()
                if self._eof:
                    raise BackendExited(f"backend exited (code {self._proc.poll()}) while waiting for "
                                        f"{what}; log:\n{self.log_tail()}")
                if remaining <= 0:
                    recent = "\n".join(json.dumps(e)[:300] for e in self.messages[-15:])
                    raise TimeoutError(f"no {what} within {timeout} s; last envelopes:\n{recent}")
                self._cond.wait(remaining)

    def wait_event(self, command: str, predicate: Callable[[Any], bool] = lambda _: True,
                   timeout: float = 30, after: int = 0) -> Any:
        """Waits for an event of that command whose data satisfies predicate; returns the data."""
        env = self.wait_for(lambda e: e["command"] == command and isinstance(e.get("request_id"), int)
                            and e["request_id"] < 0 and predicate(e.get("data")),
                            timeout, f"{command} event", after)
        return env.get("data")

    def events(self, command: str, after: int = 0) -> list[Any]:
        with self._cond:
            return [e.get("data") for e in self.messages[after:]
                    if e["command"] == command and isinstance(e.get("request_id"), int) and e["request_id"] < 0]

    def log_tail(self, lines: int = 120) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
