"""Head yaw, pitch and roll from MediaPipe's facial transformation matrix.

Frames
------
The matrix maps MediaPipe's canonical face (``x`` toward the subject's left, ``y`` up,
``z`` out of the face) into the camera frame (OpenGL: ``x`` image right, ``y`` up, ``z``
toward the viewer), acting on column vectors; its upper-left 3x3 block is the head
rotation ``R`` (possibly scaled). The identity means "facing the camera, upright". The
columns of ``R`` are the head's left, up and face-normal directions in camera
coordinates.

Euler order (the one place rotations become angles)
----------------------------------------------------
``R = Ry(a) @ Rx(b) @ Rz(c)``: intrinsic y-x'-z'' -- first ``a`` about the camera's
vertical, then ``b`` about the head's own left-right axis, then ``c`` about the head's own
face normal. ``Rx``, ``Ry``, ``Rz`` are right-handed rotations. The convention angles are
``EULER_SIGNS`` times these (see ``docs/conventions.md``):

* yaw   = +a: positive = turned to the subject's own left (face normal toward image right)
* pitch = +b: positive = flexion, chin down (face normal toward image down)
* roll  = -c: positive = tilt to the subject's left (top of the head toward image right)

Ranges: yaw and roll in (-180, 180], pitch in [-90, 90]. At pitch = +-90 (gimbal lock)
yaw and roll are not separable; roll is then reported as 0.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.geometry import (
    REL_EPS,
    Array,
    atan2_deg,
    check_shape,
    finite_float,
    wrap_deg,
)

#: Sign of each convention angle relative to the right-handed Euler angle about its
#: axis in ``R = Ry(a) @ Rx(b) @ Rz(c)``. A separate, tested mapping (tests/kinematics).
EULER_SIGNS: dict[str, float] = {"yaw": 1.0, "pitch": 1.0, "roll": -1.0}

HEAD_COLUMNS = ("head_yaw_deg", "head_pitch_deg", "head_roll_deg")

#: Below this ``|cos(pitch)| / |sin(pitch)|`` the decomposition counts as gimbal lock
#: (pitch within about 6e-5 degrees of +-90).
_GIMBAL_EPS = 1e-6


def _planes(name: str, rotation: npt.ArrayLike) -> Array:
    """``(T, 3, 3)`` -> component planes ``(3, 3, T)`` float64 (each ``[i, j]`` contiguous)."""
    r = check_shape(name, rotation, (None, 3, 3))
    return finite_float(np.moveaxis(r, 0, -1))  # one transposing copy


def orthonormal_planes(b: Array) -> Array:
    """Nearest-rotation estimate of planes ``(3, 3, T)`` by one Gram-Schmidt step.

    The face normal (third column) is kept in direction; the first column is made
    perpendicular to it; the second is their cross product. For the facial matrix (a
    rotation times a uniform scale, plus float32 rounding) this equals the SVD's nearest
    rotation to within the rounding (1e-7 rad), at a fraction of the cost. Frames that are
    not finite, nearly singular (``det`` under ``REL_EPS`` of the product of the column
    lengths) or reflections (``det <= 0``) become all-NaN.
    """
    x, y, z = b[:, 0], b[:, 1], b[:, 2]  # columns, each (3, T)
    out = np.empty_like(b)  # (3 rows, 3 columns, T)
    xu, yu, zu = out[:, 0], out[:, 1], out[:, 2]  # the columns are written in place

    def dot3(u: Array, v: Array) -> Array:
        return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]

    def cross3(u: Array, v: Array, into: Array | None = None) -> Array:
        into = np.empty_like(u) if into is None else into
        for i, (j, k) in enumerate(((1, 2), (2, 0), (0, 1))):
            np.multiply(u[j], v[k], out=into[i])
            into[i] -= u[k] * v[j]
        return into

    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.sqrt(dot3(x, x) * dot3(y, y) * dot3(z, z))
        ok = dot3(cross3(x, y), z) > REL_EPS * scale  # NaN compares False
        np.divide(z, np.sqrt(dot3(z, z)), out=zu)
        xp = x - dot3(x, zu) * zu
        np.divide(xp, np.sqrt(dot3(xp, xp)), out=xu)
        cross3(zu, xu, into=yu)
    np.copyto(out, np.nan, where=~ok)
    return out


def matrix_planes(matrix: npt.ArrayLike) -> Array:
    """Rotation planes ``(3, 3, T)`` (see :func:`orthonormal_planes`) of ``(T, 4, 4)`` or
    ``(T, 3, 3)`` matrices."""
    m = np.asarray(matrix)
    if m.ndim != 3 or m.shape[1:] not in ((4, 4), (3, 3)):
        raise ValueError(f"matrix: expected shape (T, 4, 4) or (T, 3, 3), got {m.shape}")
    return orthonormal_planes(_planes("matrix", m[:, :3, :3]))


def rotation_planes(rotation: npt.ArrayLike) -> Array:
    """``(T, 3, 3)`` rotations as component planes ``(3, 3, T)`` float64 (no orthonormalising)."""
    return _planes("rotation", rotation)


def angles_dict(planes: Array) -> dict[str, Array]:
    """``HEAD_COLUMNS`` from rotation planes ``(3, 3, T)``."""
    return dict(zip(HEAD_COLUMNS, angles_from_planes(planes), strict=True))


def rotation_part(matrix: npt.ArrayLike) -> Array:
    """Nearest rotation to the 3x3 block of ``(T, 4, 4)`` or ``(T, 3, 3)`` matrices.

    Orthonormalised by one Gram-Schmidt step (see :func:`orthonormal_planes`), which
    removes any scale. Frames that are not finite, are (nearly) singular, or are
    reflections (``det <= 0``) become all-NaN.
    """
    return np.moveaxis(matrix_planes(matrix), -1, 0)


def angles_from_planes(r: Array) -> tuple[Array, Array, Array]:
    """``(yaw, pitch, roll)`` degrees from rotation planes ``(3, 3, T)``."""
    # Face normal (third column) = Ry(a) Rx(b) e_z = (cos b sin a, -sin b, cos b cos a).
    # Second row = (cos b sin c, cos b cos c, -sin b).
    cos_b = np.sqrt(r[0, 2] * r[0, 2] + r[2, 2] * r[2, 2])  # np.hypot is slow; rotation entries
    b = atan2_deg(-r[1, 2], cos_b)
    locked = cos_b <= _GIMBAL_EPS * np.abs(r[1, 2])
    a = atan2_deg(r[0, 2], r[2, 2])
    c = atan2_deg(r[1, 0], r[1, 1])
    if locked.any():
        # with c := 0 the first column is Ry(a) e_x
        a[locked] = atan2_deg(-r[2, 0], r[0, 0])[locked]
        c[locked] = 0.0
    yaw = wrap_deg(EULER_SIGNS["yaw"] * a)
    pitch = EULER_SIGNS["pitch"] * b
    roll = wrap_deg(EULER_SIGNS["roll"] * c)
    return yaw, pitch, roll


def head_angles_from_rotation(rotation: npt.ArrayLike) -> tuple[Array, Array, Array]:
    """``(yaw, pitch, roll)`` in degrees from ``(T, 3, 3)`` head rotations.

    ``rotation`` should be a rotation (see :func:`rotation_part` for raw matrices); a
    uniform scale does not change the result. NaN frames give NaN angles.
    """
    return angles_from_planes(_planes("rotation", rotation))


def _axis_rotations(angle_rad: Array, axis: int) -> Array:
    """Right-handed rotations by ``angle_rad`` (T,) about camera axis 0/1/2, (T, 3, 3)."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    out = np.zeros((*angle_rad.shape, 3, 3))
    out[..., axis, axis] = 1.0
    out[..., i, i] = c
    out[..., j, j] = c
    out[..., i, j] = -s
    out[..., j, i] = s
    return out


