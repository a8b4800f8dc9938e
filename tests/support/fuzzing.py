"""Strategies and settings shared by the fuzz tests and the long fuzz command.

``ROM_TRACKER_FUZZ_EXAMPLES`` (default 60) sets how many examples each property test tries
per run; ``python -m tests.reliability.fuzz --minutes N`` raises it and runs the property
tests again and again, with fresh random seeds, for N minutes (see docs/reliability.md).
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rom_tracker.types import (
    N_FACE_LANDMARKS,
    N_POSE_LANDMARKS,
    FaceTrack,
    ImageSize,
    Landmarks,
    PoseTrack,
)

EXAMPLES_ENV = "ROM_TRACKER_FUZZ_EXAMPLES"
FUZZ = settings(
    max_examples=int(os.environ.get(EXAMPLES_ENV, "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------- landmarks

SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, 3e38, -3e38, 1e-45]
any_f32 = st.floats(width=32)  # NaN, +-inf, subnormals, up to +-3.4e38
plausible = st.floats(-2.0, 2.0, width=32)


def _skeleton() -> np.ndarray:
    """A standing person, (33, 3), roughly in MediaPipe's world frame (metres, y down)."""
    pts = np.zeros((N_POSE_LANDMARKS, 3))
    pts[:11] = [0.0, -0.65, -0.05]  # face points
    for i, (x, y) in {
        11: (0.18, -0.45),
        13: (0.22, -0.2),
        15: (0.24, 0.05),
        23: (0.1, 0.0),
        25: (0.1, 0.42),
        27: (0.1, 0.85),
        29: (0.1, 0.9),
        31: (0.1, 0.9),
    }.items():
        pts[i] = [x, y, 0.0]
        pts[i + 1] = [-x, y, 0.0]
    for i in (17, 19, 21):
        pts[i], pts[i + 1] = pts[15], pts[16]
    return pts


SKELETON = _skeleton()


@st.composite
def point_sets(draw: st.DrawFn, frames: int, points: int) -> np.ndarray:
    """``(frames, points, 3)`` float32: plausible, wild, or degenerate point clouds."""
    shape = (frames, points, 3)
    kind = draw(
        st.sampled_from(
            ["body", "body", "plausible", "wild", "same", "collinear", "planar", "scaled"]
        )
    )
    if (
        kind == "body" and points == N_POSE_LANDMARKS
    ):  # a person, bent and scaled at random (image: shifted into [0, 1])
        noise = draw(arrays(np.float32, shape, elements=st.floats(-0.25, 0.25, width=32)))
        base = (SKELETON + noise) * np.float32(draw(st.sampled_from([1.0, 0.3, 2.0])))
        return (base + np.float32(draw(st.sampled_from([0.0, 0.5])))).astype(np.float32)
    if kind == "wild":
        return draw(arrays(np.float32, shape, elements=any_f32))
    base = draw(arrays(np.float32, shape, elements=plausible))
    if kind == "same":  # every point at one place: zero-length segments everywhere
        base[:] = base[:, :1]
    elif kind == "collinear":
        t = draw(arrays(np.float32, (frames, points, 1), elements=plausible))
        base = base[:, :1] + t * base[:, 1:2]
    elif kind == "planar":
        base[..., draw(st.integers(0, 2))] = 0.0
    elif kind == "scaled":
        base = base * np.float32(draw(st.sampled_from([1e-30, 1e-7, 1e7, 1e30])))
    # sprinkle special values on some points
    for _ in range(draw(st.integers(0, 4))):
        f, p, c = (draw(st.integers(0, n - 1)) for n in shape)
        base[f, p, c] = draw(st.sampled_from(SPECIAL))
    return base.astype(np.float32)


