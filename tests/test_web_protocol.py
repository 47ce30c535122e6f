"""The web mode (`trellis-server --listen`) over a real socket: login and
cookies, the websocket's envelope rules, ping/pong and the idle timeout,
compression, and resuming after a dropped connection or a restart."""

import base64
import json
import time

import pytest
import requests
from websockets.exceptions import ConnectionClosed, InvalidStatus

from harness import BackendError
from harness.web import WsClient
from test_engine import body, timeline_events


# --- helpers ------------------------------------------------------------------

def ws_login(client: WsClient, synapse, user) -> None:
    mark = client.mark()
    client.request("login", {"homeserver_url": synapse.url, "username": user.localpart,
                             "password": user.password}, timeout=60)
    client.wait_event("client_state", lambda s: s.get("is_logged_in"), after=mark)


def bodies(client: WsClient, room_id: str, after: int = 0) -> list[str]:
    return [body(e) for sync in client.events("sync_complete", after)
            for e in timeline_events(sync, room_id) if e["type"] == "m.room.message"]


def wait_body(client: WsClient, room_id: str, text: str, after: int = 0) -> None:
    client.wait_event("sync_complete", lambda s: any(body(e) == text for e in timeline_events(s, room_id)),
                      timeout=30, after=after)


def commands(client: WsClient, after: int = 0) -> list[str]:
    return [m["command"] for m in client.messages[after:]]


@pytest.fixture
def chat(make_web, synapse, register_user):
    """A web server logged in as `me`, in a room with `friend`."""
    me, friend = register_user("me"), register_user("friend")
    room_id = friend.create_room(name="Web chat", invite=[me.user_id])
    web = make_web()
    client = web.ws()
    ws_login(client, synapse, me)
    client.request("join_room", {"room_id_or_alias": room_id}, timeout=60)
    friend.send_text(room_id, "hello web")
    wait_body(client, room_id, "hello web")
    return web, client, friend, room_id


# --- login and cookies --------------------------------------------------------

def test_login_sets_a_signed_cookie_and_keeps_only_a_hash(make_web):
    web = make_web(password="s3cret phrase")
    stored = (web.profile / "web-auth.json").read_text()
    assert "s3cret phrase" not in stored and "$argon2" in stored

    resp = requests.post(f"{web.base}/_gomuks/auth", timeout=30)
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Basic")
    # A frontend with its own login form asks for no browser prompt (gomuks's no_prompt).
    quiet = web.auth(password="wrong", no_prompt="true")
    assert quiet.status_code == 401 and "WWW-Authenticate" not in quiet.headers
    assert web.auth(password="wrong").status_code == 401
    assert web.auth(username="someone", password="s3cret phrase").status_code == 401

    resp = web.auth()
    assert resp.status_code == 201
    cookie = resp.headers["Set-Cookie"]
    for attribute in ("gomuks_auth=", "HttpOnly", "SameSite=Lax", "Secure", "Max-Age="):
        assert attribute in cookie
    assert "Secure" not in web.auth(insecure_cookie="true").headers["Set-Cookie"]

    resp = web.auth(output="json")
    assert "Set-Cookie" not in resp.headers
    token = resp.json()["token"]
    # The token opens the API; a still valid cookie renews itself without a password.
    assert web.get("/_gomuks/nothing-here", token).status_code == 404
    renewed = requests.post(f"{web.base}/_gomuks/auth", cookies={"gomuks_auth": token}, timeout=30)
    assert renewed.status_code == 200 and "gomuks_auth=" in renewed.headers["Set-Cookie"]


def test_every_api_path_needs_a_valid_cookie(make_web):
    web = make_web()
    token = web.token()
    body_part, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body_part + "=="))
    claims["user"] = "mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=") + "." + sig
    for path in ("/_gomuks/websocket", "/_gomuks/media/example.org/abc", "/_gomuks/nothing-here"):
        missing = web.get(path)
        assert missing.status_code == 401 and missing.json()["errcode"] == "FI.MAU.GOMUKS.MISSING_COOKIE"
        for bad in ("garbage", forged, token + "x"):
            resp = web.get(path, bad)
            assert resp.status_code == 401 and resp.json()["errcode"] == "FI.MAU.GOMUKS.INVALID_COOKIE", path
    with pytest.raises(InvalidStatus) as refused:
        web.ws(token="garbage")
    assert refused.value.response.status_code == 401
    web.ws(token)  # and the server still serves


