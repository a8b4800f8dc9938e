"""Atomic writing of analysis outputs: nothing half-written ever appears under its name.

Files are written to a temporary name in the destination folder and renamed into place
(``os.replace``, atomic on one file system). :class:`OutputSet` stages several files and
publishes them together at the end, so an input either gets its CSV, NPZ and JSON, or none.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import numpy as np

from rom_tracker.errors import StorageError


def _storage_error(path: Path, exc: OSError) -> StorageError:
    return StorageError(
        f"cannot write {path}: {exc.strerror or exc}",
        "choose another --out folder, or free some space / fix its permissions",
    )


def make_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents); StorageError naming the file in the way, if any."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in (folder, *folder.parents) if p.exists()), folder)
        if blocker.exists() and not blocker.is_dir():
            problem = (
                f"output folder {folder} is a file, not a folder"
                if blocker == folder
                else f"cannot create the output folder {folder}: {blocker} is a file"
            )
            fix = "choose another --out folder, or move that file away"
        else:
            problem = f"cannot create the output folder {folder}: {exc.strerror or exc}"
            fix = "choose another --out folder, or fix the permissions of its parent"
        raise StorageError(problem, fix) from exc


def temp_beside(path: Path, suffix: str = ".tmp") -> Path:
    """A new empty file ``.<name>.XXXX<suffix>`` in ``path``'s folder (created if needed),
    to be renamed onto ``path`` once complete; StorageError if the folder is not writable.
    For outputs written by another program or library (a browser, a video encoder)."""
    make_folder(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    except OSError as exc:
        raise _storage_error(path, exc) from exc
    os.close(fd)
    return Path(tmp)


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` via a temp file + rename; readable by the user only."""
    make_folder(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # folder not writable
        raise _storage_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _storage_error(path, exc) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def csv_bytes(
    columns: Mapping[str, Sequence[Any] | np.ndarray], header: Sequence[str] = ()
) -> bytes:
    """CSV with ``# comment`` header lines, then one row per frame; NaN written as ``nan``."""
    buf = io.StringIO()
    for line in header:
        buf.write(f"# {line}\n")
    names = list(columns)
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    cols = [np.asarray(columns[n]) for n in names]
    n_rows = len(cols[0]) if cols else 0
    formatted = []
    for col in cols:
        if col.dtype.kind == "f":
            formatted.append([f"{v:.3f}" if math.isfinite(v) else "nan" for v in col.tolist()])
        elif col.dtype.kind == "b":
            formatted.append([str(int(v)) for v in col.tolist()])
        else:
            formatted.append([str(v) for v in col.tolist()])
    writer.writerows(zip(*formatted, strict=True) if n_rows else [])
    return buf.getvalue().encode()


def npz_bytes(arrays: Mapping[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    named: dict[str, Any] = {k: np.asarray(v) for k, v in arrays.items()}
    np.savez_compressed(buf, **named)
    return buf.getvalue()


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _finite_or_none(value: Any) -> Any:
    """JSON has no NaN: write null instead (recursively)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_or_none(v) for v in value]
    return value


def json_bytes(obj: Any) -> bytes:
    plain = json.loads(json.dumps(obj, default=_json_default))
    return (json.dumps(_finite_or_none(plain), indent=2, allow_nan=False) + "\n").encode()


class OutputSet:
    """Stage files and publish them all at once on a clean exit; discard on error."""

    def __init__(self) -> None:
        self._staged: dict[Path, bytes] = {}

    def add(self, path: Path, data: bytes) -> None:
        self._staged[path] = data

    def publish(self) -> list[Path]:
        written: list[Path] = []
        try:
            for path, data in self._staged.items():
                atomic_write_bytes(path, data)
                written.append(path)
        except BaseException:
            for path in written:  # all or nothing
                path.unlink(missing_ok=True)
            raise
        self._staged.clear()
        return written

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if et is None:
            self.publish()
        self._staged.clear()
