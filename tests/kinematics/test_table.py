"""The angle table: head fusion, camera and neutral options, and the one-frame (live) call."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import pytest

from rom_tracker.kinematics import table
from rom_tracker.kinematics.camera import (
    MEDIAPIPE_PERSPECTIVE_SHARE,
    Intrinsics,
    mediapipe_intrinsics,
    project,
    ray_yaw_deg,
)
from rom_tracker.kinematics.face_model import correct_face_yaw, face_confidence, face_yaw
from rom_tracker.kinematics.head import rotation_from_head_angles
from rom_tracker.kinematics.neutral import NeutralSpec
from rom_tracker.kinematics.table import (
    HEAD_DETAIL,
    HEAD_GROUP,
    HIP_DETAIL,
    HIP_GROUP,
    AngleOptions,
    angle_table,
    columns_for,
    compute_angles,
)
from rom_tracker.types import FaceTrack, ImageSize, Landmarks, PoseTrack

SIZE = ImageSize(640, 480)


def landmarks(
    head_model: SimpleNamespace,
    yaw: np.ndarray,
    face_seen: np.ndarray,
    shift_cm: float = 0.0,
    face_lm: np.ndarray | None = None,
) -> Landmarks:
    """A head turning by ``yaw`` (deg) over a still, frontal body; the face matrix only in
    ``face_seen`` frames; the head ``shift_cm`` to image right at 60 cm; face landmarks
    ``face_lm`` (T, 478, 3) (default: all 0, no landmark fit, so the matrix yaw alone)."""
    n = yaw.size
    matrix = np.full((n, 4, 4), np.nan, np.float32)
    r = rotation_from_head_angles(yaw, np.zeros(n), np.zeros(n))
    matrix[face_seen, :3, :3] = r[face_seen]
    matrix[face_seen, :3, 3] = (shift_cm, 0.0, -60.0)
    matrix[face_seen, 3] = (0.0, 0.0, 0.0, 1.0)
    image, vis = head_model.landmarks(yaw)
    image[:, 11] = (0.65, 0.6, 0.0)  # shoulders, still
    image[:, 12] = (0.35, 0.6, 0.0)
    world = np.zeros((n, 33, 3))
    world[:, 11], world[:, 12] = (0.18, -0.5, 0.0), (-0.18, -0.5, 0.0)
    return Landmarks(
        t_s=np.arange(n) / 30.0,
        size=SIZE,
        face=FaceTrack(
            np.zeros((n, 478, 3), np.float32) if face_lm is None else face_lm,
            matrix,
            np.asarray(face_seen, dtype=bool),
        ),
        pose=PoseTrack(
            image.astype(np.float32),
            world.astype(np.float32),
            vis.astype(np.float32),
            np.ones(n, dtype=bool),
        ),
    )


def test_groups_and_columns() -> None:
    assert columns_for("all") == HEAD_GROUP + HIP_GROUP
    every = columns_for("all", details=True)
    assert every == HEAD_GROUP + HEAD_DETAIL + HIP_GROUP + HIP_DETAIL
    assert len(set(every)) == len(every)


def test_head_yaw_continues_where_the_face_is_lost(head_model: SimpleNamespace) -> None:
    yaw = np.concatenate([np.linspace(-40, 40, 60), np.linspace(40, 88, 30)])
    lm = landmarks(head_model, yaw, np.abs(yaw) <= 70)
    options = AngleOptions(
        calibrate_pose_yaw=True, details=True, correct_face_yaw=False, use_pose_yaw=True
    )
    result = compute_angles(lm, "head", options)
    v = result.values
    assert list(v) == list(HEAD_GROUP + HEAD_DETAIL)
    assert result.pose_yaw_model.calibrated
    assert np.isfinite(v["head_yaw_deg"]).all()
    assert set(result.head_source) == {"face", "fused", "pose"}
    assert (result.head_source[np.abs(yaw) > 70] == "pose").all()
    np.testing.assert_allclose(v["head_yaw_deg"], yaw, atol=4.0)
    np.testing.assert_allclose(v["trunk_yaw_deg"], 0.0, atol=1e-6)
    np.testing.assert_allclose(v["neck_rotation_deg"], v["head_yaw_deg"], atol=1e-6)
    assert np.isnan(v["head_pitch_deg"][np.abs(yaw) > 70]).all()  # pitch needs the face
    assert ((v["head_confidence"] > 0) & (v["head_confidence"] <= 1)).all()


def test_defaults_correct_the_face_yaw_and_leave_no_reading_without_a_face(
    head_model: SimpleNamespace,
) -> None:
    yaw = np.array([0.0, 20.0, -40.0, 80.0])
    lm = landmarks(head_model, yaw, np.abs(yaw) <= 70)
    result = compute_angles(lm, "head", AngleOptions(details=True))
    v = result.values
    np.testing.assert_allclose(v["head_yaw_deg"][:3], correct_face_yaw(yaw[:3]), atol=1e-6)
    np.testing.assert_allclose(v["head_yaw_face_deg"][:3], yaw[:3], atol=1e-6)  # raw
    assert np.isnan(v["head_yaw_deg"][3]) and v["head_confidence"][3] == 0.0
    assert np.isfinite(v["head_yaw_pose_deg"][3])  # reported, not used
    assert list(result.head_source) == ["face", "face", "face", ""]
    np.testing.assert_allclose(v["head_confidence"][:3], face_confidence(v["head_yaw_deg"][:3]))


def test_defaults_blend_the_matrix_yaw_with_the_landmark_fit(
    head_model: SimpleNamespace, face_points: Callable[..., np.ndarray]
) -> None:
    """The face yaw is kinematics.face_model's blend of the matrix yaw and the landmark
    fit, then corrected; head_yaw_face_deg stays the matrix yaw."""
    yaw = np.array([0.0, 20.0, -40.0, 55.0])
    fit = yaw + np.array([0.0, 3.0, -4.0, 5.0])  # the fit reads further out
    lm = landmarks(head_model, yaw, np.ones(4, dtype=bool), face_lm=face_points(fit))
    v = compute_angles(lm, "head", AngleOptions(details=True)).values
    np.testing.assert_allclose(v["head_yaw_deg"], correct_face_yaw(face_yaw(yaw, fit)), atol=0.05)
    np.testing.assert_allclose(v["head_yaw_face_deg"], yaw, atol=1e-5)
    raw = compute_angles(lm, "head", AngleOptions(correct_face_yaw=False)).values
    np.testing.assert_allclose(raw["head_yaw_deg"], yaw, atol=1e-5)  # raw: the matrix alone


def test_camera_option_corrects_the_landmark_fit_by_the_whole_ray(
    head_model: SimpleNamespace, face_points: Callable[..., np.ndarray]
) -> None:
    """The fit is appearance only (share 0 of the ray), the matrix has MediaPipe's share."""
    lm = landmarks(head_model, np.zeros(5), np.ones(5, dtype=bool), 20.0, face_points(np.zeros(5)))
    cam = Intrinsics.from_fov(640, 480, 65.0)
    got = compute_angles(lm, "head", AngleOptions(camera=cam)).values["head_yaw_deg"]
    pixel = project(mediapipe_intrinsics(640, 480), np.array([[20.0, 0.0, -60.0]]))
    ray = ray_yaw_deg(cam, pixel[:, 0])[0]
    matrix = MEDIAPIPE_PERSPECTIVE_SHARE * np.degrees(np.arctan2(20.0, 60.0)) - ray
    want = correct_face_yaw(face_yaw(np.array([matrix]), np.array([-ray])))
    np.testing.assert_allclose(got, want[0], atol=0.05)


