"""Head angles relative to a neutral capture.

The neutral is the mean head rotation ``N`` over chosen frames (the first seconds of a
recording, or its first still period), made orthonormal again. Every frame's rotation is
then expressed in the neutral head's own frame, ``R_rel = N^T @ R``, and decomposed with the
same y-x'-z'' sequence: yaw is then the turn about the neutral head's vertical axis (the
neck's axis), not the camera's, so a camera above or beside the subject does not mix
rotation into flexion. At the neutral itself all three angles are 0.

Pure numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.geometry import Array
from rom_tracker.kinematics.head import orthonormal_planes

#: Still period: head speed below this (deg/s, the largest of yaw/pitch/roll speeds) ...
STILL_MAX_SPEED_DEG_S = 10.0
#: ... for at least this long (seconds) ...
STILL_MIN_DURATION_S = 1.0
#: ... within this many degrees of looking at the camera (yaw and pitch).
STILL_MAX_ANGLE_DEG = 25.0


@dataclass(frozen=True)
class Neutral:
    """The frames a neutral was taken from and the mean rotation (planes (3, 3))."""

    frames: npt.NDArray[np.bool_]
    rotation: Array

    @property
    def count(self) -> int:
        return int(self.frames.sum())


def first_seconds(t_s: npt.ArrayLike, seconds: float) -> npt.NDArray[np.bool_]:
    """Frames within ``seconds`` of the first timestamp."""
    t = np.asarray(t_s, dtype=np.float64)
    if seconds <= 0:
        raise ValueError(f"seconds: expected > 0, got {seconds}")
    if t.size == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(t - t[0] <= seconds + 1e-9)


def first_still_period(
    t_s: npt.ArrayLike,
    yaw: npt.ArrayLike,
    pitch: npt.ArrayLike,
    roll: npt.ArrayLike,
    *,
    max_speed_deg_s: float = STILL_MAX_SPEED_DEG_S,
    min_duration_s: float = STILL_MIN_DURATION_S,
    max_angle_deg: float = STILL_MAX_ANGLE_DEG,
) -> npt.NDArray[np.bool_]:
    """Frames of the first run of still, near-frontal head readings lasting ``min_duration_s``.

    A frame is still when all three angles are finite, ``|yaw|`` and ``|pitch|`` are under
    ``max_angle_deg`` and the speed to the next frame is under ``max_speed_deg_s`` for every
    angle. Returns an all-False mask when there is no such run.
    """
    t = np.asarray(t_s, dtype=np.float64)
    angles = np.stack([np.asarray(a, dtype=np.float64) for a in (yaw, pitch, roll)])
    n = t.size
    if n < 2:
        return np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        speed = np.abs(np.diff(angles, axis=1)) / np.diff(t)
        slow = np.all(speed <= max_speed_deg_s, axis=0)  # NaN compares False
        near = np.all(np.abs(angles[:2]) <= max_angle_deg, axis=0)
    still = np.zeros(n, dtype=bool)
    still[:-1] = slow & near[:-1] & near[1:]
    edges = np.diff(np.concatenate([[0], still.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1).tolist()
    stops = np.flatnonzero(edges == -1).tolist()
    for start, stop in zip(starts, stops, strict=True):
        last = min(int(stop), n - 1)  # a still step i..i+1 includes frame i+1
        if t[last] - t[start] >= min_duration_s - 1e-9:
            mask = np.zeros(n, dtype=bool)
            mask[start : last + 1] = True
            return mask
    return np.zeros(n, dtype=bool)


def neutral_rotation(rotation: Array, frames: npt.ArrayLike) -> Neutral | None:
    """Mean of the rotations (planes ``(3, 3, T)``) over ``frames`` (T,) bool, made
    orthonormal (one Gram-Schmidt step keeping the face normal); None without finite frames."""
    mask = np.asarray(frames, dtype=bool)
    if mask.shape != rotation.shape[2:]:
        raise ValueError(f"frames: expected shape {rotation.shape[2:]}, got {mask.shape}")
    use = mask & np.isfinite(rotation).all(axis=(0, 1))
    if not use.any():
        return None
    mean = rotation[:, :, use].mean(axis=2)[:, :, None]
    return Neutral(frames=use, rotation=orthonormal_planes(mean)[:, :, 0])


def relative_to(rotation: Array, neutral: Neutral) -> Array:
    """``N^T @ R`` for every frame of ``rotation`` (planes ``(3, 3, T)``)."""
    return np.einsum("ki,kjt->ijt", neutral.rotation, rotation)


@dataclass(frozen=True)
class NeutralSpec:
    """How to choose the neutral: ``kind`` ``"first"`` (the first ``seconds``) or ``"still"``
    (the first still period, see :func:`first_still_period`)."""

    kind: str
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in ("first", "still"):
            raise ValueError(f"neutral: expected kind 'first' or 'still', got {self.kind!r}")
        if self.kind == "first" and not self.seconds > 0:
            raise ValueError(f"neutral: 'first' needs seconds > 0, got {self.seconds}")

    @classmethod
    def parse(cls, text: str) -> NeutralSpec | None:
        """``"off"`` -> None; ``"first:2s"`` / ``"first:2"`` -> first 2 s; ``"still"``."""
        spec = text.strip().lower()
        if spec in ("", "off", "none"):
            return None
        if spec == "still":
            return cls("still")
        kind, _, value = spec.partition(":")
        if kind == "first" and value:
            number = value[:-1] if value.endswith("s") else value
            try:
                seconds = float(number)
            except ValueError:
                seconds = float("nan")
            if seconds > 0 and np.isfinite(seconds):
                return cls("first", seconds)
        raise ValueError(
            f"neutral: expected 'off', 'still' or 'first:<seconds>s' (e.g. first:2s), got {text!r}"
        )

    def frames(
        self, t_s: npt.ArrayLike, yaw: Array, pitch: Array, roll: Array
    ) -> npt.NDArray[np.bool_]:
        if self.kind == "first":
            return first_seconds(t_s, self.seconds)
        return first_still_period(t_s, yaw, pitch, roll)


__all__ = [
    "Neutral",
    "NeutralSpec",
    "first_seconds",
    "first_still_period",
    "neutral_rotation",
    "relative_to",
]