@st.composite
def matrices(draw: st.DrawFn, frames: int) -> np.ndarray:
    """``(frames, 4, 4)`` float32 face matrices: rotations, scaled, singular or wild."""
    kind = draw(st.sampled_from(["rotation", "wild", "zero", "singular", "nan"]))
    if kind == "wild":
        return draw(arrays(np.float32, (frames, 4, 4), elements=any_f32))
    out = np.zeros((frames, 4, 4), np.float32)
    if kind == "nan":
        out[:] = np.nan
    elif kind in ("rotation", "singular"):
        q = draw(arrays(np.float64, (frames, 4), elements=st.floats(-1, 1)))
        norm = np.linalg.norm(q, axis=1, keepdims=True)
        q = np.where(norm > 1e-6, q / np.maximum(norm, 1e-6), [1.0, 0.0, 0.0, 0.0])
        w, x, y, z = q.T
        out[:, :3, :3] = np.stack(
            [
                [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
            ]
        ).transpose(2, 0, 1)
        scale = draw(st.sampled_from([1.0, 1e-20, 0.5, 40.0, 1e20]))
        out[:, :3, :3] *= np.float32(scale)
        if kind == "singular":
            out[:, :, draw(st.integers(0, 2))] = 0.0
        out[:, :3, 3] = draw(
            arrays(np.float32, (frames, 3), elements=st.floats(-100, 100, width=32))
        )
        out[:, 3, 3] = 1.0
    return out


@st.composite
def landmarks(draw: st.DrawFn) -> Landmarks:
    """Any :class:`Landmarks` the types accept: found or not, with any values."""
    n = draw(st.integers(1, 4))
    visibility = draw(
        st.one_of(
            arrays(np.float32, (n, N_POSE_LANDMARKS), elements=st.floats(0, 1, width=32)),
            arrays(np.float32, (n, N_POSE_LANDMARKS), elements=any_f32),
            st.just(np.ones((n, N_POSE_LANDMARKS), np.float32)),
            st.just(np.ones((n, N_POSE_LANDMARKS), np.float32)),
        )
    )
    pose = PoseTrack(
        image_xyz=draw(point_sets(n, N_POSE_LANDMARKS)),
        world_xyz=draw(point_sets(n, N_POSE_LANDMARKS)),
        visibility=visibility,
        found=draw(arrays(np.bool_, n)),
    )
    face = FaceTrack(
        image_xyz=draw(point_sets(n, N_FACE_LANDMARKS)),
        matrix=draw(matrices(n)),
        found=draw(arrays(np.bool_, n)),
    )
    size = ImageSize(draw(st.integers(1, 10_000)), draw(st.integers(1, 10_000)))
    t = np.cumsum(draw(arrays(np.float64, n, elements=st.floats(1e-3, 10))))
    return Landmarks(t_s=t, size=size, face=face, pose=pose)


# ---------------------------------------------------------------- file mutations

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["../../x", "/etc/passwd", "neck_rotation", "left", "active", "", "\0"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


@st.composite
def mutated_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` after 1-4 random edits: cut, delete, insert, overwrite, duplicate."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "delete", "insert", "overwrite", "duplicate"]))
        i = draw(st.integers(0, len(out)))
        j = min(len(out), i + draw(st.integers(1, 64)))
        if op == "truncate":
            del out[i:]
        elif op == "delete":
            del out[i:j]
        elif op == "insert":
            out[i:i] = draw(
                st.binary(min_size=1, max_size=16)
                | st.sampled_from(
                    [b"\n", b"=", b'"', b"[", b"]", b"{", b"}", b",", b"nan", b"-1", b"1e999"]
                )
            )
        elif op == "overwrite":
            out[i:j] = draw(st.binary(min_size=j - i, max_size=j - i))
        else:
            out[i:i] = out[i:j]
    return bytes(out)


@st.composite
def mutated_lines(draw: st.DrawFn, text: str, values: list[str]) -> str:
    """``text`` with 1-3 lines' values replaced (``key = value``), dropped or doubled."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["value", "value", "drop", "double"]))
        if op == "value" and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {draw(st.sampled_from(values))}"
        elif op == "drop":
            del lines[i]
            if not lines:
                break
        else:
            lines.insert(i, lines[i])
    return "\n".join(lines) + "\n"


TOML_VALUES = [
    '"x"', '""', "-1", "0", "1", "1e300", "-1e300", "nan", "inf", "-inf", "true",
    "[1, 2]", "{ a = 1 }", "99999999999999999999", '"../../x"', "1979-05-27T07:32:00Z",
    '"neck_rotation"', '"right"', '"active"', '"effortless"', '"measure"', '"neutral"',
]  # fmt: skip


@st.composite
def mutated_json(draw: st.DrawFn, doc: Any) -> Any:
    """A copy of ``doc`` with 1-3 nodes replaced by random JSON or deleted."""
    doc = json.loads(json.dumps(doc))
    for _ in range(draw(st.integers(1, 3))):
        parent: Any = None
        key: Any = None
        node = doc
        while isinstance(node, dict | list) and node and draw(st.integers(0, 3)):
            key = draw(
                st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node)))
            )
            parent, node = node, node[key]
        if parent is None:
            continue
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[key]
        else:
            parent[key] = draw(json_values)
    return doc
