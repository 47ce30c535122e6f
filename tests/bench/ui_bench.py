"""The desktop UI benchmark (issue 5), end to end.

Starts a throwaway Synapse, registers a user and logs in through
`trellis-server --stdio` (so the keyring holds a real token and sync keeps
working), fills that profile with 1,000 rooms and 100,000 events (the
`seed_profile` bench target of trellis-core), then measures the UI in
Debian's Chromium against `trellis-server --listen` (ui_bench.mjs), which
prints the figures.

Run inside a private Secret Service, after scripts/test has installed things:

    scripts/with-keyring ~/.cache/trellis/venv/bin/python tests/bench/ui_bench.py

`--no-build` skips building the UI and the release binaries; other options
go to ui_bench.mjs (e.g. `--starts 10 --switches 50 --idle 60`).

Then the same profile in the desktop app itself: the release trellis-desktop
under Xvfb, its window open on the room list, nobody doing anything; its
process's CPU over `--idle` seconds and its memory (and, for the record,
that of the WebKit processes it started).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from harness import Backend, Synapse, register_user, require_private_keyring  # noqa: E402
from harness.desktop import DesktopProcess, Xvfb, app_env, window_viewable  # noqa: E402
from harness.proc import children, cpu_seconds, memory_kib  # noqa: E402
from harness.frontend import login  # noqa: E402

TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or Path.home() / ".cache/trellis/target")
LOGS = ROOT / "tests/artifacts" / f"ui-bench-{time.strftime('%Y%m%d-%H%M%S')}"
WEB_PASSWORD = "bench web pass phrase"


def run(*args: str, **kwargs) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, cwd=ROOT, check=True, **kwargs)


def build() -> None:
    env = {**os.environ, "CARGO_TARGET_DIR": str(TARGET)}
    run("npm", "--prefix", "ui", "run", "build")
    run("cargo", "build", "--release", "--workspace", env=env)
    run("cargo", "bench", "-p", "trellis-core", "--bench", "seed_profile", "--no-run", env=env)


def logged_in_profile(synapse: Synapse, server_bin: Path, profile: Path) -> None:
    """A real login whose first sync has been stored, then the backend stops."""
    user = register_user(synapse.url, "bench")
    backend = Backend(server_bin, profile, LOGS / "login.log")
    backend.start()
    try:
        mark = backend.mark()
        login(backend, synapse, user)
        backend.wait_event("sync_complete", timeout=60, after=mark)
    finally:
        backend.stop()


def memory_mib(pid: int, key: str) -> float:
    return memory_kib(pid, key) / 1024


def desktop_at_rest(profile: Path, idle: float) -> None:
    """trellis-desktop on the seeded profile, its window open, left alone."""
    xvfb = Xvfb(LOGS / "xvfb.log")
    app = DesktopProcess(TARGET / "release/trellis-desktop", app_env(xvfb.display, profile), LOGS / "desktop.log")
    try:
        started = time.monotonic()
        while not window_viewable(xvfb.display):
            if app.proc.poll() is not None or time.monotonic() - started > 60:
                raise RuntimeError(f"no desktop window (see {LOGS / 'desktop.log'})")
            time.sleep(0.05)
        shown = time.monotonic() - started
        time.sleep(15)  # the first sync and the room list settle
        pid = app.proc.pid
        cpu0, t0 = cpu_seconds(pid), time.monotonic()
        time.sleep(idle)
        cpu = (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0) * 100
        web = sum(memory_mib(kid, "VmRSS") for kid in children(pid))
        # File-backed pages are mostly WebKitGTK's and GTK's libraries, shared with other processes.
        print(f"desktop: window shown after {shown * 1000:.0f} ms; idle CPU of its process over {idle:.0f} s: "
              f"{cpu:.2f}% of one core; RSS {memory_mib(pid, 'VmRSS'):.0f} MiB (anonymous "
              f"{memory_mib(pid, 'RssAnon'):.0f}, file-backed {memory_mib(pid, 'RssFile'):.0f}), peak (VmHWM) "
              f"{memory_mib(pid, 'VmHWM'):.0f} MiB; its WebKit processes {web:.0f} MiB", flush=True)
    finally:
        app.close()
        xvfb.close()


def main() -> int:
    args = sys.argv[1:]
    if "--no-build" in args:
        args.remove("--no-build")
    else:
        build()
    require_private_keyring()
    server_bin = TARGET / "release/trellis-server"
    LOGS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="trellis-ui-bench-") as tmp:
        synapse = Synapse(Path(tmp) / "synapse", LOGS / "synapse.log")
        synapse.start()
        try:
            profile = Path(tmp) / "profile"
            logged_in_profile(synapse, server_bin, profile)
            env = {**os.environ, "CARGO_TARGET_DIR": str(TARGET)}
            run("cargo", "bench", "-q", "-p", "trellis-core", "--bench", "seed_profile", "--",
                "--profile", str(profile), env=env)
            run("node", str(ROOT / "tests/bench/ui_bench.mjs"), "--server", str(server_bin),
                "--profile", str(profile), "--password", WEB_PASSWORD,
                "--log", str(LOGS / "server.log"), *args)
            desktop_at_rest(profile, float(args[args.index("--idle") + 1]) if "--idle" in args else 60)
        finally:
            synapse.stop()
    print(f"logs: {LOGS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