def test_failed_logins_are_rate_limited(make_web):
    web = make_web()
    token = web.token()
    for _ in range(5):
        assert web.auth(password="wrong").status_code == 401
    locked = web.auth()
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    # A session that is already logged in keeps working.
    assert web.get("/_gomuks/nothing-here", token).status_code == 404
    assert web.ws(token).request("get_state") is not None


def test_first_start_needs_a_password(make_web):
    web = make_web(start=False, password="")
    web.start(expect_exit=True)
    assert web.returncode != 0
    assert "TRELLIS_WEB_PASSWORD" in web.log_tail()


def test_websocket_checks_origin(make_web):
    web = make_web()
    token = web.token()
    for origin in ("http://evil.example", f"http://127.0.0.1:{web.port + 1}", "null"):
        with pytest.raises(InvalidStatus) as refused:
            web.ws(token, origin=origin)
        assert refused.value.response.status_code == 403
    client = web.ws(token, origin=web.base)
    assert client.request("get_state") is not None


# --- the websocket protocol ------------------------------------------------------

def test_connect_payload_and_envelope_rules(make_web):
    web = make_web()
    client = web.ws()
    first = commands(client)
    assert first[:2] == ["run_id", "client_state"]
    assert "sync_complete" in first and first.index("sync_complete") < first.index("init_complete")
    assert client.events("sync_complete")[0]["clear_state"] is True
    assert client.wait_event("image_auth_token")  # a non-empty token
    assert client.text_frames > 0 and client.binary_frames == 0
    assert set(client.frames) == {1}, "without compression every frame is one envelope"

    state = client.request("get_state")
    assert state["is_logged_in"] is False

    def error_for(raw, rid=0):
        mark = client.mark()
        client.send_raw(raw, rid)
        return client.wait_for(lambda m: m["command"] == "error" and m["request_id"] == rid,
                               what=f"an error for {raw[:40]!r}", after=mark)["data"]

    assert "malformed JSON" in error_for("{nope")
    assert "JSON object" in error_for("[1, 2]")
    assert "integer" in error_for('{"command": "get_state", "request_id": "7"}')
    assert "no command" in error_for('{"request_id": 41}', rid=41)
    assert "binary" in error_for(b'{"command": "get_state", "request_id": 42}')
    assert "empty" in error_for("   ")
    with pytest.raises(BackendError, match="unknown command|not a command"):
        client.request("no_such_command")
    with pytest.raises(BackendError, match="get_account_info"):
        client.request("get_account_info")
    # A request without an id is run but never answered.
    mark = client.mark()
    client.send_raw('{"command": "get_state"}')
    client.request("get_state")
    assert [m for m in client.messages[mark:] if m["command"] == "response"] == \
        [client.messages[-1]], "only the request with an id was answered"
    assert client.request("cancel", {"request_id": 999}) is False


def test_oversized_frames_are_refused_and_the_server_keeps_serving(make_web):
    web = make_web()
    client = web.ws()
    big = json.dumps({"command": "get_state", "request_id": 5, "data": {"x": "a" * (2 << 20)}})
    mark = client.mark()
    client.send_raw(big, 5)
    error = client.wait_for(lambda m: m["command"] == "error", after=mark)
    assert "limit" in error["data"]
    assert client.request("get_state") is not None, "the connection survives a refused request"

    huge = "a" * (20 << 20)
    try:
        client.send_raw(huge)
    except ConnectionClosed:
        pass  # the server may close before the client finishes sending
    closed = client.wait_closed(15)
    # The server closes while the client may still be sending: its close
    # frame (1009, message too big) can be lost to the TCP reset.
    assert closed.rcvd is None or closed.rcvd.code == 1009
    assert web.ws().request("get_state") is not None, "the server keeps serving"


