"""Causal clean-up of per-frame angles while measuring live (record, GUI).

The trunk turns slowly, but its per-frame yaw (from the shoulders' world depth) jitters by
about 3 degrees from one frame to the next and +-10 degrees over a still recording: measured
on samples/head_turn.mp4, where the body does not move at all. Neck rotation is head yaw
minus trunk yaw, so that jitter went straight into it and broke the protocol runner's
neutral (10 degrees) and hold (5 deg/s) checks. :class:`TrunkStabiliser` low-passes trunk
yaw (One Euro, 0.15 Hz, no speed adaptation: a trunk does not whip round) and recomputes
neck rotation from it; a trunk reading lost for up to ``hold_s`` keeps the last smoothed one.
Head yaw itself is left raw: holds and peaks are found on it by the ROM logic.

Batch analysis (``analyze``) does not need this: it filters whole series zero-phase.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from rom_tracker.rom.filters import OneEuroFilter

TRUNK_CUTOFF_HZ = 0.15
TRUNK_HOLD_S = 1.0


def _wrap(deg: float) -> float:
    return (deg + 180.0) % 360.0 - 180.0 if deg != 180.0 else 180.0


class TrunkStabiliser:
    """``update(t_s, angles) -> angles`` with a steady trunk yaw and neck rotation."""

    def __init__(self, cutoff_hz: float = TRUNK_CUTOFF_HZ, hold_s: float = TRUNK_HOLD_S) -> None:
        self._filter = OneEuroFilter(min_cutoff=cutoff_hz, beta=0.0)
        self.hold_s = hold_s
        self._last: tuple[float, float] | None = None  # (t_s, smoothed trunk yaw)

    def update(self, t_s: float, angles: Mapping[str, float]) -> dict[str, float]:
        out = dict(angles)
        trunk = angles.get("trunk_yaw_deg", math.nan)
        if math.isfinite(trunk):
            smooth = float(np.asarray(self._filter.update(t_s, np.array([trunk])))[0])
            self._last = (t_s, smooth)
        elif self._last is not None and t_s - self._last[0] <= self.hold_s:
            smooth = self._last[1]
        else:
            return out
        out["trunk_yaw_deg"] = smooth
        head = angles.get("head_yaw_deg", math.nan)
        if "neck_rotation_deg" in angles and math.isfinite(head):
            out["neck_rotation_deg"] = _wrap(head - smooth)
        return out
