import os
import re
import shutil
import time
from pathlib import Path

import pytest

import harness
from harness import ARTIFACTS, Backend, JsPeer, Synapse
from harness.faults import FaultyProxy

# Producers of (title, text) for logs worth reading when a test fails.
FAILURE_LOGS = pytest.StashKey[list]()


# Logs of this run go to their own directory, so runs side by side in one
# checkout keep theirs apart; the last few runs are kept.
RUN_ARTIFACTS = ARTIFACTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
KEEP_RUNS = 5


def pytest_sessionstart(session):
    RUN_ARTIFACTS.mkdir(parents=True)
    # Only pytest's own runs (named by date): a bench's logs (ui-bench-…) would sort last and crowd them out.
    runs = sorted(d for d in ARTIFACTS.iterdir() if d.name[:1].isdigit())
    for old in runs[:-KEEP_RUNS]:
        if not _still_running(old):
            shutil.rmtree(old, ignore_errors=True)


def _still_running(run_dir: Path) -> bool:
    """Whether the run that owns run_dir (named …-<pid>) is still going: a run beside this one
    in the same checkout writes and reads its logs there until it ends."""
    try:
        os.kill(int(run_dir.name.rsplit("-", 1)[-1]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        pass
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        for title, produce in item.stash.get(FAILURE_LOGS, []):
            report.sections.append((title, produce()))
    return report


def _failure_logs(request) -> list:
    return request.node.stash.setdefault(FAILURE_LOGS, [])


@pytest.fixture(scope="session")
def _synapse_server(tmp_path_factory):
    server = Synapse(tmp_path_factory.mktemp("synapse"), RUN_ARTIFACTS / "synapse.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def synapse(_synapse_server, request) -> Synapse:
    """The run's one Synapse; running again after the test, even if the test stopped it."""
    since = _synapse_server.log_size()
    _failure_logs(request).append(("synapse log", lambda: _synapse_server.log_tail(since)))
    yield _synapse_server
    if not _synapse_server.running:
        _synapse_server.start()


@pytest.fixture
def register_user(synapse):
    """register_user(prefix="u") -> a fresh MatrixUser on the test Synapse."""
    return lambda prefix="u": harness.register_user(synapse.url, prefix)


@pytest.fixture(scope="session")
def trellis_server_bin() -> Path:
    target = os.environ.get("CARGO_TARGET_DIR") or Path.home() / ".cache/trellis/target"
    binary = Path(os.environ.get("TRELLIS_SERVER_BIN") or Path(target) / "debug/trellis-server")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no trellis-server at {binary}: run `cargo build -p trellis-server` "
                    "or set TRELLIS_SERVER_BIN", pytrace=False)
    return binary


@pytest.fixture
def make_backend(request, tmp_path, trellis_server_bin):
    """make_backend(profile=None, start=True, **Backend kwargs) -> a stdio backend.

    Each gets its own profile directory unless given one; all are killed at
    teardown, and any breach of the envelope rules fails the test.
    """
    try:
        harness.require_private_keyring()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    log_dir = RUN_ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
    backends: list[Backend] = []

    def make(profile: Path | None = None, start: bool = True, **kwargs) -> Backend:
        n = len(backends)
        backend = Backend(trellis_server_bin, profile or tmp_path / f"profile{n}",
                          log_dir / f"backend{n}.stderr.log", **kwargs)
        backends.append(backend)
        _failure_logs(request).append((f"backend{n} stderr", backend.log_tail))
        _failure_logs(request).append(
            (f"backend{n} last envelopes", lambda: "\n".join(line[:400] for line in backend.transcript[-40:])))
        if start:
            backend.start()
        return backend

    yield make
    for backend in backends:
        backend.close()
    errors = [e for b in backends for e in b.protocol_errors]
    assert not errors, "the backend broke the envelope rules:\n" + "\n".join(errors)


@pytest.fixture
def make_peer(request):
    """make_peer(name=None) -> a JsPeer (tests/e2ee/peer.mjs: a matrix-js-sdk device, not logged in).

    Its stderr goes to the test's artifacts; all are stopped at teardown, and one that does not
    exit cleanly fails the test.
    """
    log_dir = RUN_ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
    peers: list[JsPeer] = []

    def make(name: str | None = None) -> JsPeer:
        name = name or f"peer{len(peers)}"
        peer = JsPeer(log_dir / f"{name}.stderr.log", name)
        peers.append(peer)
        _failure_logs(request).append((f"{name} stderr", peer.log_tail))
        return peer

    yield make
    try:
        for peer in peers:
            if peer.running:
                peer.stop()
    finally:
        for peer in peers:
            peer.close()
    bad = [f"{p.name}: {line[:300]}" for p in peers for line in p.bad_lines]
    assert not bad, "a peer printed lines that are not JSON on stdout:\n" + "\n".join(bad)


@pytest.fixture
def faulty(synapse):
    """A FaultyProxy in front of the test Synapse (log in through its url)."""
    proxy = FaultyProxy(synapse.url)
    yield proxy
    proxy.close()


@pytest.fixture
def backend(make_backend) -> Backend:
    """A started backend with a fresh profile, not logged in."""
    return make_backend()


@pytest.fixture
def make_web(request, tmp_path, trellis_server_bin):
    """make_web(profile=None, start=True, **WebServer kwargs) -> a `trellis-server --listen`.

    Killed at teardown; any breach of the envelope rules seen by one of its
    websocket clients fails the test.
    """
    from harness.web import WebServer
    try:
        harness.require_private_keyring()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    log_dir = RUN_ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
    servers: list[WebServer] = []

    def make(profile: Path | None = None, start: bool = True, **kwargs) -> WebServer:
        n = len(servers)
        server = WebServer(trellis_server_bin, profile or tmp_path / f"web{n}",
                           log_dir / f"web{n}.log", **kwargs)
        servers.append(server)
        _failure_logs(request).append((f"web{n} log", server.log_tail))
        if start:
            server.start()
        return server

    yield make
    for server in servers:
        server.close()
    errors = [e for s in servers for c in s.clients for e in c.protocol_errors]
    assert not errors, "the web server broke the envelope rules:\n" + "\n".join(errors)
