"""measure_trial: signs, holds and reps into TrialResult; TrialResult contracts."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from rom_tracker.rom.trial import TrialResult, measure_trial

FPS = 30.0


def _hold_then_back(t: np.ndarray, level: float) -> np.ndarray:
    return np.interp(t, [0, 1, 3, 7, 9, 12], [0, 0, level, level, 0, 0])


def test_effortless_right_rotation_is_positive() -> None:
    t = 5.0 + np.arange(round(12 * FPS)) / FPS  # source time need not start at 0
    column = _hold_then_back(t - 5.0, -38.0)  # the right turn is negative in the column
    r = measure_trial("neck_rotation", "right", "effortless", t, column)
    assert r.value_deg == pytest.approx(38.0, abs=0.05)
    assert r.has_value
    assert r.duration_s == pytest.approx(4.0, abs=0.1)
    assert r.sd_deg < 0.1
    assert r.reps == 1  # holds found away from neutral
    assert (r.started_s, r.ended_s) == (t[0], t[-1])
    assert r.t_s.dtype == np.float64 and r.angle_deg.dtype == np.float32
    np.testing.assert_allclose(r.angle_deg, -column, atol=1e-4)
    assert r.detail["column"] == "neck_rotation_deg" and r.detail["sign"] == -1.0
    assert r.detail["holds"][r.detail["best"]]["mean_deg"] == pytest.approx(38.0, abs=0.05)
    json.dumps(r.detail, allow_nan=False)


def test_effortless_without_a_hold_has_no_value() -> None:
    t = np.arange(round(10 * FPS)) / FPS
    passing = 40.0 * np.sin(2 * np.pi * 0.2 * t) ** 2  # passes its peak, never holds
    r = measure_trial("neck_rotation", "left", "effortless", t, passing)
    assert math.isnan(r.value_deg) and not r.has_value
    assert math.isnan(r.duration_s)
    assert r.detail["best"] is None and r.detail["value_deg"] is None
    json.dumps(r.detail, allow_nan=False)


def test_effortless_resting_at_neutral_is_not_a_value() -> None:
    t = np.arange(round(10 * FPS)) / FPS
    r = measure_trial("neck_rotation", "left", "effortless", t, np.full(t.size, 1.5))
    assert not r.has_value
    r = measure_trial(
        "neck_rotation", "left", "effortless", t, np.full(t.size, 1.5), min_hold_deg=1.0
    )
    assert r.value_deg == pytest.approx(1.5)


def test_active_counts_reps_and_takes_the_highest() -> None:
    t = np.arange(round(12 * FPS)) / FPS
    x = np.interp(t, [0, 1, 2, 2.3, 3.3, 5, 6, 6.3, 7.3, 12], [0, 0, 60, 60, 0, 0, 66, 66, 0, 0])
    r = measure_trial("hip_extension", "left", "active", t, -x, guided=True)
    assert r.reps == 2
    assert r.value_deg == pytest.approx(66.0, abs=0.5)
    assert r.sd_deg == pytest.approx(np.std([60.0, 66.0], ddof=1), abs=0.5)
    assert r.guided is True
    assert len(r.detail["reps"]) == 2 and r.detail["best"] == 1
    assert 1.0 < r.duration_s < 2.5


def test_active_without_reps() -> None:
    t = np.arange(round(5 * FPS)) / FPS
    r = measure_trial("neck_flexion", "flexion", "active", t, np.zeros(t.size))
    assert r.reps == 0 and not r.has_value and math.isnan(r.sd_deg)


def test_empty_trial() -> None:
    r = measure_trial("neck_rotation", "left", "active", np.zeros(0), np.zeros(0))
    assert not r.has_value and r.reps == 0 and math.isnan(r.started_s)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (("neck_rotation", "left", "passive"), {}, ValueError, "mode: expected one of"),
        (("nek_rotation", "left", "active"), {}, KeyError, "unknown movement"),
        (("neck_rotation", "up", "active"), {}, KeyError, "has no side 'up'"),
        (("neck_rotation", "left", "active"), {"hold_s": 3}, TypeError, "unknown threshold"),
        (("neck_rotation", "left", "effortless"), {"min_amplitude_deg": 3}, TypeError, "known:"),
    ],
)
def test_measure_trial_rejects(
    args: tuple[str, str, str], kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    t = np.arange(30) / FPS
    with pytest.raises(error, match=message):
        measure_trial(args[0], args[1], args[2], t, np.zeros(30), **kwargs)


def _result(**changes: object) -> TrialResult:
    fields: dict = {
        "movement": "neck_rotation",
        "side": "left",
        "mode": "active",
        "guided": False,
        "value_deg": 50.0,
        "sd_deg": math.nan,
        "duration_s": 2.0,
        "reps": 1,
        "started_s": 0.0,
        "ended_s": 1.0,
        "detail": {},
        "t_s": np.arange(3.0),
        "angle_deg": np.zeros(3),
    }
    fields.update(changes)
    return TrialResult(**fields)


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"mode": "guided"}, ValueError, "mode: expected one of effortless, active"),
        ({"side": "middle"}, KeyError, "no side"),
        ({"angle_deg": np.zeros(4)}, ValueError, r"equal shapes \(T,\), got \(3,\), \(4,\)"),
        ({"detail": {"x": math.nan}}, ValueError, "JSON-serialisable"),
        ({"detail": {"x": np.zeros(2)}}, ValueError, "JSON-serialisable"),
    ],
)
def test_trial_result_contract(changes: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        _result(**changes)


def test_trial_result_coerces_dtypes() -> None:
    r = _result(t_s=[0, 1, 2], angle_deg=np.zeros(3, dtype=np.float64))
    assert r.t_s.dtype == np.float64 and r.angle_deg.dtype == np.float32