def test_neutral_option_applies_to_the_landmark_fit(
    head_model: SimpleNamespace, face_points: Callable[..., np.ndarray]
) -> None:
    yaw = np.concatenate([np.full(30, 8.0), np.linspace(8.0, 50.0, 30)])
    lm = landmarks(head_model, yaw, np.ones(60, dtype=bool), face_lm=face_points(yaw))
    v = compute_angles(lm, "head", AngleOptions(neutral=NeutralSpec("first", 0.5))).values
    np.testing.assert_allclose(v["head_yaw_deg"][:30], 0.0, atol=0.05)
    assert v["head_yaw_deg"][-1] == pytest.approx(correct_face_yaw(42.0), abs=0.5)


def test_camera_option_removes_the_off_axis_turn(head_model: SimpleNamespace) -> None:
    yaw = np.zeros(20)
    lm = landmarks(head_model, yaw, np.ones(20, dtype=bool), shift_cm=20.0)
    raw = compute_angles(lm, "head").values["head_yaw_deg"]
    cam = Intrinsics.from_fov(640, 480, 65.0)
    options = AngleOptions(camera=cam, correct_face_yaw=False)
    fixed = compute_angles(lm, "head", options).values["head_yaw_deg"]
    np.testing.assert_allclose(raw, 0.0, atol=1e-5)
    # frontal-looking right of the axis: turned toward the camera, by the true ray angle
    # less the share MediaPipe already removed
    pixel = project(mediapipe_intrinsics(640, 480), np.array([[20.0, 0.0, -60.0]]))
    want = MEDIAPIPE_PERSPECTIVE_SHARE * np.degrees(np.arctan2(20.0, 60.0)) - ray_yaw_deg(
        cam, pixel[:, 0]
    )
    np.testing.assert_allclose(fixed, want[0], atol=1e-6)
    assert want[0] < -8.0


