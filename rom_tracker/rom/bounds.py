"""When a trial's value is a bound, not a measurement: "at least".

A single camera reads a head turn well only within about :data:`RELIABLE_YAW_DEG` of the
camera. Further out the face landmark model under-reads the turn (it saturates around 50-60
degrees) or loses the face. A trial whose value comes from there cannot say how far the
head went, only that it went at least that far. :func:`reach_bound` decides it from the
head's yaw *relative to the camera* over the trial (not the neck rotation, which in the
side set-up is measured from a turned neutral):

* ``beyond reliable range``: the head turned more than :data:`RELIABLE_YAW_DEG` from the
  camera in the movement's direction, where the model is known to under-read: anywhere in
  an active trial (how far it went beyond is not known), over the best hold of an
  effortless one. The value stays the reading, which is then below the real turn.
* ``face lost``: the face was lost for at least :data:`LOST_MIN_S` while the head was
  turning outward (the value rising in the movement's direction), at least
  :data:`LOST_FROM_DEG` from the camera. The turn went on where nothing was read; the
  value is the last reliable reading before or after the gap, whichever is higher.

Why :data:`RELIABLE_YAW_DEG` is 50 (``docs/accuracy.md``, "end of range"): with the face
yaw model face-yaw-2 the corrected yaw is nearly unbiased on AFLW2000-3D up to 60 degrees
(signed -1.1 at 45-60, -7.4 at 60-75) but under-reads real turns with the body still
(Pointing'04: -7.9 / -14.2 / -25 at 45-60 / 60-75 / 75-90), and the expected-error model
behind ``head_confidence`` passes 10 degrees at about 46 and 14 at 55. On the Pointing'04
dev turn videos (``bench/end_of_range.py``) a limit of 50 or 52.5 marks every nominal
90-degree turn from the front as at least and leaves every side set-up turn measured; 45
left 4 of 32 side set-up turns as bounds, 55 missed 2 of 32 front turns. 50 is the lower,
more cautious, of the two.

Pure numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rom_tracker.rom.filters import as_series, finite_runs

#: beyond this |yaw| from the camera (degrees) a face reading is a lower bound
RELIABLE_YAW_DEG = 50.0
#: a face lost at least this far from the camera (degrees) was lost to the turn
LOST_FROM_DEG = 30.0
#: a gap in the face readings shorter than this (s) is a blink of the detector, not a loss
LOST_MIN_S = 0.25
#: how far back (s) before a gap the turn must have been rising to count as outward
OUTWARD_WINDOW_S = 0.4

BEYOND = "beyond reliable range"
LOST = "face lost"

#: what each reason means to the person (the CLI, the app and the report say it)
EXPLAIN = {
    BEYOND: "beyond what the camera sees reliably",
    LOST: "the face was lost while turning out, the turn went further",
}


@dataclass(frozen=True)
class Bound:
    """``at_least``: the value is a lower bound; ``reason``: :data:`BEYOND`, :data:`LOST` or
    ``""``; ``value_deg``: the trial's value (the bound where ``at_least``; NaN: none)."""

    at_least: bool
    reason: str
    value_deg: float


@dataclass(frozen=True)
class Loss:
    """A gap in the face readings entered while turning outward: ``start_s``/``end_s`` the
    times of the last reading before it and the first after (NaN: none), ``edge_deg`` the
    highest reading (movement direction) at either edge."""

    start_s: float
    end_s: float
    edge_deg: float


def outward_losses(
    t: npt.ArrayLike,
    signed: npt.ArrayLike,
    camera_yaw: npt.ArrayLike,
    *,
    lost_from_deg: float = LOST_FROM_DEG,
    min_gap_s: float = LOST_MIN_S,
) -> list[Loss]:
    """Gaps of at least ``min_gap_s`` in ``camera_yaw (T,)`` (degrees from the camera in the
    movement's direction, NaN: no face) entered at ``yaw >= lost_from_deg`` while ``signed
    (T,)`` (the trial's angle, movement direction positive) was positive and rising over
    the last :data:`OUTWARD_WINDOW_S`. ``t (T,)`` seconds."""
    tt, s = as_series(t, signed)
    _, yaw = as_series(tt, camera_yaw)
    seen = np.isfinite(yaw) & np.isfinite(s)
    losses: list[Loss] = []
    for start, stop in finite_runs(~seen):
        if start == 0:
            continue  # the trial began without a face: nothing was turning out of view
        before = start - 1
        t_end = float(tt[stop]) if stop < tt.size else math.inf
        if t_end - float(tt[before]) < min_gap_s or yaw[before] < lost_from_deg:
            continue
        window = seen[:start] & (tt[:start] >= tt[before] - OUTWARD_WINDOW_S)
        first = int(np.flatnonzero(window)[0])
        if not (s[before] > 0 and s[before] > s[first]):
            continue  # not moving outward in this trial's direction
        after = s[stop] if stop < tt.size else -math.inf
        losses.append(
            Loss(
                start_s=float(tt[before]),
                end_s=float(tt[stop]) if stop < tt.size else math.nan,
                edge_deg=float(max(s[before], after)),
            )
        )
    return losses


def reach_bound(
    t: npt.ArrayLike,
    signed: npt.ArrayLike,
    camera_yaw: npt.ArrayLike,
    value_deg: float,
    window_s: tuple[float, float] | None,
    *,
    lost: bool = True,
    limit_deg: float = RELIABLE_YAW_DEG,
) -> Bound:
    """Is the value ``value_deg`` of a trial a bound?

    t (T,) s; signed (T,) degrees, the trial's angle with the movement direction positive;
    camera_yaw (T,) degrees, the head's yaw relative to the camera, signed like ``signed``
    (positive: turned from the camera in the movement's direction; NaN: no face);
    window_s: first and last time of the frames the reach is checked on (an active trial:
    all of it; an effortless one: its best hold), None when there is no value. ``lost``:
    also count a face lost while turning outward (active trials; a hold is where it was).
    A value beyond the reliable range and a loss that goes higher are both bounds; the
    bound is the higher of the value and the last reading before (or first after) a loss.
    """
    tt, s = as_series(t, signed)
    _, yaw = as_series(tt, camera_yaw)
    reason = ""
    value = float(value_deg)
    if window_s is not None and math.isfinite(value):
        inside = (tt >= window_s[0]) & (tt <= window_s[1]) & np.isfinite(yaw)
        if inside.any() and float(np.max(yaw[inside])) > limit_deg:
            reason = BEYOND
    if lost:
        losses = outward_losses(tt, s, yaw)
        edge = max((x.edge_deg for x in losses), default=-math.inf)
        if losses:
            reason = reason or LOST
            if not math.isfinite(value) or edge > value:
                value = edge
                reason = LOST
    return Bound(at_least=bool(reason), reason=reason, value_deg=value)
