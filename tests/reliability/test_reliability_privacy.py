"""Privacy and security: nothing leaves the machine but model downloads (https, pinned
host, SHA-256 checked); no frame is ever stored; outputs and exports are readable by the
user only; names from imported files cannot steer where files are written.
"""

from __future__ import annotations

import ast
import codecs
import ipaddress
import json
import os
import re
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from rom_tracker.cli import main
from rom_tracker.errors import UsageError
from rom_tracker.media.models import MODELS
from rom_tracker.store import Store
from rom_tracker.store.exchange import export_document, export_sessions
from tests.support.ci import fail_on_ci_else_skip
from tests.support.netguard import is_loopback
from tests.support.reliability import (
    Cli,
    files_under,
    make_trial,
    store_with_trials,
    video_frames,
    write_video,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "rom_tracker"
HEAD_TURN = ROOT / "samples" / "head_turn.mp4"
PINNED_HOSTS = {"storage.googleapis.com"}


# ---------------------------------------------------------------- the network


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Any non-loopback connection, datagram or name lookup in this process fails the
    test (the attempts are listed, then asserted empty at the end)."""
    attempts: list[str] = []
    connect, connect_ex, getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            attempts.append(f"connect {address[0]}:{address[1]}")
            raise OSError(f"test: no network allowed ({address})")

    def guarded_connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return connect_ex(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_loopback(host):
            attempts.append(f"resolve {host}")
            raise socket.gaierror(f"test: no network allowed ({host})")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield attempts
    assert attempts == [], f"network used: {attempts}"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 2 s of samples/head_turn.mp4 (quick to measure)."""
    frames = video_frames(HEAD_TURN, set(range(60)))
    return write_video(tmp_path_factory.mktemp("clip") / "clip.mp4", [frames[i] for i in range(60)])


@pytest.mark.real
def test_commands_use_no_network(
    no_network: list[str],
    use_models: dict[str, str],
    clip: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """analyze, record, progress, sessions, export and import, in this process with the
    models cached: not one connection, not one name lookup."""
    monkeypatch.setattr("rom_tracker.cli.divert_native_stderr", lambda: False)
    monkeypatch.setenv("ROM_TRACKER_HOME", str(tmp_path / "home"))
    out = tmp_path / "out"
    commands = [
        ["-q", "analyze", str(clip), "--out", str(out), "--what", "head"],
        ["profiles", "add", "alex"],
        ["-q", "record", "--profile", "alex", "--movement", "neck_rotation", "--mode", "active", "--source", str(clip)],
        ["progress", "--profile", "alex"],
        ["sessions", "list"],
        ["export", "--profile", "alex", "--out", str(tmp_path / "alex.json")],
        ["import", str(tmp_path / "alex.json")],
    ]  # fmt: skip
    for args in commands:
        code = main(args)
        assert code == 0, (args, capsys.readouterr().err)
    assert no_network == []


def _strace_ok() -> bool:
    if shutil.which("strace") is None or sys.platform != "linux":
        return False
    probe = subprocess.run(
        ["strace", "-f", "-e", "trace=connect", "true"], capture_output=True, check=False
    )
    return probe.returncode == 0


CONNECT_ADDR = re.compile(
    r"(sa_family=AF_INET6?).*?(?:inet_addr\(\"([^\"]+)\"\)|inet_pton\(AF_INET6, \"([^\"]+)\")"
)
PAYLOAD = re.compile(r'iov_base="((?:[^"\\]|\\.)*)"|sendto\(\d+, "((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Traffic:
    remote: list[str]  # connect/sendto lines to non-loopback addresses
    dns_names: set[str]  # names looked up in DNS queries


def _dns_name(packet: bytes) -> str | None:
    labels, i = [], 12  # after the DNS header
    while i < len(packet) and packet[i]:
        n = packet[i]
        labels.append(packet[i + 1 : i + 1 + n].decode(errors="replace"))
        i += n + 1
    return ".".join(labels) or None


@pytest.fixture(scope="module")
def traffic(
    model_env: dict[str, str], clip: Path, tmp_path_factory: pytest.TempPathFactory
) -> Traffic:
    """Every connect/send of an ``analyze`` run and all its threads (MediaPipe, TensorFlow
    Lite, FFmpeg included), as strace sees them."""
    if not _strace_ok():
        fail_on_ci_else_skip("needs strace allowed to trace (ptrace): apt-get install strace")
    tmp = tmp_path_factory.mktemp("strace")
    log = tmp / "strace.log"
    proc = subprocess.run(
        [
            "strace", "-f", "-qq", "-s", "512", "-e", "trace=connect,sendto,sendmsg,sendmmsg",
            "-o", str(log), sys.executable, "-m", "rom_tracker", "-q", "analyze", str(clip),
            "--out", str(tmp / "out"),
        ],
        capture_output=True, text=True, env={**os.environ, **model_env}, check=False,
        timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    remote, names = [], set()
    for line in log.read_text().splitlines():
        m = CONNECT_ADDR.search(line)
        if m and not ipaddress.ip_address(m.group(2) or m.group(3)).is_loopback:
            remote.append(line)
        if "htons(53)" in line or "send" in line:
            for payload in PAYLOAD.findall(line):
                raw = codecs.escape_decode("".join(payload).encode())[0]
                if len(raw) > 12 and (name := _dns_name(raw)):
                    names.add(name)
    return Traffic(remote, names)


@pytest.mark.real
def test_no_socket_leaves_the_machine_even_from_native_code(traffic: Traffic) -> None:
    """An analyze run, all its threads included (MediaPipe, TensorFlow Lite, FFmpeg): not
    one connection off the machine and not one DNS lookup. MediaPipe's PyPI builds from
    0.10.35 on post usage metrics to play.googleapis.com from native code (no opt-out);
    pyproject.toml keeps it below that (docs/reliability.md, "Privacy")."""
    print(
        f"DNS lookups: {sorted(traffic.dns_names)}; connections off the machine: {len(traffic.remote)}"
    )
    assert traffic.remote == [], traffic.remote
    assert not traffic.dns_names, traffic.dns_names


def test_model_downloads_are_https_to_pinned_hosts_with_hashes() -> None:
    for spec in MODELS.values():
        url = urllib.parse.urlsplit(spec.url)
        assert url.scheme == "https" and url.hostname in PINNED_HOSTS, spec.url
        assert re.fullmatch(r"[0-9a-f]{64}", spec.sha256) and spec.size > 0


def test_only_the_model_module_opens_urls() -> None:
    """No other module imports a network client (urllib.request, http.client, socket,
    requests...): a new network use has to come through rom_tracker.media.models and its tests."""
    clients = {
        "urllib.request",
        "http.client",
        "socket",
        "requests",
        "httpx",
        "aiohttp",
        "ftplib",
        "smtplib",
    }
    users = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )  # fmt: skip
            for name in names:
                if name in clients or name.split(".")[0] in clients - {"urllib", "http"}:
                    users.setdefault(str(path.relative_to(ROOT)), set()).add(name)
    assert set(users) <= {"rom_tracker/media/models.py"}, users


# ---------------------------------------------------------------- frames are never stored


#: The modules that may encode frames: annotate's video encoders (annotate's output, compare
#: --video and the opt-in ``record --keep-video`` / "Keep the video" copy), all written only
#: where the user asks (tests/annotate/test_keep_video.py::test_no_video_kept_by_default),
#: the report's end-range stills, made only from videos the user chose to keep, faces
#: hidden unless --show-faces, and ``annotate --audio``'s muxer (it copies the annotated
#: video's packets as they are and encodes the sound the user gives).
VIDEO_WRITERS = (
    "rom_tracker/annotate/encoders.py",
    "rom_tracker/annotate/stills.py",
    "rom_tracker/annotate/audio_mux.py",
)


def test_no_module_writes_images_or_video() -> None:
    """No code path but the opt-in video writer encodes a frame: nothing else can store a
    picture of the person. ``rom_tracker/evaluation/`` writes test videos of third-party
    dataset photos only, and no product module imports it (tests/test_layers.py)."""
    writers = re.compile(
        r"\b(imwrite|imencode|VideoWriter|add_stream|savefig|Image\.save|QImage.*save)\b"
    )
    found = [
        f"{path.relative_to(ROOT)}:{i}"
        for path in PACKAGE.rglob("*.py")
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writers.search(line) and not line.lstrip().startswith("#")
    ]
    evaluation = "rom_tracker/evaluation/"
    allowed = tuple(m + ":" for m in VIDEO_WRITERS)
    assert [f for f in found if not f.startswith((*allowed, evaluation))] == []
    for module in VIDEO_WRITERS:
        assert any(f.startswith(module + ":") for f in found), f"{module} writes no frame"


@pytest.mark.real
def test_analyze_keeps_landmarks_not_pixels_and_files_are_private(
    model_cli: Cli, clip: Path, tmp_path: Path
) -> None:
    old = os.umask(0)  # inherited by the CLI: modes must not depend on the umask
    try:
        r = model_cli("-q", "analyze", str(clip), "--out", "out", "--what", "head")
    finally:
        os.umask(old)
    assert r.code == 0, str(r)
    out = tmp_path / "out"
    assert files_under(out) == ["clip.csv", "clip.json", "clip.npz"]
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    with np.load(out / "clip.npz") as arrays:
        for name in arrays.files:
            a = arrays[name]
            assert a.dtype != np.uint8, f"{name}: {a.dtype} looks like pixels"
            assert a.ndim <= 3 and (a.ndim < 3 or a.shape[1:] in ((478, 3), (33, 3), (4, 4))), (
                name,
                a.shape,
            )
        assert set(arrays.files) >= {"t_s", "face_image_xyz", "face_matrix", "pose_world_xyz"}


def test_the_database_holds_no_pictures(tmp_path: Path) -> None:
    """Every blob in the database is a series of numbers of the size its row says."""
    db = tmp_path / "db.sqlite3"
    session = store_with_trials(db, make_trial())
    with Store.open(db) as store:
        store.add_trial(session, make_trial(), np.zeros((30, 33, 3), np.float32))
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        columns = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in tables}
        suspicious = [
            f"{t}.{c}"
            for t, cs in columns.items()
            for c in cs
            if re.search(r"image|frame|photo|video|rgb|pixel", c)
        ]
        assert suspicious == []
        for n, t_s, angle, landmarks in con.execute(
            "SELECT n, t_s, angle_deg, landmarks FROM trial_series"
        ):
            assert len(t_s) == 8 * n and len(angle) == 4 * n
            assert landmarks is None or len(landmarks) == 4 * n * 33 * 3
    finally:
        con.close()


# ---------------------------------------------------------------- exports


def test_exports_are_private_under_any_umask(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    store_with_trials(db, make_trial(), make_trial(side="right"))
    with Store.open(db) as store:
        old = os.umask(0)
        try:
            written = [
                *export_sessions(store, "alex", tmp_path / "a.json", "json"),
                *export_sessions(store, "alex", tmp_path / "a.csv", "csv"),
                *export_sessions(store, "alex", tmp_path / "mot", "mot"),
            ]
        finally:
            os.umask(old)
    assert len(written) == 4
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


HOSTILE = [
    "../../x",
    "/etc/passwd",
    "..",
    "a/../../b",
    "C:\\Windows\\x",
    "con",
    "x\0y",
    "\u202etxt.exe",
]


def test_names_from_an_import_cannot_choose_where_files_go(tmp_path: Path) -> None:
    """Profile names, protocols, sources and notes from an imported file are data: a mot
    export of all their trials writes generated names only, all inside the chosen folder;
    a movement, side or mode outside the known tables is refused before anything is kept."""
    with Store.open(tmp_path / "src.sqlite3") as store:
        for i, name in enumerate(HOSTILE):
            store.add_profile(name)
            sid = store.start_session(
                name, name, source=name, notes=name, started_at=f"2026-01-0{i + 1}T09:00:00Z"
            )
            store.add_trial(sid, make_trial())
    docs = []
    with Store.open(tmp_path / "src.sqlite3") as store:
        for name in HOSTILE:
            docs.append(export_document(store, name))
    with Store.open(tmp_path / "dst.sqlite3") as store:
        for i, doc in enumerate(docs):
            path = tmp_path / f"in{i}.json"
            path.write_text(json.dumps(doc))
            assert main(["import", str(path), "--db", str(tmp_path / "dst.sqlite3")]) == 0
        folder = tmp_path / "exports" / "mot"
        written = []
        for name in HOSTILE:
            written += export_sessions(store, name, folder, "mot")
    assert len(written) == len(HOSTILE)
    for path in written:
        assert path.parent == folder
        assert re.fullmatch(r"session\d+_trial\d+_neck_rotation_left_active\.mot", path.name)
    assert sorted(files_under(tmp_path / "exports")) == sorted(f"mot/{p.name}" for p in written)
    assert not (tmp_path / "x").exists() and not (tmp_path.parent / "x").exists()
    hostile = SimpleNamespace(
        **{**vars(make_trial()), "movement": "../../x"}
    )  # TrialResult refuses it
    with Store.open(tmp_path / "src.sqlite3") as store, pytest.raises(UsageError):
        store.add_trial(store.sessions()[0].id, hostile)  # type: ignore[arg-type]