def test_neutral_option(head_model: SimpleNamespace) -> None:
    yaw = np.concatenate([np.full(30, 8.0), np.linspace(8.0, 50.0, 30)])
    lm = landmarks(head_model, yaw, np.ones(60, dtype=bool))
    options = AngleOptions(neutral=NeutralSpec("first", 0.5), correct_face_yaw=False)
    result = compute_angles(lm, "head", options)
    v = result.values
    assert result.neutral_frames == 16  # t <= 0.5 s at 30 fps
    np.testing.assert_allclose(v["head_yaw_deg"][:30], 0.0, atol=1e-5)
    assert v["head_yaw_deg"][-1] == pytest.approx(42.0, abs=0.5)


def test_one_frame_call_for_live_display(head_model: SimpleNamespace) -> None:
    lm = landmarks(head_model, np.array([80.0]), np.array([False]))
    table = angle_table(lm, "all")
    assert list(table) == list(columns_for("all"))
    assert all(v.dtype == np.float64 and v.shape == (1,) for v in table.values())
    assert np.isnan(table["head_yaw_deg"][0])  # no face: no reading (the pose yaw is not used)
    lm = landmarks(head_model, np.array([30.0]), np.array([True]))
    assert angle_table(lm, "all")["head_yaw_deg"][0] == pytest.approx(correct_face_yaw(30.0))


def test_hip_only_has_no_head_columns(head_model: SimpleNamespace) -> None:
    result = compute_angles(landmarks(head_model, np.zeros(3), np.ones(3, dtype=bool)), "hip")
    assert list(result.values) == list(HIP_GROUP)
    assert (result.head_source == "").all()


@pytest.mark.parametrize(
    "options",
    [
        AngleOptions(details=True, use_pose_yaw=True),
        AngleOptions(camera=Intrinsics.from_fov(640, 480, 65.0), use_pose_yaw=True),
    ],
    ids=["default", "camera"],
)
def test_long_inputs_by_chunks_give_the_same_table(
    head_model: SimpleNamespace, options: AngleOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    yaw = np.linspace(-85.0, 85.0, 23)
    lm = landmarks(head_model, yaw, np.abs(yaw) <= 70, shift_cm=10.0)
    whole = compute_angles(lm, "all", options)
    monkeypatch.setattr(table, "CHUNK_FRAMES", 5)  # 23 frames: five chunks, the last short
    chunked = compute_angles(lm, "all", options)
    assert list(chunked.values) == list(whole.values)
    for name, values in whole.values.items():
        np.testing.assert_array_equal(chunked.values[name], values, err_msg=name)
    np.testing.assert_array_equal(chunked.head_source, whole.head_source)
    assert set(whole.head_source) == {"face", "fused", "pose"}
    assert (chunked.pose_yaw_model, chunked.notes) == (whole.pose_yaw_model, whole.notes)
