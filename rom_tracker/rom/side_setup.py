"""The side set-up: the end of a neck turn measured where the face model reads well.

From the front, a 90-degree turn ends 90 degrees from the camera, where the face landmark
model under-reads or loses the face (``rom_tracker.rom.bounds``). In the side set-up the
camera stands about 45 degrees toward the side being measured (equivalently, the person
turns the chair 45 degrees away from it): the neutral face is seen about 45 degrees turned
*away* from the camera, and a 90-degree turn toward the camera's side passes through the
camera to about 45 degrees on the other side. Both ends lie within the range the model
reads well, and the rotation is the change since the neutral.

* The **neutral** is the first still hold (:func:`find_neutral`): head straight over the
  trunk, the trunk turned to the camera. :func:`neutral_problem` checks it: the face must
  appear :data:`NEUTRAL_BAND_DEG` turned away from the camera, toward the expected side.
* **Neck rotation** = the head's change since the neutral (:func:`side_rotation`); the
  shoulder line's change since the neutral is measured beside it and a change of
  :data:`TRUNK_FLAG_DEG` or more is **flagged** with the trial (never hidden), not taken
  out. Why not taken out: the pose model's shoulders follow a head turn although the body
  is still (``rom_tracker.kinematics.trunk``), and on the Pointing'04 dev turn videos built
  for the side set-up (body still, ``rom_tracker.evaluation.end_of_range``) the shoulder
  line followed the head by up to its whole change (62 of 62 degrees for one person), far
  past the front set-up's dead band: taking it out read those still-body turns as 0-30
  degrees. A whole-body turn and a head turn the shoulders follow look the same to the
  pose model, so the value stays the head's change and the trunk is reported.

Yaw here is the head's yaw relative to the camera (``head_yaw_deg``), positive when the
subject turns to their own left. Measuring the left side: neutral about -45, end about
+45. Pure numpy.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.geometry import wrap_deg
from rom_tracker.rom.filters import FloatArray, as_series
from rom_tracker.rom.holds import detect_holds
from rom_tracker.rom.trial import TrialResult

SETUPS = ("front", "side")
#: the key under which a frame's angles carry the shoulder line's raw yaw (degrees), for
#: the trunk's change (``rom_tracker.kinematics.table.shoulder_line_yaw``)
SHOULDER_YAW = "shoulder_yaw_raw_deg"
#: the head's yaw relative to the camera: what the side set-up reads
HEAD_YAW = "head_yaw_deg"
#: where the neutral face must appear, degrees from the camera (away from the measured side)
NEUTRAL_BAND_DEG = (20.0, 60.0)
#: a neutral is a still hold of at least this long (s)
NEUTRAL_MIN_S = 1.5
#: a trunk change since the neutral of at least this (degrees) is flagged unless taken out
TRUNK_FLAG_DEG = 15.0
#: per measured side: the sign of the neutral's yaw (left: the face appears turned right)
NEUTRAL_SIGN = {"left": -1.0, "right": 1.0}


@dataclass(frozen=True)
class Neutral:
    """The neutral hold: its first and last time (s), the head's yaw to the camera and the
    shoulder line's yaw over it (medians, degrees; NaN: not seen)."""

    start_s: float
    end_s: float
    head_yaw_deg: float
    shoulder_yaw_deg: float

    def to_dict(self) -> dict[str, float | None]:
        return {
            k: (v if math.isfinite(v) else None)
            for k, v in (
                ("start_s", self.start_s),
                ("end_s", self.end_s),
                ("head_yaw_deg", self.head_yaw_deg),
                ("shoulder_yaw_deg", self.shoulder_yaw_deg),
            )
        }


def find_neutral(
    t: npt.ArrayLike,
    head_yaw: npt.ArrayLike,
    shoulder_yaw: npt.ArrayLike | None = None,
    *,
    min_s: float = NEUTRAL_MIN_S,
) -> Neutral | None:
    """The first still hold of ``head_yaw (T,)`` degrees at ``t (T,)`` s lasting
    ``min_s``, or None. ``shoulder_yaw (T,)``: the shoulder line's yaw, for the trunk."""
    tt, yaw = as_series(t, head_yaw)
    if np.isfinite(yaw).sum() < 3:
        return None
    holds = detect_holds(tt, yaw, min_duration_s=min_s)
    if not holds:
        return None
    first = holds[0]
    inside = (tt >= first.start_s) & (tt <= first.end_s)
    shoulder = math.nan
    if shoulder_yaw is not None:
        _, sh = as_series(tt, shoulder_yaw)
        seen = sh[inside][np.isfinite(sh[inside])]
        shoulder = float(np.median(seen)) if seen.size else math.nan
    seen_yaw = yaw[inside][np.isfinite(yaw[inside])]
    return Neutral(first.start_s, first.end_s, float(np.median(seen_yaw)), shoulder)


