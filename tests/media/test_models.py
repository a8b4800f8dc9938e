"""Model resolution against a real local HTTP server, real files and corrupted copies.

No test reaches the internet: the official URLs are pointed at a closed loopback port, and
the cache always lives under ``tmp_path``.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import os
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest

from rom_tracker.cli import models_cmd
from rom_tracker.errors import ModelError, UsageError
from rom_tracker.media import models

SHIPPED = dict(models.MODELS)  # before the autouse fixture points the URLs at loopback
FACE = SHIPPED["face_landmarker"]
LITE = SHIPPED["pose_landmarker_lite"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


class _Server(http.server.ThreadingHTTPServer):
    root: Path
    requests: list[str]


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves ``root/<name>``; ``/cut/<name>`` promises the whole file but sends half;
    ``/redirect/<name>`` redirects to an ftp:// URL."""

    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        if self.path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/model.task")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        file = self.server.root / self.path.rsplit("/", 1)[-1]
        if not file.is_file():
            self.send_error(404)
            return
        data = file.read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2] if self.path.startswith("/cut/") else data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[Path], tuple[str, list[str]]]]:
    """``serve(folder) -> (base_url, requests)``: a real HTTP server on 127.0.0.1."""
    running: list[tuple[_Server, threading.Thread]] = []

    def start(root: Path) -> tuple[str, list[str]]:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.root, server.requests = root, []
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}", server.requests

    yield start
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, closed_port: int) -> Iterator[None]:
    """Never the real user cache, never the env mirror, never Google."""
    monkeypatch.setenv(models.CACHE_ENV, str(tmp_path / "env-cache"))
    monkeypatch.delenv(models.MIRROR_ENV, raising=False)
    monkeypatch.setenv("no_proxy", "*")  # the loopback server, whatever proxy CI sets
    offline = {
        n: replace(s, url=f"https://127.0.0.1:{closed_port}/official/{s.filename}")
        for n, s in models.MODELS.items()
    }
    monkeypatch.setattr(models, "MODELS", MappingProxyType(offline))
    yield


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def bad_dir(tmp_path: Path, shared_dir: Path) -> Path:
    """face_landmarker.task truncated to half; pose_landmarker_lite.task with one byte flipped."""
    folder = tmp_path / "bad"
    folder.mkdir()
    face = (shared_dir / "models" / FACE.filename).read_bytes()
    (folder / FACE.filename).write_bytes(face[: len(face) // 2])
    lite = bytearray((shared_dir / "models" / LITE.filename).read_bytes())
    lite[len(lite) // 2] ^= 0xFF
    (folder / LITE.filename).write_bytes(bytes(lite))
    return folder


@pytest.fixture
def mirror(shared_dir: Path) -> Path:
    return shared_dir / "models"


# ---------------------------------------------------------------- registry and paths


def test_registry_matches_the_shared_checksums(mirror: Path) -> None:
    assert list(SHIPPED) == [
        "face_landmarker",
        "pose_landmarker_lite",
        "pose_landmarker_full",
        "pose_landmarker_heavy",
    ]
    sums = dict(line.split()[::-1] for line in (mirror / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {FACE.filename, LITE.filename}
    for spec in SHIPPED.values():
        task = "face_landmarker" if spec.name == "face_landmarker" else "pose_landmarker"
        assert spec.url == (
            "https://storage.googleapis.com/mediapipe-models/"
            f"{task}/{spec.name}/float16/1/{spec.name}.task"
        )
        if spec.filename in sums:
            assert sums[spec.filename] == spec.sha256
            assert (mirror / spec.filename).stat().st_size == spec.size


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {"ROM_TRACKER_CACHE": "/c/rt"}, "/c/rt"),
        ("linux", {"XDG_CACHE_HOME": "/xdg"}, "/xdg/rom-tracker/models"),
        ("linux", {"XDG_CACHE_HOME": "relative"}, "~/.cache/rom-tracker/models"),
        ("linux", {}, "~/.cache/rom-tracker/models"),
        ("darwin", {}, "~/Library/Caches/rom-tracker/models"),
        ("win32", {"LOCALAPPDATA": "/L"}, "/L/rom-tracker/Cache/models"),
    ],
)
def test_default_cache_dir(
    monkeypatch: pytest.MonkeyPatch, platform: str, env: dict[str, str], expected: str
) -> None:
    for var in ("ROM_TRACKER_CACHE", "XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setattr(models.sys, "platform", platform)
    assert models.default_cache_dir() == Path(expected).expanduser()


# ---------------------------------------------------------------- explicit paths


def test_explicit_good_path_is_used_as_is(mirror: Path, cache: Path) -> None:
    path = mirror / FACE.filename
    assert models.resolve("face_landmarker", path, cache_dir=cache) == path
    assert leftovers(cache) == []


@pytest.mark.parametrize(
    "case",
    [
        ("face_landmarker", "bad/face_landmarker.task", "has SHA-256"),
        ("pose_landmarker_lite", "bad/pose_landmarker_lite.task", "has SHA-256"),
        ("pose_landmarker_lite", "mirror/face_landmarker.task", "that is face_landmarker"),
        ("face_landmarker", "nowhere.task", "not found"),
    ],
)
def test_explicit_bad_path(
    tmp_path: Path, bad_dir: Path, mirror: Path, case: tuple[str, str, str]
) -> None:
    name, file, expected = case
    path = tmp_path / file if not file.startswith("mirror/") else mirror / file[7:]
    with pytest.raises(ModelError, match=expected) as err:
        models.resolve(name, path, cache_dir=tmp_path / "cache")
    assert str(path) in str(err.value)
    if path.exists():
        assert sha(path) in str(err.value)
        assert models.MODELS[name].sha256 in str(err.value)


# ---------------------------------------------------------------- cache, mirrors, downloads


def test_mirror_folder_is_copied_into_the_cache(mirror: Path, cache: Path) -> None:
    path = models.resolve("pose_landmarker_lite", cache_dir=cache, mirror=str(mirror))
    assert path == cache / LITE.filename
    assert sha(path) == LITE.sha256
    assert leftovers(cache) == [LITE.filename, LITE.filename + ".sha256"]


def test_mirror_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, mirror: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv(models.MIRROR_ENV, str(mirror))
    path = models.resolve_pose("lite")
    assert path == tmp_path / "env-cache" / LITE.filename
    assert sha(path) == LITE.sha256


def test_mirror_url_download_then_cache_hit_without_network(
    serve: Callable[[Path], tuple[str, list[str]]], mirror: Path, cache: Path
) -> None:
    url, requests = serve(mirror)
    path = models.resolve("face_landmarker", cache_dir=cache, mirror=url + "/")
    assert sha(path) == FACE.sha256
    assert requests == ["/" + FACE.filename]
    again = models.resolve("face_landmarker", cache_dir=cache, mirror=url, progress=True)
    assert again == path
    assert requests == ["/" + FACE.filename]  # served from the cache


def test_prefilled_cache_makes_no_request(
    serve: Callable[[Path], tuple[str, list[str]]], mirror: Path, cache: Path
) -> None:
    cache.mkdir()
    shutil.copy(mirror / LITE.filename, cache)
    url, requests = serve(mirror)
    assert models.resolve_pose("lite", cache_dir=cache, mirror=url) == cache / LITE.filename
    assert requests == []


def test_progress_prints_a_final_line(
    capsys: pytest.CaptureFixture[str], mirror: Path, cache: Path
) -> None:
    models.resolve("face_landmarker", cache_dir=cache, mirror=str(mirror), progress=True)
    err = capsys.readouterr().err
    assert f"fetched {FACE.filename}" in err
    assert "SHA-256 ok" in err


def test_hash_mismatch_names_file_both_hashes_and_fix(
    serve: Callable[[Path], tuple[str, list[str]]], bad_dir: Path, cache: Path
) -> None:
    url, requests = serve(bad_dir)
    with pytest.raises(ModelError) as err:
        models.resolve("pose_landmarker_lite", cache_dir=cache, mirror=url)
    message = str(err.value)
    assert "\n" not in message
    assert f"{url}/{LITE.filename}" in message
    assert sha(bad_dir / LITE.filename) in message
    assert LITE.sha256 in message
    assert models.MIRROR_ENV in message
    assert "rom-tracker models import PATH" in message
    assert "official: https://127.0.0.1:" in message  # every source is listed
    assert requests == ["/" + LITE.filename]
    assert leftovers(cache) == []


@pytest.mark.parametrize(
    "case",
    [
        ("", f"server offers {FACE.size // 2} bytes, expected {FACE.size}"),  # short file
        ("/cut", f"got {FACE.size // 2} bytes, expected {FACE.size}"),  # connection dropped
    ],
)
def test_truncated_download_leaves_nothing_behind(
    serve: Callable[[Path], tuple[str, list[str]]],
    bad_dir: Path,
    mirror: Path,
    cache: Path,
    case: tuple[str, str],
) -> None:
    prefix, expected = case
    url, _ = serve(bad_dir if not prefix else mirror)
    with pytest.raises(ModelError, match=expected):
        models.resolve("face_landmarker", cache_dir=cache, mirror=url + prefix)
    assert leftovers(cache) == []


def test_bad_mirror_folder_file_is_not_copied(bad_dir: Path, cache: Path) -> None:
    with pytest.raises(ModelError, match="truncated"):
        models.resolve("face_landmarker", cache_dir=cache, mirror=str(bad_dir))
    assert leftovers(cache) == []


@pytest.mark.parametrize(
    "case",
    [
        (lambda port, url: f"http://127.0.0.1:{port}", "Connection refused"),
        (lambda port, url: url + "/nothing-here", "HTTP 404"),
        (lambda port, url: url + "/redirect", "refused redirect to ftp://"),
        (lambda port, url: "ftp://127.0.0.1/models", "not a folder or an http(s) URL"),
        (lambda port, url: "/no/such/folder", "folder /no/such/folder does not exist"),
    ],
)
def test_unreachable_sources_are_named(
    serve: Callable[[Path], tuple[str, list[str]]],
    tmp_path: Path,
    closed_port: int,
    cache: Path,
    case: tuple[Callable[[int, str], str], str],
) -> None:
    mirror_of, expected = case
    empty = tmp_path / "empty"
    empty.mkdir()
    url, _ = serve(empty)
    with pytest.raises(ModelError) as err:
        models.resolve("pose_landmarker_full", cache_dir=cache, mirror=mirror_of(closed_port, url))
    message = str(err.value)
    assert expected in message
    assert "tried mirror: " in message
    official = f"https://127.0.0.1:{closed_port}/official/pose_landmarker_full.task"
    assert f"official: {official}: unreachable" in message
    assert leftovers(cache) == []


def test_official_url_must_be_https(
    serve: Callable[[Path], tuple[str, list[str]]],
    monkeypatch: pytest.MonkeyPatch,
    mirror: Path,
    cache: Path,
) -> None:
    url, requests = serve(mirror)
    plain = {n: replace(s, url=f"{url}/{s.filename}") for n, s in models.MODELS.items()}
    monkeypatch.setattr(models, "MODELS", MappingProxyType(plain))
    with pytest.raises(ModelError, match="only https URLs are allowed"):
        models.resolve("face_landmarker", cache_dir=cache)
    assert requests == []


# ---------------------------------------------------------------- the sidecar


def test_sidecar_spares_the_hash_on_repeat(
    monkeypatch: pytest.MonkeyPatch, mirror: Path, cache: Path
) -> None:
    models.resolve("face_landmarker", cache_dir=cache, mirror=str(mirror))
    models._memo.clear()

    def no_hashing(path: Path) -> str:
        raise AssertionError(f"hashed {path} again")

    monkeypatch.setattr(models, "_sha256_file", no_hashing)
    assert models.resolve("face_landmarker", cache_dir=cache) == cache / FACE.filename


def test_stale_sidecar_is_rehashed_and_bad_cache_refetched(
    serve: Callable[[Path], tuple[str, list[str]]], mirror: Path, cache: Path
) -> None:
    url, requests = serve(mirror)
    path = models.resolve("pose_landmarker_lite", cache_dir=cache, mirror=url)
    data = bytearray(path.read_bytes())
    data[1000] ^= 0xFF
    path.write_bytes(bytes(data))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))  # mtime moved on
    assert [s.state for s in models.list_models(cache_dir=cache)][1] == "bad"
    again = models.resolve("pose_landmarker_lite", cache_dir=cache, mirror=url)
    assert again == path
    assert sha(path) == LITE.sha256
    assert len(requests) == 2
    digest, size, mtime = (cache / (LITE.filename + ".sha256")).read_text().split()
    assert (digest, int(size), int(mtime)) == (LITE.sha256, LITE.size, path.stat().st_mtime_ns)


def test_verify_rehashes_what_the_sidecar_would_trust(mirror: Path, cache: Path) -> None:
    path = models.resolve("face_landmarker", cache_dir=cache, mirror=str(mirror))
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size and mtime
    models._memo.clear()
    assert models.list_models(cache_dir=cache)[0].state == "ok"  # trusted sidecar
    [status] = models.verify("face_landmarker", cache_dir=cache)
    assert status.state == "bad"
    assert FACE.sha256 in status.detail
    assert path.exists()  # reported, not removed
    states = {s.spec.name: s.state for s in models.verify(cache_dir=cache)}
    assert states == {
        "face_landmarker": "bad",
        "pose_landmarker_lite": "missing",
        "pose_landmarker_full": "missing",
        "pose_landmarker_heavy": "missing",
    }


# ---------------------------------------------------------------- import and info


def test_import_good_file(mirror: Path, cache: Path) -> None:
    name, path = models.import_model(mirror / LITE.filename, cache_dir=cache)
    assert (name, path) == ("pose_landmarker_lite", cache / LITE.filename)
    assert sha(path) == LITE.sha256
    assert models.import_model(path, cache_dir=cache) == (name, path)  # already there


@pytest.mark.parametrize("file", [FACE.filename, LITE.filename])
def test_import_bad_file(bad_dir: Path, cache: Path, file: str) -> None:
    with pytest.raises(ModelError, match="which is no known model") as err:
        models.import_model(bad_dir / file, cache_dir=cache)
    assert sha(bad_dir / file) in str(err.value)
    assert leftovers(cache) == []


def test_model_info(mirror: Path, bad_dir: Path) -> None:
    assert models.model_info(mirror / FACE.filename) == {
        "name": "face_landmarker",
        "sha256": FACE.sha256,
    }
    assert models.model_info(bad_dir / LITE.filename)["name"] == LITE.filename


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: models.resolve_pose("medium"), "unknown pose model variant 'medium'"),
        (lambda: models.resolve("hand_landmarker"), "unknown model 'hand_landmarker'"),
    ],
)
def test_unknown_names(call: Callable[[], object], expected: str) -> None:
    with pytest.raises(UsageError, match=expected):
        call()


