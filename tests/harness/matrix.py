"""Plain-HTTP Matrix users: the other people in a test's rooms, driven with requests."""

import secrets
import uuid
from dataclasses import dataclass
from urllib.parse import quote

import requests


class MatrixHTTPError(RuntimeError):
    def __init__(self, method: str, path: str, status: int, body: str):
        super().__init__(f"{method} {path} -> {status}: {body}")
        self.status = status
        self.body = body


def request(base_url: str, method: str, path: str, token: str | None = None, timeout: float = 30,
            headers: dict | None = None, **kwargs) -> requests.Response:
    """The raw response; an error status raises MatrixHTTPError."""
    headers = {**(headers or {}), **({"Authorization": f"Bearer {token}"} if token else {})}
    resp = requests.request(method, base_url + path, headers=headers, timeout=timeout, **kwargs)
    if not resp.ok:
        raise MatrixHTTPError(method, path, resp.status_code, resp.text)
    return resp


def call(base_url: str, method: str, path: str, token: str | None = None, timeout: float = 30, **kwargs):
    return request(base_url, method, path, token, timeout, **kwargs).json()


def _q(part: str) -> str:
    return quote(part, safe="")


@dataclass
class MatrixUser:
    base_url: str
    user_id: str
    password: str
    access_token: str
    device_id: str

    @property
    def localpart(self) -> str:
        return self.user_id[1:].split(":", 1)[0]

    def call(self, method: str, path: str, **kwargs):
        return call(self.base_url, method, "/_matrix/client/v3" + path, self.access_token, **kwargs)

    def create_room(self, name: str | None = None, invite: list[str] = (), is_direct: bool = False,
                    preset: str = "private_chat", **extra) -> str:
        body = {"preset": preset, "invite": list(invite), "is_direct": is_direct, **extra}
        if name is not None:
            body["name"] = name
        return self.call("POST", "/createRoom", json=body)["room_id"]

    def invite(self, room_id: str, user_id: str) -> None:
        self.call("POST", f"/rooms/{_q(room_id)}/invite", json={"user_id": user_id})

    def join(self, room_id_or_alias: str) -> str:
        return self.call("POST", f"/join/{_q(room_id_or_alias)}", json={})["room_id"]

    def leave(self, room_id: str) -> None:
        self.call("POST", f"/rooms/{_q(room_id)}/leave", json={})

    def send(self, room_id: str, event_type: str, content: dict) -> str:
        path = f"/rooms/{_q(room_id)}/send/{_q(event_type)}/{uuid.uuid4().hex}"
        return self.call("PUT", path, json=content)["event_id"]

    def send_text(self, room_id: str, body: str) -> str:
        return self.send(room_id, "m.room.message", {"msgtype": "m.text", "body": body})

    def set_state(self, room_id: str, event_type: str, content: dict, state_key: str = "") -> str:
        path = f"/rooms/{_q(room_id)}/state/{_q(event_type)}/{_q(state_key)}"
        return self.call("PUT", path, json=content)["event_id"]

    def set_displayname(self, name: str) -> None:
        self.call("PUT", f"/profile/{_q(self.user_id)}/displayname", json={"displayname": name})

    def read_receipt(self, room_id: str, event_id: str) -> None:
        self.call("POST", f"/rooms/{_q(room_id)}/receipt/m.read/{_q(event_id)}", json={})

    def sync(self, since: str | None = None, timeout_ms: int = 0) -> dict:
        params = {"timeout": timeout_ms, **({"since": since} if since else {})}
        return self.call("GET", "/sync", params=params, timeout=timeout_ms / 1000 + 30)

    def messages(self, room_id: str, direction: str = "b", limit: int = 100) -> list[dict]:
        params = {"dir": direction, "limit": limit}
        return self.call("GET", f"/rooms/{_q(room_id)}/messages", params=params)["chunk"]

    def upload(self, data: bytes, content_type: str, filename: str | None = None) -> str:
        """Puts a file in the media repository; returns its mxc URI."""
        return call(self.base_url, "POST", "/_matrix/media/v3/upload", self.access_token, data=data,
                    params={"filename": filename} if filename else {},
                    headers={"Content-Type": content_type})["content_uri"]

    def download(self, mxc: str) -> bytes:
        """A file's bytes as the homeserver holds them, through the authenticated media API."""
        server, media_id = mxc.removeprefix("mxc://").split("/", 1)
        path = f"/_matrix/client/v1/media/download/{_q(server)}/{_q(media_id)}"
        return request(self.base_url, "GET", path, self.access_token).content

    def whoami(self) -> str:
        return self.call("GET", "/account/whoami")["user_id"]

    def login_again(self) -> "MatrixUser":
        """A second device of the same account, e.g. a phone next to Trellis."""
        resp = call(self.base_url, "POST", "/_matrix/client/v3/login", json={
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": self.localpart},
            "password": self.password,
        })
        return MatrixUser(self.base_url, resp["user_id"], self.password,
                          resp["access_token"], resp["device_id"])


def register_user(base_url: str, prefix: str = "u") -> MatrixUser:
    """Registers a fresh user with a random name, through the dummy auth flow."""
    username = f"{prefix}_{secrets.token_hex(5)}"
    password = secrets.token_urlsafe(12)
    resp = call(base_url, "POST", "/_matrix/client/v3/register", json={
        "username": username,
        "password": password,
        "auth": {"type": "m.login.dummy"},
        "initial_device_display_name": "trellis tests",
    })
    return MatrixUser(base_url, resp["user_id"], password, resp["access_token"], resp["device_id"])