def in_band(head_yaw: npt.ArrayLike, side: str) -> npt.NDArray[np.bool_]:
    """Where the face is turned :data:`NEUTRAL_BAND_DEG` away from the camera for ``side``."""
    away = NEUTRAL_SIGN[side] * np.asarray(head_yaw, dtype=np.float64)
    lo, hi = NEUTRAL_BAND_DEG
    with np.errstate(invalid="ignore"):
        return (away >= lo) & (away <= hi)


def neutral_problem(neutral: Neutral, side: str) -> tuple[str, str] | None:
    """``(problem, fix)`` when ``neutral`` does not fit the side set-up for ``side``; None
    when it fits."""
    lo, hi = NEUTRAL_BAND_DEG
    away = NEUTRAL_SIGN[side] * neutral.head_yaw_deg  # degrees turned away from the camera
    if lo <= away <= hi:
        return None
    other = "right" if side == "left" else "left"
    seen = abs(neutral.head_yaw_deg)
    toward = "left" if neutral.head_yaw_deg > 0 else "right"
    reads = "straight at the camera" if seen < 5 else f"{seen:.0f} deg to your {toward} of it"
    fix = (
        f"turn your chair about 45 deg to your {other} (the camera then stands 45 deg to "
        f"your {side}), look straight ahead over your trunk and hold still"
        if away < lo
        else "turn your chair a little back toward the camera"
    )
    return (
        f"the side set-up for your {side} needs the neutral face {lo:.0f}-{hi:.0f} deg to "
        f"your {other} of the camera, but it reads {reads}",
        fix,
    )


@dataclass(frozen=True)
class SideRotation:
    """Per frame (T,), degrees: ``rotation`` (neck rotation since the neutral: the head's
    change) and ``trunk_change`` (the shoulder line's change since the neutral, NaN where
    not seen)."""

    rotation: FloatArray
    trunk_change: FloatArray

    def trunk_note(self, window: npt.NDArray[np.bool_] | None = None) -> dict[str, Any]:
        """What the trunk did over ``window`` (all frames by default), for the trial's
        detail: the largest change of the shoulder line since the neutral, and ``flagged``
        when it reached :data:`TRUNK_FLAG_DEG`."""
        w = np.ones(self.rotation.shape, bool) if window is None else window
        change = self.trunk_change[w]
        seen = np.isfinite(change)
        if not seen.any():
            return {"trunk_change_deg": None, "flagged": False}
        k = int(np.argmax(np.where(seen, np.abs(change), -1.0)))
        biggest = float(change[k])
        return {"trunk_change_deg": round(biggest, 1), "flagged": abs(biggest) >= TRUNK_FLAG_DEG}


def side_rotation(
    t: npt.ArrayLike, head_yaw: npt.ArrayLike, shoulder_yaw: npt.ArrayLike, neutral: Neutral
) -> SideRotation:
    """Neck rotation since ``neutral`` and the trunk's change beside it (see the module).
    ``head_yaw``, ``shoulder_yaw`` (T,) degrees at ``t`` (T,) s; NaN head: NaN rotation."""
    tt, head = as_series(t, head_yaw)
    _, shoulder = as_series(tt, shoulder_yaw)
    head_change = head - neutral.head_yaw_deg
    if math.isfinite(neutral.shoulder_yaw_deg):
        trunk_change = wrap_deg(shoulder - neutral.shoulder_yaw_deg)
    else:
        trunk_change = np.full(tt.shape, np.nan)
    return SideRotation(head_change, trunk_change)


def with_setup(
    result: TrialResult,
    neutral: Neutral,
    turn: SideRotation,
    window: npt.NDArray[np.bool_] | None = None,
) -> TrialResult:
    """``result`` with the side set-up in its detail: ``setup``, the ``neutral`` and what the
    ``trunk`` did over ``window`` of ``turn``'s frames (all by default)."""
    detail = {
        **result.detail,
        "setup": "side",
        "neutral": neutral.to_dict(),
        "trunk": turn.trunk_note(window),
    }
    return dataclasses.replace(result, detail=detail)
