"""The landmark containers: taking a range of frames."""

from __future__ import annotations

import numpy as np

from rom_tracker.types import FaceTrack, ImageSize, Landmarks, PoseTrack


def test_frames_are_views_of_the_same_arrays() -> None:
    n = 7
    lm = Landmarks(np.arange(n) / 30.0, ImageSize(640, 480), FaceTrack.empty(n), PoseTrack.empty(n))
    part = lm.frames(2, 5)
    assert len(part) == 3 and part.size == lm.size
    np.testing.assert_array_equal(part.t_s, lm.t_s[2:5])
    for whole, view in [
        (lm.face.image_xyz, part.face.image_xyz),
        (lm.face.matrix, part.face.matrix),
        (lm.face.found, part.face.found),
        (lm.pose.image_xyz, part.pose.image_xyz),
        (lm.pose.world_xyz, part.pose.world_xyz),
        (lm.pose.visibility, part.pose.visibility),
        (lm.pose.found, part.pose.found),
    ]:
        assert view.shape[0] == 3 and np.shares_memory(view, whole)
    assert len(lm.frames(5, 100)) == 2  # like a slice: clipped at the end