# ---------------------------------------------------------------- the CLI command


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-q", "--quiet", action="store_true")
    models_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["models", *argv])
    return int(args.func(args))


def test_cli_fetch_list_verify(
    capsys: pytest.CaptureFixture[str], mirror: Path, tmp_path: Path
) -> None:
    assert cli("fetch", "--mirror", str(mirror)) == 0
    out = capsys.readouterr().out
    assert "face_landmarker  ok" in out
    assert "pose_landmarker_lite  ok" in out
    assert cli("list") == 0
    out = capsys.readouterr().out
    assert f"cached   {tmp_path / 'env-cache' / FACE.filename}" in out
    assert "pose_landmarker_heavy  30.7 MB  64437af838a6  missing" in out
    assert cli("verify") == 0
    assert cli("verify", "pose_landmarker_full") == models.ModelError.exit_code
    assert "models fetch pose_landmarker_full" in capsys.readouterr().err


def test_cli_fetch_failure_and_import(
    capsys: pytest.CaptureFixture[str], bad_dir: Path, mirror: Path
) -> None:
    assert cli("fetch", "face_landmarker", "--mirror", str(bad_dir)) == 4
    assert "cannot get model face_landmarker.task" in capsys.readouterr().err
    with pytest.raises(ModelError):
        cli("import", str(bad_dir / LITE.filename))
    assert cli("import", str(mirror / LITE.filename)) == 0
    assert "as pose_landmarker_lite" in capsys.readouterr().out
    with pytest.raises(UsageError):
        cli("fetch", "nonsense")
