"""Which landmarks the camera view draws, in image pixels. Qt-free.

Only what the measurements use: the face oval, the eyes and the nose tip (head angles),
the shoulders and hips (trunk), the knees (hips). Pose points below ``VISIBLE`` visibility
are left out, as the angle table leaves them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# MediaPipe face mesh: the face oval, in order around the face.
FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip
EYE_A = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246)
EYE_B = (362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398)
NOSE_TIP = 1
# BlazePose: shoulders 11/12, hips 23/24, knees 25/26 (left = the subject's left).
POSE_POINTS = (11, 12, 23, 24, 25, 26)
POSE_SEGMENTS = ((11, 12), (11, 23), (12, 24), (23, 24), (23, 25), (24, 26))
VISIBLE = 0.5


@dataclass(frozen=True)
class Overlay:
    """Polylines ``(n, 2)`` and points ``(m, 2)`` in image pixels, grouped by role."""

    face_lines: tuple[np.ndarray, ...] = ()  # closed loops: oval, eyes
    face_points: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))  # nose
    body_lines: tuple[np.ndarray, ...] = ()  # segments (2, 2)
    body_points: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))

    @property
    def empty(self) -> bool:
        return not (self.face_lines or self.body_lines or len(self.body_points))


def overlay_for(
    face_xyz: np.ndarray | None,
    pose_xyz: np.ndarray | None,
    pose_visibility: np.ndarray | None,
    size: tuple[int, int],
) -> Overlay:
    """The overlay of one frame: normalised image landmarks -> pixels of a ``size``
    (width, height) image."""
    scale = np.asarray(size, dtype=np.float64)
    face_lines: tuple[np.ndarray, ...] = ()
    face_points = np.zeros((0, 2))
    if face_xyz is not None and np.isfinite(face_xyz[:, :2]).all():
        px = np.asarray(face_xyz, dtype=np.float64)[:, :2] * scale
        face_lines = tuple(px[list(loop)] for loop in (FACE_OVAL, EYE_A, EYE_B))
        face_points = px[[NOSE_TIP]]
    body_lines: list[np.ndarray] = []
    body_points = np.zeros((0, 2))
    if pose_xyz is not None:
        px = np.asarray(pose_xyz, dtype=np.float64)[:, :2] * scale
        vis = (
            np.ones(len(px), bool)
            if pose_visibility is None
            else np.asarray(pose_visibility) >= VISIBLE
        )
        ok = vis & np.isfinite(px).all(axis=1)
        body_points = px[[i for i in POSE_POINTS if ok[i]]].reshape(-1, 2)
        body_lines = [px[[a, b]] for a, b in POSE_SEGMENTS if ok[a] and ok[b]]
    return Overlay(face_lines, face_points, tuple(body_lines), body_points)
