"""The face-yaw correction and confidence tables (kinematics.face_model)."""

from __future__ import annotations

import numpy as np

from rom_tracker.kinematics.face_model import (
    EXPECTED_ERROR_DEG,
    FACE_MODEL_VERSION,
    YAW_CORRECTED,
    YAW_RAW_KNOTS,
    correct_face_yaw,
    expected_error_deg,
    face_confidence,
)


def test_tables_are_monotone_and_start_at_zero() -> None:
    assert YAW_CORRECTED[0] == 0.0 and YAW_RAW_KNOTS[0] == 0.0
    assert np.all(np.diff(YAW_CORRECTED) > 0) and np.all(np.diff(YAW_RAW_KNOTS) > 0)
    assert np.all(np.diff(EXPECTED_ERROR_DEG) >= 0)
    assert FACE_MODEL_VERSION


def test_correction_is_odd_monotone_and_keeps_nan() -> None:
    raw = np.linspace(-85.0, 85.0, 341)
    got = correct_face_yaw(raw)
    np.testing.assert_allclose(got, -correct_face_yaw(-raw))
    assert np.all(np.diff(got) > 0)
    assert correct_face_yaw(0.0) == 0.0
    assert np.isnan(correct_face_yaw([np.nan]))[0]


def test_correction_goes_through_the_knots_and_extends_linearly() -> None:
    np.testing.assert_allclose(correct_face_yaw(YAW_RAW_KNOTS), YAW_CORRECTED)
    np.testing.assert_allclose(correct_face_yaw([-40.0]), [-YAW_CORRECTED[4]])
    slope = (YAW_CORRECTED[-1] - YAW_CORRECTED[-2]) / (YAW_RAW_KNOTS[-1] - YAW_RAW_KNOTS[-2])
    np.testing.assert_allclose(correct_face_yaw([80.0]), [YAW_CORRECTED[-1] + 10.0 * slope])


def test_confidence_is_five_degrees_over_the_expected_error() -> None:
    yaw = np.array([0.0, 20.0, 40.0, -60.0, 89.0, np.nan])
    got = face_confidence(yaw)
    expected = np.minimum(1.0, 5.0 / expected_error_deg(yaw[:-1]))
    np.testing.assert_allclose(got[:-1], expected)
    assert got[0] == 1.0 and got[-1] == 0.0
    assert np.all(np.diff(got[:-1][np.argsort(np.abs(yaw[:-1]))]) <= 0)
    assert np.isnan(expected_error_deg([np.nan]))[0]
