"""Head rotation from where the face landmarks sit in the image: a fit to the canonical face.

Why
---
MediaPipe's facial transformation matrix is fitted to the landmarks *with the depth the
landmark model predicts* for each point; that depth is flattened on a turned head, and the
matrix yaw under-reads the turn (3-6 degrees at 35-60 degrees on AFLW2000-3D). This fit
uses only the image positions of the landmarks and takes the depth from MediaPipe's own
canonical face (:mod:`rom_tracker.kinematics.canonical_face`): on the same photos it
under-reads by 0-2 degrees there (``docs/accuracy.md``).

What
----
Weak perspective (scaled orthographic projection): ``p_k = s * P @ R @ X_k + t`` for the
canonical points ``X_k`` of ``FIT_LANDMARKS`` (equal weights), ``P`` the first two rows,
least squares over ``R`` (rotation), ``s`` and ``t``. Solved by alternation: start from the
best affine 2x3 map made row-orthonormal; then give every point the depth the current pose
predicts and solve the 3-D similarity (Kabsch with scale), ``FIT_ITERATIONS`` times (each
step lowers the residual; the yaw then moves by less than 0.05 degrees). The image-side
terms are summed once, so each step costs one 3x3 SVD per frame.

Frames: image points in pixels with ``y`` up (``x * width``, ``-y * height``); ``R`` maps
the canonical face into the camera frame as the face matrix does (``x`` right, ``y`` up,
``z`` toward the viewer), so :func:`rom_tracker.kinematics.head.angles_from_planes`
decomposes it. A weak-perspective fit does not know where in the image the face sits: ``R``
is the face's appearance, relative to the ray to the face (measured: moving a photo
off-centre changes this yaw by 0.02 of the ray angle, the matrix's by 0.29), so the
off-axis correction uses share 0 for it (``kinematics.camera``). A perspective fit
(``cv2.solvePnP`` with focal lengths of 0.7-5 image widths) read worse on AFLW2000-3D the
shorter the focal length, so none is assumed.

Pure numpy.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.canonical_face import CANONICAL_XYZ, FIT_LANDMARKS
from rom_tracker.kinematics.geometry import Array, check_shape

#: Alternation steps of the fit (after 20 the yaw moves by under 0.05 degrees on AFLW).
FIT_ITERATIONS = 25
#: Frames whose fit points spread less than this (pixels, rms) have no fit.
MIN_SPREAD_PX = 1e-6
#: Frames whose landmarks do not look like the canonical face have no fit: rms residual
#: of the fit above this share of the fitted face's rms radius. Measured on real faces:
#: at most 0.19 (AFLW2000-3D and Pointing'04 dev photos, the three face videos; median
#: 0.06-0.09); a ring of points 1.3, random points about 5.
MAX_RELATIVE_RESIDUAL = 0.5
#: Landmarks further than this outside the image (normalised coordinates) are not a face
#: (MediaPipe's lie within about -0.5..1.5); it also keeps the arithmetic finite.
MAX_NORMALISED = 10.0

_IDS = np.asarray(FIT_LANDMARKS)
_X = np.asarray(CANONICAL_XYZ, dtype=np.float64)
_X = _X - _X.mean(axis=0)  # centred canonical points (K, 3), cm
_C = _X.T @ _X  # their second moments (3, 3)
_C_INV = np.linalg.inv(_C)
_C_TRACE = float(np.trace(_C))


def landmark_rotation(image_xyz: npt.ArrayLike, size: tuple[int, int]) -> Array:
    """Head rotations ``(T, 3, 3)`` fitted to face landmarks ``(T, 478, 3)``.

    ``image_xyz``: MediaPipe normalised image coordinates (only ``x`` and ``y`` are used);
    ``size``: (width, height) of the images in pixels. All-NaN where a fit landmark is not
    finite, the points are degenerate (all in one place) or they do not look like a face
    (``MAX_RELATIVE_RESIDUAL``).
    """
    lm = check_shape("image_xyz", image_xyz, (None, 478, 3))
    width, height = size
    n = lm.shape[0]
    xy = lm[:, _IDS, :2]
    with np.errstate(invalid="ignore"):  # NaN compares False: not ok
        ok = (np.abs(xy) <= MAX_NORMALISED).all(axis=(1, 2))
    pts = np.where(ok[:, None, None], xy, 0.0) * np.array([float(width), -float(height)])
    out = np.full((n, 3, 3), np.nan)
    p = pts[ok] - pts[ok].mean(axis=1, keepdims=True)
    spread = np.sqrt((p * p).sum(axis=(1, 2)) / max(len(_IDS), 1))
    good = spread > MIN_SPREAD_PX
    p = p[good]
    idx = np.flatnonzero(ok)[good]
    if not len(p):
        return out
    r, residual = _weak_perspective(p)
    fits = residual <= MAX_RELATIVE_RESIDUAL  # NaN compares False
    out[idx[fits]] = r[fits]
    return out


def _weak_perspective(p: Array) -> tuple[Array, Array]:
    """Rotations ``(T, 3, 3)`` for centred image points ``p`` ``(T, K, 2)``, and the rms
    residual relative to the fitted face's rms radius ``(T,)`` (NaN if the scale is not
    positive)."""
    b = np.einsum("tkd,kj->tdj", p, _X)  # image-side moments (T, 2, 3), fixed
    # start: the best affine map, made row-orthonormal (its depth row is r1 x r2)
    u, sv, vt = np.linalg.svd(b @ _C_INV, full_matrices=False)
    rows = u @ vt
    r3 = np.cross(rows[:, 0], rows[:, 1])
    s = sv.mean(axis=1)
    h = np.empty((len(p), 3, 3))  # cross-moments canonical x (image x, image y, depth)
    h[:, :, :2] = b.transpose(0, 2, 1)
    r = np.empty_like(h)
    for _ in range(FIT_ITERATIONS):
        # depth of point k: z_k = s * r3 . X_k, so sum_k X_k z_k = s * C @ r3
        h[:, :, 2] = s[:, None] * (r3 @ _C)
        u3, s3, vt3 = np.linalg.svd(h)  # h = U S Vt; R = V D U^T (Kabsch)
        d = np.sign(np.linalg.det(u3 @ vt3))
        vt3[:, 2] *= d[:, None]
        r = np.einsum("tji,tkj->tik", vt3, u3)
        s = (s3[:, 0] + s3[:, 1] + d * s3[:, 2]) / _C_TRACE
        r3 = r[:, 2]
    # residual at the best scale for r: |p|^2 - s * tr(R2 B^T), radius^2 = s^2 tr(C) / K
    fit = np.einsum("tdj,tdj->t", r[:, :2], b)
    s = fit / np.einsum("tdj,jk,tdk->t", r[:, :2], _C, r[:, :2])
    with np.errstate(invalid="ignore", divide="ignore"):
        residual = np.sqrt(np.maximum((p * p).sum(axis=(1, 2)) - s * fit, 0.0) / (s * s * _C_TRACE))
    return r, np.where(s > 0, residual, np.nan)


__all__ = ["FIT_ITERATIONS", "MAX_RELATIVE_RESIDUAL", "MIN_SPREAD_PX", "landmark_rotation"]
