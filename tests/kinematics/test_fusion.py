"""Head yaw from pose landmarks, its self-calibration, and the fusion with the face yaw."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rom_tracker.kinematics.fusion import (
    DEFAULT_POSE_YAW_MODEL,
    MAX_DISAGREEMENT_DEG,
    PoseYawCues,
    PoseYawModel,
    calibrate_pose_yaw,
    face_confidence,
    fuse_head_yaw,
    head_yaw_full_range,
    pose_confidence,
    pose_yaw,
    pose_yaw_cues,
)


def cues(head_model: SimpleNamespace, yaw_deg: np.ndarray) -> PoseYawCues:
    return pose_yaw_cues(*head_model.landmarks(yaw_deg), head_model.size)


@pytest.mark.parametrize("deg", [0.0, 20.0, -45.0, 70.0, 89.0, 90.0, -90.0, 120.0, -170.0])
def test_pose_yaw_with_the_head_geometry_is_exact_through_90(
    deg: float, head_model: SimpleNamespace
) -> None:
    model = PoseYawModel(gain=head_model.gain, offset=0.0, frames=1, rmse_deg=0.0)
    got = pose_yaw(cues(head_model, np.array([deg])), model)
    assert (got[0] - deg + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=1e-7)


def test_cues_need_the_nose_and_an_ear(head_model: SimpleNamespace) -> None:
    xyz, vis = head_model.landmarks(np.array([10.0, 10.0, 10.0, 80.0]))
    vis[0, 0] = 0.1  # nose unseen
    vis[1, 7] = vis[1, 8] = 0.2  # both ears unseen
    vis[3, 8] = 0.0  # far ear hidden in profile: still used (the near ear is seen)
    cues = pose_yaw_cues(xyz, vis, head_model.size)
    assert np.isnan(cues.span[:2]).all() and np.isfinite(cues.span[2:]).all()
    np.testing.assert_allclose(cues.visibility, [0.1, 0.2, 1.0, 1.0])


def test_cue_shapes_are_checked(head_model: SimpleNamespace) -> None:
    with pytest.raises(ValueError, match=r"image_xyz: expected shape \(T, 33, 3\)"):
        pose_yaw_cues(np.zeros((2, 17, 3)), np.ones((2, 17)), head_model.size)
    with pytest.raises(ValueError, match="visibility: expected 2 frames, got 3"):
        pose_yaw_cues(np.zeros((2, 33, 3)), np.ones((3, 33)), head_model.size)


def test_self_calibration_recovers_the_gain_and_extrapolates_to_90(
    head_model: SimpleNamespace,
) -> None:
    rng = np.random.default_rng(0)
    truth = np.concatenate([np.linspace(-40, 40, 120), np.linspace(40, 90, 40)])
    seen = cues(head_model, truth)
    face = np.where(np.abs(truth) <= 40, truth + rng.normal(0, 1.0, truth.size), np.nan)
    face[5] = 35.0  # one gross outlier is rejected by the robust fit
    model = calibrate_pose_yaw(seen, face)
    assert model.calibrated and model.frames == int(np.isfinite(face).sum())
    assert model.gain == pytest.approx(head_model.gain, rel=0.05)
    assert model.rmse_deg < 6.0
    np.testing.assert_allclose(pose_yaw(seen, model)[truth > 40], truth[truth > 40], atol=3.0)


def test_self_calibration_falls_back(head_model: SimpleNamespace) -> None:
    truth = np.full(50, 5.0)
    few = np.full(50, np.nan)
    few[:5] = 5.0
    assert calibrate_pose_yaw(cues(head_model, truth), few) == DEFAULT_POSE_YAW_MODEL
    # no spread of yaw: the offset is fitted, the gain stays the default
    still = calibrate_pose_yaw(cues(head_model, truth), truth + 3.0)
    assert still.gain == DEFAULT_POSE_YAW_MODEL.gain and still.frames == 50
    assert pose_yaw(cues(head_model, truth), still)[0] == pytest.approx(8.0, abs=0.5)


def test_fusion_rules() -> None:
    face = np.array([10.0, 60.0, np.nan, 60.0, np.nan, 20.0])
    pose = np.array([12.0, 66.0, 80.0, 10.0, np.nan, np.nan])
    conf = np.array([0.9, 0.8, 0.7, 0.9, 0.0, 0.0])
    out = fuse_head_yaw(face, pose, conf)
    assert list(out.source) == ["face", "fused", "pose", "face", "", "face"]
    assert out.yaw_deg[0] == 10.0  # trusted face: the pose does not move it
    cf = float(face_confidence(60.0))
    w = (1 - cf) * 0.8 / (cf + (1 - cf) * 0.8)
    assert out.yaw_deg[1] == pytest.approx(60.0 + 6.0 * w)
    assert out.confidence[1] == pytest.approx(1 - (1 - cf) * (1 - 0.8))
    assert out.yaw_deg[2] == 80.0 and out.confidence[2] == 0.7
    assert out.yaw_deg[3] == 60.0  # 50 degrees apart: the pose reading is inconsistent
    assert abs(10.0 - 60.0) > MAX_DISAGREEMENT_DEG
    assert np.isnan(out.yaw_deg[4]) and out.confidence[4] == 0.0
    with pytest.raises(ValueError, match="expected equal shapes"):
        fuse_head_yaw(face, pose[:2], conf)


def test_fusion_wraps_across_180() -> None:
    # 20 degrees apart across the wrap; the face at 170 has the floor confidence
    out = fuse_head_yaw(np.array([170.0]), np.array([-170.0]), np.array([1.0]))
    cf = float(face_confidence(170.0))
    w = (1 - cf) / (cf + (1 - cf))
    assert out.source[0] == "fused" and out.yaw_deg[0] == pytest.approx(170.0 + 20.0 * w - 360.0)
    out = fuse_head_yaw(np.array([74.0]), np.array([80.0]), np.array([1.0]))
    assert 74.0 < out.yaw_deg[0] < 80.0


def test_full_range_turn_is_continuous_and_monotonic(head_model: SimpleNamespace) -> None:
    """A turn 0 -> 90 with the face lost beyond 70 (and noisy face/pose readings): the
    fused yaw covers every frame, never jumps, and follows the truth."""
    rng = np.random.default_rng(3)
    truth = np.linspace(0.0, 90.0, 181)
    face = np.where(truth <= 70.0, truth + rng.normal(0, 0.5, truth.size), np.nan)
    out = head_yaw_full_range(face, cues(head_model, truth), use_pose=True)
    assert np.isfinite(out.yaw_deg).all() and (out.confidence > 0).all()
    assert set(out.source) == {"face", "fused", "pose"}
    assert np.max(np.abs(np.diff(out.yaw_deg))) < 3.0
    np.testing.assert_allclose(out.yaw_deg, truth, atol=4.0)


def test_by_default_the_pose_yaw_is_reported_but_not_used(head_model: SimpleNamespace) -> None:
    """Where no face is seen there is no reading (NaN, confidence 0), never a pose guess."""
    truth = np.array([10.0, 80.0])
    out = head_yaw_full_range(np.array([10.0, np.nan]), cues(head_model, truth))
    assert list(out.source) == ["face", ""]
    assert out.yaw_deg[0] == 10.0 and np.isnan(out.yaw_deg[1])
    assert out.confidence[1] == 0.0 and np.isfinite(out.pose_yaw_deg).all()


@settings(max_examples=50, deadline=None)
@given(yaw=st.floats(-85.0, 85.0))
def test_mirrored_image_negates_pose_yaw(yaw: float, head_model: SimpleNamespace) -> None:
    xyz, vis = head_model.landmarks(np.array([yaw]))
    mirrored = xyz.copy()
    mirrored[..., 0] = 1.0 - mirrored[..., 0]
    for a, b in ((2, 5), (7, 8), (9, 10)):  # left <-> right
        mirrored[:, [a, b]] = mirrored[:, [b, a]]
    model = PoseYawModel(gain=head_model.gain, offset=0.0, frames=1, rmse_deg=0.0)
    got = pose_yaw(pose_yaw_cues(xyz, vis, head_model.size), model)
    back = pose_yaw(pose_yaw_cues(mirrored, vis, head_model.size), model)
    assert back[0] == pytest.approx(-got[0], abs=1e-7)


def test_uncalibrated_pose_yaw_is_made_relative_to_the_neutral(head_model: SimpleNamespace) -> None:
    truth = np.array([0.0, 0.0, 30.0])
    neutral = np.array([True, True, False])
    out = head_yaw_full_range(
        np.full(3, np.nan), cues(head_model, truth), neutral_frames=neutral, use_pose=True
    )
    assert out.model == DEFAULT_POSE_YAW_MODEL
    assert out.yaw_deg[0] == pytest.approx(0.0, abs=1e-9)
    assert out.yaw_deg[2] > 20.0


@pytest.mark.parametrize(
    ("frames", "half_spread", "gain_fitted"),
    [(9, 10.0, None), (10, 10.0, True), (20, 5.0, True), (20, 4.99, False)],
    ids=["9 frames", "10 frames", "SD exactly 5", "SD just under 5"],
)
def test_self_calibration_thresholds(
    head_model: SimpleNamespace, frames: int, half_spread: float, gain_fitted: bool | None
) -> None:
    """Known answers at the edges: ``MIN_CALIBRATION_FRAMES`` (10) frames calibrate, 9 do
    not; a face yaw of SD exactly ``MIN_GAIN_SPREAD_DEG`` (5: alternating +-5) fits the
    gain, 4.99 keeps the default one."""
    truth = np.tile([-half_spread, half_spread], frames)[:frames] + 20.0
    model = calibrate_pose_yaw(cues(head_model, truth), truth)
    if gain_fitted is None:
        assert model == DEFAULT_POSE_YAW_MODEL
    else:
        assert model.frames == frames
        assert (model.gain != DEFAULT_POSE_YAW_MODEL.gain) == gain_fitted


def test_disagreement_limit_is_inclusive() -> None:
    """A pose reading exactly ``MAX_DISAGREEMENT_DEG`` (30) from the face's is used; half a
    degree further it is not."""
    face = np.array([60.0, 60.0])
    pose = face + np.array([MAX_DISAGREEMENT_DEG, MAX_DISAGREEMENT_DEG + 0.5])
    out = fuse_head_yaw(face, pose, np.array([0.8, 0.8]))
    assert list(out.source) == ["fused", "face"]
    assert out.yaw_deg[0] > 60.0 and out.yaw_deg[1] == 60.0


def test_pose_confidence_grows_with_the_head_radius() -> None:
    """Radius = hypot(gain * offset, span) in pixels, confidence in proportion up to
    ``MIN_HEAD_RADIUS_PX`` (20): 3-4-5, 6-8-10 and 0.3-0.4-0.5 triangles give 5/20, 10/20
    and 0.5/20 of the model's confidence; 30 px gives all of it."""
    model = PoseYawModel(gain=1.0, offset=0.0, frames=0, rmse_deg=0.0)
    seen = PoseYawCues(
        span=np.array([4.0, 8.0, 24.0, 0.4]),
        offset=np.array([3.0, 6.0, 18.0, 0.3]),
        visibility=np.ones(4),
        nose_x=np.zeros(4),
    )
    got = pose_confidence(seen, model) / model.confidence()
    np.testing.assert_allclose(got, [0.25, 0.5, 1.0, 0.025])
