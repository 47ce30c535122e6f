"""Load on the web mode (issue 6): 20 websocket clients on one
`trellis-server --listen` while another user sends 50 messages a second for a
minute through Synapse (plain HTTP). Every client must get every message
exactly once, all in the same order, each sender lane's messages in the order
it sent them. Prints the figures docs/benchmarks.md keeps: the rate Synapse
took, the time from a send to each client's copy, the backend's peak RSS and
its CPU time over the run.

TRELLIS_LOAD_CLIENTS, TRELLIS_LOAD_RATE and TRELLIS_LOAD_SECONDS change the
shape for a manual run. The figures also go to the run's artifacts
(tests/artifacts/<run>/web-load.txt)."""

import itertools
import os
import threading
import time
from collections import Counter
from urllib.parse import quote

import requests

from conftest import RUN_ARTIFACTS
from harness.proc import cpu_seconds, memory_kib
from test_web_protocol import wait_body, ws_login

CLIENTS = int(os.environ.get("TRELLIS_LOAD_CLIENTS", "20"))
RATE = float(os.environ.get("TRELLIS_LOAD_RATE", "50"))
SECONDS = float(os.environ.get("TRELLIS_LOAD_SECONDS", "60"))
# Senders working at once, each one request at a time: one alone cannot keep
# 50/s against Synapse's per-request latency on a small machine.
LANES = int(os.environ.get("TRELLIS_LOAD_LANES", "8"))
PING_EVERY = 10  # seconds; acknowledges events, as the UI does every 15 s
PREFIX = "load "


