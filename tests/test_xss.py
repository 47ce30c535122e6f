"""Hostile HTML never runs (issue 4): every payload of tests/xss/payloads.jsonl
is sent by another user through Synapse as org.matrix.custom.html, received
by trellis-server, and its local_content.sanitized_html is checked twice:
parsed here against the output allowlist, and loaded into Debian's Chromium
(tests/browser/xss-check.mjs) with traps on dialogs, script execution,
network requests and navigation. Zero escapes.
"""

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from harness.frontend import join_invited_room, login, sync_room
from harness.matrix import MatrixHTTPError

HERE = Path(__file__).parent
PAYLOADS = [json.loads(line) for line in (HERE / "xss/payloads.jsonl").read_text().splitlines() if line]
BROWSER = HERE / "browser"
SURROGATE_PAYLOADS = {p["name"] for p in PAYLOADS
                      if any(0xD800 <= ord(c) <= 0xDFFF for c in p["formatted_body"])}

# What sanitized_html may contain (docs/rpc.md, "Message content").
TAGS = set("del h1 h2 h3 h4 h5 h6 blockquote p a ul ol sup sub li b i u strong em s code hr br div "
           "table thead tbody tr th td caption pre span img details summary".split())
VOID = {"br", "hr", "img"}
ATTRS = {
    "a": {"href", "target", "rel", "class", "data-mx-pill", "data-mx-event"},
    "img": {"src", "width", "height", "alt", "title"},
    "ol": {"start"},
    "code": {"class"},
    "span": {"data-mx-bg-color", "data-mx-color", "data-mx-spoiler", "data-mx-maths"},
    "div": {"data-mx-maths"},
}
LINK_SCHEMES = ("https:", "http:", "ftp:", "mailto:", "magnet:", "matrix:")
MAX_DEPTH = 100


