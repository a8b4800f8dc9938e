"""MediaPipe's canonical face mesh, read from a ``face_landmarker.task`` bundle.

The bundle (a zip) holds ``geometry_pipeline_metadata_landmarks.binarypb``, a serialised
``GeometryPipelineMetadata`` protocol buffer (MediaPipe's ``face_geometry`` protos):
field 1 the canonical mesh (``Mesh3d``: field 3 its vertex buffer, 5 floats per vertex,
position x, y, z in cm then texture u, v), field 2 the landmark weights of MediaPipe's own
Procrustes fit. Decoded here with the protocol-buffer wire format directly (no protobuf
package). Used to check ``rom_tracker.kinematics.canonical_face`` against the model file.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

METADATA = "geometry_pipeline_metadata_landmarks.binarypb"
_VERTEX_FLOATS = 5


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def _fields(data: bytes) -> list[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) of one message; value: int (varint) or bytes."""
    out: list[tuple[int, int, int | bytes]] = []
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, i = _varint(data, i)
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value, i = data[i : i + size], i + size
        elif wire == 2:
            size, i = _varint(data, i)
            value, i = data[i : i + size], i + size
        else:
            raise ValueError(f"{METADATA}: unsupported wire type {wire} (field {number})")
        out.append((number, wire, value))
    return out


def canonical_face_mesh(task: Path) -> npt.NDArray[np.float64]:
    """Vertex positions ``(468, 3)`` (cm) of the canonical face in the bundle ``task``."""
    with zipfile.ZipFile(task) as bundle:
        data = bundle.read(METADATA)
    floats: list[float] = []
    for number, _, mesh in _fields(data):
        if number != 1 or not isinstance(mesh, bytes):
            continue
        for field, wire, value in _fields(mesh):
            if field != 3 or not isinstance(value, bytes):
                continue
            if wire == 5:
                floats.append(struct.unpack("<f", value)[0])
            else:  # packed
                floats.extend(struct.unpack(f"<{len(value) // 4}f", value))
    if not floats or len(floats) % _VERTEX_FLOATS:
        raise ValueError(f"{task}: no canonical mesh vertex buffer in {METADATA}")
    return np.asarray(floats, dtype=np.float64).reshape(-1, _VERTEX_FLOATS)[:, :3]


__all__ = ["METADATA", "canonical_face_mesh"]
