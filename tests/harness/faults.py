"""A homeserver that misbehaves on cue: a small HTTP proxy in front of the
test Synapse that answers chosen requests with an error of our choosing
(429 with retry-after, 502, ...) before letting them through, holds chosen
requests back for a while, and records every request it saw. Log a backend
in through `proxy.url` to use it.
"""

import http.server
import json
import re
import threading
from dataclasses import dataclass, field

import requests

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


@dataclass
class Fault:
    """Answers the next `times` requests matching method and path_pattern with status and body."""
    method: str
    path_pattern: str
    status: int
    body: dict
    times: int = 1
    headers: dict = field(default_factory=dict)


@dataclass
class Delay:
    """Holds requests matching method and path_pattern for `seconds` before forwarding them,
    or until released; `arrived` is set when the first one comes in."""
    method: str
    path_pattern: str
    seconds: float = 3600
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


class FaultyProxy:
    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self.faults: list[Fault] = []
        self.delays: list[Delay] = []
        self.seen: list[tuple[str, str, int]] = []  # (method, path, status answered)
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else None
                status, headers, body = proxy._answer(self.command, self.path, dict(self.headers), data)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_DELETE = do_OPTIONS = _handle

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def delay(self, delay: Delay) -> Delay:
        """Adds a delay ahead of earlier ones (the first that matches holds a request)."""
        with self._lock:
            self.delays.insert(0, delay)
        return delay

    def requests_matching(self, method: str, path_pattern: str) -> list[tuple[str, str, int]]:
        with self._lock:
            return [s for s in self.seen if s[0] == method and re.search(path_pattern, s[1])]

    def _answer(self, method: str, path: str, headers: dict, data: bytes | None):
        if path.startswith("/.well-known/"):  # keep clients on the proxy, not on Synapse's own address
            with self._lock:
                self.seen.append((method, path, 404))
            return 404, {"Content-Type": "application/json"}, b'{"errcode":"M_NOT_FOUND","error":"not here"}'
        with self._lock:
            fault = next((f for f in self.faults if f.times > 0 and f.method == method
                          and re.search(f.path_pattern, path)), None)
            if fault:
                fault.times -= 1
                self.seen.append((method, path, fault.status))
            delay = next((d for d in self.delays if d.method == method and re.search(d.path_pattern, path)), None)
        if fault:
            return fault.status, {"Content-Type": "application/json", **fault.headers}, json.dumps(fault.body).encode()
        if delay:
            delay.arrived.set()
            delay.released.wait(delay.seconds)
        forward = {k: v for k, v in headers.items() if k.lower() not in HOP_HEADERS}
        try:
            resp = requests.request(method, self.upstream + path, headers=forward, data=data, timeout=120)
        except requests.RequestException as e:
            with self._lock:
                self.seen.append((method, path, 502))
            return 502, {"Content-Type": "text/plain"}, str(e).encode()
        with self._lock:
            self.seen.append((method, path, resp.status_code))
        out = {k: v for k, v in resp.headers.items() if k.lower() not in HOP_HEADERS}
        # Synapse names its own address in places (the login response's well_known); point those at us.
        return resp.status_code, out, resp.content.replace(self.upstream.encode(), self.url.encode())

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
