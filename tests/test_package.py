"""Packaging (issue 5): `cargo tauri build`, run from the repository root,
makes the Linux .deb a person installs, and the bundle config covers macOS
and Windows too (checked from the config, since only Linux builds here).

The .deb is built with the debug profile and `--workspace`, so that cargo
resolves the same features as scripts/test's `cargo build --workspace` and
reuses its build: only tauri (which `cargo tauri build` gives its
`custom-protocol` feature) and the crates above it are compiled again, once
per target directory."""

import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from conftest import RUN_ARTIFACTS

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT  # where tauri.conf.json is; the paths in it are relative to it
CONFIG = json.loads((CONFIG_DIR / "tauri.conf.json").read_text())
TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or Path.home() / ".cache/trellis/target")
BINARY = CONFIG["mainBinaryName"]


def cargo(*args: str, log: Path, timeout: float) -> None:
    with log.open("a") as out:
        done = subprocess.run(["cargo", *args], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                              env={**os.environ, "CARGO_TARGET_DIR": str(TARGET)}, timeout=timeout)
    if done.returncode:
        tail = "".join(log.read_text().splitlines(keepends=True)[-40:])
        pytest.fail(f"`cargo {' '.join(args)}` failed; the end of {log}:\n{tail}", pytrace=False)


@pytest.fixture(scope="module")
def deb() -> Path:
    if shutil.which("cargo-tauri") is None:
        pytest.fail("no tauri-cli: `cargo install tauri-cli --locked` (scripts/test does)", pytrace=False)
    out = TARGET / "debug/bundle/deb"
    shutil.rmtree(out, ignore_errors=True)  # so a package from an earlier run cannot pass
    log = RUN_ARTIFACTS / "cargo-tauri-build.log"
    try:
        cargo("tauri", "build", "--debug", "--bundles", "deb", "--", "--workspace", log=log, timeout=3600)
    finally:
        # tauri-cli renames the built trellis-desktop to mainBinaryName; cargo
        # links the (still fresh) usual build back for the desktop tests.
        cargo("build", "--workspace", log=log, timeout=600)
    debs = list(out.glob("*.deb"))
    assert len(debs) == 1, f"expected one .deb in {out}, found {debs}"
    return debs[0]


@pytest.fixture(scope="module")
def installed(deb, tmp_path_factory) -> Path:
    """The package's files, unpacked as dpkg would install them."""
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    return root


def test_deb_control_names_the_package_and_its_libraries(deb):
    # The control file, as `dpkg-deb --field` prints it: "Name: value" lines,
    # continuation lines (the long description) indented.
    control = subprocess.run(["dpkg-deb", "--field", deb], check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(": ", 1) for line in control.splitlines() if line[:1].strip() and ": " in line)
    assert fields["Package"] == "trellis"
    assert fields["Version"] == CONFIG["version"]
    arch = subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True, text=True).stdout.strip()
    assert fields["Architecture"] == arch
    assert fields["Description"] == CONFIG["bundle"]["shortDescription"]
    depends = [d.strip() for d in fields["Depends"].split(",")]
    # The webview, GTK, and the tray's indicator library; each named once.
    assert {"libwebkit2gtk-4.1-0", "libgtk-3-0", "libayatana-appindicator3-1"} <= set(depends), depends
    assert len(depends) == len(set(depends)), depends
    assert deb.name == f"Trellis_{CONFIG['version']}_{arch}.deb"


def test_deb_installs_the_binary_a_launcher_and_icons(deb, installed):
    listing = subprocess.run(["dpkg-deb", "-c", deb], check=True, capture_output=True, text=True).stdout
    # tauri-bundler writes member names without the usual "./".
    members = {line.split()[-1].removeprefix("./") for line in listing.splitlines()}
    assert f"usr/bin/{BINARY}" in members

    launchers = list((installed / "usr/share/applications").glob("*.desktop"))
    assert len(launchers) == 1, launchers
    lines = launchers[0].read_text().splitlines()
    entry = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    assert entry["Name"] == "Trellis"
    # Deep links: the desktop opens matrix: URIs with Trellis, and hands the
    # URI over (%u); without a field code the launcher starts Trellis bare
    # and the link is lost.
    assert "x-scheme-handler/matrix" in entry["MimeType"].split(";")
    assert entry["Exec"].split() == [BINARY, "%u"]

    icons = list((installed / "usr/share/icons/hicolor").glob(f"*/apps/{entry['Icon']}.png"))
    assert {icon.parent.parent.name for icon in icons} >= {"32x32", "128x128", "256x256@2"}, icons


def test_packaged_binary_links_and_runs(installed):
    binary = installed / "usr/bin" / BINARY
    assert os.access(binary, os.X_OK)
    libs = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    assert "not found" not in libs, libs
    assert "libwebkit2gtk-4.1.so.0" in libs
    # A bad argument is refused before any window or profile: this shows the
    # binary loads and starts without touching the desktop.
    run = subprocess.run([binary, "--profile"], capture_output=True, text=True, timeout=30)
    assert run.returncode == 2, run
    assert "usage: trellis" in run.stderr


def test_bundle_config_covers_macos_and_windows():
    bundle = CONFIG["bundle"]
    assert {"deb", "app", "dmg", "nsis", "msi"} <= set(bundle["targets"])
    paths = [CONFIG_DIR / icon for icon in bundle["icon"]]
    assert all(path.is_file() for path in paths), paths
    icons = {path.suffix: path for path in paths}

    # macOS: an .icns whose length field is its size, holding a 512px image (ic09) or larger.
    icns = icons[".icns"].read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    kinds, at = set(), 8
    while at < len(icns):
        kind, size = icns[at:at + 4], struct.unpack(">I", icns[at + 4:at + 8])[0]
        kinds.add(kind)
        at += size
    assert at == len(icns) and kinds & {b"ic09", b"ic10"}, kinds

    # Windows: an .ico (reserved 0, type 1) with a 256px entry (stored as 0).
    ico = icons[".ico"].read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count > 0
    assert any(ico[6 + 16 * i] == 0 for i in range(count))

    # Unsigned by default: signing identities come from the build machine.
    assert bundle["macOS"]["minimumSystemVersion"]
    assert bundle["macOS"]["signingIdentity"] is None
    assert bundle["windows"]["certificateThumbprint"] is None