def rotation_from_head_angles(
    yaw: npt.ArrayLike, pitch: npt.ArrayLike, roll: npt.ArrayLike
) -> Array:
    """Inverse of :func:`head_angles_from_rotation`: ``(T, 3, 3)`` from degrees ``(T,)``."""
    angles = [np.atleast_1d(np.asarray(x, dtype=np.float64)) for x in (yaw, pitch, roll)]
    try:
        y, p, r = np.broadcast_arrays(*angles)
    except ValueError:
        shapes = [a.shape for a in angles]
        raise ValueError(f"yaw, pitch, roll: expected equal shapes (T,), got {shapes}") from None
    if y.ndim != 1:
        raise ValueError(f"yaw, pitch, roll: expected shape (T,), got {y.shape}")
    a = np.radians(EULER_SIGNS["yaw"] * y)
    b = np.radians(EULER_SIGNS["pitch"] * p)
    c = np.radians(EULER_SIGNS["roll"] * r)
    return _axis_rotations(a, 1) @ _axis_rotations(b, 0) @ _axis_rotations(c, 2)


def head_angles(matrix: npt.ArrayLike) -> dict[str, Array]:
    """Head angle columns from facial transformation matrices ``(T, 4, 4)``.

    Returns ``head_yaw_deg``, ``head_pitch_deg``, ``head_roll_deg``, each ``(T,)``
    float64; NaN where the matrix is missing or degenerate.
    """
    return angles_dict(matrix_planes(matrix))


