"""MediaPipe model bundles: the one place that finds, fetches and checks them.

:func:`resolve` returns the path of a verified bundle, trying in order:

1. a path the user gave explicitly (it must hash to that model's SHA-256);
2. the user cache folder (``$ROM_TRACKER_CACHE``, else the platform cache:
   ``$XDG_CACHE_HOME/rom-tracker/models`` or ``~/.cache/rom-tracker/models``,
   ``~/Library/Caches/rom-tracker/models`` on macOS,
   ``%LOCALAPPDATA%\\rom-tracker\\Cache\\models`` on Windows);
3. a mirror (``mirror=`` or ``$ROM_TRACKER_MODEL_MIRROR``): a folder or an http(s) URL of a
   folder holding the official file names;
4. Google's official URL (https only).

Why one module of about 460 lines: finding, fetching, checking and importing a bundle are
one policy (which source is tried, what counts as verified, what the error says); the
parts share the pinned hashes and the atomic download, and are read together when the
policy changes.

Whatever comes from a mirror or a download is streamed into a temporary file in the cache
folder, checked (size, SHA-256) and only then renamed into place, so a truncated or wrong
file is never used and never left behind. A cached file's hash is remembered in a sidecar
``<file>.sha256`` (hash, size, mtime) and recomputed whenever size or mtime changed.
Nothing here touches the network except :func:`resolve`/:func:`fetch`-style calls that
miss the cache, and then only the mirror URL and the official URL.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.client import HTTPMessage
from pathlib import Path
from types import MappingProxyType
from typing import IO, BinaryIO

from rom_tracker.display.progress import Progress
from rom_tracker.errors import ModelError, StorageError, UsageError

# The logger keeps the name users see in warnings (docs/errors.md) since the module moved.
log = logging.getLogger("rom_tracker.models")

CACHE_ENV = "ROM_TRACKER_CACHE"
MIRROR_ENV = "ROM_TRACKER_MODEL_MIRROR"
TIMEOUT_S = 30.0
_CHUNK = 1 << 16
_OFFICIAL = "https://storage.googleapis.com/mediapipe-models"
FIX = (
    f"set {MIRROR_ENV} (or --mirror) to a folder or URL holding the official file, "
    "or run `rom-tracker models import PATH`"
)


@dataclass(frozen=True)
class ModelSpec:
    """One official bundle: registry name, file name, download URL, byte size, SHA-256."""

    name: str
    filename: str
    url: str
    size: int
    sha256: str


def _spec(task: str, variant: str, size: int, sha256: str) -> ModelSpec:
    url = f"{_OFFICIAL}/{task}/{variant}/float16/1/{variant}.task"
    return ModelSpec(variant, f"{variant}.task", url, size, sha256)


MODELS: Mapping[str, ModelSpec] = MappingProxyType(
    {
        s.name: s
        for s in (
            _spec("face_landmarker", "face_landmarker", 3_758_596,
                  "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"),
            _spec("pose_landmarker", "pose_landmarker_lite", 5_777_746,
                  "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a"),
            _spec("pose_landmarker", "pose_landmarker_full", 9_398_198,
                  "5134a3aad27a58b93da0088d431f366da362b44e3ccfbe3462b3827a839011b1"),
            _spec("pose_landmarker", "pose_landmarker_heavy", 30_664_242,
                  "64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b"),
        )
    }
)  # fmt: skip
POSE_VARIANTS = ("lite", "full", "heavy")


@dataclass(frozen=True)
class ModelStatus:
    """State of one model in the cache: ``state`` is "ok", "missing" or "bad"."""

    spec: ModelSpec
    path: Path
    state: str
    detail: str = ""


def spec_for(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise UsageError(f"unknown model {name!r}", f"choose one of: {', '.join(MODELS)}") from None


def default_cache_dir() -> Path:
    """``$ROM_TRACKER_CACHE`` if set, else the platform's per-user cache folder."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(local) / "rom-tracker" / "Cache" / "models"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "rom-tracker" / "models"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "rom-tracker" / "models"


