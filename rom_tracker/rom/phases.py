"""The phase of a trial at every frame, for drawing it on a video: neutral, moving, hold,
peak. Pure numpy.

From a stored trial (its ``detail``: the holds of an effortless trial, the repetitions of
an active one) or, without one, detected on the series itself (:func:`detect_phases`:
holds and repetitions in both directions with the defaults of ``measure_trial``).

* ``hold``: inside a hold (``start_s`` to ``end_s``);
* ``peak``: within ``PEAK_HALF_S`` of a repetition's peak;
* ``neutral``: otherwise, with the angle within ``NEUTRAL_DEG`` of 0 (or not measured);
* ``moving``: otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from rom_tracker.rom.holds import detect_holds
from rom_tracker.rom.peaks import detect_reps
from rom_tracker.rom.trial import MIN_HOLD_DEG

PHASES = ("neutral", "moving", "hold", "peak")
NEUTRAL_DEG = MIN_HOLD_DEG  # a hold nearer 0 than this is resting, as measure_trial says
PEAK_HALF_S = 0.25


def phases_at(
    t: npt.ArrayLike,
    angle: npt.ArrayLike,
    holds: Iterable[tuple[float, float]] = (),
    peaks: Iterable[float] = (),
) -> np.ndarray:
    """``(T,)`` array of phase names for frames at ``t (T,)`` s with angle ``(T,)`` degrees;
    ``holds`` as (start_s, end_s), ``peaks`` as peak times (s)."""
    tt = np.asarray(t, dtype=np.float64)
    a = np.asarray(angle, dtype=np.float64)
    if tt.ndim != 1 or a.shape != tt.shape:
        raise ValueError(f"t and angle: expected equal shapes (T,), got {tt.shape}, {a.shape}")
    with np.errstate(invalid="ignore"):
        still = ~(np.abs(a) >= NEUTRAL_DEG)  # NaN counts as neutral
    out = np.where(still, "neutral", "moving").astype("<U7")
    for tp in peaks:
        out[np.abs(tt - tp) <= PEAK_HALF_S] = "peak"
    for start, end in holds:  # a hold wins over a peak inside it
        out[(tt >= start) & (tt <= end)] = "hold"
    return out


def trial_phases(t: npt.ArrayLike, angle: npt.ArrayLike, detail: Mapping[str, Any]) -> np.ndarray:
    """Phases from a stored trial's ``detail`` (``holds`` and/or ``reps`` lists of dicts)."""
    holds = [(float(h["start_s"]), float(h["end_s"])) for h in detail.get("holds") or ()]
    peaks = [float(r["t_peak_s"]) for r in detail.get("reps") or ()]
    return phases_at(t, angle, holds, peaks)


def detect_phases(t: npt.ArrayLike, angle: npt.ArrayLike) -> np.ndarray:
    """Phases found on the series itself: holds at least ``NEUTRAL_DEG`` from 0 and
    repetitions, both directions."""
    tt = np.asarray(t, dtype=np.float64)
    a = np.asarray(angle, dtype=np.float64)
    if tt.size < 3 or not np.isfinite(a).any():
        return phases_at(tt, a)
    holds = [(h.start_s, h.end_s) for h in detect_holds(tt, a) if abs(h.mean_deg) >= NEUTRAL_DEG]
    peaks = [r.t_peak_s for sign in (1.0, -1.0) for r in detect_reps(tt, sign * a)]
    return phases_at(tt, a, holds, peaks)
