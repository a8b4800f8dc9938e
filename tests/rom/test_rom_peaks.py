"""Repetition counting and robust peaks on synthetic active movements."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from rom_tracker.rom.peaks import Rep, _centred_mean, active_value, detect_reps

FPS = 30.0


def _reps(t: np.ndarray, peaks: list[float], period: float = 3.0, start: float = 1.0) -> np.ndarray:
    """Raised-cosine excursions from 0 to each peak and back, one per ``period`` seconds,
    with 1 s at neutral between them."""
    x = np.zeros_like(t)
    for i, peak in enumerate(peaks):
        t0 = start + i * (period + 1.0)
        inside = (t >= t0) & (t <= t0 + period)
        x[inside] = peak * 0.5 * (1.0 - np.cos(2 * np.pi * (t[inside] - t0) / period))
    return x


def test_counts_sine_like_repetitions() -> None:
    rng = np.random.default_rng(8)
    t = np.arange(round(14.0 * FPS)) / FPS
    peaks = [50.0, 62.0, 57.0]
    x = _reps(t, peaks) + rng.normal(0.0, 0.5, t.size)
    reps = detect_reps(t, x)
    assert len(reps) == 3
    for rep, peak, i in zip(reps, peaks, range(3), strict=True):
        t_peak = 1.0 + i * 4.0 + 1.5
        assert rep.peak_deg == pytest.approx(peak, abs=1.0)
        assert abs(rep.t_peak_s - t_peak) < 0.15
        assert rep.start_s < t_peak < rep.end_s
        # start and end where the excursion is 10% of the way up
        assert abs(rep.start_s - (t_peak - 1.5 + 0.3)) < 0.15
        assert abs(rep.end_s - (t_peak + 1.5 - 0.3)) < 0.15
    value, count = active_value(reps)
    assert count == 3
    assert value == pytest.approx(62.0, abs=1.0)


def test_single_frame_spikes_are_ignored() -> None:
    t = np.arange(round(14.0 * FPS)) / FPS
    x = _reps(t, [40.0, 45.0, 42.0])
    x[10] = 70.0  # a spike at neutral: not a repetition
    x[round(6.5 * FPS)] += 30.0  # a spike on the top of the second: not its peak
    x[round(3.6 * FPS)] = 90.0  # a spike between reps
    reps = detect_reps(t, x)
    assert [round(r.peak_deg) for r in reps] == [40, 45, 42]


def test_robust_peak_is_the_mean_around_the_top() -> None:
    t = np.arange(round(6.0 * FPS)) / FPS
    x = np.interp(t, [0, 1, 2, 2.5, 3.5, 6], [0, 0, 50, 50, 0, 0])  # flat top 0.5 s
    reps = detect_reps(t, x)
    assert len(reps) == 1
    assert reps[0].peak_deg == pytest.approx(50.0, abs=0.3)
    sharp = np.interp(t, [0, 1, 2, 3, 6], [0, 0, 50, 0, 0])  # 50 deg/s in and out
    (rep,) = detect_reps(t, sharp)
    # the mean over 0.2 s of a sharp tip sits below its single highest frame
    assert 46.0 < rep.peak_deg < 50.0


def test_small_wobbles_and_unreturned_peaks_are_not_reps() -> None:
    t = np.arange(round(10.0 * FPS)) / FPS
    wobble = 6.0 * np.sin(2 * np.pi * 0.5 * t)
    assert detect_reps(t, wobble) == []
    stays_up = np.interp(t, [0, 2, 4, 10], [0, 0, 60, 60])  # went out, never came back
    assert detect_reps(t, stays_up) == []
    high_wobble = 50.0 + 0.6 * wobble  # 7 deg peak to peak at the end of the range
    assert detect_reps(t, high_wobble) == []


def test_negative_excursions_are_not_reps() -> None:
    t = np.arange(round(10.0 * FPS)) / FPS
    assert detect_reps(t, -_reps(t, [40.0, 40.0])) == []


def test_a_lost_track_is_not_a_return() -> None:
    t = np.arange(round(10.0 * FPS)) / FPS
    x = np.interp(t, [0, 1, 2, 7, 8, 10], [0, 0, 60, 60, 0, 0])
    x[round(4 * FPS) : round(5 * FPS)] = np.nan  # 1 s lost at the top
    reps = detect_reps(t, x)
    assert len(reps) == 1
    assert reps[0].peak_deg == pytest.approx(60.0, abs=0.5)


def test_min_separation() -> None:
    t = np.arange(round(8.0 * FPS)) / FPS
    x = _reps(t, [40.0, 40.0], period=1.0, start=1.0)  # peaks 2 s apart
    assert len(detect_reps(t, x, min_separation_s=1.0)) == 2
    assert len(detect_reps(t, x, min_separation_s=2.5)) == 1


def test_irregular_timestamps() -> None:
    rng = np.random.default_rng(9)
    t = np.cumsum(rng.uniform(0.7, 1.3, 450) / FPS)
    x = _reps(t, [55.0, 48.0])
    reps = detect_reps(t, x)
    assert [round(r.peak_deg) for r in reps] == [55, 48]


def test_active_value_without_reps() -> None:
    value, count = active_value([])
    assert math.isnan(value) and count == 0
    assert active_value([Rep(1.0, 30.0, 0.5, 1.5), Rep(3.0, 35.0, 2.5, 3.5)]) == (35.0, 2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_amplitude_deg": 0}, "min_amplitude_deg"),
        ({"min_separation_s": -1}, "min_separation_s"),
        ({"peak_window_s": -0.1}, "peak_window_s"),
    ],
)
def test_bad_thresholds(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        detect_reps(np.arange(10.0), np.zeros(10), **kwargs)


def test_empty_series() -> None:
    assert detect_reps(np.zeros(0), np.zeros(0)) == []
    assert detect_reps(np.arange(5.0), np.full(5, np.nan)) == []


# ---------------------------------------------------------------- known answers


def test_robust_peak_of_an_asymmetric_tip_at_30_fps() -> None:
    """A slow rise (5 deg a frame) to 60 at frame 41 and a fast fall (20 a frame). The 0.2 s
    window at 30 fps is 7 frames centred on each (3 either side); the best such mean within
    3 frames of the tip is centred on frame 39: (35 + 40 + 45 + 50 + 55 + 60 + 40) / 7."""
    x = np.array([0.0] * 30 + list(range(5, 65, 5)) + [40.0, 20.0] + [0.0] * 31)
    t = np.arange(x.size) / FPS
    (rep,) = detect_reps(t, x, smooth=False)
    assert rep.peak_deg == pytest.approx(325 / 7, abs=1e-9)
    assert rep.t_peak_s == pytest.approx(39 / FPS, abs=1e-9)


def test_robust_peak_window_is_centred() -> None:
    """At 10 Hz the 0.2 s window is 3 frames: 40, 50, 60 then 30 gives means 40, 50,
    46.67, 30 around the tip; the best within one frame of it is 50 (centred on the 50)."""
    x = np.array([0.0] * 10 + [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 30.0] + [0.0] * 11)
    t = np.arange(x.size) / 10.0
    (rep,) = detect_reps(t, x, smooth=False)
    assert rep.peak_deg == pytest.approx(50.0, abs=1e-9)
    assert rep.t_peak_s == pytest.approx(1.4, abs=1e-9)
    assert _centred_mean(x, 1)[12:18] == pytest.approx([30.0, 40.0, 50.0, 140 / 3, 30.0, 10.0])


def test_centred_mean_skips_nan_and_keeps_nan_centres() -> None:
    x = np.array([1.0, np.nan, 3.0, 5.0, 7.0])
    mean = _centred_mean(x, 1)
    assert np.isnan(mean[1])
    assert mean[[0, 2, 3, 4]] == pytest.approx([1.0, 4.0, 5.0, 6.0])


def test_robust_peak_may_lie_a_half_window_after_the_tip() -> None:
    """The mirror case at 10 Hz: a jump to 60 then a slow fall (50, 40, ...). The means
    around the tip are 36.67 (on it) and 50 (one frame after, the last frame the search
    looks at): 50, at 1.1 s."""
    x = np.array([0.0] * 10 + [60.0, 50.0, 40.0, 30.0, 20.0, 10.0] + [0.0] * 11)
    (rep,) = detect_reps(np.arange(x.size) / 10.0, x, smooth=False)
    assert (rep.peak_deg, rep.t_peak_s) == pytest.approx((50.0, 1.1), abs=1e-9)


def test_robust_peak_at_the_start_of_the_series() -> None:
    """A tip at frame 3 of a 30 fps series (0, 0, 0, 40, 20, then 0): the 7-frame windows
    there are cut at the first frame, so the means are 40/4, 60/5, 60/6, 60/7; the highest,
    12, is centred on frame 1."""
    x = np.array([0.0, 0.0, 0.0, 40.0, 20.0] + [0.0] * 40)
    (rep,) = detect_reps(np.arange(x.size) / FPS, x, smooth=False)
    assert (rep.peak_deg, rep.t_peak_s) == pytest.approx((12.0, 1 / FPS), abs=1e-9)
