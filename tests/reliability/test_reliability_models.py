"""Catalogue, models: missing, truncated or wrong model files and unreachable mirrors.

Every run starts from an empty model cache, through the real CLI with the network guard:
the official download is then the only network use, and it is blocked and logged, so each
case also shows that nothing but the pinned https host is ever contacted. The API-level
cases (local HTTP server, redirects, sidecars) are in tests/media/test_models.py.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from rom_tracker.media.models import MODELS
from tests.support.reliability import Cli, assert_error, files_under, gradient, write_image

FACE = MODELS["face_landmarker"]
OFFICIAL_ONLY = ("resolve storage.googleapis.com:443",)  # what the guard blocks and logs


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends


def _truncated(folder: Path, shared: Path) -> str:
    data = (shared / "models" / FACE.filename).read_bytes()
    (folder / FACE.filename).write_bytes(data[: len(data) // 3])
    return str(folder)


def _wrong_bytes(folder: Path, shared: Path) -> str:
    (folder / FACE.filename).write_bytes(b"\x5a" * FACE.size)  # the right size, not the file
    return str(folder)


def _unreachable_url(folder: Path, shared: Path) -> str:
    return f"http://127.0.0.1:{_closed_port()}/models"


def _missing_folder(folder: Path, shared: Path) -> str:
    return str(folder / "no-such-folder")


MIRRORS: list[tuple[str, Callable[[Path, Path], str], list[str]]] = [
    ("truncated file", _truncated, [f"got {FACE.size // 3} bytes, expected {FACE.size}"]),
    ("wrong hash", _wrong_bytes, ["SHA-256 " + hashlib.sha256(b"\x5a" * FACE.size).hexdigest()]),
    ("unreachable URL", _unreachable_url, ["unreachable", "Connection refused"]),
    ("missing folder", _missing_folder, ["does not exist"]),
]


@pytest.mark.parametrize(("name", "make", "words"), MIRRORS, ids=[m[0] for m in MIRRORS])
def test_bad_mirror(
    cli: Cli,
    tmp_path: Path,
    shared_dir: Path,
    name: str,
    make: Callable[[Path, Path], str],
    words: list[str],
) -> None:
    """The mirror fails, the official URL cannot be reached: exit 4, one line naming both
    sources and the fix; nothing (not even a temporary file) is left in the cache."""
    write_image(tmp_path / "photo.png", gradient(64, 48))
    mirror = make(tmp_path, shared_dir)
    r = cli("analyze", "photo.png", "--out", "out", ROM_TRACKER_MODEL_MIRROR=mirror)
    line = assert_error(
        r,
        4,
        f"cannot get model {FACE.filename}",
        "mirror: ",
        f"official: {FACE.url}: unreachable",
        "set ROM_TRACKER_MODEL_MIRROR",
        net=OFFICIAL_ONLY,  # the pinned host is the only one tried
    )
    for word in words:
        assert word in line
    assert files_under(tmp_path / "empty-cache") == []
    assert files_under(tmp_path / "out") == []


def test_no_mirror_and_no_network(cli: Cli, tmp_path: Path) -> None:
    write_image(tmp_path / "photo.png", gradient(64, 48))
    r = cli("analyze", "photo.png", "--out", "out")
    line = assert_error(
        r, 4, f"tried official: {FACE.url}: unreachable", "models import PATH", net=OFFICIAL_ONLY
    )
    assert FACE.url.startswith("https://")
    assert "mirror:" not in line


def test_explicit_model_file_missing(cli: Cli, tmp_path: Path) -> None:
    write_image(tmp_path / "photo.png", gradient(64, 48))
    r = cli("analyze", "photo.png", "--face-model", "nope.task", "--out", "out")
    assert_error(r, 4, "model file nope.task not found", "check the path")


def test_corrupt_cached_model_is_fetched_again(cli: Cli, tmp_path: Path, shared_dir: Path) -> None:
    """A cached model damaged after it was verified (a truncated copy, a disk error) is
    noticed by its size or hash, replaced from the mirror, and said so in one warning."""
    cache = tmp_path / "cache"
    cache.mkdir()
    good = (shared_dir / "models" / FACE.filename).read_bytes()
    (cache / FACE.filename).write_bytes(good[:1000])
    r = cli(
        "models",
        "fetch",
        "face_landmarker",
        ROM_TRACKER_CACHE=str(cache),
        ROM_TRACKER_MODEL_MIRROR=str(shared_dir / "models"),
    )
    assert r.code == 0, str(r)
    warnings = [line for line in r.err.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and "is corrupt" in warnings[0], r.err
    assert (cache / FACE.filename).read_bytes() == good
    assert not r.netlog
