"""Trunk yaw beyond the dead band: known answers, NaN, and synthetic torsos turning."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from rom_tracker.evaluation.accuracy_neck import synthetic_turn, synthetic_whole_body_turn
from rom_tracker.kinematics.table import AngleOptions, compute_angles
from rom_tracker.kinematics.trunk import DEAD_BAND_DEG, firm_dead_band, trunk_yaw_beyond_head

LO, HI = DEAD_BAND_DEG


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.0, 0.0),
        (LO, 0.0),
        (-LO, 0.0),
        ((LO + HI) / 2, HI / 2),
        (HI, HI),
        (-HI, -HI),
        (75.0, 75.0),
        (-120.0, -120.0),
        (np.nan, np.nan),
    ],
)
def test_firm_dead_band_known_answers(x: float, expected: float) -> None:
    np.testing.assert_allclose(firm_dead_band(np.array([x]), LO, HI), [expected])


def test_firm_dead_band_is_monotone_and_continuous() -> None:
    x = np.linspace(-90, 90, 3601)
    y = firm_dead_band(x, LO, HI)
    assert np.all(np.diff(y) >= 0)
    assert np.max(np.abs(np.diff(y))) < 0.5  # no jump at either edge (step 0.05 deg)


def test_firm_dead_band_from_zero_is_the_identity_below_hi() -> None:
    """lo = 0 is a valid band: no dead zone, and the ramp hi * |x| / hi is x itself."""
    x = np.array([-15.0, -5.0, 0.0, 5.0, 9.5, 20.0])
    np.testing.assert_allclose(firm_dead_band(x, 0.0, 10.0), x)


@pytest.mark.parametrize(("lo", "hi"), [(10.0, 10.0), (-1.0, 5.0), (20.0, 10.0)])
def test_firm_dead_band_rejects_bad_band(lo: float, hi: float) -> None:
    with pytest.raises(ValueError, match="dead band"):
        firm_dead_band(np.zeros(2), lo, hi)


def test_pull_is_taken_out_when_asked() -> None:
    # s = T + k (H - T) with T = 50, H = 80, k = 0.4: the trunk comes back as 50
    s = np.array([50 + 0.4 * 30.0])
    np.testing.assert_allclose(trunk_yaw_beyond_head(s, np.array([80.0]), pull=0.4), [50.0])
    # head unknown: no correction
    np.testing.assert_allclose(trunk_yaw_beyond_head(s, np.array([np.nan]), pull=0.4), s)


def test_shape_mismatch_names_both() -> None:
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        trunk_yaw_beyond_head(np.zeros(3), np.zeros(2))


def test_still_torso_turning_head_reads_no_trunk_turn() -> None:
    head = np.linspace(-90, 90, 181)
    lm = synthetic_turn(np.zeros_like(head), head)
    # the shoulders follow the head by a quarter of its turn, as the pose model's do
    pulled = np.asarray(lm.pose.world_xyz).copy()
    a = np.radians(0.25 * head)
    for i in (11, 12):
        x, z = pulled[:, i, 0].copy(), pulled[:, i, 2].copy()
        pulled[:, i, 0] = x * np.cos(a) - z * np.sin(a)
        pulled[:, i, 2] = x * np.sin(a) + z * np.cos(a)
    lm = replace(lm, pose=replace(lm.pose, world_xyz=pulled.astype(np.float32)))
    v = compute_angles(lm, "head", AngleOptions()).values
    assert np.all(v["trunk_yaw_deg"] == 0.0)
    np.testing.assert_allclose(v["neck_rotation_deg"], v["head_yaw_deg"])


def test_whole_body_turn_is_taken_out_beyond_the_dead_band() -> None:
    turn = synthetic_whole_body_turn(neck_amp_deg=0.0)
    beyond = np.abs(turn.trunk_deg) >= HI
    err = np.abs(turn.trunk_yaw[beyond] - turn.trunk_deg[beyond])
    print(f"whole-body turn beyond {HI:g} deg: trunk error median {np.median(err):.2f}")
    assert np.median(err) < 0.5  # exact geometry: the world shoulder line is the trunk
    inside = np.abs(turn.trunk_deg) < LO - 0.5  # float32 landmarks
    assert np.all(turn.trunk_yaw[inside] == 0.0)  # a small trunk turn is not taken out


def test_whole_body_turn_with_neck_rotation_keeps_the_neck() -> None:
    turn = synthetic_whole_body_turn(neck_amp_deg=30.0)
    beyond = np.abs(turn.trunk_deg) >= HI
    err = np.abs(turn.trunk_yaw[beyond] - turn.trunk_deg[beyond])
    print(f"trunk beyond {HI:g} deg, neck +-30: trunk error median {np.median(err):.2f}")
    assert np.median(err) < 0.5