# ---------------------------------------------------------------- hashing and the cache


_memo: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256, this process


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _read_sidecar(path: Path, st: os.stat_result) -> str | None:
    try:
        digest, size, mtime = _sidecar(path).read_text().split()
        if int(size) == st.st_size and int(mtime) == st.st_mtime_ns and len(digest) == 64:
            return digest
    except (OSError, ValueError):
        pass
    return None


def _write_sidecar(path: Path, digest: str, st: os.stat_result) -> None:
    side = _sidecar(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{side.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{digest} {st.st_size} {st.st_mtime_ns}\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, side)
    except OSError as exc:  # only a speed-up: a missing sidecar means "hash again"
        log.debug("cannot write %s: %s", side, exc)


def _file_sha256(path: Path, *, sidecar: bool = True, fresh: bool = False) -> str:
    """SHA-256 of ``path``, from this process's memo or (``sidecar``) its still-valid
    sidecar, unless ``fresh``."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    digest = None if fresh else _memo.get(key) or (_read_sidecar(path, st) if sidecar else None)
    if digest is None:
        digest = _memo[key] = _sha256_file(path)
    return digest


def _check_cached(spec: ModelSpec, path: Path, *, rehash: bool = False) -> ModelStatus:
    try:
        st = path.stat()
    except FileNotFoundError:
        return ModelStatus(spec, path, "missing")
    if st.st_size != spec.size:
        return ModelStatus(spec, path, "bad", f"{st.st_size} bytes, expected {spec.size}")
    digest = _file_sha256(path, fresh=rehash)
    if digest != spec.sha256:
        return ModelStatus(spec, path, "bad", f"SHA-256 {digest}, expected {spec.sha256}")
    if _read_sidecar(path, st) != digest:
        _write_sidecar(path, digest, st)
    return ModelStatus(spec, path, "ok")


def _remove(path: Path) -> None:
    for p in (path, _sidecar(path)):
        try:
            p.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot remove corrupt model file {p}: {exc.strerror or exc}",
                f"delete it by hand or set {CACHE_ENV} to a writable folder",
            ) from exc


# ---------------------------------------------------------------- fetching


class _Failed(Exception):
    """One source failed; the message is one line naming the source and the reason."""


def _store(spec: ModelSpec, src: BinaryIO, origin: str, dest: Path, progress: bool) -> Path:
    """Stream ``src`` into ``dest`` via a temp file; keep it only if size and hash match."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{spec.filename}.", suffix=".part", dir=dest.parent
        )
    except OSError as exc:
        raise StorageError(
            f"cannot write to model cache {dest.parent}: {exc.strerror or exc}",
            f"set {CACHE_ENV} to a writable folder",
        ) from exc
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    got = 0
    try:
        with (
            os.fdopen(fd, "wb") as out,
            Progress(
                spec.size // 1024, f"fetching {spec.filename}", unit="KiB", enabled=progress
            ) as bar,
        ):
            while chunk := src.read(_CHUNK):
                got += len(chunk)
                if got > spec.size:
                    raise _Failed(f"{origin}: more than {spec.size} bytes, not the official file")
                h.update(chunk)
                out.write(chunk)
                bar.update(got // 1024 - bar.done)
            out.flush()
            os.fsync(out.fileno())
        if got != spec.size:
            raise _Failed(f"{origin}: got {got} bytes, expected {spec.size} (truncated?)")
        if h.hexdigest() != spec.sha256:
            raise _Failed(f"{origin}: SHA-256 {h.hexdigest()}, expected {spec.sha256}")
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except OSError as exc:
        raise _Failed(f"{origin}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    st = dest.stat()
    _memo[(str(dest.resolve()), st.st_size, st.st_mtime_ns)] = spec.sha256
    _write_sidecar(dest, spec.sha256, st)
    if progress:
        print(
            f"fetched {spec.filename} ({got / 1e6:.1f} MB) from {origin}, SHA-256 ok",
            file=sys.stderr,
        )
    return dest


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to the schemes allowed for this request (no https -> http)."""

    def __init__(self, schemes: tuple[str, ...]) -> None:
        self.schemes = schemes

    def redirect_request(  # noqa: PLR0917 - the base class's signature
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme not in self.schemes:
            raise urllib.error.URLError(f"refused redirect to {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch_url(spec: ModelSpec, url: str, dest: Path, progress: bool, *, allow_http: bool) -> Path:
    schemes = ("https", "http") if allow_http else ("https",)
    if urllib.parse.urlsplit(url).scheme not in schemes:
        raise _Failed(f"{url}: only {' or '.join(schemes)} URLs are allowed")
    opener = urllib.request.build_opener(_Redirects(schemes))
    req = urllib.request.Request(url, headers={"User-Agent": "rom-tracker"})
    try:
        with opener.open(req, timeout=TIMEOUT_S) as resp:
            length = resp.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) != spec.size:
                raise _Failed(f"{url}: server offers {length} bytes, expected {spec.size}")
            return _store(spec, resp, url, dest, progress)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise _Failed(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise _Failed(f"{url}: unreachable ({exc.reason})") from exc
    except TimeoutError as exc:
        raise _Failed(f"{url}: no answer within {TIMEOUT_S:.0f} s") from exc
    except OSError as exc:  # connection reset, IncompleteRead, ...
        raise _Failed(f"{url}: {exc}") from exc


def _fetch_mirror(spec: ModelSpec, mirror: str, dest: Path, progress: bool) -> Path:
    scheme = urllib.parse.urlsplit(mirror).scheme
    if scheme in ("http", "https"):
        url = mirror.rstrip("/") + "/" + urllib.parse.quote(spec.filename)
        return _fetch_url(spec, url, dest, progress, allow_http=True)
    if len(scheme) > 1 and scheme != "file":  # one letter: a Windows drive
        raise _Failed(f"{mirror} is not a folder or an http(s) URL")
    path = urllib.request.url2pathname(urllib.parse.urlsplit(mirror).path)
    folder = Path(path if scheme == "file" else mirror).expanduser()
    src = folder / spec.filename
    if not folder.is_dir():
        raise _Failed(f"folder {folder} does not exist")
    try:
        with open(src, "rb") as fh:
            return _store(spec, fh, str(src), dest, progress)
    except FileNotFoundError:
        raise _Failed(f"folder {folder} has no {spec.filename}") from None
    except OSError as exc:
        raise _Failed(f"{src}: {exc.strerror or exc}") from exc


# ---------------------------------------------------------------- public API


def resolve(
    name: str,
    explicit: Path | None = None,
    *,
    cache_dir: Path | None = None,
    mirror: str | None = None,
    progress: bool = False,
) -> Path:
    """Path of the verified bundle ``name`` (see the module docstring for the order).

    Raises :class:`ModelError` (one line: file, expected vs actual, fix) when no source
    gives the official file; the message lists every source tried.
    """
    spec = spec_for(name)
    if explicit is not None:
        return _verify_explicit(spec, Path(explicit))
    dest = (Path(cache_dir) if cache_dir else default_cache_dir()) / spec.filename
    status = _check_cached(spec, dest)
    if status.state == "ok":
        return dest
    if status.state == "bad":
        log.warning("cached %s is corrupt (%s); fetching it again", dest, status.detail)
        _remove(dest)
    mirror = mirror if mirror is not None else os.environ.get(MIRROR_ENV) or None
    sources: list[tuple[str, str]] = [("mirror", mirror)] if mirror else []
    sources.append(("official", spec.url))
    tried: list[str] = []
    for kind, where in sources:
        try:
            if kind == "mirror":
                path = _fetch_mirror(spec, where, dest, progress)
            else:
                path = _fetch_url(spec, where, dest, progress, allow_http=False)
        except _Failed as exc:
            log.debug("model %s: %s: %s", spec.filename, kind, exc)
            tried.append(f"{kind}: {exc}")
            continue
        if tried:
            log.warning("model %s: %s; used the %s source", spec.filename, tried, kind)
        return path
    raise ModelError(f"cannot get model {spec.filename}; tried {'; '.join(tried)}", FIX)


def resolve_pose(
    variant: str,
    explicit: Path | None = None,
    *,
    cache_dir: Path | None = None,
    mirror: str | None = None,
    progress: bool = False,
) -> Path:
    """:func:`resolve` for the pose landmarker ``variant``: "lite", "full" or "heavy"."""
    if variant not in POSE_VARIANTS:
        raise UsageError(
            f"unknown pose model variant {variant!r}", f"choose one of: {', '.join(POSE_VARIANTS)}"
        )
    return resolve(
        f"pose_landmarker_{variant}",
        explicit,
        cache_dir=cache_dir,
        mirror=mirror,
        progress=progress,
    )


def _by_hash(digest: str) -> ModelSpec | None:
    return next((s for s in MODELS.values() if s.sha256 == digest), None)


def _verify_explicit(spec: ModelSpec, path: Path) -> Path:
    if not path.is_file():
        raise ModelError(
            f"model file {path} not found",
            "check the path, or leave the option out to use the cache, mirror or download",
        )
    digest = _file_sha256(path, sidecar=False)  # not our folder: its sidecars are not ours
    if digest != spec.sha256:
        other = _by_hash(digest)
        what = f" (that is {other.name}, not {spec.name})" if other else ""
        raise ModelError(
            f"model file {path} has SHA-256 {digest}, expected {spec.sha256} "
            f"for {spec.filename}{what}",
            f"pass the official {spec.filename}, or leave the option out and {FIX}",
        )
    return path


def _statuses(names: Iterable[str], cache_dir: Path | None, rehash: bool) -> list[ModelStatus]:
    folder = Path(cache_dir) if cache_dir else default_cache_dir()
    return [
        _check_cached(spec, folder / spec.filename, rehash=rehash) for spec in map(spec_for, names)
    ]


def list_models(*, cache_dir: Path | None = None) -> list[ModelStatus]:
    """Every known model with its cache path and state (uses the sidecar: fast)."""
    return _statuses(MODELS, cache_dir, rehash=False)


def verify(name: str | None = None, *, cache_dir: Path | None = None) -> list[ModelStatus]:
    """Hash the cached file(s) again, ignoring sidecars; bad files are reported, not removed."""
    return _statuses([name] if name else MODELS, cache_dir, rehash=True)


def import_model(path: Path, *, cache_dir: Path | None = None) -> tuple[str, Path]:
    """Copy an official bundle into the cache, identified by its SHA-256."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"model file {path} not found", "check the path")
    digest = _file_sha256(path, fresh=True)
    spec = _by_hash(digest)
    if spec is None:
        known = ", ".join(f"{s.filename} {s.sha256}" for s in MODELS.values())
        raise ModelError(
            f"{path} ({path.stat().st_size} bytes) has SHA-256 {digest}, which is no known "
            f"model (expected one of: {known})",
            "import an official, unmodified .task file",
        )
    dest = (Path(cache_dir) if cache_dir else default_cache_dir()) / spec.filename
    if dest.exists() and dest.resolve() == path.resolve():
        _check_cached(spec, dest)
        return spec.name, dest
    try:
        with open(path, "rb") as fh:
            _store(spec, fh, str(path), dest, progress=False)
    except _Failed as exc:  # changed while we read it
        raise ModelError(f"cannot import {path}: {exc}", "try again") from exc
    return spec.name, dest


def model_info(path: Path) -> dict[str, str]:
    """``{"name", "sha256"}`` of a model file, for provenance in outputs.

    ``name`` is the registry name when the hash is an official one, else the file name.
    """
    path = Path(path)
    digest = _file_sha256(path)
    spec = _by_hash(digest)
    return {"name": spec.name if spec else path.name, "sha256": digest}
