"""Compact little-endian array blobs for the per-frame series."""

from __future__ import annotations

import numpy as np

from rom_tracker.errors import StorageError

T_DTYPE = np.dtype("<f8")
ANGLE_DTYPE = np.dtype("<f4")
LANDMARK_DTYPE = np.dtype("<f4")


def to_blob(values: np.ndarray, dtype: np.dtype) -> bytes:
    return np.ascontiguousarray(values, dtype=dtype).tobytes()


def from_blob(blob: bytes, dtype: np.dtype, count: int, what: str) -> np.ndarray:
    """The array in ``blob`` (native byte order, writable); StorageError if truncated."""
    if len(blob) != count * dtype.itemsize:
        raise StorageError(
            f"stored {what} has {len(blob)} bytes, expected {count} x {dtype.itemsize}",
            "the database is damaged: restore a backup copy of it",
        )
    return np.frombuffer(blob, dtype=dtype).astype(dtype.newbyteorder("="), copy=True)
