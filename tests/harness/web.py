"""Drives `trellis-server --listen`: the web mode over real HTTP and websockets.

`WebServer` runs the process; `WsClient` is one websocket connection whose
reader thread keeps every envelope it receives (inflating `compress=1`
frames), checks the envelope rules as they arrive, and records how the
frames were batched so a test can look at the wire, not just the JSON.
"""

import itertools
import json
import os
import signal
import socket
import subprocess
import threading
import time
import zlib
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from .backend import BackendError
from .synapse import free_port

REPLY_COMMANDS = ("response", "error")


class WebServer:
    def __init__(self, binary: str | Path, profile: Path, log_path: Path,
                 username: str = "tester", password: str = "web pass phrase",
                 env: dict[str, str] | None = None):
        self.binary = str(binary)
        self.profile = Path(profile)
        self.log_path = Path(log_path)
        self.username = username
        self.password = password
        self.extra_env = env or {}
        self.port = 0
        self._proc: subprocess.Popen | None = None
        self.clients: list["WsClient"] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 60, expect_exit: bool = False) -> None:
        self.profile.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # A restart keeps the address, as a real deployment does, so pages
        # and clients that were connected can come back.
        self.port = self.port or free_port()
        args = [self.binary, "--listen", f"127.0.0.1:{self.port}", "--profile", str(self.profile),
                "--web-username", self.username]
        env = {"TRELLIS_LOG": "info,trellis_core=debug,trellis_server=debug", **os.environ,
               "RUST_BACKTRACE": "1", "NO_COLOR": "1", "TRELLIS_WEB_PASSWORD": self.password,
               **self.extra_env}
        with open(self.log_path, "ab") as log:
            log.write(f"===== {' '.join(args)} =====\n".encode())
            log.flush()
            self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env)
        if expect_exit:
            self._proc.wait(timeout)
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise AssertionError(f"trellis-server exited with {self._proc.returncode}:\n{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"trellis-server did not listen within {timeout} s:\n{self.log_tail()}")

    @property
    def pid(self) -> int | None:
        """The server's process id (for tests that measure it)."""
        return self._proc.pid if self.running else None

    @property
    def returncode(self) -> int | None:
        return self._proc.poll() if self._proc else None

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, which must end the server cleanly."""
        for client in self.clients:
            client.close()
        self._proc.send_signal(signal.SIGTERM)
        try:
            code = self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
            raise AssertionError(f"trellis-server did not exit within {timeout} s of SIGTERM")
        assert code == 0, f"trellis-server exited with {code}; log:\n{self.log_tail()}"
        return code

    def close(self) -> None:
        for client in self.clients:
            client.close()
        if self.running:
            self._proc.kill()
            self._proc.wait()

    def log_tail(self, lines: int = 120) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    # --- HTTP ------------------------------------------------------------------

    def auth(self, username: str | None = None, password: str | None = None, **params) -> requests.Response:
        return requests.post(f"{self.base}/_gomuks/auth", params=params,
                             auth=(username or self.username, password or self.password), timeout=30)

    def token(self) -> str:
        resp = self.auth(output="json")
        assert resp.status_code in (200, 201), resp.text
        return resp.json()["token"]

    def get(self, path: str, token: str | None = None, **kwargs) -> requests.Response:
        cookies = {"gomuks_auth": token} if token else None
        return requests.get(f"{self.base}{path}", cookies=cookies, timeout=60, **kwargs)

    def post(self, path: str, token: str | None = None, **kwargs) -> requests.Response:
        cookies = {"gomuks_auth": token} if token else None
        return requests.post(f"{self.base}{path}", cookies=cookies, timeout=60, **kwargs)

    def ws(self, token: str | None = None, wait_init: bool = True, **kwargs) -> "WsClient":
        client = WsClient(self, token if token is not None else self.token(), **kwargs)
        self.clients.append(client)
        if wait_init:
            client.wait_event("init_complete")
        return client


class WsClient:
    def __init__(self, server: WebServer, token: str, compress: bool = False,
                 resume: tuple[str, int] | None = None, origin: str | None = None):
        params = {}
        if compress:
            params["compress"] = "1"
        if resume:
            params["run_id"], params["last_received_event"] = resume[0], str(resume[1])
        url = f"ws://127.0.0.1:{server.port}/_gomuks/websocket"
        if params:
            url += "?" + urlencode(params)
        headers = {"Cookie": f"gomuks_auth={token}"} if token else {}
        self.conn = connect(url, additional_headers=headers, origin=origin, compression=None,
                            max_size=None, open_timeout=15, close_timeout=5)
        self.compress = compress
        self._inflate = zlib.decompressobj(-15)
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self.messages: list[dict] = []
        self.arrived: list[float] = []  # time.monotonic() of each of `messages`
        self.frames: list[int] = []  # envelopes per frame, in order
        self.binary_frames = 0
        self.text_frames = 0
        self.protocol_errors: list[str] = []
        self.closed: ConnectionClosed | None = None
        self._sent: set[int] = set()
        self._last_event = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # --- wire ------------------------------------------------------------------

    def _read(self) -> None:
        try:
            while True:
                frame = self.conn.recv()
                if isinstance(frame, bytes):
                    self.binary_frames += 1
                    text = self._inflate.decompress(frame).decode()
                else:
                    self.text_frames += 1
                    text = frame
                lines = text.split("\n")
                with self._cond:
                    self.frames.append(len(lines))
                    for line in lines:
                        self._take(line)
                    self._cond.notify_all()
        except ConnectionClosed as e:
            with self._cond:
                self.closed = e
                self._cond.notify_all()

    def _take(self, line: str) -> None:
        try:
            env = json.loads(line)
            assert isinstance(env, dict) and isinstance(env.get("command"), str)
        except (ValueError, AssertionError):
            self.protocol_errors.append(f"not a JSON envelope: {line[:300]}")
            return
        rid = env.get("request_id")
        if env["command"] in REPLY_COMMANDS or env["command"] == "pong":
            if rid not in (0, None) and rid not in self._sent:
                self.protocol_errors.append(f"reply to request {rid}, never sent: {line[:300]}")
        elif not isinstance(rid, int) or rid >= 0:
            self.protocol_errors.append(f"event without a negative request_id: {line[:300]}")
        else:
            # Ids are shared by every connection, so they skip, but never go back.
            if self._last_event and rid >= self._last_event:
                self.protocol_errors.append(f"event id {rid} after {self._last_event}")
            self._last_event = rid
        self.messages.append(env)
        self.arrived.append(time.monotonic())

    def send_raw(self, data: str | bytes, request_id: int | None = None) -> None:
        """Sends a frame as is; `request_id` is the id a reply may carry."""
        if request_id:
            self._sent.add(request_id)
        self.conn.send(data)

    def send(self, command: str, data: Any = None, request_id: int | None = None) -> int:
        rid = next(self._ids) if request_id is None else request_id
        self._sent.add(rid)
        env = {"command": command, "request_id": rid}
        if data is not None:
            env["data"] = data
        self.conn.send(json.dumps(env))
        return rid

    def reply(self, rid: int, timeout: float = 30) -> dict:
        return self.wait_for(lambda m: m.get("request_id") == rid and m["command"] in (*REPLY_COMMANDS, "pong"),
                             timeout, f"a reply to {rid}")

    def request(self, command: str, data: Any = None, timeout: float = 30) -> Any:
        reply = self.reply(self.send(command, data), timeout)
        if reply["command"] == "error":
            raise BackendError(command, reply.get("data"))
        return reply.get("data")

    @property
    def last_event_id(self) -> int:
        return self._last_event

    def mark(self) -> int:
        with self._cond:
            return len(self.messages)

    def wait_for(self, predicate: Callable[[dict], bool], timeout: float = 30, what: str = "a message",
                 after: int = 0) -> dict:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for env in self.messages[after:]:
                    if predicate(env):
                        return env
                if self.closed is not None:
                    raise AssertionError(f"websocket closed ({self.closed}) while waiting for {what}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {what} within {timeout} s; last: {self.messages[-5:]}")
                self._cond.wait(left)

    def wait_event(self, command: str, predicate: Callable[[Any], bool] = lambda _: True,
                   timeout: float = 30, after: int = 0) -> Any:
        return self.wait_for(lambda m: m["command"] == command and predicate(m.get("data")),
                             timeout, f"{command} event", after).get("data")

    def wait_closed(self, timeout: float) -> ConnectionClosed:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.closed is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"websocket still open after {timeout} s")
                self._cond.wait(left)
            return self.closed

    def events(self, command: str, after: int = 0) -> list[Any]:
        with self._cond:
            return [m.get("data") for m in self.messages[after:] if m["command"] == command]

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:
            pass
        self._reader.join(5)
