"""Vector helpers over batches of vectors: ``(..., 3)`` or ``(..., 2)`` arrays.

Every function works on whole batches (no per-frame loops), returns float64, keeps NaN as
NaN and turns degenerate input (zero-length or collinear vectors) into NaN without a
warning. Angles are in degrees.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]

#: Degrees per radian: ``x * DEG_PER_RAD`` is ``np.degrees(x)`` to the last bit.
DEG_PER_RAD = 180.0 / np.pi

#: Relative tolerance below which a vector counts as zero-length against its reference
#: scale (a projected thigh against the whole thigh, a cross product against |a||b|).
REL_EPS = 1e-9


def check_shape(name: str, values: npt.ArrayLike, shape: tuple[int | None, ...]) -> np.ndarray:
    """``values`` as an array (no copy); ValueError naming expected and actual shape.

    ``shape`` uses None for "any length" (the frame axis), e.g. ``(None, 33, 3)``.
    """
    arr = np.asarray(values)
    if arr.ndim != len(shape) or any(
        want is not None and got != want for want, got in zip(shape, arr.shape, strict=True)
    ):
        want_s = "(" + ", ".join("T" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name}: expected shape {want_s}, got {arr.shape}")
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name}: expected a real numeric array, got dtype {arr.dtype}")
    return arr


def finite_float(values: np.ndarray) -> Array:
    """A C-contiguous float64 copy of ``values`` with inf turned into NaN (never the
    caller's data)."""
    out = np.array(values, dtype=np.float64, order="C")
    if np.isinf(out).any():
        out[np.isinf(out)] = np.nan
    return out


def as_float(name: str, values: npt.ArrayLike, shape: tuple[int | None, ...]) -> Array:
    """:func:`check_shape` then :func:`finite_float`."""
    return finite_float(check_shape(name, values, shape))


# Vectors are handled component by component (``a[..., i]``): with inputs laid out as
# component planes (see :func:`points`), every operation runs on contiguous 1-D data.


def from_components(*components: Array) -> Array:
    """Components -> ``(..., k)`` vectors, stored as contiguous component planes."""
    return np.moveaxis(np.stack(np.broadcast_arrays(*components)), 0, -1)


#: Frames per block when copying landmarks into component planes (the block's source rows
#: and planes stay in the CPU cache).
_BLOCK = 1024


def points(
    values: np.ndarray,
    indices: Sequence[int],
    ndim: int | None = None,
    unseen: npt.NDArray[np.bool_] | None = None,
) -> list[Array]:
    """Landmarks ``indices`` of ``(T, N, d)`` as vectors ``(T, ndim)``, float64, inf -> NaN.

    ``ndim`` keeps the first components only (2: x, y); default all ``d``. ``unseen``:
    ``(T, N)`` True where a landmark was not seen; those become NaN. Copies only what is
    asked for, into component planes (each ``[:, i]`` is contiguous), block by block of
    frames: several times faster than one transposing copy.
    """
    idx = [int(i) for i in indices]
    n, dims = values.shape[0], values.shape[2] if ndim is None else ndim
    hidden = None
    if unseen is not None:
        hidden = np.asarray(unseen, dtype=bool)
        if hidden.shape != values.shape[:2]:
            raise ValueError(f"unseen: expected shape {values.shape[:2]}, got {hidden.shape}")
    # copied and masked in the input's type (float32 landmarks: half the bytes), then
    # widened to float64 in one contiguous pass (exact)
    planes = np.empty((len(idx), dims, n), dtype=np.result_type(values.dtype, np.float32))
    runs = _runs(idx)
    for start in range(0, n, _BLOCK):
        block = planes[:, :, start : start + _BLOCK].transpose(2, 0, 1)  # (frames, k, dims)
        rows = values[start : start + _BLOCK]
        for k, first, count in runs:  # basic slices: no fancy-index temporary
            block[:, k : k + count] = rows[:, first : first + count, :dims]
    if np.isinf(planes).any():
        planes[np.isinf(planes)] = np.nan
    if hidden is not None:
        # x * 1.0 is x exactly and x * NaN is NaN: masks without a branch per value
        nan_where = _NAN_WHERE_TRUE.astype(planes.dtype)
        planes *= nan_where.take(hidden[:, idx].T.view(np.uint8))[:, None, :]
    return list(planes.astype(np.float64, copy=False).transpose(0, 2, 1))


def _runs(indices: list[int]) -> list[tuple[int, int, int]]:
    """``(position, first index, count)`` of the runs of consecutive numbers in ``indices``:
    landmarks that follow each other are copied together, along each frame's row."""
    runs: list[tuple[int, int, int]] = []
    for k, i in enumerate(indices):
        if runs and runs[-1][1] + runs[-1][2] == i:
            runs[-1] = (runs[-1][0], runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((k, i, 1))
    return runs


#: Indexed by a boolean as 0/1: 1.0 for False, NaN for True (see :func:`points`).
_NAN_WHERE_TRUE = np.array([1.0, np.nan])


def dot(a: Array, b: Array) -> Array:
    """Dot product along the last axis (2D or 3D vectors; broadcasts)."""
    return np.einsum("...i,...i->...", a, b)


def cross(a: Array, b: Array) -> Array:
    """Cross product of ``(..., 3)`` vectors."""
    ax, ay, az = a[..., 0], a[..., 1], a[..., 2]
    bx, by, bz = b[..., 0], b[..., 1], b[..., 2]
    out = np.empty((3, *np.broadcast_shapes(np.shape(a), np.shape(b))[:-1]))
    for c, (p, q, r, s) in enumerate(((ay, bz, az, by), (az, bx, ax, bz), (ax, by, ay, bx))):
        plane = out[c, ...]  # each component written into its plane: no stacking copy
        np.multiply(p, q, out=plane)
        plane -= r * s
    return np.moveaxis(out, 0, -1)


def cross_z(a: Array, b: Array) -> Array:
    """The z component of the cross product of ``(..., 2)`` vectors."""
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]


def norm(a: Array) -> Array:
    """Euclidean length along the last axis."""
    return np.sqrt(dot(a, a))


def _nan_unless(ok: npt.NDArray[np.bool_], values: Array) -> Array:
    return np.where(ok, values, np.nan)


def normalize(a: Array) -> Array:
    """Unit vectors along the last axis; NaN where the vector has zero length or is NaN."""
    n = norm(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = _nan_unless(n > 0.0, 1.0 / n)
    return a * inv[..., None]


def unit_cross(a: Array, b: Array) -> Array:
    """Normalised ``a x b``; NaN where ``a`` and ``b`` are (nearly) collinear or zero."""
    c = cross(a, b)
    n = norm(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = _nan_unless(n > REL_EPS * norm(a) * norm(b), 1.0 / n)
    return c * inv[..., None]


def atan2_deg(y: npt.ArrayLike, x: npt.ArrayLike) -> Array:
    """``arctan2(y, x)`` in degrees, in [-180, 180]."""
    ang = np.arctan2(y, x)
    ang *= DEG_PER_RAD  # in place: the same numbers as np.degrees, several times faster
    return np.asarray(ang, dtype=np.float64)


#: Below this share of frames to compute, :func:`on_frames` and :func:`_atan2_deg_where`
#: gather those frames first (copying them costs less than computing on the others).
_GATHER_BELOW = 0.8

K = TypeVar("K")


def seen_in_all(*vectors: Array) -> npt.NDArray[np.bool_]:
    """``(T,)`` True where none of ``vectors`` ``(T, d)`` holds NaN (a landmark not seen)."""
    total = np.zeros(vectors[0].shape[0])
    for v in vectors:
        for c in range(v.shape[1]):
            total += v[:, c]  # NaN if any is NaN (finite values at most overflow to inf)
    return ~np.isnan(total)


def _frames_at(values: Array, at: npt.NDArray[np.intp]) -> Array:
    """Frames ``at`` of ``values`` (T, ...) in the same memory layout (component planes stay
    planes: the same arithmetic, to the last bit, as on all frames)."""
    if values.ndim > 1 and values.T.flags.c_contiguous:
        return np.take(values.T, at, axis=-1).T
    return np.take(values, at, axis=0)


def on_frames(
    seen: npt.NDArray[np.bool_],
    fn: Callable[[dict[K, Array]], dict[str, Array]],
    inputs: Mapping[K, Array],
    more: Callable[[npt.NDArray[np.intp] | None], Mapping[K, Array]] | None = None,
) -> dict[str, Array]:
    """``fn(inputs)``: ``(T,)`` columns from ``(T, ...)`` arrays, where ``fn`` treats each
    frame on its own and gives NaN on the frames that are not ``seen`` (T,).

    When few frames are seen (landmarks out of view), only those are gathered and computed,
    the others set to NaN: the same numbers, without the work on frames that give NaN.
    ``more(at)``: further inputs, made for the frames ``at`` only (None: all frames).
    """
    n = seen.shape[0]
    if np.count_nonzero(seen) >= _GATHER_BELOW * n:
        return fn({**inputs, **(more(None) if more else {})})
    at = np.flatnonzero(seen)
    part = fn({**{k: _frames_at(v, at) for k, v in inputs.items()}, **(more(at) if more else {})})
    out = {}
    for name, values in part.items():
        out[name] = np.full(n, np.nan)
        out[name][at] = values
    return out


def _atan2_deg_where(y: Array, x: Array, ok: npt.NDArray[np.bool_]) -> Array:
    """:func:`atan2_deg` where ``ok``, NaN elsewhere (``ok`` False wherever y or x is NaN).

    arctan2 is several times slower on SIMD lanes holding NaN, and unseen landmarks make
    NaN common: it runs only on the frames that count (gathered first when they are few).
    """
    y, x, ok = np.broadcast_arrays(y, x, ok)
    out = np.full(ok.shape, np.nan)
    if np.count_nonzero(ok) < _GATHER_BELOW * ok.size:
        at = np.flatnonzero(ok)
        out.put(at, atan2_deg(y.take(at), x.take(at)))
    else:
        np.arctan2(y, x, out=out, where=ok)
        out *= DEG_PER_RAD
    return out


def angle_between(u: Array, v: Array) -> Array:
    """Unsigned angle between ``u`` and ``v`` in degrees, in [0, 180].

    Uses ``arctan2(|u x v|, u . v)``, which is accurate near 0 and 180 degrees.
    Works for 2D and 3D vectors. NaN where either vector has zero length.
    """
    sin = np.abs(cross_z(u, v)) if np.shape(u)[-1] == 2 else norm(cross(u, v))
    return _atan2_deg_where(sin, dot(u, v), (dot(u, u) > 0.0) & (dot(v, v) > 0.0))


def angle_to_axis(u: Array, axis: int, sign: float = 1.0) -> Array:
    """:func:`angle_between` ``u`` and ``sign`` times the unit vector along ``axis``, from
    the components of ``u`` alone (no products with the zeros of the unit vector)."""
    others = [u[..., i] for i in range(np.shape(u)[-1]) if i != axis]
    sin = np.sqrt(sum(c * c for c in others))  # |u x e|: the length of the other components
    return _atan2_deg_where(sin, sign * u[..., axis], dot(u, u) > 0.0)


def planar_angle(x: Array, y: Array, length: Array) -> Array:
    """Angle of the in-plane components ``(x, y)`` of a vector of ``length``, in degrees.

    ``atan2(y, x)`` in (-180, 180]; NaN where the in-plane part is (nearly) zero against
    ``length`` (the vector is perpendicular to the plane; the angle is undefined).
    """
    ang = _atan2_deg_where(y, x, x * x + y * y > (REL_EPS * length) ** 2)
    np.copyto(ang, 180.0, where=ang == -180.0)  # in place (a new array); rarely any
    return ang


def signed_angle_in_plane(v: Array, x_axis: Array, y_axis: Array) -> Array:
    """Angle of ``v`` projected on the plane of orthonormal ``x_axis``, ``y_axis``.

    Measured from ``x_axis``, positive toward ``y_axis``, in degrees in (-180, 180].
    NaN where the projection of ``v`` is (nearly) zero against ``|v|``, i.e. ``v`` is
    perpendicular to the plane and the angle is undefined.
    """
    return planar_angle(dot(v, x_axis), dot(v, y_axis), norm(v))


def wrap_deg(angle: npt.ArrayLike) -> Array:
    """Wrap degrees into (-180, 180]; NaN stays NaN."""
    a = np.asarray(angle, dtype=np.float64)
    out = a.copy()
    far = (a <= -180.0) | (a > 180.0)  # NaN compares False and stays NaN; inf lands here
    if far.any():  # rare: angles from arctan2 are already in range
        x = a[far]
        with np.errstate(invalid="ignore"):
            out[far] = np.where(np.isfinite(x), 180.0 - np.mod(180.0 - x, 360.0), np.nan)
    return out


def midpoint(a: Array, b: Array) -> Array:
    """Point half-way between ``a`` and ``b``."""
    return 0.5 * (a + b)


__all__ = [
    "DEG_PER_RAD",
    "REL_EPS",
    "angle_between",
    "angle_to_axis",
    "as_float",
    "atan2_deg",
    "check_shape",
    "cross",
    "cross_z",
    "dot",
    "finite_float",
    "from_components",
    "midpoint",
    "norm",
    "normalize",
    "on_frames",
    "planar_angle",
    "points",
    "seen_in_all",
    "signed_angle_in_plane",
    "unit_cross",
    "wrap_deg",
]