def test_ping_answers_pong_and_acknowledges(make_web):
    web = make_web()
    client = web.ws()
    last = client.last_event_id
    mark = client.mark()
    rid = client.send("ping", {"last_received_id": last})
    pong = client.reply(rid)
    assert pong == {"command": "pong", "request_id": rid}
    # A ping without an id gets no pong; bad ping data gets an error.
    client.send_raw(json.dumps({"command": "ping", "data": {"last_received_id": last}}))
    rid = client.send("ping", {"last_received_id": "soon"})
    assert client.reply(rid)["command"] == "error"
    assert [m["command"] for m in client.messages[mark:] if m["command"] in ("pong", "response")] == ["pong"]


def test_silent_connections_are_closed(make_web):
    web = make_web(env={"TRELLIS_WEB_IDLE_TIMEOUT_MS": "1500"})
    talker, silent = web.ws(), web.ws()
    started = time.monotonic()
    while time.monotonic() - started < 4:
        talker.request("ping", {"last_received_id": talker.last_event_id})
        time.sleep(0.4)
    closed = silent.wait_closed(5)
    assert closed.rcvd is not None and closed.rcvd.code == 4000
    assert talker.closed is None, "a client that pings stays connected"
    assert talker.request("get_state") is not None


def test_compression_deflates_the_whole_stream_and_batches(make_web):
    web = make_web()
    plain = web.ws()
    packed = web.ws(compress=True)
    for client in (plain, packed):
        client.wait_event("image_auth_token")
    assert packed.binary_frames > 0 and packed.text_frames == 0
    assert commands(packed) == commands(plain)
    strip = [{k: v for k, v in m.items() if k != "request_id"} for m in plain.messages
             if m["command"] != "image_auth_token"]
    assert strip == [{k: v for k, v in m.items() if k != "request_id"} for m in packed.messages
                     if m["command"] != "image_auth_token"], "the same payload, deflated"

    # A burst of requests outruns the socket: replies arrive batched, all of them.
    ids = [packed.send("get_state") for _ in range(1000)]
    for rid in ids:
        assert packed.reply(rid)["command"] == "response"
    assert max(packed.frames) > 1, "queued envelopes share a frame when the client falls behind"
    replies = [m["request_id"] for m in packed.messages if m["command"] == "response"]
    assert sorted(replies) == sorted(ids)


# --- resuming -----------------------------------------------------------------------

def test_resume_gets_exactly_the_missed_events(chat):
    web, client, friend, room_id = chat
    friend.send_text(room_id, "seen 1")
    wait_body(client, room_id, "seen 1")
    run_id = client.events("run_id")[0]["run_id"]
    last = client.last_event_id
    client.request("ping", {"last_received_id": last})
    client.close()

    watcher = web.ws()  # sees the missed messages arrive at the backend
    mark = watcher.mark()
    for text in ("missed 1", "missed 2", "missed 3"):
        friend.send_text(room_id, text)
    wait_body(watcher, room_id, "missed 3", after=mark)

    resumed = web.ws(resume=(run_id, last))
    seen = commands(resumed)
    assert ["run_id", "sync_status", "init_complete"] in (seen[-4:-1], seen[-3:]), seen
    assert "client_state" not in seen, "a resume is not a fresh payload"
    syncs = resumed.events("sync_complete")
    assert not any(s.get("clear_state") for s in syncs)
    assert bodies(resumed, room_id) == ["missed 1", "missed 2", "missed 3"]
    assert all(m["request_id"] < last for m in resumed.messages if m["request_id"] < 0)
    assert resumed.events("run_id")[0]["run_id"] == run_id
    # And it goes on live.
    friend.send_text(room_id, "after resume")
    wait_body(resumed, room_id, "after resume")
    assert bodies(resumed, room_id).count("after resume") == 1


