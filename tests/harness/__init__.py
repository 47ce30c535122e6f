"""Test harness: a real Synapse, plain-HTTP Matrix users, the stdio backend, and a js-sdk peer."""

from pathlib import Path

from .backend import Backend, BackendError, BackendExited
from .jspeer import JsPeer, JsPeerError
from .matrix import MatrixHTTPError, MatrixUser, register_user
from .secret_store import KeyringItem, files_containing, keyring_items, require_private_keyring
from .synapse import Synapse, SynapseError, free_port

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

__all__ = [
    "ARTIFACTS", "Backend", "BackendError", "BackendExited", "JsPeer", "JsPeerError", "KeyringItem",
    "MatrixHTTPError",
    "MatrixUser", "Synapse", "SynapseError", "files_containing", "free_port", "keyring_items",
    "register_user", "require_private_keyring",
]
