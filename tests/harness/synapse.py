"""A throwaway Synapse homeserver for the integration tests.

One instance serves a whole pytest run: SQLite, loopback only, open
registration, every rate limit lifted. It can be stopped and started again on
the same port with the same data, so tests can take the homeserver away.
"""

import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import yaml

# Far above anything a test does, so no test ever meets a 429.
_UNLIMITED = {"per_second": 1_000_000, "burst_count": 1_000_000}

# Every limiter Synapse has for clients. Synapse ignores keys it does not know,
# so an older release with fewer limiters still starts.
_RATE_LIMITS = {
    "rc_message": _UNLIMITED,
    "rc_registration": _UNLIMITED,
    "rc_registration_token_validity": _UNLIMITED,
    "rc_login": {"address": _UNLIMITED, "account": _UNLIMITED, "failed_attempts": _UNLIMITED},
    "rc_joins": {"local": _UNLIMITED, "remote": _UNLIMITED},
    "rc_joins_per_room": _UNLIMITED,
    "rc_invites": {"per_room": _UNLIMITED, "per_user": _UNLIMITED, "per_issuer": _UNLIMITED},
    "rc_third_party_invite": _UNLIMITED,
    "rc_room_creation": _UNLIMITED,
    "rc_3pid_validation": _UNLIMITED,
    "rc_admin_redaction": _UNLIMITED,
    "rc_key_requests": _UNLIMITED,
    "rc_media_create": _UNLIMITED,
    "rc_presence": {"per_user": _UNLIMITED},
    "rc_delayed_event_mgmt": _UNLIMITED,
    "rc_reports": _UNLIMITED,
    "rc_user_directory": _UNLIMITED,
    "rc_profile": _UNLIMITED,
}

# TURN credentials by shared secret, so get_turn_servers has something to
# relay; nothing listens at these URIs.
TURN_URIS = ["turn:turn.trellis.test:3478?transport=udp", "turns:turn.trellis.test:5349"]
TURN_SHARED_SECRET = "trellis-test-turn-secret"

_LOG_CONFIG = {
    "version": 1,
    "formatters": {
        "precise": {
            "format": "%(asctime)s %(name)s %(levelname)s %(request)s %(message)s",
        },
    },
    "filters": {"context": {"()": "synapse.logging.context.LoggingContextFilter", "request": ""}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "precise", "filters": ["context"]},
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    # Housekeeping chatter that buries the requests worth reading.
    "loggers": {name: {"level": "WARNING"} for name in (
        "synapse.storage.background_updates", "synapse.util.caches.lrucache",
        "synapse.storage.databases.main.event_push_actions", "synapse.util.task_scheduler",
    )},
    "disable_existing_loggers": False,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SynapseError(RuntimeError):
    pass


class Synapse:
    server_name = "localhost"

    def __init__(self, workdir: Path, log_path: Path, python: str = sys.executable):
        self.workdir = Path(workdir)
        self.log_path = Path(log_path)
        self.python = python
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config_path = self.workdir / "homeserver.yaml"
        self._proc: subprocess.Popen | None = None
        self._write_config()

    def _write_config(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        data = self.workdir / "data"
        # Let Synapse generate its secrets and signing key, then override the rest.
        subprocess.run(
            [self.python, "-m", "synapse.app.homeserver",
             "--server-name", self.server_name, "--report-stats=no",
             "--config-path", str(self.config_path), "--data-directory", str(data),
             "--generate-config"],
            cwd=self.workdir, check=True, capture_output=True,
        )
        config = yaml.safe_load(self.config_path.read_text())
        log_config = self.workdir / "log.yaml"
        log_config.write_text(yaml.safe_dump(_LOG_CONFIG))
        config.update(_RATE_LIMITS)
        config.update({
            "public_baseurl": f"{self.url}/",
            "serve_client_wellknown": True,
            "listeners": [{
                "port": self.port, "bind_addresses": ["127.0.0.1"], "type": "http",
                "tls": False, "x_forwarded": False,
                # openid: the federation userinfo endpoint a service checks OpenID tokens with.
                "resources": [{"names": ["client", "openid"], "compress": False}],
            }],
            "database": {"name": "sqlite3", "args": {"database": str(data / "homeserver.db")}},
            "log_config": str(log_config),
            "media_store_path": str(data / "media_store"),
            "pid_file": str(data / "homeserver.pid"),
            "report_stats": False,
            "enable_registration": True,
            "enable_registration_without_verification": True,
            "bcrypt_rounds": 4,  # fast registration and login; these passwords guard nothing
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "federation_domain_whitelist": [],
            "enable_metrics": False,
            "url_preview_enabled": False,
            # Synapse now lets only admins publish to the room directory; tests publish as anyone.
            "room_list_publication_rules": [{"action": "allow"}],
            "turn_uris": TURN_URIS,
            "turn_shared_secret": TURN_SHARED_SECRET,
            "turn_user_lifetime": "1h",
            # Sticky events (MSC4354), for get_sticky_events.
            "experimental_features": {"msc4354_enabled": True},
        })
        self.config_path.write_text(yaml.safe_dump(config))

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        """The running Synapse's process id (for tests that measure it)."""
        return self._proc.pid if self.running else None

    def start(self, timeout: float = 60) -> None:
        if self.running:
            raise SynapseError("Synapse is already running")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            log.write(f"===== starting Synapse on {self.url} =====\n".encode())
            log.flush()
            self._proc = subprocess.Popen(
                [self.python, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
                cwd=self.workdir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise SynapseError(f"Synapse exited with {self._proc.returncode}; log:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/_matrix/client/versions", timeout=1).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise SynapseError(f"Synapse did not answer within {timeout} s; log:\n{self.log_tail()}")

    def stop(self, timeout: float = 30) -> None:
        if not self.running:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_tail(self, since: int = 0, lines: int = 80) -> str:
        if not self.log_path.exists():
            return ""
        with open(self.log_path, "rb") as f:
            f.seek(since)
            text = f.read().decode(errors="replace")
        return "\n".join(text.splitlines()[-lines:])
