"""Head yaw/pitch/roll from rotation matrices: signs, known answers, round trips, contracts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from rom_tracker.kinematics.head import (
    EULER_SIGNS,
    HEAD_COLUMNS,
    head_angles,
    head_angles_from_rotation,
    neck_rotation,
    plausible_trunk_yaw,
    rotation_from_head_angles,
    rotation_part,
)

EXACT = 1e-9
ANGLES = [0.0, 30.0, 45.0, 60.0, 89.0]


def rotvec(axis: int, deg: float) -> np.ndarray:
    """Right-handed rotation about camera axis 0/1/2 by ``deg``, built by scipy, (1, 3, 3)."""
    v = np.zeros(3)
    v[axis] = np.radians(deg)
    return Rotation.from_rotvec(v).as_matrix()[None]


def as_4x4(rotation: np.ndarray, scale: float = 1.0, shift: float = 0.0) -> np.ndarray:
    m = np.zeros((rotation.shape[0], 4, 4))
    m[:, :3, :3] = scale * rotation
    m[:, :3, 3] = shift
    m[:, 3, 3] = 1.0
    return m


def angle_diff(a: npt.ArrayLike, b: npt.ArrayLike) -> np.ndarray:
    """Smallest signed difference between angles in degrees."""
    return (np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0


# --- the sign mapping, stated as directions of the head's axes in the camera frame --------


def test_euler_sign_mapping_is_as_documented() -> None:
    assert EULER_SIGNS == {"yaw": 1.0, "pitch": 1.0, "roll": -1.0}
    assert HEAD_COLUMNS == ("head_yaw_deg", "head_pitch_deg", "head_roll_deg")


@pytest.mark.parametrize("deg", [10.0, 30.0, 60.0])
def test_positive_yaw_moves_face_normal_to_image_right(deg: float) -> None:
    r = rotation_from_head_angles([deg], [0.0], [0.0])[0]
    assert r[0, 2] > 0.0  # face normal (third column) toward +x = image right


@pytest.mark.parametrize("deg", [10.0, 30.0, 60.0])
def test_positive_pitch_moves_face_normal_down(deg: float) -> None:
    r = rotation_from_head_angles([0.0], [deg], [0.0])[0]
    assert r[1, 2] < 0.0  # face normal toward -y = image down: chin down, flexion


@pytest.mark.parametrize("deg", [10.0, 30.0, 60.0])
def test_positive_roll_moves_head_top_to_image_right(deg: float) -> None:
    r = rotation_from_head_angles([0.0], [0.0], [deg])[0]
    assert r[0, 1] > 0.0  # head up (second column) toward +x: left ear to left shoulder


# --- known answers: one axis at a time, rotations built independently by scipy ------------


@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("deg", ANGLES)
@pytest.mark.parametrize(
    ("axis", "rotvec_sign", "column"),
    [(1, 1.0, 0), (0, 1.0, 1), (2, -1.0, 2)],
    ids=["yaw", "pitch", "roll"],
)
def test_single_axis_known_answers(
    axis: int, rotvec_sign: float, column: int, deg: float, sign: float
) -> None:
    want = np.zeros(3)
    want[column] = sign * deg
    got = np.array(head_angles_from_rotation(rotvec(axis, rotvec_sign * sign * deg)))[:, 0]
    np.testing.assert_allclose(got, want, atol=EXACT)


@pytest.mark.parametrize(
    ("yaw", "pitch", "roll"),
    [(20.0, 10.0, -5.0), (-45.0, -30.0, 15.0), (120.0, 45.0, 170.0), (180.0, 0.0, 0.0)],
)
def test_matches_scipy_intrinsic_yxz(yaw: float, pitch: float, roll: float) -> None:
    # scipy: upper-case axes are intrinsic, "YXZ" -> Ry(a) @ Rx(b) @ Rz(c).
    r = Rotation.from_euler("YXZ", [yaw, pitch, -roll], degrees=True).as_matrix()[None]
    np.testing.assert_allclose(rotation_from_head_angles([yaw], [pitch], [roll]), r, atol=EXACT)
    got = np.array(head_angles_from_rotation(r))[:, 0]
    np.testing.assert_allclose(angle_diff(got, [yaw, pitch, roll]), 0.0, atol=EXACT)


def test_yaw_range_is_half_open_at_180() -> None:
    yaw, _, _ = head_angles_from_rotation(rotvec(1, 180.0))
    assert yaw[0] == pytest.approx(180.0)
    yaw, _, _ = head_angles_from_rotation(rotvec(1, -180.0))
    assert yaw[0] == pytest.approx(180.0)


def test_head_angles_columns_from_4x4() -> None:
    r = np.concatenate([rotvec(1, 30.0), rotvec(0, -20.0), rotvec(2, -10.0)])
    out = head_angles(as_4x4(r, shift=-40.0))
    assert list(out) == list(HEAD_COLUMNS)
    for v in out.values():
        assert v.dtype == np.float64
        assert v.shape == (3,)
    np.testing.assert_allclose(out["head_yaw_deg"], [30.0, 0.0, 0.0], atol=EXACT)
    np.testing.assert_allclose(out["head_pitch_deg"], [0.0, -20.0, 0.0], atol=EXACT)
    np.testing.assert_allclose(out["head_roll_deg"], [0.0, 0.0, 10.0], atol=EXACT)


# --- round trips and invariances ----------------------------------------------------------

angle = st.floats(-180.0, 180.0, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(yaw=angle, pitch=st.floats(-89.9, 89.9), roll=angle)
def test_round_trip_angles(yaw: float, pitch: float, roll: float) -> None:
    r = rotation_from_head_angles([yaw], [pitch], [roll])
    got = np.array(head_angles_from_rotation(r))[:, 0]
    np.testing.assert_allclose(angle_diff(got, [yaw, pitch, roll]), 0.0, atol=1e-7)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_round_trip_rotations(seed: int) -> None:
    r = Rotation.random(8, random_state=seed).as_matrix()
    back = rotation_from_head_angles(*head_angles_from_rotation(r))
    np.testing.assert_allclose(back, r, atol=1e-9)


@pytest.mark.parametrize("pitch", [90.0, -90.0])
@pytest.mark.parametrize("yaw", [0.0, 35.0, -120.0])
def test_gimbal_lock_round_trip_reports_zero_roll(yaw: float, pitch: float) -> None:
    r = Rotation.from_euler("YXZ", [yaw, pitch, 25.0], degrees=True).as_matrix()[None]
    y, p, ro = head_angles_from_rotation(r)
    assert p[0] == pytest.approx(pitch)
    assert ro[0] == 0.0
    np.testing.assert_allclose(rotation_from_head_angles(y, p, ro), r, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    scale=st.floats(0.01, 100.0),
    shift=st.floats(-100.0, 100.0),
)
def test_scale_and_translation_do_not_change_angles(seed: int, scale: float, shift: float) -> None:
    r = Rotation.random(4, random_state=seed).as_matrix()
    want = head_angles(as_4x4(r))
    got = head_angles(as_4x4(r, scale=scale, shift=shift))
    for name in HEAD_COLUMNS:
        np.testing.assert_allclose(angle_diff(got[name], want[name]), 0.0, atol=1e-7)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_mirrored_image_negates_yaw_and_roll(seed: int) -> None:
    # Mirroring the image (x -> -x) mirrors the camera and the canonical face alike.
    m = np.diag([-1.0, 1.0, 1.0])
    r = Rotation.random(4, random_state=seed).as_matrix()
    yaw, pitch, roll = head_angles_from_rotation(r)
    myaw, mpitch, mroll = head_angles_from_rotation(m @ r @ m)
    np.testing.assert_allclose(angle_diff(myaw, -yaw), 0.0, atol=1e-7)
    np.testing.assert_allclose(mpitch, pitch, atol=1e-9)
    np.testing.assert_allclose(angle_diff(mroll, -roll), 0.0, atol=1e-7)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(0.01, 100.0))
def test_gram_schmidt_matches_the_svd_nearest_rotation(seed: int, scale: float) -> None:
    # float32 rounding of a scaled rotation: the one-step orthonormalisation agrees with
    # the SVD's nearest rotation far below any angle that matters (1e-4 deg).
    r = Rotation.random(16, random_state=seed).as_matrix()
    m = (scale * r).astype(np.float32)
    u, _, vt = np.linalg.svd(m.astype(np.float64))
    want = head_angles_from_rotation(u @ vt)
    got = head_angles_from_rotation(rotation_part(m))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(angle_diff(g, w), 0.0, atol=1e-4)


def test_orthonormalisation_removes_small_non_orthogonality() -> None:
    r = rotation_from_head_angles([25.0], [-10.0], [5.0])
    noisy = r + 1e-4 * np.random.default_rng(0).standard_normal((1, 3, 3))
    clean = rotation_part(noisy)
    np.testing.assert_allclose(clean[0] @ clean[0].T, np.eye(3), atol=1e-12)
    got = np.array(head_angles_from_rotation(clean))[:, 0]
    np.testing.assert_allclose(got, [25.0, -10.0, 5.0], atol=0.05)


# --- contracts: NaN, degenerate matrices, shapes -------------------------------------------


def test_nan_inf_and_degenerate_matrices_give_nan_only_in_their_frames() -> None:
    good = as_4x4(rotation_from_head_angles([10.0] * 6, [5.0] * 6, [-3.0] * 6))
    good[1, 0, 0] = np.nan
    good[2, 1, 2] = np.inf
    good[3, :3, :3] = 0.0  # singular
    good[4, :3, :3] = np.diag([1.0, 1.0, -1.0])  # reflection, not a rotation
    out = head_angles(good)
    for v in out.values():
        assert np.isnan(v[1:5]).all()
        assert np.isfinite(v[[0, 5]]).all()


def test_all_nan_and_empty_inputs() -> None:
    out = head_angles(np.full((3, 4, 4), np.nan, np.float32))
    assert all(np.isnan(v).all() and v.shape == (3,) for v in out.values())
    out = head_angles(np.zeros((0, 4, 4)))
    assert all(v.shape == (0,) for v in out.values())
    y, p, r = head_angles_from_rotation(np.full((2, 3, 3), np.nan))
    assert np.isnan(np.concatenate([y, p, r])).all()


@pytest.mark.parametrize(
    ("func", "arg", "message"),
    [
        (head_angles, np.zeros((4, 4)), r"expected shape \(T, 4, 4\) or \(T, 3, 3\), got \(4, 4\)"),
        (head_angles, np.zeros((2, 3, 4)), r"got \(2, 3, 4\)"),
        (
            head_angles_from_rotation,
            np.zeros((2, 4, 4)),
            r"rotation: expected shape \(T, 3, 3\), got \(2, 4, 4\)",
        ),
    ],
)
def test_bad_shapes_raise_naming_both_shapes(
    func: Callable[[np.ndarray], object], arg: np.ndarray, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        func(arg)


def test_rotation_from_head_angles_shapes() -> None:
    assert rotation_from_head_angles([1.0, 2.0], [0.0, 0.0], [0.0, 0.0]).shape == (2, 3, 3)
    assert rotation_from_head_angles(5.0, 0.0, 0.0).shape == (1, 3, 3)
    with pytest.raises(ValueError, match=r"expected equal shapes"):
        rotation_from_head_angles([1.0, 2.0], [0.0, 0.0, 0.0], [0.0])
    assert np.isnan(rotation_from_head_angles([np.nan], [0.0], [0.0])).any()


# --- neck rotation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "trunk", "want"),
    [
        (30.0, 10.0, 20.0),
        (-30.0, 10.0, -40.0),
        (170.0, -170.0, -20.0),
        (-170.0, 170.0, 20.0),
        (90.0, -90.0, 180.0),
        (-90.0, 90.0, 180.0),
        (0.0, 0.0, 0.0),
        (np.nan, 10.0, np.nan),
        (10.0, np.inf, np.nan),
    ],
)
def test_neck_rotation_wraps(head: float, trunk: float, want: float) -> None:
    got = neck_rotation(np.array([head]), np.array([trunk]))
    np.testing.assert_allclose(got, [want], atol=EXACT)
    assert got.dtype == np.float64


def test_neck_rotation_shape_mismatch() -> None:
    with pytest.raises(ValueError, match=r"expected shape \(3,\).*got \(2,\)"):
        neck_rotation(np.zeros(3), np.zeros(2))


# --- real photos: the sign conventions against AFLW2000-3D ground truth -------------------


@pytest.mark.real
def test_signs_on_real_photos(shared_dir: Path) -> None:
    """MediaPipe's matrix through head_angles agrees in sign with AFLW2000-3D labels.

    AFLW's yaw > 0 is a turn to the subject's own right and pitch > 0 is looking up, so
    ours should be about the negative of theirs. Tolerance 15 degrees (the face model errs
    by 5-11 degrees at 35-55 degrees of yaw, see ../shared/data/README.md).
    """
    import cv2
    from scipy import io

    from rom_tracker.media.landmarks import FaceLandmarker

    photos = sorted((shared_dir / "data" / "headpose" / "aflw_dev").glob("*.jpg"))
    assert photos
    rows = []
    with FaceLandmarker(shared_dir / "models" / "face_landmarker.task", video=False) as face:
        for photo in photos:
            found = face.process(cv2.cvtColor(cv2.imread(str(photo)), cv2.COLOR_BGR2RGB), 0.0)
            assert found is not None, photo.name
            ours = head_angles(found[1][None])
            pitch, yaw, _ = np.degrees(io.loadmat(photo.with_suffix(".mat"))["Pose_Para"][0][:3])
            rows.append(
                (photo.name, -yaw, ours["head_yaw_deg"][0], -pitch, ours["head_pitch_deg"][0])
            )
    for name, want_yaw, yaw, want_pitch, pitch in rows:
        print(
            f"{name}: yaw {yaw:6.1f} (truth {want_yaw:6.1f}), pitch {pitch:6.1f} ({want_pitch:6.1f})"
        )
    want_yaw, yaw, want_pitch, pitch = (np.array([r[i] for r in rows]) for i in (1, 2, 3, 4))
    print(f"yaw error: mean abs {np.mean(np.abs(yaw - want_yaw)):.1f} deg")
    turned, tilted = np.abs(want_yaw) > 10, np.abs(want_pitch) > 10
    assert (np.sign(yaw[turned]) == np.sign(want_yaw[turned])).all()
    assert (np.sign(pitch[tilted]) == np.sign(want_pitch[tilted])).all()
    np.testing.assert_allclose(yaw, want_yaw, atol=15.0)


# --- trunk yaw plausibility -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("trunk", "face", "head", "kept"),
    [
        (10.0, 5.0, 5.0, True),
        (150.0, 5.0, 5.0, False),  # chest away from the camera while the face is seen
        (150.0, np.nan, 140.0, True),  # no face: a back view is possible
        (-120.0, np.nan, 60.0, False),  # 180 degrees of neck rotation
        (60.0, np.nan, -30.0, True),
        (np.nan, 0.0, 0.0, False),
        (90.0, 5.0, 5.0, True),  # a trunk at exactly 90 with a frontal face: kept
        (90.5, 5.0, 5.0, False),
        (100.0, 75.0, 70.0, False),  # a face at exactly FRONTAL_FACE_DEG counts as frontal
        (100.0, 75.5, 70.0, True),
        (-60.0, np.nan, 40.0, True),  # exactly MAX_NECK_ROTATION_DEG apart: kept
        (-60.5, np.nan, 40.0, False),
    ],
)
def test_plausible_trunk_yaw(trunk: float, face: float, head: float, kept: bool) -> None:
    got = plausible_trunk_yaw(np.array([trunk]), np.array([face]), np.array([head]))
    assert np.isfinite(got[0]) == kept
    if kept:
        assert got[0] == trunk
    with pytest.raises(ValueError, match="expected equal shapes"):
        plausible_trunk_yaw(np.zeros(2), np.zeros(1), np.zeros(2))
