"""Camera geometry: undo the apparent head rotation of a head that sits off the optical axis.

Why
---
A face landmarker sees *appearance*: a head at the image's right edge that faces straight
ahead (parallel to the optical axis) is seen a little from its left side and looks turned
toward image right, by the angle between the optical axis and the ray to the head. For a
webcam with a 65 degree field of view that is up to about 30 degrees at the edge.

MediaPipe's face geometry step unprojects the landmarks with its own perspective camera
(vertical field of view ``MEDIAPIPE_VFOV_DEG``) and so already removes part of this, but
only a part: moving real photos (AFLW2000-3D, 6 photos x 4 shifts of 275 px in a
1000 x 1000 canvas) off-centre changed the reported yaw and pitch by
``MEDIAPIPE_PERSPECTIVE_SHARE`` = 0.29 of the ray angle, where a full correction is 1.0
(``bench/accuracy.py`` measures it again).

What
----
With the head's ray ``d`` (camera frame, OpenGL: ``x`` right, ``y`` up, ``z`` toward the
viewer) and ``Q(d, s)`` the rotation by ``s`` times the angle from the optical axis
``(0, 0, -1)`` to ``d`` about their common perpendicular:

* MediaPipe reports ``R_mp = Q(d_mp, 0.29) @ R_app`` (``R_app``: the appearance, relative
  to the ray; ``d_mp``: the ray in MediaPipe's camera);
* the rotation relative to the optical axis is ``R = Q(d, 1) @ R_app``, with ``d`` the ray
  through the same pixel in the real camera (``Intrinsics``).

So ``R = Q(d, 1) @ Q(d_mp, 0.29)^T @ R_mp``. The pixel is where MediaPipe's camera
projects the face origin (the matrix's translation). The landmark fit of
``kinematics.face_fit`` is ``R_app`` itself (measured share 0.02), so it is corrected with
share 0: ``R = Q(d, 1) @ R_app``.

All functions are vectorised over frames; NaN in, NaN out. Pure numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.geometry import Array

#: MediaPipe face landmarker's perspective camera: vertical field of view, degrees.
MEDIAPIPE_VFOV_DEG = 63.0
#: Share of the off-axis ray angle MediaPipe's face matrix already removes (measured).
MEDIAPIPE_PERSPECTIVE_SHARE = 0.29
#: Horizontal field of view assumed for videos and cameras without a calibration file:
#: a typical webcam (65-78 degrees diagonal for most laptop and USB webcams).
DEFAULT_HFOV_DEG = 65.0


@dataclass(frozen=True)
class Intrinsics:
    """Pinhole intrinsics in pixels for images of ``width`` x ``height``.

    ``fx``, ``fy``: focal lengths; ``cx``, ``cy``: principal point (pixel coordinates with
    the origin at the top-left corner, ``x`` right, ``y`` down). Lens distortion is not
    modelled (its effect on a head's ray angle is well under a degree for webcams).
    """

    fx: float
    fy: float
    cx: float
    cy: float
    width: int
    height: int

    def __post_init__(self) -> None:
        for name in ("fx", "fy", "cx", "cy"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value)):
                raise ValueError(f"{name}: expected a finite number of pixels, got {value!r}")
        if self.fx <= 0 or self.fy <= 0:
            raise ValueError(f"fx, fy: expected > 0 pixels, got {self.fx}, {self.fy}")
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"width, height: expected > 0, got {self.width}x{self.height}")
        if not (0 <= self.cx <= self.width and 0 <= self.cy <= self.height):
            raise ValueError(
                f"cx, cy: expected inside the {self.width}x{self.height} image, "
                f"got ({self.cx}, {self.cy})"
            )

    @classmethod
    def from_fov(cls, width: int, height: int, hfov_deg: float = DEFAULT_HFOV_DEG) -> Intrinsics:
        """Square pixels, principal point at the centre, horizontal field of view given."""
        if not 1.0 <= hfov_deg <= 170.0:
            raise ValueError(f"hfov_deg: expected 1..170 degrees, got {hfov_deg}")
        f = 0.5 * width / math.tan(math.radians(hfov_deg) / 2)
        return cls(f, f, 0.5 * width, 0.5 * height, width, height)

    @property
    def hfov_deg(self) -> float:
        return math.degrees(2 * math.atan(0.5 * self.width / self.fx))

    def scaled_to(self, width: int, height: int) -> Intrinsics:
        """The same camera at another resolution (same aspect ratio within 1%)."""
        if (width, height) == (self.width, self.height):
            return self
        sx, sy = width / self.width, height / self.height
        if abs(sx / sy - 1.0) > 0.01:
            raise ValueError(
                f"intrinsics are for {self.width}x{self.height}; cannot scale them to "
                f"{width}x{height} (different aspect ratio)"
            )
        return Intrinsics(
            self.fx * sx, self.fy * sy, self.cx * sx, self.cy * sy, int(width), int(height)
        )


def mediapipe_intrinsics(width: int, height: int) -> Intrinsics:
    """The camera MediaPipe's face geometry assumes for an image of this size."""
    f = 0.5 * height / math.tan(math.radians(MEDIAPIPE_VFOV_DEG) / 2)
    return Intrinsics(f, f, 0.5 * width, 0.5 * height, width, height)


def project(camera: Intrinsics, points: npt.ArrayLike) -> Array:
    """Pixels ``(T, 2)`` of camera-frame points ``(T, 3)`` (OpenGL: ``z`` toward the viewer)."""
    p = np.asarray(points, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        depth = -p[:, 2]
        u = camera.cx + camera.fx * p[:, 0] / depth
        v = camera.cy - camera.fy * p[:, 1] / depth
    ok = depth > 0
    return np.where(ok[:, None], np.stack([u, v], axis=1), np.nan)


def ray(camera: Intrinsics, pixels: npt.ArrayLike) -> Array:
    """Unit rays ``(T, 3)`` (OpenGL camera frame) through pixels ``(T, 2)``."""
    uv = np.asarray(pixels, dtype=np.float64)
    x = (uv[:, 0] - camera.cx) / camera.fx
    y = -(uv[:, 1] - camera.cy) / camera.fy
    d = np.stack([x, y, -np.ones(len(uv))], axis=1)
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def ray_yaw_deg(camera: Intrinsics, u: npt.ArrayLike) -> Array:
    """Horizontal angle of the ray through pixel column ``u`` (T,), degrees, + = image right.

    A head there that faces parallel to the optical axis looks turned by this much toward
    image right (a positive yaw in the conventions).
    """
    return np.degrees(np.arctan2(np.asarray(u, dtype=np.float64) - camera.cx, camera.fx))


def axis_rotation_planes(direction: Array, share: float) -> Array:
    """``Q(d, share)`` as component planes ``(3, 3, T)``: rotation by ``share`` times the
    angle from ``(0, 0, -1)`` to ``direction (T, 3)`` (unit) about their perpendicular."""
    dx, dy, dz = direction[:, 0], direction[:, 1], direction[:, 2]
    # axis = (0, 0, -1) x d = (dy, -dx, 0); sin = |axis|, cos = -dz
    sin_full = np.hypot(dx, dy)
    angle = share * np.arctan2(sin_full, -dz)
    with np.errstate(invalid="ignore", divide="ignore"):
        kx = np.where(sin_full > 0, dy / sin_full, 1.0)
        ky = np.where(sin_full > 0, -dx / sin_full, 0.0)
    c, s = np.cos(angle), np.sin(angle)
    t = 1.0 - c
    zero = np.zeros_like(c)
    # Rodrigues with k = (kx, ky, 0)
    return np.array(
        [
            [c + kx * kx * t, kx * ky * t, ky * s],
            [kx * ky * t, c + ky * ky * t, -kx * s],
            [-ky * s, kx * s, c + zero],
        ]
    )


def matmul_planes(a: Array, b: Array) -> Array:
    """Frame-wise ``a @ b`` for component planes ``(3, 3, T)``."""
    return np.einsum("ikt,kjt->ijt", a, b)


def transpose_planes(a: Array) -> Array:
    return a.transpose(1, 0, 2)


def off_axis_correction(
    rotation: Array,
    translation_cm: npt.ArrayLike,
    size: tuple[int, int],
    camera: Intrinsics,
    *,
    share: float = MEDIAPIPE_PERSPECTIVE_SHARE,
) -> Array:
    """Head rotations relative to the optical axis from MediaPipe's (see the module doc).

    ``rotation``: planes ``(3, 3, T)`` from the face matrix; ``translation_cm``: its
    translation ``(T, 3)``; ``size``: (width, height) of the analysed images; ``camera``:
    the real camera at that size; ``share``: the part of the ray angle ``rotation`` already
    removed (the face matrix: ``MEDIAPIPE_PERSPECTIVE_SHARE``; the appearance-only fit of
    ``kinematics.face_fit``: 0). Returns new planes; NaN where either input is NaN.
    """
    t = np.asarray(translation_cm, dtype=np.float64)
    if t.ndim != 2 or t.shape[1] != 3 or t.shape[0] != rotation.shape[2]:
        raise ValueError(f"translation_cm: expected shape ({rotation.shape[2]}, 3), got {t.shape}")
    width, height = size
    mp = mediapipe_intrinsics(width, height)
    norm = np.linalg.norm(t, axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_mp = t / norm
    d_true = ray(camera, project(mp, t))
    q = matmul_planes(
        axis_rotation_planes(d_true, 1.0),
        transpose_planes(axis_rotation_planes(d_mp, share)),
    )
    return matmul_planes(q, rotation)


__all__ = [
    "DEFAULT_HFOV_DEG",
    "MEDIAPIPE_PERSPECTIVE_SHARE",
    "MEDIAPIPE_VFOV_DEG",
    "Intrinsics",
    "axis_rotation_planes",
    "matmul_planes",
    "mediapipe_intrinsics",
    "off_axis_correction",
    "project",
    "ray",
    "ray_yaw_deg",
    "transpose_planes",
]
