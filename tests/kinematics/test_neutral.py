"""Neutral capture: choosing the frames, the mean rotation, angles relative to it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from rom_tracker.kinematics.head import (
    angles_from_planes,
    rotation_from_head_angles,
    rotation_planes,
)
from rom_tracker.kinematics.neutral import (
    NeutralSpec,
    first_seconds,
    first_still_period,
    neutral_rotation,
    relative_to,
)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("off", None),
        ("", None),
        ("still", NeutralSpec("still")),
        ("first:2s", NeutralSpec("first", 2.0)),
        ("FIRST:0.5", NeutralSpec("first", 0.5)),
    ],
)
def test_parse_good(text: str, want: NeutralSpec | None) -> None:
    assert NeutralSpec.parse(text) == want


@pytest.mark.parametrize("text", ["first", "first:", "first:-1s", "first:xs", "last:2s", "on"])
def test_parse_bad(text: str) -> None:
    with pytest.raises(ValueError, match="expected 'off', 'still' or 'first:<seconds>s'"):
        NeutralSpec.parse(text)


def test_spec_validation() -> None:
    with pytest.raises(ValueError, match="kind"):
        NeutralSpec("middle")
    with pytest.raises(ValueError, match="seconds > 0"):
        NeutralSpec("first", 0.0)


def test_first_seconds() -> None:
    t = np.arange(10) / 4.0 + 3.0  # starts at 3 s
    np.testing.assert_array_equal(first_seconds(t, 1.0), t <= 4.0)
    assert first_seconds(np.zeros(0), 1.0).shape == (0,)


def test_first_still_period_skips_movement_and_far_turns() -> None:
    t = np.arange(200) / 20.0  # 10 s at 20 fps
    yaw = np.zeros(200)
    yaw[:40] = np.linspace(0, 60, 40)  # turning for 2 s
    yaw[40:70] = 60.0  # still but turned away (1.5 s)
    yaw[70:80] = np.linspace(60, 5, 10)
    yaw[80:] = 5.0 + 0.1 * np.sin(np.arange(120))  # still near the front from 4 s
    pitch = roll = np.zeros(200)
    mask = first_still_period(t, yaw, pitch, roll)
    assert mask.sum() == 121 and mask[79] and not mask[78]  # 79 ends the ramp at 5
    none = first_still_period(t, np.linspace(0, 100, 200), pitch, roll)
    assert not none.any()
    assert not first_still_period(t[:1], yaw[:1], pitch[:1], roll[:1]).any()


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    yaw=st.floats(-80, 80),
    pitch=st.floats(-60, 60),
    roll=st.floats(-60, 60),
)
def test_angles_relative_to_any_neutral(seed: int, yaw: float, pitch: float, roll: float) -> None:
    n = Rotation.random(1, random_state=seed).as_matrix()
    turn = rotation_from_head_angles([yaw], [pitch], [roll])
    r = np.concatenate([n, n, n @ turn])  # two neutral frames, then the movement
    neutral = neutral_rotation(rotation_planes(r), [True, True, False])
    assert neutral is not None and neutral.count == 2
    got = angles_from_planes(relative_to(rotation_planes(r), neutral))
    np.testing.assert_allclose([g[0] for g in got], 0.0, atol=1e-7)
    np.testing.assert_allclose([g[2] for g in got], [yaw, pitch, roll], atol=1e-6)


def test_neutral_mean_ignores_nan_frames_and_needs_one() -> None:
    r = rotation_planes(rotation_from_head_angles([10.0, np.nan, 12.0], [0.0] * 3, [0.0] * 3))
    neutral = neutral_rotation(r, [True, True, True])
    assert neutral is not None and neutral.count == 2
    yaw, _, _ = angles_from_planes(neutral.rotation[:, :, None])
    assert yaw[0] == pytest.approx(11.0, abs=0.01)
    assert neutral_rotation(r, [False, True, False]) is None
    with pytest.raises(ValueError, match=r"frames: expected shape \(3,\)"):
        neutral_rotation(r, [True])
