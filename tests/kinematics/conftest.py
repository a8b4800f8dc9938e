"""Shared helpers for the kinematics tests."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import pytest

SIZE = (640.0, 480.0)
R_EAR, D_FACE = 7.3, 10.0  # cm: half ear span, face points in front of the ear axis
TRUE_GAIN = 2 * R_EAR / D_FACE
# head-frame points (x toward the subject's left, y down, z toward the face's front)
HEAD = {
    0: (0.0, 0.0, D_FACE),  # nose
    2: (3.2, -3.0, D_FACE),  # left eye
    5: (-3.2, -3.0, D_FACE),
    7: (R_EAR, -1.0, 0.0),  # left ear
    8: (-R_EAR, -1.0, 0.0),
    9: (2.5, 4.0, D_FACE),  # mouth left
    10: (-2.5, 4.0, D_FACE),
}


def _pose_landmarks(yaw_deg: np.ndarray, px_per_cm: float = 8.0) -> tuple[np.ndarray, np.ndarray]:
    """Normalised pose image landmarks (T, 33, 3) and visibility of a head turned by yaw
    (orthographic; + = toward the subject's left, face moving to image right)."""
    yaw = np.radians(np.asarray(yaw_deg, dtype=np.float64))
    xyz = np.zeros((yaw.size, 33, 3))
    for i, (hx, hy, hz) in HEAD.items():
        # subject facing the camera: head left = image right; face front = toward camera
        x = hx * np.cos(yaw) + hz * np.sin(yaw)
        xyz[:, i, 0] = (SIZE[0] / 2 + px_per_cm * x) / SIZE[0]
        xyz[:, i, 1] = (SIZE[1] / 3 + px_per_cm * hy) / SIZE[1]
    return xyz, np.ones((yaw.size, 33))


@pytest.fixture(scope="session")
def head_model() -> SimpleNamespace:
    """A model head for pose-landmark yaw tests: ``landmarks(yaw)`` -> (image (T, 33, 3)
    normalised, visibility (T, 33)); ``size``; ``gain`` = the true 2 r / d."""
    return SimpleNamespace(landmarks=_pose_landmarks, size=SIZE, gain=TRUE_GAIN)


def _face_points(
    yaw: np.ndarray,
    pitch: np.ndarray | float = 0.0,
    roll: np.ndarray | float = 0.0,
    *,
    size: tuple[float, float] = SIZE,
    px_per_cm: float = 8.0,
    centre: tuple[float, float] = (0.5, 0.4),
) -> np.ndarray:
    """Face landmarks (T, 478, 3), normalised image coordinates, of MediaPipe's canonical
    face turned by yaw/pitch/roll (degrees, the conventions), seen in weak perspective;
    the landmarks the fit does not use sit at the centre."""
    from rom_tracker.kinematics.canonical_face import CANONICAL_XYZ, FIT_LANDMARKS
    from rom_tracker.kinematics.head import rotation_from_head_angles

    yaw = np.atleast_1d(np.asarray(yaw, dtype=np.float64))
    r = rotation_from_head_angles(
        yaw, np.broadcast_to(pitch, yaw.shape), np.broadcast_to(roll, yaw.shape)
    )
    cam = np.einsum("tij,kj->tki", r, np.asarray(CANONICAL_XYZ)) * px_per_cm  # x right, y up
    out = np.empty((yaw.size, 478, 3))
    out[:] = (centre[0], centre[1], 0.0)
    ids = list(FIT_LANDMARKS)
    out[:, ids, 0] = centre[0] + cam[..., 0] / size[0]
    out[:, ids, 1] = centre[1] - cam[..., 1] / size[1]
    out[:, ids, 2] = -cam[..., 2] / size[0]
    return out.astype(np.float32)


@pytest.fixture(scope="session")
def face_points() -> Callable[..., np.ndarray]:
    """``face_points(yaw, pitch=0, roll=0, *, size, px_per_cm, centre)``: face landmarks
    (T, 478, 3) of the canonical face at those angles (see ``_face_points``)."""
    return _face_points