def test_a_send_retried_after_the_socket_dropped_goes_out_once(chat):
    """The websocket closes before the send's answer arrives: the client
    cannot know whether it was taken, so it sends again with the same
    transaction_id (a Trellis addition) and gets the first send's event."""
    web, client, friend, room_id = chat
    params = {"room_id": room_id, "text": "sent once, asked twice", "transaction_id": "client-txn.1"}
    client.send("send_message", params)
    client.close()

    again = web.ws()
    retried = again.request("send_message", params, timeout=30)
    assert retried["transaction_id"] == "client-txn.1"

    def sent() -> list[dict]:
        return [e for e in friend.messages(room_id) if e["content"].get("body") == params["text"]]

    deadline = time.monotonic() + 30
    while not sent() and time.monotonic() < deadline:
        time.sleep(0.3)
    # Once sent, asking again still answers that event, with its real ID.
    settled = again.request("send_message", params, timeout=30)
    assert settled["rowid"] == retried["rowid"] and settled["event_id"].startswith("$")
    time.sleep(1)
    assert [e["event_id"] for e in sent()] == [settled["event_id"]]

    # The ID is the client's to keep unique per account, and it is checked.
    with pytest.raises(BackendError, match="transaction_id"):
        again.request("send_message", {**params, "transaction_id": "a/b"})
    other = friend.create_room(name="Another", invite=[])
    with pytest.raises(BackendError):
        again.request("send_message", {**params, "room_id": other})


def test_a_resume_that_cannot_work_gets_a_fresh_payload(chat):
    web, client, friend, room_id = chat
    run_id = client.events("run_id")[0]["run_id"]
    for resume in (("another-run", client.last_event_id), (run_id, client.last_event_id - 100000), (run_id, 5)):
        fresh = web.ws(resume=resume)
        assert commands(fresh)[:2] == ["run_id", "client_state"]
        assert fresh.events("sync_complete")[0]["clear_state"] is True
        assert room_id in fresh.events("sync_complete")[0]["rooms"] or any(
            room_id in s["rooms"] for s in fresh.events("sync_complete"))
        fresh.close()


def test_resume_after_a_restart_falls_back_to_clear_state(chat):
    web, client, friend, room_id = chat
    run_id = client.events("run_id")[0]["run_id"]
    last = client.last_event_id
    web.stop()
    web.start()
    fresh = web.ws(resume=(run_id, last))
    assert fresh.events("run_id")[0]["run_id"] != run_id
    first_sync = fresh.events("sync_complete")[0]
    assert first_sync["clear_state"] is True
    assert any(room_id in s["rooms"] for s in fresh.events("sync_complete"))
    assert fresh.events("client_state")[0]["is_logged_in"] is True
    assert "init_complete" in commands(fresh)


# --- the UI, media, upload, keys -------------------------------------------------------

def png(width: int, height: int) -> bytes:
    """A real PNG (solid colour), built by hand so the tests need no imaging library."""
    import struct
    import zlib as _zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", _zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", _zlib.compress(rows)) + chunk(b"IEND", b""))


def png_size(data: bytes) -> tuple[int, int]:
    import struct
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_ui_is_served_with_a_strict_csp(make_web, tmp_path):
    ui = tmp_path / "dist"
    (ui / "assets").mkdir(parents=True)
    (ui / "index.html").write_text('<!doctype html><meta name="application-name" content="Trellis">'
                                   "<title>Trellis</title><script src=/assets/app.js></script>")
    (ui / "assets" / "app.js").write_text("console.log('hi')")
    web = make_web(env={"TRELLIS_UI_DIR": str(ui)})
    page = requests.get(web.base + "/", timeout=30)
    assert page.status_code == 200 and "<title>Trellis</title>" in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    script = requests.get(web.base + "/assets/app.js", timeout=30)
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert script.headers["Cache-Control"] == "max-age=604800, immutable"
    # Unknown paths are the app's own; the API keeps its own 401/404.
    assert "<title>Trellis</title>" in requests.get(web.base + "/rooms/x", timeout=30).text
    assert requests.get(web.base + "/_gomuks/anything", timeout=30).status_code == 401
    assert requests.get(web.base + "/../../etc/passwd", timeout=30).text.count("root:") == 0


