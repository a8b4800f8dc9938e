"""Overlay: only the landmarks that matter, in pixels, unseen pose points left out."""

from __future__ import annotations

import numpy as np

from rom_tracker.display.overlay import FACE_OVAL, overlay_for


def test_face_and_body_in_pixels() -> None:
    face = np.tile(np.array([0.5, 0.25, 0.0], np.float32), (478, 1))
    pose = np.tile(np.array([0.5, 0.5, 0.0], np.float32), (33, 1))
    vis = np.ones(33, np.float32)
    vis[25] = 0.2  # left knee not seen
    ov = overlay_for(face, pose, vis, (200, 100))
    assert len(ov.face_lines) == 3 and ov.face_lines[0].shape == (len(FACE_OVAL), 2)
    np.testing.assert_allclose(ov.face_points, [[100.0, 25.0]])
    assert len(ov.body_points) == 5
    assert len(ov.body_lines) == 5  # hip-knee on the left dropped
    assert not ov.empty


def test_nothing_seen_is_empty() -> None:
    assert overlay_for(None, None, None, (10, 10)).empty
    nan_face = np.full((478, 3), np.nan, np.float32)
    assert overlay_for(nan_face, None, None, (10, 10)).face_lines == ()
