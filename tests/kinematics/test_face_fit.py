"""The landmark fit of the head rotation (kinematics.face_fit)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from rom_tracker.kinematics.canonical_face import CANONICAL_XYZ, FIT_LANDMARKS
from rom_tracker.kinematics.face_fit import landmark_rotation
from rom_tracker.kinematics.head import head_angles_from_rotation

SIZE = (640, 480)
FacePoints = Callable[..., np.ndarray]


def angles(lm: np.ndarray, size: tuple[int, int] = SIZE) -> np.ndarray:
    return np.stack(head_angles_from_rotation(landmark_rotation(lm, size)), axis=1)


def test_canonical_table_is_consistent() -> None:
    assert len(FIT_LANDMARKS) == len(CANONICAL_XYZ) == 152
    assert list(FIT_LANDMARKS) == sorted(set(FIT_LANDMARKS)) and FIT_LANDMARKS[-1] < 468
    xyz = np.asarray(CANONICAL_XYZ)
    assert xyz[FIT_LANDMARKS.index(4), 2] == xyz[:, 2].max()  # the nose tip is the front
    left, right = xyz[FIT_LANDMARKS.index(263)], xyz[FIT_LANDMARKS.index(33)]  # eye corners
    assert left[0] > 3.0  # x toward the subject's left
    np.testing.assert_allclose(left, right * (-1.0, 1.0, 1.0), atol=1e-6)


@pytest.mark.parametrize(
    ("yaw", "pitch", "roll"),
    [
        (0.0, 0.0, 0.0),
        (20.0, 0.0, 0.0),
        (-45.0, 0.0, 0.0),
        (70.0, 0.0, 0.0),
        (30.0, 15.0, -10.0),
        (-60.0, -20.0, 5.0),
        (5.0, 35.0, 25.0),
    ],
)
def test_known_angles_in_weak_perspective(
    face_points: FacePoints, yaw: float, pitch: float, roll: float
) -> None:
    got = angles(face_points(np.array([yaw]), pitch, roll))[0]
    np.testing.assert_allclose(got, (yaw, pitch, roll), atol=0.05)


def test_invariant_to_position_scale_and_aspect(face_points: FacePoints) -> None:
    rng = np.random.default_rng(7)
    yaw = rng.uniform(-70, 70, 12)
    pitch, roll = rng.uniform(-20, 20, 12), rng.uniform(-20, 20, 12)
    ref = np.stack([angles(face_points(yaw[i : i + 1], pitch[i], roll[i]))[0] for i in range(12)])
    for size, scale, centre in (((1280, 720), 3.0, (0.3, 0.6)), ((480, 640), 20.0, (0.55, 0.5))):
        got = np.stack(
            [
                angles(
                    face_points(
                        yaw[i : i + 1], pitch[i], roll[i], size=size, px_per_cm=scale, centre=centre
                    ),
                    size,
                )[0]
                for i in range(12)
            ]
        )
        np.testing.assert_allclose(got, ref, atol=1e-3)


def test_all_frames_at_once_equal_frame_by_frame(face_points: FacePoints) -> None:
    yaw = np.linspace(-65, 65, 27)
    lm = face_points(yaw, 10.0, -5.0)
    whole = landmark_rotation(lm, SIZE)
    one = np.concatenate([landmark_rotation(lm[i : i + 1], SIZE) for i in range(len(yaw))])
    np.testing.assert_allclose(whole, one, atol=1e-12)
    np.testing.assert_allclose(
        np.einsum("tji,tjk->tik", whole, whole), np.eye(3)[None].repeat(27, 0), atol=1e-9
    )
    np.testing.assert_allclose(np.linalg.det(whole), 1.0, atol=1e-9)


def test_nan_and_degenerate_frames_have_no_fit(face_points: FacePoints) -> None:
    lm = face_points(np.array([10.0, 20.0, 30.0, 40.0]))
    lm[0, FIT_LANDMARKS[5], 1] = np.nan  # a fit landmark unseen: no fit
    lm[1, 473, :] = np.nan  # an iris point (not used): still a fit
    lm[2] = 0.5  # every point in one place
    ring = np.linspace(0.0, 2.0 * np.pi, 478)
    lm[3, :, 0], lm[3, :, 1] = 0.5 + 0.1 * np.cos(ring), 0.4 + 0.1 * np.sin(ring)  # no face
    got = angles(lm)
    assert np.isnan(got[0]).all() and np.isnan(got[2]).all() and np.isnan(got[3]).all()
    np.testing.assert_allclose(got[1], (20.0, 0.0, 0.0), atol=0.05)
    assert landmark_rotation(np.zeros((0, 478, 3)), SIZE).shape == (0, 3, 3)


def test_bad_shape_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"expected shape \(T, 478, 3\), got \(2, 468, 3\)"):
        landmark_rotation(np.zeros((2, 468, 3)), SIZE)
