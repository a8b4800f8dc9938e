"""Known answers for "at least": when a trial's value is a bound, and which bound."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rom_tracker.rom.bounds import BEYOND, LOST, RELIABLE_YAW_DEG, outward_losses, reach_bound
from rom_tracker.rom.trial import measure_trial

FPS = 30.0
T = np.arange(0.0, 10.0, 1.0 / FPS)
TRUE = 80.0 * np.sin(np.pi * T / 10.0) ** 2  # 0 -> 80 -> 0 degrees, peak at 5 s


def saturating(true: np.ndarray) -> np.ndarray:
    """A reading that is right to 45 degrees and then gains only 0.3 of the turn."""
    return np.where(true < 45.0, true, 45.0 + 0.3 * (true - 45.0))


def test_a_turn_within_reach_is_measured() -> None:
    small = 30.0 * np.sin(np.pi * T / 10.0) ** 2
    r = measure_trial("neck_rotation", "left", "active", T, small, camera_yaw=small)
    assert (r.at_least, r.reason) == (False, "")
    assert r.value_deg == pytest.approx(30.0, abs=0.5)


def test_a_turn_past_the_reliable_range_is_at_least_its_reading() -> None:
    read = saturating(TRUE)
    r = measure_trial("neck_rotation", "left", "active", T, read, camera_yaw=read)
    assert (r.at_least, r.reason) == (True, BEYOND)
    assert r.value_deg == pytest.approx(float(read.max()), abs=0.5)  # the reading: 55.5
    assert r.value_deg < 80.0  # a true lower bound


def test_the_right_side_is_judged_in_its_own_direction() -> None:
    read = saturating(TRUE)
    right = measure_trial("neck_rotation", "right", "active", T, -read, camera_yaw=-read)
    assert (right.at_least, right.reason) == (True, BEYOND)
    # the left trial of a right turn has nothing to measure, and is no bound
    left = measure_trial("neck_rotation", "left", "active", T, -read, camera_yaw=-read)
    assert (math.isnan(left.value_deg), left.at_least) == (True, False)


def test_a_face_lost_while_turning_out_makes_the_last_reading_the_bound() -> None:
    read = np.where(TRUE > 40.0, np.nan, TRUE)  # the face is lost from 40 degrees on
    r = measure_trial("neck_rotation", "left", "active", T, read, camera_yaw=read)
    assert (r.at_least, r.reason) == (True, LOST)
    assert r.value_deg == pytest.approx(40.0, abs=1.5)  # the last reading before the gap


def test_a_face_lost_near_the_camera_or_while_turning_back_is_no_bound() -> None:
    assert outward_losses(T, TRUE, np.where(TRUE < 20.0, np.nan, TRUE)) == []  # near 0
    back = np.where((T > 7.0) & (T < 8.0), np.nan, TRUE)  # lost on the way back
    assert outward_losses(T, TRUE, back) == []
    blink = np.where((T > 4.0) & (T < 4.1), np.nan, TRUE)  # 0.1 s: a blink of the detector
    assert outward_losses(T, TRUE, blink) == []


@pytest.mark.parametrize(
    ("hold_deg", "expected"),
    [(40.0, (False, "")), (RELIABLE_YAW_DEG + 5.0, (True, BEYOND))],
)
def test_an_effortless_hold_at_the_edge_is_a_bound(
    hold_deg: float, expected: tuple[bool, str]
) -> None:
    ramp = np.clip(T / 2.0, 0.0, 1.0) * hold_deg  # out in 2 s, then held for 8 s
    r = measure_trial("neck_rotation", "left", "effortless", T, ramp, camera_yaw=ramp)
    assert (r.at_least, r.reason) == expected
    assert r.value_deg == pytest.approx(hold_deg, abs=0.5)


def test_a_movement_without_reach_is_never_a_bound() -> None:
    read = saturating(TRUE)
    r = measure_trial("neck_rotation", "left", "active", T, read)  # no camera yaw given
    assert (r.at_least, r.reason) == (False, "")


def test_reach_bound_contract_nan_in_nan_out() -> None:
    nan = np.full(T.shape, np.nan)
    b = reach_bound(T, nan, nan, math.nan, None)
    assert (b.at_least, b.reason, math.isnan(b.value_deg)) == (False, "", True)


@pytest.mark.parametrize(
    ("peak", "beyond"), [(RELIABLE_YAW_DEG, False), (RELIABLE_YAW_DEG + 0.5, True)]
)
def test_the_reliable_range_ends_at_50_degrees_inclusive(peak: float, beyond: bool) -> None:
    """A turn read exactly 50 deg from the camera is measured; 50.5 is a bound."""
    yaw = peak * np.sin(np.pi * T / 10.0) ** 2
    got = reach_bound(T, yaw, yaw, float(yaw.max()), (0.0, 10.0), lost=False)
    assert (got.at_least, got.reason) == (beyond, BEYOND if beyond else "")
    assert RELIABLE_YAW_DEG == 50.0


def test_no_value_or_no_window_is_never_beyond() -> None:
    """Beyond the reliable range needs both a value and the frames it was read on."""
    yaw = 60.0 * np.sin(np.pi * T / 10.0) ** 2
    assert reach_bound(T, yaw, yaw, math.nan, (0.0, 10.0), lost=False).reason == ""
    assert reach_bound(T, yaw, yaw, 55.0, None, lost=False).reason == ""
