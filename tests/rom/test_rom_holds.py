"""Hold detection on synthetic signals with known holds."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rom_tracker.rom.holds import Hold, angular_speed, best_hold, detect_holds, hold_in_progress

FPS = 30.0
FRAME = 1.0 / FPS


def _trapezoid(
    t: np.ndarray, level: float, hold_start: float, hold_end: float, speed: float = 20.0
) -> np.ndarray:
    """0, a ramp at ``speed`` deg/s to ``level``, held from hold_start to hold_end, back."""
    ramp = abs(level) / speed
    knots = [t[0], hold_start - ramp, hold_start, hold_end, hold_end + ramp, t[-1]]
    return np.interp(t, knots, [0.0, 0.0, level, level, 0.0, 0.0])


def test_exact_hold_noise_free() -> None:
    t = np.arange(450) * FRAME
    holds = detect_holds(t, _trapezoid(t, 40.0, 3.0, 8.0))
    h = next(h for h in holds if h.mean_deg > 1)
    assert abs(h.start_s - 3.0) <= 2 * FRAME
    assert abs(h.end_s - 8.0) <= 2 * FRAME
    assert h.mean_deg == pytest.approx(40.0, abs=0.05)
    assert h.sd_deg < 0.1
    assert h.duration_s == pytest.approx(h.end_s - h.start_s)
    assert h.n_frames == round(h.duration_s * FPS) + 1


@pytest.mark.parametrize("smooth", [True, False])
@pytest.mark.parametrize("noise", [0.5, 1.0])
def test_hold_with_noise(noise: float, smooth: bool) -> None:
    rng = np.random.default_rng(5)
    t = np.arange(450) * FRAME
    x = _trapezoid(t, -35.0, 3.0, 8.0) + rng.normal(0.0, noise, t.size)
    holds = [h for h in detect_holds(t, x, smooth=smooth) if h.mean_deg < -1]
    assert len(holds) == 1
    h = holds[0]
    print(f"noise {noise}: start {h.start_s - 3:+.3f} s, end {h.end_s - 8:+.3f} s")
    assert abs(h.start_s - 3.0) <= 4 * FRAME
    assert abs(h.end_s - 8.0) <= 4 * FRAME
    assert h.mean_deg == pytest.approx(-35.0, abs=0.3)


def test_a_passing_peak_is_not_a_hold() -> None:
    t = np.arange(600) * FRAME
    sine = 45.0 * np.sin(2 * np.pi * 0.25 * t)
    assert detect_holds(t, sine) == []
    # a short pause at the top (1 s) is not a hold either
    paused = _trapezoid(t, 50.0, 4.0, 5.0)
    assert [h for h in detect_holds(t, paused) if h.mean_deg > 1] == []
    assert [h for h in detect_holds(t, paused, min_duration_s=0.8) if h.mean_deg > 1]


def test_slow_drift_is_a_hold_fast_drift_is_not() -> None:
    t = np.arange(300) * FRAME
    assert len(detect_holds(t, 10.0 + 3.0 * t)) == 1  # 3 deg/s: under the threshold
    assert detect_holds(t, 10.0 + 8.0 * t) == []  # 8 deg/s: a slow movement


@pytest.mark.parametrize(("speed", "held"), [(4.75, True), (5.25, False)])
def test_default_speed_threshold_is_5_deg_per_s(speed: float, held: bool) -> None:
    """A steady drift a quarter of a degree per second under the default 5 deg/s is still
    a hold; a quarter over, it is not."""
    t = np.arange(300) * FRAME
    assert len(detect_holds(t, 10.0 + speed * t)) == int(held)


def test_short_nan_gap_does_not_break_a_hold() -> None:
    t = np.arange(450) * FRAME
    x = _trapezoid(t, 30.0, 3.0, 8.0)
    x[150:156] = np.nan  # 0.2 s: tracking blinked
    holds = [h for h in detect_holds(t, x) if h.mean_deg > 1]
    assert len(holds) == 1
    assert holds[0].n_frames == round(holds[0].duration_s * FPS) + 1 - 6


def test_long_nan_gap_breaks_a_hold() -> None:
    t = np.arange(600) * FRAME
    x = _trapezoid(t, 30.0, 3.0, 16.0)
    x[240:270] = np.nan  # 1 s gap splits a 13 s hold into two
    holds = [h for h in detect_holds(t, x) if h.mean_deg > 1]
    assert len(holds) == 2
    assert holds[0].end_s < 8.0 < holds[1].start_s
    x[150:420] = np.nan  # what is left on each side is shorter than 3 s
    assert [h for h in detect_holds(t, x) if h.mean_deg > 1] == []


def test_irregular_timestamps() -> None:
    rng = np.random.default_rng(6)
    t = np.cumsum(rng.uniform(0.7, 1.3, 500) * FRAME)
    t = np.delete(t, rng.choice(500, 40, replace=False))  # dropped frames
    x = _trapezoid(t, 45.0, 4.0, 9.0) + rng.normal(0.0, 0.3, t.size)
    holds = [h for h in detect_holds(t, x) if h.mean_deg > 1]
    assert len(holds) == 1
    assert abs(holds[0].start_s - 4.0) < 0.15
    assert abs(holds[0].end_s - 9.0) < 0.15
    assert holds[0].mean_deg == pytest.approx(45.0, abs=0.2)


def test_two_holds_and_best_hold() -> None:
    t = np.arange(900) * FRAME
    x = np.interp(t, [0, 1, 2, 6, 7, 12, 13, 30], [0, 0, 20, 20, 40, 40, 0, 0])
    holds = detect_holds(t, x)
    means = [round(h.mean_deg) for h in holds]
    assert means == [20, 40, 0]
    assert best_hold(holds, +1) is holds[1]
    assert best_hold(holds, -1) is holds[2]
    assert best_hold([], +1) is None
    with pytest.raises(ValueError, match="direction"):
        best_hold(holds, 0)


def test_hold_in_progress() -> None:
    t = np.arange(200) * FRAME
    x = _trapezoid(t, 30.0, 2.0, 100.0)  # still holding when the data ends
    holds = detect_holds(t, x, min_duration_s=0.0)
    current = hold_in_progress(holds, float(t[-1]))
    assert current is not None and current.mean_deg == pytest.approx(30.0, abs=0.05)
    assert hold_in_progress(holds, float(t[-1]) + 1.0) is None
    assert hold_in_progress([], 0.0) is None


def test_angular_speed_of_a_ramp_with_irregular_timestamps() -> None:
    rng = np.random.default_rng(7)
    t = np.cumsum(rng.uniform(0.01, 0.06, 200))
    speed = angular_speed(t, 12.0 * t - 3.0)
    np.testing.assert_allclose(speed, 12.0, rtol=1e-9)
    a = 12.0 * t
    a[50] = np.nan
    assert np.isnan(angular_speed(t, a)[50])


def test_angular_speed_window_is_half_a_second() -> None:
    """A V (10 deg/s down to 0 at 1 s, then up) at 10 Hz: the 0.5 s window is 5 frames,
    so 0.2 s after the vertex it sees only the rising side (10 deg/s) and at the vertex
    both sides equally (0)."""
    t = np.arange(30) / 10.0
    speed = angular_speed(t, 10.0 * np.abs(t - 1.0))
    assert speed[[8, 10, 12]] == pytest.approx([-10.0, 0.0, 10.0], abs=1e-9)


def test_hold_to_dict_is_plain() -> None:
    h = Hold(1.0, 4.0, 3.0, 20.0, 0.5, 91)
    assert h.to_dict() == {
        "start_s": 1.0,
        "end_s": 4.0,
        "duration_s": 3.0,
        "mean_deg": 20.0,
        "sd_deg": 0.5,
        "n_frames": 91,
    }


@pytest.mark.parametrize(
    ("t", "x", "kwargs", "message"),
    [
        (np.arange(5.0), np.zeros((5, 2)), {}, r"angle: expected shape \(T,\)"),
        (np.arange(5.0), np.zeros(4), {}, r"x: expected shape \(5, \.\.\.\)"),
        (np.arange(5.0)[::-1], np.zeros(5), {}, "increase strictly"),
        (np.arange(5.0), np.zeros(5), {"speed_threshold_deg_s": 0}, "speed_threshold"),
        (np.arange(5.0), np.zeros(5), {"min_duration_s": -1}, "min_duration"),
    ],
)
def test_bad_input(t: np.ndarray, x: np.ndarray, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        detect_holds(t, x, **kwargs)


def test_empty_and_tiny_series() -> None:
    assert detect_holds(np.zeros(0), np.zeros(0)) == []
    assert detect_holds(np.array([0.0]), np.array([5.0])) == []
    assert detect_holds(np.arange(10.0), np.full(10, np.nan)) == []


@settings(max_examples=40, deadline=None)
@given(
    level=st.floats(10.0, 80.0) | st.floats(-80.0, -10.0),
    start=st.floats(4.0, 8.0),
    duration=st.floats(3.5, 8.0),
    fps=st.sampled_from([15.0, 25.0, 29.97, 30.0, 60.0]),
)
def test_known_hold_property(level: float, start: float, duration: float, fps: float) -> None:
    t = np.arange(round(22.0 * fps)) / fps
    x = _trapezoid(t, level, start, start + duration)
    holds = [h for h in detect_holds(t, x) if abs(h.mean_deg) > 1]
    assert len(holds) == 1
    h = holds[0]
    frame = 1.0 / fps
    assert abs(h.start_s - start) <= 2 * frame
    assert abs(h.end_s - (start + duration)) <= 2 * frame
    assert h.mean_deg == pytest.approx(level, abs=0.1)


# ---------------------------------------------------------------- known answers


def test_hold_sd_is_the_sample_sd() -> None:
    """30, 31, 30, 31, ... (40 frames at 10 Hz, all one hold): mean 30.5, and the SD with
    n - 1 in the denominator, 0.5 * sqrt(40 / 39) = 0.50637 (n in it would give 0.5)."""
    t = np.arange(40) / 10.0
    (hold,) = detect_holds(t, np.tile([30.0, 31.0], 20), smooth=False)
    assert (hold.start_s, hold.end_s, hold.n_frames) == (0.0, 3.9, 40)
    assert hold.mean_deg == pytest.approx(30.5, abs=1e-12)
    assert hold.sd_deg == pytest.approx(0.5 * np.sqrt(40 / 39), abs=1e-12)


def test_a_one_frame_hold_has_sd_zero() -> None:
    """With no minimum duration, the still top of 0, 10, 20, 10, 0 (its 3-frame slope is 0)
    is a hold of one frame: mean 20, SD 0 (not NaN: one value has no sample SD)."""
    t = np.arange(5) / 10.0
    x = np.array([0.0, 10.0, 20.0, 10.0, 0.0])
    holds = detect_holds(t, x, smooth=False, min_duration_s=0.0, speed_window_s=0.1)
    assert holds == [Hold(0.2, 0.2, 0.0, 20.0, 0.0, 1)]


@pytest.mark.parametrize(
    ("frames", "fps", "held"),
    [(31, 10.0, True), (30, 10.0, False), (91, 30.0, True), (90, 30.0, False)],
    ids=["3.0 s at 10 Hz", "2.9 s", "3.0 s at 30 Hz", "one frame short"],
)
def test_minimum_hold_boundary(frames: int, fps: float, held: bool) -> None:
    """A still series lasting exactly ``min_duration_s`` (3.0 s from first to last frame)
    is a hold; one frame less is not."""
    t = np.arange(frames) / fps
    holds = detect_holds(t, np.full(frames, 20.0), smooth=False)
    assert [(h.start_s, h.duration_s, h.n_frames) for h in holds] == (
        [(0.0, 3.0, frames)] if held else []
    )
