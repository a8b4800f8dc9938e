"""RangeTracker: current angle, robust peak and effortless hold per side."""

from __future__ import annotations

import math

import numpy as np
from ui_streams import neck_rotation_session, segment, still, times

from rom_tracker.ui.ranges import RangeTracker


def feed(tracker: RangeTracker, values: np.ndarray, t0: float = 0.0) -> None:
    for t, v in zip(times(values.size, t0), values, strict=True):
        tracker.update(float(t), {"neck_rotation_deg": float(v)})


def test_hold_and_peak_per_side_on_a_scripted_session() -> None:
    tracker = RangeTracker("neck_rotation")
    feed(tracker, neck_rotation_session(left=40.0, right=35.0))
    left, right = tracker.sides["left"], tracker.sides["right"]
    assert abs(left.hold_deg - 40.0) < 1.0
    assert abs(right.hold_deg - 35.0) < 1.0
    assert 39.0 < left.peak_deg < 42.0
    assert 34.0 < right.peak_deg < 37.0
    # at the end the head is back at centre
    assert abs(left.current_deg) < 2.0
    assert left.current_deg == -right.current_deg


def test_a_single_frame_spike_is_not_the_peak() -> None:
    values = np.concatenate([segment(0, 20, 1.0), still(20, 1.0), segment(20, 0, 1.0)])
    values[45] = 80.0
    tracker = RangeTracker("neck_rotation")
    feed(tracker, values)
    assert tracker.sides["left"].peak_deg < 25.0


def test_passing_peak_is_no_hold_and_reset_forgets() -> None:
    tracker = RangeTracker("neck_rotation")
    feed(tracker, np.concatenate([segment(0, 30, 1.5), segment(30, 0, 1.5)]))
    assert math.isnan(tracker.sides["left"].hold_deg)
    assert tracker.sides["left"].peak_deg > 25
    tracker.reset()
    assert math.isnan(tracker.sides["left"].peak_deg)


def test_unseen_frames_are_nan_not_zero() -> None:
    tracker = RangeTracker("neck_rotation")
    state = tracker.update(0.0, {"neck_rotation_deg": None})
    assert math.isnan(state["left"].current_deg)
    state = tracker.update(0.1, {})
    assert math.isnan(state["right"].current_deg)


def test_hold_progress_rises_during_a_hold() -> None:
    tracker = RangeTracker("neck_rotation", hold_s=3.0)
    feed(tracker, np.concatenate([segment(0, 30, 1.5), still(30, 1.6)]))
    assert 0.2 < tracker.sides["left"].hold_progress < 1.0
