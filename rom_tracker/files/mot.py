"""OpenSim motion files (``.mot``, "Coordinates" storage): read and write, numpy only.

A ``.mot`` file is a small text header ending in ``endheader``, then a tab-separated table
whose first column is ``time`` (seconds). Angles are in degrees when the header says
``inDegrees=yes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from rom_tracker.errors import FileFormatError


def read_mot(path: Path) -> dict[str, np.ndarray]:
    """Columns of a ``.mot`` file by name (``time`` first), as float64 arrays."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise FileFormatError(f"cannot read {path}: {exc.strerror}", "check the path") from exc
    try:
        end = next(i for i, line in enumerate(lines) if line.strip().lower() == "endheader")
    except StopIteration:
        raise FileFormatError(
            f"{path} is not an OpenSim .mot file (no 'endheader' line)",
            "export it again from OpenSim or rom-tracker",
        ) from None
    if end + 1 >= len(lines) or not lines[end + 1].split():
        raise FileFormatError(
            f"{path} has no column names after 'endheader'",
            "export it again from OpenSim or rom-tracker",
        )
    names = lines[end + 1].split()
    rows = [line.split() for line in lines[end + 2 :] if line.strip()]
    try:
        data = np.array(rows, dtype=np.float64)
    except ValueError as exc:
        raise FileFormatError(f"{path}: a row is not numeric ({exc})", "check the file") from exc
    if data.ndim != 2 or data.shape[1] != len(names):
        raise FileFormatError(
            f"{path}: {len(names)} column names but rows of shape {data.shape}",
            "check the file",
        )
    return {name: data[:, i] for i, name in enumerate(names)}


def mot_text(
    time_s: np.ndarray, columns: Mapping[str, np.ndarray], name: str = "rom-tracker"
) -> str:
    """A ``.mot`` file (degrees) with ``time`` then ``columns``; NaN written as ``nan``."""
    t = np.asarray(time_s, dtype=np.float64)
    cols = {k: np.asarray(v, dtype=np.float64) for k, v in columns.items()}
    for key, col in cols.items():
        if col.shape != t.shape:
            raise ValueError(f"column {key}: expected shape {t.shape}, got {col.shape}")
    header = [
        name,
        "version=1",
        f"nRows={t.size}",
        f"nColumns={len(cols) + 1}",
        "inDegrees=yes",
        "endheader",
        "\t".join(["time", *cols]),
    ]
    table = np.column_stack([t, *cols.values()]) if t.size else np.empty((0, len(cols) + 1))
    body = ["\t".join(f"{v:.6f}" for v in row) for row in table]
    return "\n".join(header + body) + "\n"
