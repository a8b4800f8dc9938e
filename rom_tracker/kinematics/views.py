"""Which way the camera sees the body, per frame, and the choice of 3D or 2D leg angles.

``view_angle_deg`` is the body's yaw relative to the camera from the pose world landmarks:
the mean direction of the pelvis line (left hip - right hip) and the shoulder line (left
shoulder - right shoulder), each made unit length, in the world ``x``-``z`` plane:
``atan2(dz, dx)`` with the same sign as ``trunk_yaw_deg``. 0 = front view (the subject
faces the camera), +90 = the subject's right side faces the camera (turned to their own
left), -90 = the left side faces it, +-180 = back view.

Blending (the "best" columns, ``hip_flexion_*``, ``hip_abduction_*``, ``knee_flexion_*``):

* the 3D world angle is used everywhere;
* within ``SIDE_WINDOW_DEG`` of a side view (|view| = 90) the 2D image hip and knee
  flexion are blended in with weight ``1 - ||view| - 90| / SIDE_WINDOW_DEG`` (1 in a true
  side view, where the image plane is the sagittal plane);
* within ``FRONT_WINDOW_DEG`` of a front or back view the 2D image hip abduction is blended
  in the same way (the image plane is then the frontal plane).

Flexion is blended only when both estimates agree in sign or are within
``MAX_BLEND_DISAGREEMENT_DEG``, otherwise the 3D value is kept (a 2D reading whose facing
was inferred the wrong way round changes sign). Pure numpy.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.geometry import Array, atan2_deg, check_shape, points, wrap_deg
from rom_tracker.types import N_POSE_LANDMARKS

SIDE_WINDOW_DEG = 30.0
FRONT_WINDOW_DEG = 30.0
MAX_BLEND_DISAGREEMENT_DEG = 30.0

#: The blended columns: name -> (3D column from ``world_angles``, 2D column, window kind).
BLENDS: dict[str, tuple[str, str, str]] = {
    f"{angle}_{side}_deg": (f"{angle}_{side}_deg", f"{angle}_2d_{side}_deg", kind)
    for side in ("left", "right")
    for angle, kind in (
        ("hip_flexion", "side"),
        ("hip_abduction", "front"),
        ("knee_flexion", "side"),
    )
}


def view_angle(world_xyz: npt.ArrayLike, *, unseen: npt.NDArray[np.bool_] | None = None) -> Array:
    """``view_angle_deg`` (T,) from pose world landmarks ``(T, 33, 3)`` (``unseen`` (T, 33):
    landmarks not seen); NaN where neither the pelvis nor the shoulder line is seen (one
    line alone is used when the other is not)."""
    xyz = check_shape("world_xyz", world_xyz, (None, N_POSE_LANDMARKS, 3))
    pt = dict(zip((23, 24, 11, 12), points(xyz, (23, 24, 11, 12), unseen=unseen), strict=True))
    return view_angle_from_lines(pt[23] - pt[24], pt[11] - pt[12])


def view_angle_from_lines(pelvis: Array, shoulders: Array) -> Array:
    """:func:`view_angle` from the pelvis and shoulder lines (left - right) ``(T, 3)``."""
    total_x = np.zeros(pelvis.shape[0])
    total_z = np.zeros(pelvis.shape[0])
    seen = np.zeros(pelvis.shape[0], dtype=bool)
    for line in (pelvis, shoulders):
        dx, dz = line[:, 0], line[:, 2]
        length = np.sqrt(dx * dx + dz * dz)  # metres: no overflow to guard (np.hypot is slow)
        ok = np.isfinite(length) & (length > 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            total_x += np.where(ok, dx / length, 0.0)
            total_z += np.where(ok, dz / length, 0.0)
        seen |= ok
    ok = seen & ((total_x != 0.0) | (total_z != 0.0))
    return np.where(ok, wrap_deg(atan2_deg(total_z, total_x)), np.nan)


def side_weight(view_deg: npt.ArrayLike) -> Array:
    """Weight of the 2D sagittal angles (T,): 1 in a side view, 0 beyond the window."""
    v = np.abs(np.asarray(view_deg, dtype=np.float64))
    w = np.clip(1.0 - np.abs(v - 90.0) / SIDE_WINDOW_DEG, 0.0, 1.0)
    return np.where(np.isfinite(w), w, 0.0)


def front_weight(view_deg: npt.ArrayLike) -> Array:
    """Weight of the 2D frontal angles (T,): 1 in a front or back view, 0 beyond the window."""
    v = np.abs(np.asarray(view_deg, dtype=np.float64))
    off = np.minimum(v, 180.0 - v)
    w = np.clip(1.0 - off / FRONT_WINDOW_DEG, 0.0, 1.0)
    return np.where(np.isfinite(w), w, 0.0)


def blend(angle_3d: Array, angle_2d: Array, weight_2d: Array, *, signed: bool = True) -> Array:
    """``(1 - w) * 3D + w * 2D`` where both exist; the 3D value where the 2D one is missing or
    disagrees (signed angles: opposite signs and more than the limit apart); the 2D value
    where only it exists and ``w > 0``."""
    a3, a2, w = (np.asarray(x, dtype=np.float64) for x in (angle_3d, angle_2d, weight_2d))
    has_3d, has_2d = np.isfinite(a3), np.isfinite(a2)
    both = has_3d & has_2d
    with np.errstate(invalid="ignore"):  # NaN and inf where both is False: not used
        if signed:
            clash = (np.sign(a3) * np.sign(a2) < 0) & (np.abs(a3 - a2) > MAX_BLEND_DISAGREEMENT_DEG)
            both &= ~clash
        mixed = np.where(both, (1.0 - w) * a3 + w * a2, a3)
    only_2d = ~has_3d & has_2d & (w > 0.0)
    return np.where(only_2d, a2, mixed)


def blended_leg_angles(
    world: dict[str, Array], image: dict[str, Array], view_deg: Array
) -> dict[str, Array]:
    """The blended columns (``BLENDS``) from ``world_angles`` and ``image_angles`` output."""
    weights = {"side": side_weight(view_deg), "front": front_weight(view_deg)}
    return {
        name: blend(world[c3], image[c2], weights[kind], signed=not name.startswith("knee"))
        for name, (c3, c2, kind) in BLENDS.items()
    }


__all__ = [
    "BLENDS",
    "FRONT_WINDOW_DEG",
    "SIDE_WINDOW_DEG",
    "blend",
    "blended_leg_angles",
    "front_weight",
    "side_weight",
    "view_angle",
    "view_angle_from_lines",
]