class PacedSender:
    """Sends `PREFIX + n` messages on a fixed schedule (n / rate seconds after
    the start) from `lanes` threads. A lane that falls behind sends at once, so
    the rate is what Synapse allows when it cannot keep the schedule; nothing
    is scheduled after `seconds`. `sent[n] = (event_id, lane)`."""

    def __init__(self, user, room_id: str, rate: float, seconds: float, lanes: int):
        self.url = f"{user.base_url}/_matrix/client/v3/rooms/{quote(room_id, safe='')}/send/m.room.message/"
        self.token = user.access_token
        self.rate, self.seconds, self.lanes = rate, seconds, lanes
        self.sent: dict[int, tuple[str, int]] = {}
        self.started: dict[int, float] = {}  # when each send was put on the wire
        self.errors: list[str] = []
        self.elapsed = 0.0
        self._next = itertools.count()
        self._lock = threading.Lock()

    def run(self) -> None:
        self.start = time.monotonic()
        threads = [threading.Thread(target=self._lane, args=(k,)) for k in range(self.lanes)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.elapsed = time.monotonic() - self.start

    def _lane(self, lane: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        while True:
            with self._lock:
                n = next(self._next)
            due = self.start + n / self.rate
            now = time.monotonic()
            if due - self.start >= self.seconds or now - self.start >= self.seconds:
                return
            time.sleep(max(0.0, due - now))
            self.started[n] = time.monotonic()
            try:
                resp = session.put(f"{self.url}load-{n}", json={"msgtype": "m.text", "body": f"{PREFIX}{n:05d}"},
                                   timeout=30)
                resp.raise_for_status()
                with self._lock:
                    self.sent[n] = (resp.json()["event_id"], lane)
            except Exception as e:  # noted, and fails the test
                with self._lock:
                    self.errors.append(f"message {n}: {e}")


def received(client, room_id: str, after: int) -> list[tuple[int, str, int]]:
    """(timeline_rowid, event_id, n) of each load message, in the order the client got them."""
    out = []
    for sync in client.events("sync_complete", after):
        room = (sync.get("rooms") or {}).get(room_id) or {}
        by_rowid = {e["rowid"]: e for e in room.get("events") or []}
        for row in room.get("timeline") or []:
            ev = by_rowid.get(row["event_rowid"])
            assert ev is not None, f"timeline row {row} came without its event"
            body = ev["content"].get("body", "") if ev["type"] == "m.room.message" else ""
            if body.startswith(PREFIX):
                out.append((row["timeline_rowid"], ev["event_id"], int(body[len(PREFIX):])))
    return out


def delays(client, room_id: str, after: int, started: dict[int, float]) -> list[float]:
    """Seconds from each load message's send to its arrival at this client."""
    out = []
    for env, at in zip(client.messages[after:], client.arrived[after:]):
        if env["command"] != "sync_complete":
            continue
        room = (env["data"].get("rooms") or {}).get(room_id) or {}
        for ev in room.get("events") or []:
            body = ev["content"].get("body", "") if ev["type"] == "m.room.message" else ""
            if body.startswith(PREFIX):
                out.append(at - started[int(body[len(PREFIX):])])
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def test_twenty_clients_get_every_message_once_in_order(make_web, synapse, register_user):
    me, sender = register_user("reader"), register_user("sender")
    room_id = sender.create_room(name="Load", invite=[me.user_id])
    me.join(room_id)
    web = make_web()
    first = web.ws()
    ws_login(first, synapse, me)
    sender.send_text(room_id, "ready")
    wait_body(first, room_id, "ready")
    token = web.token()
    clients = [first] + [web.ws(token) for _ in range(CLIENTS - 1)]
    marks = [c.mark() for c in clients]
    pid = web.pid
    rss_before = memory_kib(pid, "VmRSS")

    stop = threading.Event()

    def keep_acknowledging():
        while not stop.wait(PING_EVERY):
            for c in clients:
                c.send("ping", {"last_received_id": c.last_event_id})

    pinger = threading.Thread(target=keep_acknowledging, daemon=True)
    pinger.start()
    load = PacedSender(sender, room_id, RATE, SECONDS, LANES)
    cpu_start, synapse_cpu_start = cpu_seconds(pid), cpu_seconds(synapse.pid)
    try:
        load.run()
        assert not load.errors, load.errors[:10]
        expected = {event_id for event_id, _ in load.sent.values()}
        # Delivery finishes after the last send; every client gets all of it.
        deadline = time.monotonic() + 120
        for c, mark in zip(clients, marks):
            while len({e for _, e, _ in received(c, room_id, mark)} & expected) < len(expected):
                assert c.closed is None, f"a client's websocket closed: {c.closed}"
                assert time.monotonic() < deadline, "clients still missing messages 2 minutes after the last send"
                time.sleep(0.5)
        drained = time.monotonic() - load.start - load.elapsed
        cpu = cpu_seconds(pid) - cpu_start
        synapse_cpu = cpu_seconds(synapse.pid) - synapse_cpu_start
    finally:
        stop.set()
        pinger.join()
    peak_rss = memory_kib(pid, "VmHWM")

    lane_of = {event_id: lane for event_id, lane in load.sent.values()}
    reference = None
    for i, (c, mark) in enumerate(zip(clients, marks)):
        got = received(c, room_id, mark)
        ids = [e for _, e, _ in got]
        twice = [e for e, k in Counter(ids).items() if k > 1]
        assert not twice, f"client {i} got {len(twice)} messages more than once"
        assert set(ids) == expected, f"client {i}: {len(expected - set(ids))} missing, {len(set(ids) - expected)} unknown"
        rowids = [r for r, _, _ in got]
        assert rowids == sorted(rowids), f"client {i} got timeline rows out of order"
        for lane in range(LANES):
            seq = [n for _, e, n in got if lane_of[e] == lane]
            assert seq == sorted(seq), f"client {i}: lane {lane}'s messages out of the order sent"
        if reference is None:
            reference = ids
        assert ids == reference, f"client {i} saw another order than client 0"
        assert c.closed is None and not c.protocol_errors

    achieved = len(load.sent) / load.elapsed
    waits = [d for c, mark in zip(clients, marks) for d in delays(c, room_id, mark, load.started)]
    report = (f"web mode load: {CLIENTS} websocket clients, {len(load.sent)} messages in {load.elapsed:.1f} s "
          f"({achieved:.1f}/s asked {RATE:.0f}/s, {LANES} sender lanes); all delivered {drained:.1f} s after the last send\n"
          f"send to client: p50 {percentile(waits, 50):.2f} s, p95 {percentile(waits, 95):.2f} s, "
          f"max {max(waits):.2f} s (through Synapse; {len(waits)} copies)\n"
          f"backend RSS: {rss_before / 1024:.1f} MiB before, peak (VmHWM) {peak_rss / 1024:.1f} MiB; "
          f"CPU (utime+stime) {cpu:.1f} s over {load.elapsed + drained:.1f} s "
          f"= {100 * cpu / (load.elapsed + drained):.0f}% of one core; Synapse's CPU {synapse_cpu:.1f} s "
          f"= {100 * synapse_cpu / (load.elapsed + drained):.0f}%; load average {os.getloadavg()[0]:.1f}")
    # Printed for `pytest -s`, and kept with the run's artifacts for every run.
    print("\n" + report)
    (RUN_ARTIFACTS / "web-load.txt").write_text(report + "\n")