def test_a_frontend_built_for_gomuks_is_served_as_gomuks_serves_it(make_web, tmp_path):
    """gomuks's own web frontend (--ui-dir): its index.html has an ETag
    placeholder, it styles with inline `style` and `<style>`, and it compares
    the ETag in its page with the one the websocket's run_id names."""
    ui = tmp_path / "gomuks-web"
    (ui / "assets").mkdir(parents=True)
    (ui / "index.html").write_text('<!doctype html><html data-gomuks="true"><head><title>gomuks web</title>'
                                   "<!-- etag placeholder --></head><body><div id=root></div>"
                                   '<svg style="position: absolute"></svg>'
                                   "<script type=module src=/assets/index-abc.js></script></body></html>")
    (ui / "assets" / "index-abc.js").write_text("console.log('gomuks')")
    web = make_web(env={"TRELLIS_UI_DIR": str(ui)})
    page = requests.get(web.base + "/", timeout=30)
    assert page.status_code == 200
    etag = page.headers["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    assert f'<meta name="gomuks-frontend-etag" content="{etag.replace(chr(34), "&quot;")}">' in page.text
    assert "etag placeholder" not in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp
    # Still no inline or remote script.
    assert csp.split("script-src")[1].split(";")[0].strip() == "'self'"
    # A copy already held is not sent again; the app's other paths are the same page.
    again = requests.get(web.base + "/", headers={"If-None-Match": etag}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    assert requests.get(web.base + "/room/x", timeout=30).headers["ETag"] == etag
    # The websocket names the same build.
    assert web.ws().events("run_id")[0]["etag"] == etag


def test_upload_then_media_and_thumbnails(chat):
    web, client, friend, room_id = chat
    token = web.token()
    picture = png(640, 320)
    resp = web.post("/_gomuks/upload", token, params={"filename": "red.png"}, data=picture,
                    headers={"Content-Type": "image/png"})
    assert resp.status_code == 200, resp.text
    content = resp.json()
    assert content["msgtype"] == "m.image" and content["body"] == "red.png"
    assert content["info"] == {"mimetype": "image/png", "size": len(picture), "w": 640, "h": 320}
    server, media_id = content["url"].removeprefix("mxc://").split("/")

    media = web.get(f"/_gomuks/media/{server}/{media_id}?encrypted=false", token)
    assert media.status_code == 200 and media.content == picture
    assert media.headers["Content-Type"] == "image/png"
    assert media.headers["Content-Security-Policy"] == "sandbox"
    thumb = web.get(f"/_gomuks/media/{server}/{media_id}?encrypted=false&thumbnail=avatar", token)
    assert thumb.status_code == 200 and png_size(thumb.content) == (128, 64)

    # A file the friend uploaded, fetched from the homeserver (not our cache).
    upload = requests.post(f"{synapse_url(friend)}/_matrix/media/v3/upload?filename=page.html",
                           data=b"<script>alert(1)</script>",
                           headers={"Authorization": f"Bearer {friend.access_token}",
                                    "Content-Type": "text/html"}, timeout=30).json()
    s2, id2 = upload["content_uri"].removeprefix("mxc://").split("/")
    page = web.get(f"/_gomuks/media/{s2}/{id2}?encrypted=false", token)
    assert page.status_code == 200 and page.content == b"<script>alert(1)</script>"
    assert page.headers["Content-Type"] == "application/octet-stream"
    assert page.headers["Content-Disposition"] == "attachment"
    assert page.headers["Content-Security-Policy"] == "sandbox"

    # The image token from the websocket opens unencrypted media only.
    image_token = client.wait_event("image_auth_token")
    assert requests.get(f"{web.base}/_gomuks/media/{server}/{media_id}?encrypted=false&image_auth={image_token}",
                        timeout=30).content == picture
    assert requests.get(f"{web.base}/_gomuks/media/{server}/{media_id}?encrypted=true&image_auth={image_token}",
                        timeout=30).status_code == 401
    assert web.get(f"/_gomuks/media/{server}/{media_id}?image_auth={token}&encrypted=false").status_code == 401

    for bad in ("/_gomuks/media/bad%2Fserver/x", f"/_gomuks/media/{server}/{media_id}?encrypted=maybe",
                f"/_gomuks/media/{server}/{media_id}?thumbnail=huge"):
        resp = web.get(bad, token)
        assert resp.status_code in (400, 404) and resp.json()["errcode"], bad
    missing = web.get(f"/_gomuks/media/{server}/nosuchmedia?encrypted=false", token)
    assert missing.status_code == 404
    fallback = web.get(f"/_gomuks/media/{server}/nosuchmedia?encrypted=false&fallback=%23a4041d:Q", token)
    assert fallback.status_code == 200 and fallback.headers["Content-Type"] == "image/svg+xml"
    assert b"Q" in fallback.content


def test_encrypted_upload_is_served_decrypted(chat):
    web, client, friend, room_id = chat
    token = web.token()
    secret = b"attachment bytes " * 100
    resp = web.post("/_gomuks/upload", token, params={"filename": "notes.txt", "encrypt": "true"},
                    data=secret, headers={"Content-Type": "text/plain"})
    assert resp.status_code == 200, resp.text
    content = resp.json()
    assert "url" not in content and content["file"]["key"]["alg"] == "A256CTR"
    mxc = content["file"]["url"]
    # The homeserver only ever saw ciphertext.
    server, media_id = mxc.removeprefix("mxc://").split("/")
    raw = requests.get(f"{synapse_url(friend)}/_matrix/client/v1/media/download/{server}/{media_id}",
                       headers={"Authorization": f"Bearer {friend.access_token}"}, timeout=30)
    assert raw.status_code == 200 and raw.content != secret and len(raw.content) == len(secret)
    # Sent in a message, its key is in the store and the file comes back decrypted (after a restart too).
    client.request("send_message", {"room_id": room_id, "text": "",
                                    "base_content": content})
    client.wait_event("send_complete")
    web.stop()
    web.start()
    got = web.get(f"/_gomuks/media/{server}/{media_id}?encrypted=true", token)
    assert got.status_code == 200 and got.content == secret
    assert got.headers["Content-Disposition"] == "attachment"


def test_keys_export_and_import(chat):
    web, client, friend, room_id = chat
    token = web.token()
    # An encrypted room with one message from us gives us a room key.
    mark = client.mark()
    friend.set_state(room_id, "m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2"})
    client.wait_event("sync_complete", lambda s: any(
        e["type"] == "m.room.encryption" for r in (s.get("rooms") or {}).values() for e in r.get("events") or []),
        after=mark)
    client.request("send_message", {"room_id": room_id, "text": "secret hello"})
    client.wait_event("send_complete", timeout=60)
    resp = web.post("/_gomuks/keys/export", token, data={"passphrase": "export pass"})
    assert resp.status_code == 200, resp.text
    assert resp.content.startswith(b"-----BEGIN MEGOLM SESSION DATA-----")
    assert "attachment" in resp.headers["Content-Disposition"]
    one_room = web.post(f"/_gomuks/keys/export/{room_id}", token, data={"passphrase": "export pass"})
    assert one_room.status_code == 200
    assert web.post("/_gomuks/keys/export/!nokeys:localhost", token,
                    data={"passphrase": "p"}).status_code == 400
    assert web.post("/_gomuks/keys/export", token, data={"passphrase": ""}).status_code == 400

    imported = web.post("/_gomuks/keys/import", token,
                        files={"export": ("keys.txt", resp.content)}, data={"passphrase": "export pass"})
    assert imported.status_code == 200, imported.text
    assert imported.json()["total"] >= 1
    wrong = web.post("/_gomuks/keys/import", token,
                     files={"export": ("keys.txt", resp.content)}, data={"passphrase": "wrong"})
    assert wrong.status_code == 400
    assert web.post("/_gomuks/keys/import", token, data={"passphrase": "x"}).status_code == 400


def synapse_url(user) -> str:
    return user.base_url
