"""View angle per frame and the blend of 3D world and 2D image leg angles."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from rom_tracker.kinematics.views import (
    BLENDS,
    blend,
    blended_leg_angles,
    front_weight,
    side_weight,
    view_angle,
)

# world frame: x image right, y down, z away; a subject facing the camera has their left +x
BASE = np.zeros((33, 3))
BASE[11], BASE[12] = (0.18, -0.5, 0.0), (-0.18, -0.5, 0.0)
BASE[23], BASE[24] = (0.1, 0.0, 0.0), (-0.1, 0.0, 0.0)


def turned(deg: float) -> np.ndarray:
    """The body turned to its own left by ``deg`` (left shoulder away from the camera)."""
    rot = Rotation.from_rotvec([0.0, np.radians(-deg), 0.0]).as_matrix()  # about world y (down)
    return (BASE @ rot.T)[None]


@pytest.mark.parametrize("deg", [0.0, 30.0, 90.0, -90.0, 135.0, 180.0, -150.0])
def test_view_angle_known_answers(deg: float) -> None:
    got = view_angle(turned(deg))[0]
    assert (got - deg + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=1e-7)


def test_view_angle_uses_one_line_when_the_other_is_unseen_and_nan_for_none() -> None:
    xyz = np.concatenate([turned(40.0), turned(40.0), turned(40.0)])
    xyz[1, 11] = np.nan
    xyz[2, [11, 23]] = np.nan
    got = view_angle(xyz)
    np.testing.assert_allclose(got[:2], 40.0, atol=1e-7)
    assert np.isnan(got[2])
    with pytest.raises(ValueError, match=r"world_xyz: expected shape \(T, 33, 3\)"):
        view_angle(np.zeros((1, 3)))


def test_weights() -> None:
    views = np.array([0.0, 45.0, 60.0, 75.0, 90.0, -90.0, 120.0, 165.0, 180.0, np.nan])
    np.testing.assert_allclose(side_weight(views), [0, 0, 0, 0.5, 1, 1, 0, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(front_weight(views), [1, 0, 0, 0, 0, 0, 0, 0.5, 1, 0], atol=1e-12)


def test_blend_rules() -> None:
    a3 = np.array([10.0, 10.0, np.nan, 10.0, 40.0, np.nan])
    a2 = np.array([20.0, np.nan, 30.0, 20.0, -20.0, 30.0])
    w = np.array([0.5, 1.0, 1.0, 0.0, 1.0, 0.0])
    got = blend(a3, a2, w)
    np.testing.assert_allclose(got[:5], [15.0, 10.0, 30.0, 10.0, 40.0])
    assert np.isnan(got[5])  # only 2D, but not a side view: not measured
    # unsigned angles (knee): no sign clash rule
    assert blend(np.array([40.0]), np.array([-20.0]), np.array([1.0]), signed=False)[0] == -20.0


def test_blended_columns_follow_the_view() -> None:
    world = {c3: np.array([10.0, 10.0]) for c3, _, _ in BLENDS.values()}
    image = {c2: np.array([20.0, 20.0]) for _, c2, _ in BLENDS.values()}
    out = blended_leg_angles(world, image, np.array([90.0, 0.0]))
    assert set(out) == set(BLENDS)
    np.testing.assert_allclose(out["hip_flexion_left_deg"], [20.0, 10.0])  # side: 2D
    np.testing.assert_allclose(out["knee_flexion_right_deg"], [20.0, 10.0])
    np.testing.assert_allclose(out["hip_abduction_left_deg"], [10.0, 20.0])  # front: 2D