def neck_rotation(head_yaw: npt.ArrayLike, trunk_yaw: npt.ArrayLike) -> Array:
    """Head yaw relative to the trunk, ``head_yaw - trunk_yaw`` wrapped to (-180, 180].

    Both in degrees, same sign convention (positive = toward the subject's left).
    """
    h = np.asarray(head_yaw, dtype=np.float64)
    t = np.asarray(trunk_yaw, dtype=np.float64)
    if h.shape != t.shape:
        raise ValueError(f"trunk_yaw: expected shape {h.shape} (as head_yaw), got {t.shape}")
    return wrap_deg(h - t)  # NaN where either is NaN or infinite


#: A face the landmarker sees within this yaw means the trunk faces the camera (degrees).
FRONTAL_FACE_DEG = 75.0
#: Beyond this |head yaw - trunk yaw| (the neck turns about 70-90 degrees each way) the
#: trunk yaw is taken as a mistake of the pose model (degrees).
MAX_NECK_ROTATION_DEG = 100.0


def plausible_trunk_yaw(
    trunk_yaw: npt.ArrayLike, face_yaw: npt.ArrayLike, head_yaw: npt.ArrayLike
) -> Array:
    """``trunk_yaw`` (T,) with implausible readings set to NaN.

    The shoulders' world depth from the pose model is noisy, and the model sometimes takes
    a front view for a back view (trunk yaw near 180). A reading is dropped where a face is
    seen within ``FRONTAL_FACE_DEG`` of the camera yet ``|trunk_yaw| > 90`` (the chest
    cannot face away while the face is seen from the front), or where
    ``|head_yaw - trunk_yaw| > MAX_NECK_ROTATION_DEG``.
    """
    trunk = np.asarray(trunk_yaw, dtype=np.float64)
    face = np.asarray(face_yaw, dtype=np.float64)
    head = np.asarray(head_yaw, dtype=np.float64)
    if not trunk.shape == face.shape == head.shape:
        raise ValueError(
            f"trunk_yaw, face_yaw, head_yaw: expected equal shapes, got "
            f"{trunk.shape}, {face.shape}, {head.shape}"
        )
    with np.errstate(invalid="ignore"):
        backwards = (np.abs(face) <= FRONTAL_FACE_DEG) & (np.abs(trunk) > 90.0)
        too_far = np.abs(wrap_deg(head - trunk)) > MAX_NECK_ROTATION_DEG
    return np.where(backwards | too_far, np.nan, trunk)


__all__ = [
    "EULER_SIGNS",
    "HEAD_COLUMNS",
    "angles_dict",
    "angles_from_planes",
    "head_angles",
    "head_angles_from_rotation",
    "matrix_planes",
    "neck_rotation",
    "orthonormal_planes",
    "plausible_trunk_yaw",
    "rotation_from_head_angles",
    "rotation_part",
    "rotation_planes",
]
