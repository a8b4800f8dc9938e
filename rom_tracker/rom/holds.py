"""Holds: where an angle series stays still, the basis of the *effortless* range of motion.

The person moves slowly, with their own muscles, only as far as they feel no stretch,
pulling or tension, and holds that position without effort. The
effortless value is the mean angle of a detected hold; a passing peak is never a hold, and
no hold means no effortless value (the caller reports that, it is not an error).

Pure numpy/scipy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from rom_tracker.rom.filters import FloatArray, analysed_series, as_series, finite_runs, median_dt


@dataclass(frozen=True)
class Hold:
    """A still period: ``start_s``/``end_s`` are the timestamps (source time) of its first and
    last frame, ``mean_deg``/``sd_deg`` the mean and SD of the analysed (smoothed) angle over
    it, ``n_frames`` how many of its frames had a measured (not interpolated) value."""

    start_s: float
    end_s: float
    duration_s: float
    mean_deg: float
    sd_deg: float
    n_frames: int

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def angular_speed(t: npt.ArrayLike, angle: npt.ArrayLike, window_s: float = 0.5) -> FloatArray:
    """Angular speed (units of ``angle`` per second) at every frame, ``(T,)``.

    The slope of a least-squares line through the finite samples within ``window_s / 2``
    samples (at the median rate) either side of each frame, using the real timestamps:
    far less noisy than a frame-to-frame difference, and correct for irregular sampling.
    NaN where the frame itself is NaN or fewer than two finite samples are in its window.
    """
    tt, a = as_series(t, angle)
    if a.ndim != 1:
        raise ValueError(f"angle: expected shape (T,), got {a.shape}")
    n = tt.shape[0]
    if n < 2:
        return np.full(n, np.nan)
    half = max(1, round(window_s / median_dt(tt) / 2))
    pad = np.full(half, np.nan)
    tw = sliding_window_view(np.concatenate([pad, tt - tt[0], pad]), 2 * half + 1)
    aw = sliding_window_view(np.concatenate([pad, a, pad]), 2 * half + 1)
    ok = np.isfinite(tw) & np.isfinite(aw)
    cnt = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        tm = np.where(ok, tw, 0.0).sum(axis=1) / cnt
        am = np.where(ok, aw, 0.0).sum(axis=1) / cnt
        dtw = np.where(ok, tw - tm[:, None], 0.0)
        daw = np.where(ok, aw - am[:, None], 0.0)
        var = (dtw * dtw).sum(axis=1)
        slope = (dtw * daw).sum(axis=1) / var
    good = (cnt >= 2) & (var > 0) & np.isfinite(a)
    return np.where(good, slope, np.nan)


def detect_holds(
    t: npt.ArrayLike,
    angle: npt.ArrayLike,
    *,
    speed_threshold_deg_s: float = 5.0,
    min_duration_s: float = 3.0,
    smooth: bool = True,
    max_gap_s: float = 0.25,
    speed_window_s: float = 0.5,
) -> list[Hold]:
    """Holds in an angle series ``angle (T,)`` degrees at ``t (T,)`` seconds, in time order.

    A hold is a maximal run of frames whose angular speed (``angular_speed`` of the
    analysed series, see ``filters.analysed_series``) is below ``speed_threshold_deg_s`` in
    magnitude, lasting at least ``min_duration_s`` from its first to its last frame.
    NaN frames break a run, except gaps of at most ``max_gap_s``, which are interpolated.

    Defaults: 5 deg/s tells a deliberate hold (natural sway is 1-3 deg/s) from the slow
    movement toward the end of the effortless range (10 deg/s and more); 3 s is long
    enough to be a chosen hold, not a turning point; a 0.5 s speed window keeps 1 degree of
    landmark jitter well under the threshold, and the hold's edges are then moved back to
    where the angle itself settled (``_refine_edges``), so start and end land within a
    frame or two.
    """
    if speed_threshold_deg_s <= 0 or min_duration_s < 0:
        raise ValueError(
            "speed_threshold_deg_s must be > 0 and min_duration_s >= 0, got "
            f"{speed_threshold_deg_s}, {min_duration_s}"
        )
    tt, a = analysed_series(t, angle, smooth=smooth, max_gap_s=max_gap_s)
    if a.ndim != 1:
        raise ValueError(f"angle: expected shape (T,), got {a.shape}")
    speed = angular_speed(tt, a, speed_window_s)
    with np.errstate(invalid="ignore"):
        still = np.abs(speed) < speed_threshold_deg_s
    measured = np.isfinite(np.asarray(angle, dtype=np.float64))
    reach = max(1, round(speed_window_s / median_dt(tt) / 2)) if tt.size > 1 else 0
    step_deg = speed_threshold_deg_s * median_dt(tt) if tt.size > 1 else 0.0
    holds = []
    floor = 0
    for s0, e0 in finite_runs(still):
        s, e = _refine_edges(
            a, (s0, e0), lowest=max(floor, s0 - reach), reach=reach, step_deg=step_deg
        )
        floor = e
        duration = float(tt[e - 1] - tt[s])
        if duration < min_duration_s:
            continue
        seg = a[s:e]
        holds.append(
            Hold(
                start_s=float(tt[s]),
                end_s=float(tt[e - 1]),
                duration_s=duration,
                mean_deg=float(seg.mean()),
                sd_deg=float(seg.std(ddof=1)) if seg.size > 1 else 0.0,
                n_frames=int(measured[s:e].sum()),
            )
        )
    return holds


def _refine_edges(
    a: FloatArray, run: tuple[int, int], *, lowest: int, reach: int, step_deg: float
) -> tuple[int, int]:
    """Undo the blur of the speed window at a hold's edges.

    The windowed speed drops under the threshold a few frames after the movement has
    stopped (and rises before it starts again), so the run found on it is slightly short.
    Each edge is moved outward, by at most ``reach`` frames (half the speed window), over
    the frames whose angle is still within the hold's own band: 2 SD of the run plus the
    change one frame at the threshold speed allows.
    """
    s, e = run
    seg = a[s:e]
    band = 2.0 * (float(seg.std()) if seg.size > 1 else 0.0) + step_deg
    level = float(seg.mean())
    n = a.shape[0]
    while s > lowest and s > 0 and abs(a[s - 1] - level) <= band:
        s -= 1
    top = min(n, e + reach)
    while e < top and abs(a[e] - level) <= band:
        e += 1
    return s, e


def best_hold(holds: Sequence[Hold], direction: float = 1.0) -> Hold | None:
    """The hold farthest in the movement ``direction`` (+1: largest mean, -1: smallest),
    or None when there is none."""
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1, got {direction!r}")
    if not holds:
        return None
    return max(holds, key=lambda h: direction * h.mean_deg)


def hold_in_progress(holds: Sequence[Hold], t_last: float) -> Hold | None:
    """The hold (of any duration) still going on at ``t_last``, the newest timestamp."""
    if holds and math.isclose(holds[-1].end_s, t_last, rel_tol=0.0, abs_tol=1e-9):
        return holds[-1]
    return None
