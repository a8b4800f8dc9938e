"""TrackBuilder: per-frame adapter outputs into tracks, across growth of its buffers."""

from __future__ import annotations

import numpy as np
import pytest

from rom_tracker.landmarks import TrackBuilder


@pytest.mark.parametrize("capacity", [0, 1, 100, 1000])
def test_track_builder_keeps_every_frame_across_growth(capacity: int) -> None:
    rng = np.random.default_rng(7)
    n = 200
    builder = TrackBuilder(capacity=capacity)
    faces, poses = [], []
    for i in range(n):
        face = (rng.random((478, 3), dtype=np.float32), rng.random((4, 4), dtype=np.float32))
        pose = tuple(rng.random(s, dtype=np.float32) for s in ((33, 3), (33, 3), (33,)))
        face = face if i % 3 else None  # every third frame: no face
        pose = pose if i % 5 else None
        faces.append(face)
        poses.append(pose)
        builder.add(face, pose)
    assert len(builder) == n
    ft, pt = builder.face_track(), builder.pose_track()
    assert len(ft) == n and len(pt) == n
    for i in range(n):
        assert ft.found[i] == (faces[i] is not None)
        assert pt.found[i] == (poses[i] is not None)
        if faces[i] is not None:
            np.testing.assert_array_equal(ft.image_xyz[i], faces[i][0])
            np.testing.assert_array_equal(ft.matrix[i], faces[i][1])
        else:
            assert np.isnan(ft.image_xyz[i]).all() and np.isnan(ft.matrix[i]).all()
        if poses[i] is not None:
            for got, want in zip(
                (pt.image_xyz[i], pt.world_xyz[i], pt.visibility[i]), poses[i], strict=True
            ):
                np.testing.assert_array_equal(got, want)
        else:
            assert np.isnan(pt.visibility[i]).all()


def test_track_builder_without_detections_gives_empty_tracks() -> None:
    builder = TrackBuilder(capacity=10)
    for _ in range(3):
        builder.add(None, None)
    assert len(builder.face_track()) == 3 and not builder.face_track().found.any()
    assert len(builder.pose_track()) == 3 and not builder.pose_track().found.any()
