"""Reference-data loaders: sign and Euler-order mapping of AFLW2000-3D labels."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rom_tracker.evaluation.reference import aflw_rotation
from rom_tracker.kinematics.head import head_angles_from_rotation


@pytest.mark.parametrize(
    ("label", "ours"),
    [
        ((0.1, 0.0, 0.0), (0.0, -0.1, 0.0)),  # label pitch > 0 (looking up) = our extension
        ((0.0, 0.1, 0.0), (-0.1, 0.0, 0.0)),  # label yaw > 0 (own right) = our yaw < 0
        ((0.0, 0.0, 0.1), (0.0, 0.0, 0.1)),  # roll keeps the dataset's sign
    ],
)
def test_small_angles_map_one_to_one(
    label: tuple[float, float, float], ours: tuple[float, float, float]
) -> None:
    got = np.ravel(head_angles_from_rotation(aflw_rotation(*label)[None]))
    np.testing.assert_allclose(got, np.degrees(ours), atol=1e-9)


def test_other_euler_order_matters_when_turned_and_tilted() -> None:
    """x-y-z labels (pitch first, then yaw about the tilted head's axis) against ours
    (yaw first): a 30 degree label pitch at 60 degrees of label yaw is 14.5 degrees of our
    pitch, 63.4 of our yaw and 26.6 of our roll (tan(yaw) = tan(60) / cos(30),
    sin(-pitch) = sin(30) cos(60))."""
    r = aflw_rotation(math.radians(30.0), math.radians(60.0), 0.0)
    assert np.allclose(r @ r.T, np.eye(3)) and np.linalg.det(r) == pytest.approx(1.0)
    got = np.ravel(head_angles_from_rotation(r[None]))
    want_yaw = -math.degrees(math.atan(math.tan(math.radians(60.0)) / math.cos(math.radians(30.0))))
    want_pitch = -math.degrees(
        math.asin(math.sin(math.radians(30.0)) * math.cos(math.radians(60.0)))
    )
    np.testing.assert_allclose(got[:2], [want_yaw, want_pitch], atol=1e-9)
    assert abs(got[2]) > 20.0  # and a roll appears
