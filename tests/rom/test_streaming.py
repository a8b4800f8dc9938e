"""Live clean-up: a jittery still trunk no longer shakes neck rotation; the pose-yaw model
is fitted as frames come."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rom_tracker.kinematics.fusion import DEFAULT_POSE_YAW_MODEL, PoseYawCues, pose_yaw
from rom_tracker.rom.streaming import PoseYawCalibrator, TrunkStabiliser


def test_trunk_jitter_is_removed_from_neck_rotation() -> None:
    rng = np.random.default_rng(0)
    stab = TrunkStabiliser()
    neck = []
    for i in range(300):  # 10 s at 30 fps: head held at 30 deg, trunk still but jittery
        t = i / 30
        trunk = float(rng.normal(0.0, 4.0))
        out = stab.update(
            t, {"head_yaw_deg": 30.0, "trunk_yaw_deg": trunk, "neck_rotation_deg": 30.0 - trunk}
        )
        neck.append(out["neck_rotation_deg"])
    late = np.array(neck[60:])
    raw_sd = 4.0
    print(f"neck SD after 2 s: {late.std():.2f} deg (raw trunk SD {raw_sd})")
    assert late.std() < raw_sd / 3
    assert abs(late.mean() - 30.0) < 2.0


def test_lost_trunk_is_bridged_briefly_then_left_unknown() -> None:
    stab = TrunkStabiliser(hold_s=0.5)
    stab.update(0.0, {"head_yaw_deg": 10.0, "trunk_yaw_deg": 5.0, "neck_rotation_deg": 5.0})
    gap = {"head_yaw_deg": 20.0, "trunk_yaw_deg": math.nan, "neck_rotation_deg": math.nan}
    assert stab.update(0.3, gap)["neck_rotation_deg"] == 15.0
    assert math.isnan(stab.update(1.0, gap)["neck_rotation_deg"])


def test_other_columns_untouched() -> None:
    stab = TrunkStabiliser()
    angles = {"hip_flexion_left_deg": 12.5}
    assert stab.update(0.0, angles) == angles


def _cues(yaw_deg: np.ndarray, gain: float, offset: float = 0.0) -> PoseYawCues:
    """Cues of a head turning by ``yaw_deg`` whose true model is ``gain``, ``offset``."""
    span = 100.0 * np.cos(np.radians(yaw_deg))
    o = (np.tan(np.radians(yaw_deg)) - offset) * span / gain
    return PoseYawCues(span, o, np.ones_like(span), np.zeros_like(span))


def test_calibrator_learns_the_model_from_the_trusted_frames_as_they_come() -> None:
    cal = PoseYawCalibrator(every=10)
    assert cal.model == DEFAULT_POSE_YAW_MODEL
    yaw = 40.0 * np.sin(np.linspace(0, 2 * np.pi, 90))  # a few seconds of moderate turns
    for y in yaw:
        cal.update(_cues(np.array([y]), gain=1.7, offset=0.05), np.array([y]))
    assert cal.model.calibrated
    assert abs(cal.model.gain - 1.7) < 0.01 and abs(cal.model.offset - 0.05) < 0.01
    # far turns without a face change nothing: the model stays the one fitted
    before, kept = cal.model, len(cal)
    cal.update(_cues(np.full(30, 85.0), gain=1.7), np.full(30, np.nan))
    assert cal.model == before and len(cal) == kept
    # the fitted model reads the far turn right where the default would not
    far = _cues(np.array([70.0]), gain=1.7)
    assert abs(pose_yaw(far, cal.model)[0] - 70.0) < 0.5
    assert abs(pose_yaw(far, DEFAULT_POSE_YAW_MODEL)[0] - 70.0) > 5.0


def test_calibrator_keeps_the_default_until_enough_frames() -> None:
    cal = PoseYawCalibrator(every=1)
    cal.update(_cues(np.arange(5.0), gain=2.0), np.arange(5.0))
    assert cal.model == DEFAULT_POSE_YAW_MODEL
    with pytest.raises(ValueError, match="window, every"):
        PoseYawCalibrator(window=0)


def test_calibrator_takes_faces_up_to_45_degrees_inclusive_and_a_real_span() -> None:
    """A frame counts while |face yaw| <= FACE_TRUSTED_DEG (45) and the ears span > 0 px."""
    from rom_tracker.kinematics.fusion import FACE_TRUSTED_DEG

    cal = PoseYawCalibrator(every=100)
    face = np.array([FACE_TRUSTED_DEG, -FACE_TRUSTED_DEG, 45.5, 10.0, 20.0])
    cues = _cues(face, gain=1.7)
    span = cues.span.copy()
    span[3:] = (0.0, 0.5)  # the ears on one point: no span; half a pixel: a span
    cal.update(PoseYawCues(span, cues.offset, cues.visibility, cues.nose_x), face)
    assert len(cal) == 3
