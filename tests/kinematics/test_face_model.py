"""The face-yaw correction and confidence tables (kinematics.face_model)."""

from __future__ import annotations

import numpy as np
import pytest

from rom_tracker.kinematics.face_model import (
    EXPECTED_ERROR_DEG,
    FACE_MODEL_VERSION,
    MATRIX_YAW_WEIGHT,
    YAW_CORRECTED,
    YAW_RAW_KNOTS,
    correct_face_yaw,
    expected_error_deg,
    face_confidence,
    face_yaw,
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


def test_face_yaw_blends_the_fit_and_falls_back_to_the_matrix() -> None:
    matrix = np.array([10.0, -40.0, 30.0, np.nan])
    fit = np.array([14.0, -44.0, np.nan, 20.0])
    got = face_yaw(matrix, fit)
    w = MATRIX_YAW_WEIGHT
    np.testing.assert_allclose(got[:2], w * matrix[:2] + (1.0 - w) * fit[:2])
    assert got[2] == 30.0  # no fit (a matrix without landmarks): the matrix yaw
    assert np.isnan(got[3])  # no matrix: no face
    assert 0.0 < w < 1.0
    with pytest.raises(ValueError, match=r"fit_yaw: expected shape \(2,\)"):
        face_yaw(np.zeros(2), np.zeros(3))
