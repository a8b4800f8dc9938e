"""Phases of a trial's frames (neutral, moving, hold, peak): known answers."""

from __future__ import annotations

import numpy as np
import pytest

from rom_tracker.rom.phases import NEUTRAL_DEG, PEAK_HALF_S, detect_phases, phases_at


def test_phases_at_known_answer() -> None:
    """Below NEUTRAL_DEG (or NaN) neutral, else moving; within PEAK_HALF_S of a peak time
    a peak; inside a hold a hold, even over a peak."""
    t = np.arange(10) / 10.0
    angle = np.array([0.0, np.nan, NEUTRAL_DEG, 20, 30, 40, 30, 20, 20, 20])
    got = phases_at(t, angle, holds=[(0.7, 0.9)], peaks=[0.5, 0.8])
    assert PEAK_HALF_S == 0.25  # the peaks at 0.5 and 0.8 s cover 0.3 to 0.9 s
    assert got.tolist() == ["neutral", "neutral", "moving", "peak", "peak", "peak",
                            "peak", "hold", "hold", "hold"]  # fmt: skip


def test_three_frames_are_enough_to_find_a_hold() -> None:
    """Three frames 2 s apart at 20 deg: a hold of 4 s, found on the series itself."""
    assert detect_phases([0.0, 2.0, 4.0], [20.0, 20.0, 20.0]).tolist() == ["hold"] * 3
    # two frames are never searched, even 4 s apart
    assert detect_phases([0.0, 4.0], [20.0, 20.0]).tolist() == ["moving"] * 2


@pytest.mark.parametrize(
    ("t", "angle"), [(np.zeros(3), np.zeros(4)), (np.zeros((2, 2)), np.zeros((2, 2)))]
)
def test_shapes_are_checked(t: np.ndarray, angle: np.ndarray) -> None:
    with pytest.raises(ValueError, match=r"expected equal shapes \(T,\)"):
        phases_at(t, angle)
