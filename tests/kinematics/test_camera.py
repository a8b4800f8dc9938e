"""Camera geometry: intrinsics, rays, and the off-axis correction of head rotations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rom_tracker.kinematics.camera import (
    MEDIAPIPE_PERSPECTIVE_SHARE,
    Intrinsics,
    axis_rotation_planes,
    matmul_planes,
    mediapipe_intrinsics,
    off_axis_correction,
    project,
    ray,
    ray_yaw_deg,
)
from rom_tracker.kinematics.head import (
    angles_from_planes,
    rotation_from_head_angles,
    rotation_planes,
)


def test_from_fov_known_answer() -> None:
    k = Intrinsics.from_fov(640, 480, 90.0)
    assert (k.fx, k.fy, k.cx, k.cy) == pytest.approx((320.0, 320.0, 320.0, 240.0))
    assert k.hfov_deg == pytest.approx(90.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fx": 0.0}, "fx, fy: expected > 0"),
        ({"fy": -5.0}, "fx, fy: expected > 0"),
        ({"cx": 700.0}, "inside the 640x480 image"),
        ({"cy": math.nan}, "cy: expected a finite number"),
        ({"width": 0}, "width, height"),
    ],
)
def test_bad_intrinsics(kwargs: dict[str, float], message: str) -> None:
    values = {"fx": 500.0, "fy": 500.0, "cx": 320.0, "cy": 240.0, "width": 640, "height": 480}
    values.update(kwargs)
    with pytest.raises(ValueError, match=message):
        Intrinsics(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("cx", "cy"), [(0.0, 0.0), (640.0, 480.0), (0.0, 480.0), (640.0, 0.0)])
def test_principal_point_on_the_image_edge_is_accepted(cx: float, cy: float) -> None:
    k = Intrinsics(fx=500.0, fy=500.0, cx=cx, cy=cy, width=640, height=480)
    assert (k.cx, k.cy) == (cx, cy)
    with pytest.raises(ValueError, match="inside the 640x480 image"):
        Intrinsics(fx=500.0, fy=500.0, cx=cx + (0.5 if cx else -0.5), cy=cy, width=640, height=480)
    with pytest.raises(ValueError, match="inside the 640x480 image"):
        Intrinsics(fx=500.0, fy=500.0, cx=cx, cy=cy + (0.5 if cy else -0.5), width=640, height=480)


def test_scaling_keeps_the_field_of_view_and_refuses_another_aspect() -> None:
    k = Intrinsics.from_fov(1280, 720, 70.0)
    half = k.scaled_to(640, 360)
    assert half.hfov_deg == pytest.approx(70.0)
    assert (half.cx, half.cy) == (320.0, 180.0)
    assert k.scaled_to(1280, 720) is k
    with pytest.raises(ValueError, match="different aspect ratio"):
        k.scaled_to(640, 480)


def test_project_and_ray_are_inverse() -> None:
    k = Intrinsics(600.0, 610.0, 300.0, 250.0, 640, 480)
    pts = np.array([[10.0, -5.0, -60.0], [0.0, 0.0, -30.0], [-20.0, 15.0, -90.0]])
    uv = project(k, pts)
    np.testing.assert_allclose(uv[1], [300.0, 250.0])
    np.testing.assert_allclose(ray(k, uv), pts / np.linalg.norm(pts, axis=1, keepdims=True))
    assert np.isnan(project(k, np.array([[0.0, 0.0, 5.0]]))).all()  # behind the camera


def test_ray_yaw_sign() -> None:
    k = Intrinsics.from_fov(640, 480, 90.0)
    np.testing.assert_allclose(ray_yaw_deg(k, [640.0, 320.0, 0.0]), [45.0, 0.0, -45.0])


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_axis_rotation_moves_the_optical_axis_part_of_the_way(share: float) -> None:
    d = np.array([[0.3, -0.2, -1.0]])
    d /= np.linalg.norm(d)
    q = axis_rotation_planes(d, share)[:, :, 0]
    np.testing.assert_allclose(q @ q.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(q) == pytest.approx(1.0)
    moved = q @ np.array([0.0, 0.0, -1.0])
    full = math.acos(float(-d[0, 2]))
    assert math.acos(float(-moved[2])) == pytest.approx(share * full)
    if share == 1.0:
        np.testing.assert_allclose(moved, d[0], atol=1e-12)


def test_head_on_the_axis_is_unchanged() -> None:
    r = rotation_planes(rotation_from_head_angles([20.0], [-10.0], [5.0]))
    out = off_axis_correction(r, [[0.0, 0.0, -50.0]], (640, 480), Intrinsics.from_fov(640, 480))
    np.testing.assert_allclose(out, r, atol=1e-12)


@pytest.mark.parametrize(("x", "y"), [(30.0, 0.0), (-30.0, 0.0), (0.0, 25.0), (20.0, -15.0)])
def test_a_frontal_looking_head_off_axis_faces_the_camera(x: float, y: float) -> None:
    # MediaPipe reports Q(d_mp, share) @ R_app; a face that looks frontal (R_app = I) at
    # (x, y) actually faces the camera: its face normal points back along the ray.
    size = (640, 480)
    t = np.array([[x, y, -80.0]])
    d = t / np.linalg.norm(t)
    reported = axis_rotation_planes(d, MEDIAPIPE_PERSPECTIVE_SHARE)
    out = off_axis_correction(reported, t, size, mediapipe_intrinsics(*size))
    np.testing.assert_allclose(out[:, 2, 0], -d[0], atol=1e-9)  # face normal toward the camera
    yaw, pitch, _ = angles_from_planes(out)
    # y-x'-z'': yaw is the face normal's direction in the camera's x-z plane
    assert yaw[0] == pytest.approx(-math.degrees(math.atan2(x, 80.0)), abs=1e-6)
    assert np.sign(pitch[0]) == np.sign(y) or y == 0.0  # head above the axis: chin "down"


def test_a_real_camera_with_another_fov_changes_the_ray() -> None:
    size = (640, 480)
    t = np.array([[30.0, 0.0, -80.0]])
    reported = axis_rotation_planes(t / np.linalg.norm(t), MEDIAPIPE_PERSPECTIVE_SHARE)
    narrow = off_axis_correction(reported, t, size, Intrinsics.from_fov(640, 480, 40.0))
    wide = off_axis_correction(reported, t, size, Intrinsics.from_fov(640, 480, 100.0))
    # the same pixel is nearer the axis through a narrow (long) lens: a smaller correction
    assert angles_from_planes(wide)[0][0] < angles_from_planes(narrow)[0][0] < 0.0


def test_nan_frames_stay_nan_and_shapes_are_checked() -> None:
    r = rotation_planes(rotation_from_head_angles([0.0, 10.0], [0.0, 0.0], [0.0, 0.0]))
    t = np.array([[np.nan, 0.0, -50.0], [5.0, 0.0, -50.0]])
    out = off_axis_correction(r, t, (640, 480), Intrinsics.from_fov(640, 480))
    assert np.isnan(out[:, :, 0]).all() and np.isfinite(out[:, :, 1]).all()
    with pytest.raises(ValueError, match=r"translation_cm: expected shape \(2, 3\)"):
        off_axis_correction(r, t[:1], (640, 480), Intrinsics.from_fov(640, 480))


def test_matmul_planes_matches_matmul() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((5, 3, 3)), rng.standard_normal((5, 3, 3))
    np.testing.assert_allclose(
        matmul_planes(rotation_planes(a), rotation_planes(b)), rotation_planes(a @ b)
    )
