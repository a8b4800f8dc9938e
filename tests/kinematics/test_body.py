"""Trunk, hip and knee angles: known answers, invariances, mirror symmetry, contracts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from rom_tracker.kinematics.body import (
    BODY_COLUMNS,
    IMAGE_COLUMNS,
    LEGS,
    WORLD_COLUMNS,
    PoseLandmark,
    body_angles,
    image_angles,
    trunk_frame,
    world_angles,
)
from rom_tracker.types import ImageSize

P = PoseLandmark
EXACT = 1e-9

# World frame: x image right, y down, z away from the camera. A subject facing the camera
# has their left on +x, their up on -y and their front on -z.
DOWN = np.array([0.0, 1.0, 0.0])
FORWARD = np.array([0.0, 0.0, -1.0])
LEFT = np.array([1.0, 0.0, 0.0])

# Mirror pairs of BlazePose landmarks (left <-> right).
MIRROR_PAIRS = [(1, 4), (2, 5), (3, 6), (7, 8), (9, 10)] + [(i, i + 1) for i in range(11, 33, 2)]
SWAP = np.arange(33)
for _a, _b in MIRROR_PAIRS:
    SWAP[_a], SWAP[_b] = _b, _a

WORLD_ONLY_LEG_COLUMNS = [c for c in WORLD_COLUMNS if c.startswith(("hip", "knee"))]


def thigh_dir(flexion: float = 0.0, abduction: float = 0.0, outward: float = 1.0) -> np.ndarray:
    """Unit thigh whose sagittal projection makes ``flexion`` and frontal ``abduction``.

    For |angles| < 90 the thigh is (1, tan f, tan a) in (down, forward, outward).
    Pure flexion of any size when abduction is 0.
    """
    f, a = np.radians(flexion), np.radians(abduction)
    if abduction == 0.0:
        v = np.cos(f) * DOWN + np.sin(f) * FORWARD
    else:
        v = DOWN + np.tan(f) * FORWARD + np.tan(a) * outward * LEFT
    return v / np.linalg.norm(v)


def world_pose(
    flexion: tuple[float, float] = (0.0, 0.0),
    abduction: tuple[float, float] = (0.0, 0.0),
    knee: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """One frame (1, 33, 3) of world landmarks, subject facing the camera, upright trunk."""
    xyz = np.zeros((33, 3))
    xyz[P.NOSE] = (0.0, -0.65, -0.1)
    xyz[P.LEFT_EAR], xyz[P.RIGHT_EAR] = (0.07, -0.65, 0.0), (-0.07, -0.65, 0.0)
    xyz[P.LEFT_SHOULDER], xyz[P.RIGHT_SHOULDER] = (0.18, -0.5, 0.0), (-0.18, -0.5, 0.0)
    xyz[P.LEFT_HIP], xyz[P.RIGHT_HIP] = (0.1, 0.0, 0.0), (-0.1, 0.0, 0.0)
    for leg, f, a, k in zip(LEGS, flexion, abduction, knee, strict=True):
        thigh = thigh_dir(f, a, leg.outward)
        # Knee flexion: the shank turns backward from the thigh in the sagittal plane.
        kr = np.radians(k)
        side = np.cross(thigh, FORWARD) if abs(thigh @ FORWARD) < 0.99 else LEFT
        side /= np.linalg.norm(side)
        back = np.cross(side, thigh)
        shank = np.cos(kr) * thigh + np.sin(kr) * back
        xyz[leg.knee] = xyz[leg.hip] + 0.42 * thigh
        xyz[leg.ankle] = xyz[leg.knee] + 0.4 * shank
        xyz[leg.heel] = xyz[leg.ankle] + (0.0, 0.05, 0.05)
        xyz[leg.toe] = xyz[leg.ankle] + (0.0, 0.05, -0.15)
    return xyz[None]


def mirror(xyz: np.ndarray, width: float | None = None) -> np.ndarray:
    """Mirror x (world: x -> -x; image: x -> 1 - x) and swap left/right landmarks."""
    out = xyz[:, SWAP].copy()
    out[..., 0] = -out[..., 0] if width is None else width - out[..., 0]
    return out


# --- the body frame and the sign mappings ---------------------------------------------------


def test_forward_points_toward_camera_for_a_subject_facing_it() -> None:
    pose = world_pose()[0]
    frame = trunk_frame(*(pose[[i]] for i in (11, 12, 23, 24)))
    assert frame.forward[0, 2] < -0.99  # toward the camera: -z
    np.testing.assert_allclose(frame.up[0], -DOWN, atol=0.05)
    np.testing.assert_allclose(frame.left[0], LEFT, atol=0.05)
    basis = np.stack([frame.up[0], frame.forward[0], frame.left[0]])
    np.testing.assert_allclose(basis @ basis.T, np.eye(3), atol=1e-12)


def test_leg_sign_mapping() -> None:
    assert [(leg.side, leg.hip, leg.knee, leg.ankle, leg.outward) for leg in LEGS] == [
        ("left", 23, 25, 27, 1.0),
        ("right", 24, 26, 28, -1.0),
    ]


def test_columns_and_dtypes() -> None:
    out = body_angles(world_pose())
    assert tuple(out) == BODY_COLUMNS == WORLD_COLUMNS + IMAGE_COLUMNS
    for v in out.values():
        assert v.dtype == np.float64
        assert v.shape == (1,)
    assert all(np.isnan(out[c]).all() for c in IMAGE_COLUMNS)  # no image landmarks given


# --- known answers ----------------------------------------------------------------------------

FLEXION = [0.0, 45.0, 90.0, 135.0, -15.0, -45.0, -90.0, -135.0]


@pytest.mark.parametrize("deg", FLEXION)
@pytest.mark.parametrize("leg", [0, 1], ids=["left", "right"])
def test_hip_flexion_known_answers(leg: int, deg: float) -> None:
    flex = [0.0, 0.0]
    flex[leg] = deg
    out = world_angles(world_pose(flexion=(flex[0], flex[1])))
    side, other = LEGS[leg].side, LEGS[1 - leg].side
    np.testing.assert_allclose(out[f"hip_flexion_{side}_deg"], [deg], atol=EXACT)
    np.testing.assert_allclose(out[f"hip_flexion_{other}_deg"], [0.0], atol=EXACT)
    # The frontal-plane projection of a thigh flexed to 90 is a point: abduction undefined.
    abduction = out[f"hip_abduction_{side}_deg"]
    if abs(deg) < 90:
        np.testing.assert_allclose(abduction, [0.0], atol=EXACT)
    elif abs(deg) == 90:
        assert np.isnan(abduction).all()


@pytest.mark.parametrize("deg", [0.0, 20.0, 45.0, 60.0, -10.0, -30.0])
@pytest.mark.parametrize("leg", [0, 1], ids=["left", "right"])
def test_hip_abduction_known_answers(leg: int, deg: float) -> None:
    abd = [0.0, 0.0]
    abd[leg] = deg
    out = world_angles(world_pose(abduction=(abd[0], abd[1])))
    side = LEGS[leg].side
    np.testing.assert_allclose(out[f"hip_abduction_{side}_deg"], [deg], atol=EXACT)
    np.testing.assert_allclose(out[f"hip_flexion_{side}_deg"], [0.0], atol=EXACT)


def test_abduction_moves_thighs_away_from_the_midline() -> None:
    pose = world_pose(abduction=(30.0, 30.0))[0]
    assert pose[P.LEFT_KNEE, 0] > pose[P.LEFT_HIP, 0]  # left knee further to +x (left)
    assert pose[P.RIGHT_KNEE, 0] < pose[P.RIGHT_HIP, 0]


@pytest.mark.parametrize(("flexion", "abduction"), [(30.0, 20.0), (-20.0, 10.0), (60.0, -15.0)])
def test_combined_flexion_and_abduction(flexion: float, abduction: float) -> None:
    out = world_angles(world_pose(flexion=(flexion, flexion), abduction=(abduction, abduction)))
    for side in ("left", "right"):
        np.testing.assert_allclose(out[f"hip_flexion_{side}_deg"], [flexion], atol=EXACT)
        np.testing.assert_allclose(out[f"hip_abduction_{side}_deg"], [abduction], atol=EXACT)


@pytest.mark.parametrize("deg", [0.0, 45.0, 90.0, 135.0, 180.0])
@pytest.mark.parametrize("flexion", [0.0, 90.0])
def test_knee_flexion_known_answers(deg: float, flexion: float) -> None:
    out = world_angles(world_pose(flexion=(flexion, 0.0), knee=(deg, 10.0)))
    np.testing.assert_allclose(out["knee_flexion_left_deg"], [deg], atol=1e-7)
    np.testing.assert_allclose(out["knee_flexion_right_deg"], [10.0], atol=1e-7)


def test_sitting_pose() -> None:
    out = world_angles(world_pose(flexion=(90.0, 90.0), knee=(90.0, 90.0)))
    for side in ("left", "right"):
        np.testing.assert_allclose(out[f"hip_flexion_{side}_deg"], [90.0], atol=EXACT)
        np.testing.assert_allclose(out[f"knee_flexion_{side}_deg"], [90.0], atol=1e-7)
        assert out[f"hip_flexion_{side}_deg"][0] > 0  # thigh toward the camera (-z)


@pytest.mark.parametrize("deg", [0.0, 30.0, 90.0, -45.0, 135.0, 180.0])
def test_trunk_yaw_known_answers(deg: float) -> None:
    # Subject turns to their own left by ``deg``: the left shoulder goes away (+z).
    pose = world_pose()
    turn = Rotation.from_rotvec([0.0, -np.radians(deg), 0.0]).as_matrix()  # about -y (up)
    out = world_angles(pose @ turn.T)
    np.testing.assert_allclose(out["trunk_yaw_deg"], [deg], atol=1e-7)
    if 0 < deg < 180:
        turned = (pose @ turn.T)[0]
        assert turned[P.LEFT_SHOULDER, 2] > turned[P.RIGHT_SHOULDER, 2]


@pytest.mark.parametrize("deg", [0.0, 20.0, 45.0, 90.0])
@pytest.mark.parametrize("axis", [0, 2], ids=["sideways", "forward"])
def test_trunk_lean_known_answers(deg: float, axis: int) -> None:
    pose = world_pose()
    v = np.zeros(3)
    v[axis] = np.radians(deg)
    out = world_angles(pose @ Rotation.from_rotvec(v).as_matrix().T)  # whole body tilted
    np.testing.assert_allclose(out["trunk_lean_deg"], [deg], atol=1e-7)
    np.testing.assert_allclose(out["hip_flexion_left_deg"], [0.0], atol=1e-7)


def test_hip_flexion_is_relative_to_the_trunk_not_the_vertical() -> None:
    # Bending forward 40 degrees at the hips with straight, vertical legs: flexion 40.
    pose = world_pose()[0]
    bend = Rotation.from_rotvec([np.radians(40.0), 0.0, 0.0]).as_matrix()  # shoulders -> -z
    for i in (P.NOSE, P.LEFT_EAR, P.RIGHT_EAR, P.LEFT_SHOULDER, P.RIGHT_SHOULDER):
        pose[i] = bend @ pose[i]
    assert pose[P.LEFT_SHOULDER, 2] < 0  # shoulders went toward the camera (forward)
    out = world_angles(pose[None])
    np.testing.assert_allclose(out["hip_flexion_left_deg"], [40.0], atol=1e-7)
    np.testing.assert_allclose(out["trunk_lean_deg"], [40.0], atol=1e-7)


# --- invariances (hypothesis) ----------------------------------------------------------------

flex_st = st.floats(-80.0, 80.0)
abd_st = st.floats(-40.0, 40.0)
knee_st = st.floats(0.0, 150.0)


@st.composite
def random_pose(draw: st.DrawFn) -> tuple[np.ndarray, dict[str, float]]:
    f = (draw(flex_st), draw(flex_st))
    a = (draw(abd_st), draw(abd_st))
    k = (draw(knee_st), draw(knee_st))
    want = {
        "hip_flexion_left_deg": f[0],
        "hip_flexion_right_deg": f[1],
        "hip_abduction_left_deg": a[0],
        "hip_abduction_right_deg": a[1],
        "knee_flexion_left_deg": k[0],
        "knee_flexion_right_deg": k[1],
    }
    return world_pose(f, a, k), want


@settings(max_examples=150, deadline=None)
@given(pose=random_pose())
def test_random_poses_give_their_angles(pose: tuple[np.ndarray, dict[str, float]]) -> None:
    xyz, want = pose
    out = world_angles(xyz)
    for name, value in want.items():
        np.testing.assert_allclose(out[name], [value], atol=1e-6, err_msg=name)


@settings(max_examples=150, deadline=None)
@given(
    pose=random_pose(),
    turn=st.floats(-180.0, 180.0),
    shift=st.tuples(*[st.floats(-5.0, 5.0)] * 3),
    scale=st.floats(0.05, 20.0),
)
def test_turn_about_vertical_translation_and_scale(
    pose: tuple[np.ndarray, dict[str, float]],
    turn: float,
    shift: tuple[float, float, float],
    scale: float,
) -> None:
    xyz, _ = pose
    rot = Rotation.from_rotvec([0.0, -np.radians(turn), 0.0]).as_matrix()
    moved = scale * (xyz @ rot.T) + np.array(shift)
    before, after = world_angles(xyz), world_angles(moved)
    for name in [*WORLD_ONLY_LEG_COLUMNS, "trunk_lean_deg"]:
        np.testing.assert_allclose(after[name], before[name], atol=1e-6, err_msg=name)
    yaw_change = (after["trunk_yaw_deg"] - before["trunk_yaw_deg"] - turn + 180.0) % 360.0
    np.testing.assert_allclose(yaw_change - 180.0, 0.0, atol=1e-6)


@settings(max_examples=100, deadline=None)
@given(pose=random_pose(), seed=st.integers(0, 2**32 - 1))
def test_any_rotation_keeps_the_body_relative_angles(
    pose: tuple[np.ndarray, dict[str, float]], seed: int
) -> None:
    xyz, _ = pose
    rot = Rotation.random(random_state=seed).as_matrix()
    before, after = world_angles(xyz), world_angles(xyz @ rot.T)
    for name in WORLD_ONLY_LEG_COLUMNS:
        np.testing.assert_allclose(after[name], before[name], atol=1e-6, err_msg=name)


@settings(max_examples=100, deadline=None)
@given(pose=random_pose(), turn=st.floats(-90.0, 90.0))
def test_mirror_swaps_left_and_right_and_negates_yaw(
    pose: tuple[np.ndarray, dict[str, float]], turn: float
) -> None:
    xyz, _ = pose
    xyz = xyz @ Rotation.from_rotvec([0.0, np.radians(turn), 0.0]).as_matrix().T
    out, mirrored = world_angles(xyz), world_angles(mirror(xyz))
    for kind in ("hip_flexion", "hip_abduction", "knee_flexion"):
        left, right = f"{kind}_left_deg", f"{kind}_right_deg"
        np.testing.assert_allclose(mirrored[left], out[right], atol=1e-9)
        np.testing.assert_allclose(mirrored[right], out[left], atol=1e-9)
    np.testing.assert_allclose(mirrored["trunk_yaw_deg"], -out["trunk_yaw_deg"], atol=1e-9)
    np.testing.assert_allclose(mirrored["trunk_lean_deg"], out["trunk_lean_deg"], atol=1e-9)


# --- 2D, image plane (side views) -------------------------------------------------------------

SIZE = ImageSize(1280, 720)


def side_view(flexion: tuple[float, float], facing_right: bool = True) -> np.ndarray:
    """One frame (1, 33, 3) of normalised image landmarks, a true side view, upright trunk."""
    fwd = np.array([1.0, 0.0]) if facing_right else np.array([-1.0, 0.0])
    down = np.array([0.0, 1.0])
    px = np.zeros((33, 2))
    hip = np.array([640.0, 400.0])
    px[P.LEFT_HIP] = px[P.RIGHT_HIP] = hip
    px[P.LEFT_SHOULDER] = px[P.RIGHT_SHOULDER] = hip - 250 * down
    px[P.LEFT_EAR] = px[P.RIGHT_EAR] = hip - 330 * down
    px[P.NOSE] = hip - 330 * down + 40 * fwd
    for leg, f in zip(LEGS, flexion, strict=True):
        r = np.radians(f)
        px[leg.knee] = hip + 180 * (np.cos(r) * down + np.sin(r) * fwd)
        ankle = hip + 360 * down
        px[leg.ankle] = ankle
        px[leg.heel] = ankle + 20 * down - 10 * fwd
        px[leg.toe] = ankle + 20 * down + 40 * fwd
    out = np.zeros((1, 33, 3))
    out[0, :, :2] = px / (SIZE.width, SIZE.height)
    return out


@pytest.mark.parametrize("facing_right", [True, False], ids=["faces-right", "faces-left"])
@pytest.mark.parametrize("deg", [0.0, 45.0, 90.0, 135.0, -20.0, -45.0])
def test_hip_flexion_2d_known_answers(deg: float, facing_right: bool) -> None:
    out = image_angles(side_view((deg, -deg), facing_right), SIZE)
    np.testing.assert_allclose(out["hip_flexion_2d_left_deg"], [deg], atol=1e-7)
    np.testing.assert_allclose(out["hip_flexion_2d_right_deg"], [-deg], atol=1e-7)
    np.testing.assert_allclose(out["trunk_lean_2d_deg"], [0.0], atol=1e-7)


def test_hip_flexion_2d_uses_pixels_not_normalised_units() -> None:
    image = side_view((45.0, 45.0))
    right = image_angles(image, SIZE)["hip_flexion_2d_left_deg"]
    wrong = image_angles(image, (1.0, 1.0))["hip_flexion_2d_left_deg"]
    np.testing.assert_allclose(right, [45.0], atol=1e-7)
    assert abs(wrong[0] - 45.0) > 10.0
    np.testing.assert_allclose(image_angles(image, (1280, 720))["hip_flexion_2d_left_deg"], right)


@pytest.mark.parametrize(
    ("facing", "want"),
    [(None, 30.0), (1.0, 30.0), (-1.0, -30.0), (np.array([1.0]), 30.0), (0.0, np.nan)],
)
def test_facing_given_or_inferred(facing: object, want: float) -> None:
    out = image_angles(side_view((30.0, 30.0)), SIZE, facing=facing)  # type: ignore[arg-type]
    np.testing.assert_allclose(out["hip_flexion_2d_left_deg"], [want], atol=1e-7)


def test_facing_cannot_be_inferred_without_cues() -> None:
    image = side_view((30.0, 30.0))
    image[0, [P.NOSE, P.LEFT_FOOT_INDEX, P.RIGHT_FOOT_INDEX]] = np.nan
    assert np.isnan(image_angles(image, SIZE)["hip_flexion_2d_left_deg"]).all()
    # Any one cue is enough.
    image = side_view((30.0, 30.0))
    image[0, [P.NOSE, P.LEFT_FOOT_INDEX]] = np.nan
    np.testing.assert_allclose(image_angles(image, SIZE)["hip_flexion_2d_left_deg"], [30.0])


@settings(max_examples=100, deadline=None)
@given(f=st.tuples(st.floats(-120.0, 150.0), st.floats(-120.0, 150.0)), right=st.booleans())
def test_2d_mirror_swaps_left_and_right(f: tuple[float, float], right: bool) -> None:
    image = side_view(f, right)
    out, mirrored = image_angles(image, SIZE), image_angles(mirror(image, 1.0), SIZE)
    for a, b in (("left", "right"), ("right", "left")):
        np.testing.assert_allclose(
            mirrored[f"hip_flexion_2d_{a}_deg"], out[f"hip_flexion_2d_{b}_deg"], atol=1e-9
        )


@pytest.mark.parametrize("deg", [0.0, 30.0, -60.0, 90.0])
def test_trunk_lean_2d(deg: float) -> None:
    image = side_view((0.0, 0.0))
    px = image[0, :, :2] * (SIZE.width, SIZE.height)
    hip = px[P.LEFT_HIP].copy()
    r = np.radians(deg)
    rot = np.array([[np.cos(r), -np.sin(r)], [np.sin(r), np.cos(r)]])
    image[0, :, :2] = ((px - hip) @ rot.T + hip) / (SIZE.width, SIZE.height)
    out = image_angles(image, SIZE)
    np.testing.assert_allclose(out["trunk_lean_2d_deg"], [abs(deg)], atol=1e-7)
    np.testing.assert_allclose(out["hip_flexion_2d_left_deg"], [0.0], atol=1e-7)


def test_body_angles_with_image() -> None:
    out = body_angles(world_pose(flexion=(45.0, 0.0)), side_view((45.0, 0.0)), (1280, 720))
    np.testing.assert_allclose(out["hip_flexion_left_deg"], [45.0], atol=EXACT)
    np.testing.assert_allclose(out["hip_flexion_2d_left_deg"], [45.0], atol=1e-7)


# --- contracts: NaN, degenerate segments, shapes ---------------------------------------------


def test_nan_and_inf_stay_in_their_frames() -> None:
    world = np.repeat(world_pose(flexion=(30.0, 30.0), knee=(20.0, 20.0)), 4, axis=0)
    image = np.repeat(side_view((30.0, 30.0)), 4, axis=0)
    world[1, P.LEFT_KNEE] = np.nan
    world[2, P.LEFT_SHOULDER, 1] = np.inf
    image[3, P.LEFT_HIP, 0] = -np.inf
    out = body_angles(world, image, SIZE)
    assert np.isnan(out["hip_flexion_left_deg"][1:3]).all()
    assert np.isnan(out["knee_flexion_left_deg"][1])
    assert np.isfinite(out["knee_flexion_left_deg"][[0, 2, 3]]).all()
    assert np.isfinite(out["knee_flexion_right_deg"]).all()
    assert np.isnan(out["trunk_yaw_deg"][2]) and np.isnan(out["hip_flexion_right_deg"][2])
    assert np.isfinite(out["hip_flexion_right_deg"][[0, 1, 3]]).all()
    assert np.isnan(out["hip_flexion_2d_left_deg"][3]) and np.isnan(out["trunk_lean_2d_deg"][3])
    assert np.isfinite(out["hip_flexion_2d_left_deg"][:3]).all()
    for name, v in out.items():
        if name.startswith("hip_abduction_2d"):
            # a pure side view with coincident hips has no frontal plane in the image
            assert np.isnan(v).all()
            continue
        assert np.isfinite(v[0])


def test_all_nan_float32_and_empty() -> None:
    out = body_angles(np.full((5, 33, 3), np.nan, np.float32), np.full((5, 33, 3), np.nan), SIZE)
    assert all(
        v.shape == (5,) and v.dtype == np.float64 and np.isnan(v).all() for v in out.values()
    )
    out = body_angles(np.zeros((0, 33, 3)), np.zeros((0, 33, 3)), SIZE)
    assert all(v.shape == (0,) for v in out.values())


def test_input_is_not_modified() -> None:
    world = world_pose()
    world[0, P.LEFT_KNEE, 0] = np.inf
    before = world.copy()
    image = side_view((10.0, 10.0))
    image_before = image.copy()
    body_angles(world, image, SIZE)
    np.testing.assert_array_equal(world, before)
    np.testing.assert_array_equal(image, image_before)


@pytest.mark.parametrize(
    ("edit", "nan_columns"),
    [
        ("zero_thigh", ["hip_flexion_left_deg", "hip_abduction_left_deg", "knee_flexion_left_deg"]),
        ("zero_shank", ["knee_flexion_left_deg"]),
        ("zero_trunk", ["hip_flexion_left_deg", "trunk_lean_deg", "hip_abduction_right_deg"]),
        ("hips_together", ["hip_flexion_left_deg", "hip_abduction_left_deg"]),
        ("thigh_sideways", ["hip_flexion_left_deg"]),
        ("vertical_shoulder_line", ["trunk_yaw_deg"]),
    ],
)
def test_degenerate_segments_give_nan(edit: str, nan_columns: list[str]) -> None:
    xyz = world_pose(knee=(30.0, 30.0))
    pose = xyz[0]
    if edit == "zero_thigh":
        pose[P.LEFT_KNEE] = pose[P.LEFT_HIP]
    elif edit == "zero_shank":
        pose[P.LEFT_ANKLE] = pose[P.LEFT_KNEE]
    elif edit == "zero_trunk":
        pose[[P.LEFT_SHOULDER, P.RIGHT_SHOULDER]] = pose[[P.LEFT_HIP, P.RIGHT_HIP]]
    elif edit == "hips_together":
        pose[[P.LEFT_HIP, P.RIGHT_HIP]] = 0.0
    elif edit == "thigh_sideways":
        pose[P.LEFT_KNEE] = pose[P.LEFT_HIP] + 0.4 * LEFT
    elif edit == "vertical_shoulder_line":
        pose[P.LEFT_SHOULDER] = pose[P.RIGHT_SHOULDER] + 0.3 * DOWN
    out = world_angles(xyz)
    for name in nan_columns:
        assert np.isnan(out[name]).all(), name
    if edit == "thigh_sideways":
        np.testing.assert_allclose(out["hip_abduction_left_deg"], [90.0], atol=1e-7)


@pytest.mark.parametrize(
    ("world", "image", "size", "message"),
    [
        (np.zeros((33, 3)), None, None, r"world_xyz: expected shape \(T, 33, 3\), got \(33, 3\)"),
        (np.zeros((2, 17, 3)), None, None, r"expected shape \(T, 33, 3\), got \(2, 17, 3\)"),
        (np.zeros((2, 33, 2)), None, None, r"got \(2, 33, 2\)"),
        (np.zeros((2, 33, 3)), np.zeros((2, 33)), SIZE, r"image_xyz: expected shape.*\(2, 33\)"),
        (np.zeros((2, 33, 3)), np.zeros((3, 33, 3)), SIZE, r"expected 2 frames.*got 3"),
        (np.zeros((2, 33, 3)), np.zeros((2, 33, 3)), None, r"size: expected"),
        (np.zeros((2, 33, 3)), np.zeros((2, 33, 3)), (0, 720), r"size: expected"),
        (np.zeros((2, 33, 3)), np.zeros((2, 33, 3)), (1, 2, 3), r"size: expected"),
        (np.array([["a"] * 3] * 33)[None], None, None, r"expected a real numeric array"),
    ],
)
def test_bad_input_raises_value_error(
    world: np.ndarray, image: np.ndarray | None, size: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        body_angles(world, image, size)  # type: ignore[arg-type]


def test_bad_facing_shape() -> None:
    with pytest.raises(ValueError, match=r"facing: expected a scalar or shape \(1,\), got \(2,\)"):
        image_angles(side_view((0.0, 0.0)), SIZE, facing=np.ones(2))


@pytest.mark.parametrize("hidden_share", [0.0, 0.1, 0.6, 1.0])
@pytest.mark.parametrize("facing", [None, "per frame"])
def test_frames_out_of_view_do_not_change_the_others(
    hidden_share: float, facing: str | None
) -> None:
    """Angles on frames with landmarks out of view are computed on the other frames only
    (when many are out of view): the same angles as frame by frame."""
    rng = np.random.default_rng(11)
    n = 60
    world = np.concatenate([world_pose(flexion=(f, 20.0), knee=(30.0, f)) for f in range(n)])
    world += rng.normal(0.0, 0.01, world.shape)
    image = np.concatenate([side_view((f, 10.0), facing_right=f % 2 == 0) for f in range(n)])
    image[..., :2] += rng.normal(0.0, 0.002, image[..., :2].shape)
    unseen = rng.random((n, 33)) < hidden_share
    sign = np.where(np.arange(n) % 2 == 0, 1.0, -1.0) if facing else None
    out = body_angles(world, image, SIZE, facing=sign, unseen=unseen)
    for i in range(n):
        one = body_angles(
            world[i : i + 1],
            image[i : i + 1],
            SIZE,
            facing=None if sign is None else sign[i : i + 1],
            unseen=unseen[i : i + 1],
        )
        for name, values in one.items():
            # NaN in the same frames; numbers as the same maths gives for one frame
            np.testing.assert_allclose(out[name][i : i + 1], values, atol=EXACT, err_msg=name)
    if hidden_share == 1.0:
        assert all(np.isnan(v).all() for v in out.values())
    if hidden_share == 0.0:
        assert all(np.isfinite(out[c]).all() for c in ("hip_flexion_left_deg", "trunk_lean_2d_deg"))
