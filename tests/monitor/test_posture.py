"""PostureMonitor: calibration, forward head, head down, sitting time, gentle break offers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rom_tracker.monitor.posture import (
    AWAY,
    FORWARD_HEAD,
    GOOD,
    HEAD_DOWN,
    MONITORING,
    PostureMonitor,
    PostureSettings,
    posture_metrics,
)

SETTINGS = PostureSettings(
    calibrate_s=2.0, min_off_s=2.0, away_after_s=1.0, away_reset_s=10.0,
    break_after_s=60.0, snooze_s=30.0,
)  # fmt: skip


def run(monitor: PostureMonitor, t0: float, seconds: float, pitch: float, ratio: float) -> float:
    t = t0
    for t in np.arange(t0, t0 + seconds, 0.1):
        monitor.update(float(t), pitch, ratio)
    return float(t) + 0.1


def calibrated(pitch: float = 5.0, ratio: float = 0.6) -> tuple[PostureMonitor, float]:
    m = PostureMonitor(SETTINGS)
    m.calibrate(0.0)
    t = run(m, 0.0, 2.5, pitch, ratio)
    assert m.state.phase == MONITORING
    return m, t


def test_calibration_takes_the_median_of_the_good_posture() -> None:
    m, _ = calibrated(5.0, 0.6)
    assert m.state.baseline is not None
    assert m.state.baseline.pitch_deg == pytest.approx(5.0)
    assert m.state.baseline.neck_ratio == pytest.approx(0.6)
    assert m.state.status == GOOD


def test_calibration_with_nobody_in_view_starts_again() -> None:
    m = PostureMonitor(SETTINGS)
    m.calibrate(0.0)
    run(m, 0.0, 3.0, math.nan, math.nan)
    assert m.state.phase == "calibrating"


@pytest.mark.parametrize(
    ("pitch", "ratio", "status"),
    [(5.0, 0.6, GOOD), (25.0, 0.6, HEAD_DOWN), (5.0, 0.45, FORWARD_HEAD), (10.0, 0.55, GOOD)],
)
def test_status_after_min_off(pitch: float, ratio: float, status: str) -> None:
    m, t = calibrated()
    run(m, t, 3.0, pitch, ratio)
    assert m.state.status == status


def test_a_short_glance_down_is_not_flagged() -> None:
    m, t = calibrated()
    t = run(m, t, 1.0, 25.0, 0.6)
    assert m.state.status == GOOD
    run(m, t, 1.0, 5.0, 0.6)
    assert m.state.status == GOOD


def test_time_in_good_posture_and_sitting_time() -> None:
    m, t = calibrated()
    before = m.state
    t = run(m, t, 10.0, 5.0, 0.6)
    t = run(m, t, 10.0, 5.0, 0.4)  # forward head after 2 s: 8 s not good
    st = m.state
    assert st.sitting_s - before.sitting_s == pytest.approx(20.0, abs=0.2)
    assert st.good_s - before.good_s == pytest.approx(12.0, abs=0.2)
    assert 0.55 < st.good_fraction < 0.65


def test_break_offered_once_then_snoozed_after_dismiss() -> None:
    m, t = calibrated()
    t = run(m, t, 59.0, 5.0, 0.6)
    assert not m.state.offer_break
    t = run(m, t, 2.0, 5.0, 0.6)
    assert m.state.offer_break
    m.dismiss(t)
    t = run(m, t, 29.0, 5.0, 0.6)
    assert not m.state.offer_break  # snoozed: never nagging
    t = run(m, t, 2.0, 5.0, 0.6)
    assert m.state.offer_break
    m.break_taken(t)
    assert m.state.sitting_s == 0.0 and not m.state.offer_break and m.state.breaks_taken == 1


def test_stepping_away_shows_away_and_a_long_absence_resets_sitting() -> None:
    m, t = calibrated()
    t = run(m, t, 5.0, 5.0, 0.6)
    t = run(m, t, 2.0, math.nan, math.nan)
    assert m.state.status == AWAY
    t = run(m, t, 10.0, math.nan, math.nan)
    run(m, t, 0.5, 5.0, 0.6)
    assert m.state.status == GOOD
    assert m.state.sitting_s < 1.0


def test_bad_settings() -> None:
    with pytest.raises(ValueError, match="snooze_s"):
        PostureSettings(snooze_s=0)
    with pytest.raises(ValueError, match="forward_head_drop"):
        PostureSettings(forward_head_drop=1.5)


def test_metrics_from_pose_landmarks() -> None:
    xyz = np.full((33, 3), 0.5, np.float32)
    xyz[0, :2] = (0.5, 0.3)  # nose
    xyz[11, :2] = (0.7, 0.6)  # left shoulder (image right)
    xyz[12, :2] = (0.3, 0.6)
    vis = np.ones(33, np.float32)
    pitch, ratio = posture_metrics(4.0, xyz, vis, (100, 200))
    assert pitch == 4.0
    assert ratio == pytest.approx((0.3 * 200) / (0.4 * 100))
    vis[11] = 0.1
    assert math.isnan(posture_metrics(4.0, xyz, vis, (100, 200))[1])
    assert math.isnan(posture_metrics(None, None, None, (100, 200))[0])