class AllowlistCheck(HTMLParser):
    """Parses sanitized HTML strictly: allowlisted tags and attributes only,
    every element closed in order, no comments or declarations, nesting capped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name not in ATTRS.get(tag, ()):
                self.problems.append(f"attribute {name} on <{tag}>")
            elif name == "href" and not (value or "").lower().startswith(LINK_SCHEMES):
                self.problems.append(f"href {value[:60]!r}")
            elif name == "src" and not (value or "").startswith("_gomuks/media/"):
                self.problems.append(f"src {value[:60]!r}")
            elif name == "rel" and value != "noopener noreferrer":
                self.problems.append(f"rel {value!r}")
            elif name in ("data-mx-color", "data-mx-bg-color") and not (
                    len(value) == 7 and value[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in value[1:])):
                self.problems.append(f"colour {value[:40]!r}")
            elif tag == "code" and name == "class" and not value.startswith("language-"):
                self.problems.append(f"code class {value[:40]!r}")
        if tag not in VOID:
            self.stack.append(tag)
            if len(self.stack) > MAX_DEPTH:
                self.problems.append(f"nesting deeper than {MAX_DEPTH}")

    def handle_startendtag(self, tag, attrs):
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}>")
        else:
            self.stack.pop()

    def handle_comment(self, data):
        self.problems.append("comment")

    def handle_decl(self, decl):
        self.problems.append("declaration")

    def handle_pi(self, data):
        self.problems.append("processing instruction")

    def unknown_decl(self, data):
        self.problems.append("unknown declaration")


def allowlist_problems(html: str) -> list[str]:
    check = AllowlistCheck()
    check.feed(html)
    check.close()
    if check.stack:
        check.problems.append(f"unclosed {check.stack[-3:]}")
    # Deduplicated: a deep payload repeats the same problem thousands of times.
    return sorted(set(check.problems))


def run_browser(cases: list[dict]) -> dict:
    node = shutil.which("node")
    if node is None or not (BROWSER / "node_modules/playwright-core").is_dir():
        pytest.fail("tests/browser needs `npm ci` (scripts/test runs it) and Node.js", pytrace=False)
    # Chromium stays off the tests' private D-Bus session (it only logs noise there).
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    done = subprocess.run([node, str(BROWSER / "xss-check.mjs")], input=json.dumps(cases),
                          capture_output=True, text=True, timeout=600, cwd=BROWSER, env=env)
    assert done.returncode == 0, f"xss-check.mjs failed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout)


def test_allowlist_check_catches_what_it_should():
    """The Python side of the proof flags hostile output (so a pass means something)."""
    assert allowlist_problems('<b>x</b><a href="https://e.org" rel="noopener noreferrer">y</a>') == []
    for bad in ['<script>x</script>', '<img src="x" onerror="y">', '<a href="javascript:x">x</a>',
                '<b><i>x</b></i>', '<!-- c -->', '<span data-mx-color="red">x</span>', '<svg/>']:
        assert allowlist_problems(bad), bad


def test_browser_traps_catch_hostile_html():
    """The Chromium side flags what it should, so zero escapes below means something."""
    result = run_browser([
        {"name": "clean", "html": '<b>ok</b><img src="_gomuks/media/e.org/x?encrypted=false">'},
        {"name": "onerror", "html": "<img src=x onerror=alert(1)>"},
        {"name": "js-link", "html": '<a href="javascript:alert(1)">x</a>'},
        {"name": "svg", "html": "<svg onload=alert(1)></svg>"},
        {"name": "handler", "html": "<b onmouseover=confirm(1)>x</b>"},
    ])
    caught = {e["name"] for e in result["escapes"]}
    assert {"onerror", "js-link", "svg", "handler"} <= caught, result
    assert "clean" not in caught, result


def test_hostile_html_never_runs(synapse, register_user, backend):
    assert len(PAYLOADS) >= 200
    me = register_user("victim")
    mallory = register_user("mallory")
    login(backend, synapse, me)
    room_id = join_invited_room(backend, mallory, me.user_id)
    mark = backend.mark()

    sent: dict[str, str] = {}  # event_id -> payload name
    refused: dict[str, str] = {}
    for p in PAYLOADS:
        content = {"msgtype": "m.text", "body": f"xss {p['name']}",
                   "format": "org.matrix.custom.html", "formatted_body": p["formatted_body"]}
        try:
            sent[mallory.send(room_id, "m.room.message", content)] = p["name"]
        except MatrixHTTPError as e:
            # Synapse itself cannot store lone surrogates (it answers 500):
            # those never reach us; the Rust tests feed them to the pipeline.
            assert e.status in (400, 413, 500), e
            refused[p["name"]] = e.body[:200]
    assert set(refused) <= SURROGATE_PAYLOADS, f"Synapse refused payloads: {refused}"
    assert len(sent) >= 200
    print(f"{len(sent)} payloads sent, {len(refused)} refused by Synapse")

    received: dict[str, dict] = {}

    def all_received(sync) -> bool:
        for e in sync_room(sync, room_id).get("events") or []:
            if e.get("event_id") in sent:
                received[e["event_id"]] = e
        return len(received) == len(sent)

    backend.wait_event("sync_complete", all_received, timeout=180, after=mark)
    # The connection is still fine after all of it.
    assert backend.request("get_state") is not None

    cases, problems = [], {}
    for event_id, name in sent.items():
        local = received[event_id].get("local_content") or {}
        html = local.get("sanitized_html", "")
        assert not local.get("was_plaintext"), name
        found = allowlist_problems(html)
        if found:
            problems[name] = found
        cases.append({"name": name, "html": html})
    assert not problems, f"outputs outside the allowlist: {json.dumps(problems, indent=1)[:4000]}"

    result = run_browser(cases)
    assert result["checked"] == len(cases)
    assert result["escapes"] == [], f"escapes in Chromium: {json.dumps(result['escapes'], indent=1)[:4000]}"
