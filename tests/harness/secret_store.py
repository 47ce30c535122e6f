"""What the Secret Service holds for Trellis, and where secrets must never be.

secret-tool prints attributes on stderr and secrets unquoted, so the keyring is
read over D-Bus with secretstorage instead.
"""

import os
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import secretstorage

SERVICE = "trellis"


@dataclass(frozen=True)
class KeyringItem:
    path: str
    label: str
    attributes: dict
    secret: bytes


def keyring_items(service: str = SERVICE) -> list[KeyringItem]:
    with closing(secretstorage.dbus_init()) as conn:
        return [KeyringItem(item.item_path, item.get_label(), dict(item.get_attributes()), item.get_secret())
                for item in secretstorage.search_items(conn, {"service": service})]


def require_private_keyring() -> None:
    """The tests write and delete keyring entries: never in a person's real keyring."""
    if os.environ.get("TRELLIS_IN_KEYRING_SESSION") != "1":
        raise RuntimeError("backend tests need the throwaway Secret Service: "
                           "run them under scripts/with-keyring (scripts/test does)")


def files_containing(root: Path, needle: bytes) -> list[Path]:
    """Every file under root whose bytes contain needle (SQLite pages, WAL, logs, anything)."""
    return [p for p in sorted(Path(root).rglob("*")) if p.is_file() and needle in p.read_bytes()]
