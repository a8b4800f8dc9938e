"""Trunk, hip and knee angles from BlazePose landmarks (33 per frame).

Left and right are always the subject's own. Conventions (zero, sign, range) are listed in
``docs/conventions.md`` (generated from :mod:`rom_tracker.kinematics.conventions`).

3D (pose world landmarks, metres; ``x`` image right, ``y`` down, ``z`` away from the
camera; a right-handed frame) -- the body frame, per frame:

* ``up``      = unit(mid-shoulder - mid-hip), the trunk line;
* ``forward`` = unit(lateral x up) with ``lateral`` = left hip - right hip: perpendicular to
  the trunk line and the pelvis, pointing where the face and toes point (toward the camera,
  ``-z``, for a subject facing it);
* ``left``    = up x forward, the pelvis axis made perpendicular to the trunk line.

Hip flexion is the thigh (hip -> knee) projected on the sagittal plane (up, forward),
measured from ``-up`` toward ``forward``; hip abduction is the thigh projected on the
frontal plane (up, left), measured from ``-up`` away from the midline.

2D (image landmarks scaled to pixels) -- for true side views only: ``up`` is the trunk line
in the image; ``forward`` is the perpendicular on the side the subject faces, inferred per
frame from the nose relative to the mid-ear and from each foot's toe relative to its heel
(the sum of their direction cosines along the perpendicular), unless ``facing`` is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.geometry import (
    Array,
    angle_between,
    angle_to_axis,
    check_shape,
    cross,
    dot,
    from_components,
    midpoint,
    norm,
    normalize,
    on_frames,
    planar_angle,
    points,
    seen_in_all,
    unit_cross,
)
from rom_tracker.types import N_POSE_LANDMARKS, ImageSize


class PoseLandmark(IntEnum):
    """BlazePose landmark indices used here (0-based)."""

    NOSE = 0
    LEFT_EYE = 2
    RIGHT_EYE = 5
    LEFT_EAR = 7
    RIGHT_EAR = 8
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


P = PoseLandmark


@dataclass(frozen=True)
class LegSpec:
    """One leg's landmarks and which way along the pelvis axis is "away from the midline".

    outward: +1 when abduction moves the thigh toward the subject's left (the left leg),
    -1 toward the subject's right (the right leg). A tested sign mapping.
    """

    side: str
    hip: int
    knee: int
    ankle: int
    heel: int
    toe: int
    outward: float


LEGS = (
    LegSpec("left", P.LEFT_HIP, P.LEFT_KNEE, P.LEFT_ANKLE, P.LEFT_HEEL, P.LEFT_FOOT_INDEX, 1.0),
    LegSpec(
        "right", P.RIGHT_HIP, P.RIGHT_KNEE, P.RIGHT_ANKLE, P.RIGHT_HEEL, P.RIGHT_FOOT_INDEX, -1.0
    ),
)

WORLD_COLUMNS = (
    "trunk_yaw_deg",
    "trunk_lean_deg",
    "hip_flexion_left_deg",
    "hip_flexion_right_deg",
    "hip_abduction_left_deg",
    "hip_abduction_right_deg",
    "knee_flexion_left_deg",
    "knee_flexion_right_deg",
)
IMAGE_COLUMNS = (
    "trunk_lean_2d_deg",
    "hip_flexion_2d_left_deg",
    "hip_flexion_2d_right_deg",
    "hip_abduction_2d_left_deg",
    "hip_abduction_2d_right_deg",
    "knee_flexion_2d_left_deg",
    "knee_flexion_2d_right_deg",
)
BODY_COLUMNS = WORLD_COLUMNS + IMAGE_COLUMNS

# In index order: neighbouring landmarks are copied together (see geometry.points).
_WORLD_USED = tuple(
    sorted(
        (
            P.LEFT_SHOULDER,
            P.RIGHT_SHOULDER,
            *(i for leg in LEGS for i in (leg.hip, leg.knee, leg.ankle)),
        )
    )
)
_IMAGE_USED = tuple(
    sorted(
        (
            P.LEFT_SHOULDER,
            P.RIGHT_SHOULDER,
            *(i for leg in LEGS for i in (leg.hip, leg.knee, leg.ankle)),
        )
    )
)
#: Landmarks of the cues for the facing in 2D, needed only where the trunk is seen.
_FACING_CUES = tuple(
    sorted((P.NOSE, P.LEFT_EAR, P.RIGHT_EAR, *(i for leg in LEGS for i in (leg.heel, leg.toe))))
)

#: "Up" is -y in the world frame and in pixels (y points down in both): (axis, sign).
_UP = (1, -1.0)


def _take(
    name: str,
    xyz: npt.ArrayLike,
    used: tuple[int, ...],
    ndim: int = 3,
    unseen: npt.NDArray[np.bool_] | None = None,
) -> dict[int, Array]:
    """Check ``(T, 33, 3)``, then copy only the landmarks in ``used`` (inf -> NaN; NaN where
    ``unseen`` (T, 33) is True)."""
    arr = check_shape(name, xyz, (None, N_POSE_LANDMARKS, 3))
    return dict(zip((int(i) for i in used), points(arr, used, ndim, unseen), strict=True))


@dataclass(frozen=True)
class TrunkFrame:
    """Per-frame orthonormal body axes, each ``(T, 3)``; NaN where undefined."""

    up: Array
    forward: Array
    left: Array


def trunk_frame(
    left_shoulder: Array, right_shoulder: Array, left_hip: Array, right_hip: Array
) -> TrunkFrame:
    """Body axes from world shoulders and hips ``(T, 3)`` (see the module docstring).

    NaN where the trunk line has zero length or is parallel to the pelvis axis.
    """
    up = normalize(midpoint(left_shoulder, right_shoulder) - midpoint(left_hip, right_hip))
    forward = unit_cross(left_hip - right_hip, up)
    return TrunkFrame(up=up, forward=forward, left=cross(up, forward))


def world_points(
    world_xyz: npt.ArrayLike, *, unseen: npt.NDArray[np.bool_] | None = None
) -> dict[int, Array]:
    """The landmarks the 3D columns use, ``(T, 3)`` float64 by index, from pose world
    landmarks ``(T, 33, 3)``; NaN where ``unseen`` (T, 33) is True or not finite."""
    return _take("world_xyz", world_xyz, _WORLD_USED, unseen=unseen)


def world_angles(
    world_xyz: npt.ArrayLike, *, unseen: npt.NDArray[np.bool_] | None = None
) -> dict[str, Array]:
    """The 3D columns (``WORLD_COLUMNS``) from pose world landmarks ``(T, 33, 3)``;
    ``unseen`` (T, 33): landmarks to treat as not seen (NaN)."""
    return world_angles_from_points(world_points(world_xyz, unseen=unseen))


def world_angles_from_points(pt: dict[int, Array]) -> dict[str, Array]:
    """:func:`world_angles` from the output of :func:`world_points`."""
    ls, rs = pt[P.LEFT_SHOULDER], pt[P.RIGHT_SHOULDER]
    shoulders = ls - rs
    out = {
        # Shoulder line left - right: (+x, 0) facing the camera; +z when turned to the left
        # (its angle in the x-z plane, from +x toward +z).
        "trunk_yaw_deg": planar_angle(shoulders[:, 0], shoulders[:, 2], norm(shoulders)),
    }
    # the angles in the body frame need the four trunk landmarks: only frames with them
    trunk: dict[int, Array] = {i: pt[i] for i in _TRUNK}
    used: dict[int, Array] = {**trunk, **{leg.knee: pt[leg.knee] for leg in LEGS}}
    out.update(on_frames(seen_in_all(*trunk.values()), _body_frame_angles, used))
    for leg in LEGS:
        ends = {i: pt[i] for i in _segments_of(leg)}  # hip, knee, ankle
        out.update(on_frames(seen_in_all(*ends.values()), _knee_flexion(leg), ends))
    return {name: out[name] for name in WORLD_COLUMNS}


_TRUNK = (P.LEFT_SHOULDER, P.RIGHT_SHOULDER, P.LEFT_HIP, P.RIGHT_HIP)


def _segments_of(leg: LegSpec) -> tuple[int, int, int]:
    """The hip, knee and ankle of ``leg``: the ends of its thigh and shank."""
    return leg.hip, leg.knee, leg.ankle


def _body_frame_angles(pt: dict[int, Array]) -> dict[str, Array]:
    """Trunk lean, hip flexion and abduction (3D) from the trunk landmarks and knees."""
    frame = trunk_frame(*(pt[i] for i in _TRUNK))
    out = {"trunk_lean_deg": angle_to_axis(frame.up, *_UP)}
    for leg in LEGS:
        thigh = pt[leg.knee] - pt[leg.hip]
        along, length = -dot(thigh, frame.up), norm(thigh)
        out[f"hip_flexion_{leg.side}_deg"] = planar_angle(along, dot(thigh, frame.forward), length)
        out[f"hip_abduction_{leg.side}_deg"] = planar_angle(
            along, leg.outward * dot(thigh, frame.left), length
        )
    return out


def _knee_flexion(leg: LegSpec, suffix: str = "") -> Callable[[dict[int, Array]], dict[str, Array]]:
    """Knee flexion of ``leg`` (the thigh - shank angle), as a column for :func:`on_frames`."""

    def angle(pt: dict[int, Array]) -> dict[str, Array]:
        hip, knee, ankle = (pt[i] for i in _segments_of(leg))
        return {f"knee_flexion{suffix}_{leg.side}_deg": angle_between(knee - hip, ankle - knee)}

    return angle


def _pixel_scale(size: ImageSize | tuple[float, float]) -> Array:
    wh = (size.width, size.height) if isinstance(size, ImageSize) else size
    scale = np.array(wh, dtype=np.float64).reshape(-1)
    if scale.shape != (2,) or not (np.isfinite(scale).all() and (scale > 0).all()):
        raise ValueError(f"size: expected (width, height) > 0 in pixels, got {size!r}")
    return scale


def facing_2d(pt: dict[int, Array], perpendicular: Array) -> Array:
    """+1 / -1 where the subject faces along / against ``perpendicular`` (T, 2); else NaN.

    ``pt``: 2D landmarks in pixels by index. Cues: nose - mid-ear, and toe - heel of each
    foot. Each votes with its direction cosine along ``perpendicular``; missing cues do
    not vote.
    """
    cues = [
        pt[P.NOSE] - midpoint(pt[P.LEFT_EAR], pt[P.RIGHT_EAR]),
        *(pt[leg.toe] - pt[leg.heel] for leg in LEGS),
    ]
    votes = np.stack([dot(normalize(c), perpendicular) for c in cues])
    score = np.nansum(votes, axis=0)
    return np.where(score != 0.0, np.sign(score), np.nan)


def image_angles(
    image_xyz: npt.ArrayLike,
    size: ImageSize | tuple[float, float],
    *,
    facing: npt.ArrayLike | None = None,
    unseen: npt.NDArray[np.bool_] | None = None,
) -> dict[str, Array]:
    """The 2D columns (``IMAGE_COLUMNS``) from normalised image landmarks ``(T, 33, 3)``.

    ``size``: (width, height) in pixels, so that angles are not distorted by the aspect
    ratio. ``facing``: +1 if the subject faces image right, -1 image left (scalar or
    ``(T,)``); None infers it per frame (:func:`facing_2d`). Hip flexion and knee flexion
    in 2D are only meaningful in a side view, hip abduction in 2D in a front or back view
    (its outward direction is the image direction from the other hip, made perpendicular
    to the trunk line, so it needs no facing); ``z`` is ignored.
    """
    scale = _pixel_scale(size)
    xyz = check_shape("image_xyz", image_xyz, (None, N_POSE_LANDMARKS, 3))
    pt = _pixels(xyz, _IMAGE_USED, scale, unseen)
    n = xyz.shape[0]
    inputs = dict(pt)
    if facing is not None:
        given = np.asarray(facing, dtype=np.float64)
        if given.shape not in ((), (n,)):
            raise ValueError(f"facing: expected a scalar or shape {(n,)}, got {given.shape}")
        inputs[_FACING] = np.broadcast_to(
            np.where(np.isin(given, (-1.0, 1.0)), given, np.nan), (n,)
        )

    def facing_cues(at: npt.NDArray[np.intp] | None) -> dict[int, Array]:
        """The facing cues of the frames ``at`` (None: all), copied for those only."""
        if facing is not None:
            return {}
        if at is None:
            return _pixels(xyz, _FACING_CUES, scale, unseen)
        hidden = None if unseen is None else np.take(unseen, at, axis=0)
        return _pixels(np.take(xyz, at, axis=0), _FACING_CUES, scale, hidden)

    # the angles against the trunk line need the four trunk landmarks: only frames with them
    trunk_seen = seen_in_all(*(pt[i] for i in _TRUNK))
    out = on_frames(trunk_seen, _image_frame_angles, inputs, facing_cues)
    for leg in LEGS:
        ends = {i: pt[i] for i in _segments_of(leg)}  # hip, knee, ankle
        out.update(on_frames(seen_in_all(*ends.values()), _knee_flexion(leg, "_2d"), ends))
    return {name: out[name] for name in IMAGE_COLUMNS}


def _pixels(
    xyz: np.ndarray, used: tuple[int, ...], scale: Array, unseen: npt.NDArray[np.bool_] | None
) -> dict[int, Array]:
    """Image landmarks ``used`` in pixels (x, y), NaN where ``unseen``."""
    pt = dict(zip((int(i) for i in used), points(xyz, used, 2, unseen), strict=True))
    for xy in pt.values():
        np.multiply(xy, scale, out=xy)  # our own copy: normalised -> pixels
    return pt


#: Key of a given facing (+1 / -1 per frame) among the landmarks (no landmark has it).
_FACING = -1


def _image_frame_angles(pt: dict[int, Array]) -> dict[str, Array]:
    """Trunk lean, hip flexion and abduction in 2D (see :func:`image_angles`), facing the
    way given under ``_FACING``, else inferred per frame."""
    up = normalize(
        midpoint(pt[P.LEFT_SHOULDER], pt[P.RIGHT_SHOULDER])
        - midpoint(pt[P.LEFT_HIP], pt[P.RIGHT_HIP])
    )
    # The trunk line turned a quarter toward image right (for an upright trunk).
    perpendicular = from_components(-up[:, 1], up[:, 0])
    sign = pt[_FACING] if _FACING in pt else facing_2d(pt, perpendicular)
    forward = perpendicular * sign[:, None]
    pelvis = pt[P.LEFT_HIP] - pt[P.RIGHT_HIP]
    left = normalize(pelvis - dot(pelvis, up)[:, None] * up)
    out = {"trunk_lean_2d_deg": angle_to_axis(up, *_UP)}
    for leg in LEGS:
        thigh = pt[leg.knee] - pt[leg.hip]
        # its angle in the plane (-up, forward) and in the plane (-up, outward)
        along, length = -dot(thigh, up), norm(thigh)
        out[f"hip_flexion_2d_{leg.side}_deg"] = planar_angle(along, dot(thigh, forward), length)
        out[f"hip_abduction_2d_{leg.side}_deg"] = planar_angle(
            along, leg.outward * dot(thigh, left), length
        )
    return out


def body_angles(
    world_xyz: npt.ArrayLike,
    image_xyz: npt.ArrayLike | None = None,
    size: ImageSize | tuple[float, float] | None = None,
    *,
    facing: npt.ArrayLike | None = None,
    unseen: npt.NDArray[np.bool_] | None = None,
) -> dict[str, Array]:
    """All body columns (``BODY_COLUMNS``), each ``(T,)`` float64, NaN where undefined.

    ``world_xyz``: pose world landmarks ``(T, 33, 3)``. ``image_xyz`` (normalised image
    landmarks ``(T, 33, 3)``) with ``size`` (width, height in pixels) gives the 2D
    columns; without them those columns are all NaN.
    """
    out = world_angles(world_xyz, unseen=unseen)
    n = next(iter(out.values())).shape[0]
    if image_xyz is None:
        out.update({name: np.full(n, np.nan) for name in IMAGE_COLUMNS})
        return out
    if size is None:
        raise ValueError("size: expected (width, height) in pixels with image_xyz, got None")
    image = image_angles(image_xyz, size, facing=facing, unseen=unseen)
    m = next(iter(image.values())).shape[0]
    if m != n:
        raise ValueError(f"image_xyz: expected {n} frames (as world_xyz), got {m}")
    out.update(image)
    return out


__all__ = [
    "BODY_COLUMNS",
    "IMAGE_COLUMNS",
    "LEGS",
    "WORLD_COLUMNS",
    "LegSpec",
    "PoseLandmark",
    "TrunkFrame",
    "body_angles",
    "facing_2d",
    "image_angles",
    "trunk_frame",
    "world_angles",
    "world_angles_from_points",
    "world_points",
]
