"""TrackBuilder: per-frame adapter outputs into tracks, across growth of its buffers."""

from __future__ import annotations

import numpy as np
import pytest

from rom_tracker.media.landmarks import TrackBuilder, metrics_warning, release_tuple


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


@pytest.mark.parametrize(
    ("version", "release", "warns"),
    [
        ("0.10.20", (0, 10, 20), False),
        ("0.10.33", (0, 10, 33), False),
        ("0.10.35", (0, 10, 35), True),
        ("0.10.35rc1", (0, 10, 35), True),
        ("0.11.0", (0, 11, 0), True),
        ("1.2.3", (1, 2, 3), True),
        ("1.2.3+local", (1, 2, 3), True),
        ("0.10.9", (0, 10, 9), False),
    ],
)
def test_metrics_warning_names_releases_that_phone_home(
    version: str, release: tuple[int, ...], warns: bool
) -> None:
    assert release_tuple(version) == release
    message = metrics_warning(version)
    assert (message is not None) == warns
    if message:
        assert "\n" not in message and version in message and "play.googleapis.com" in message
        assert "<0.10.35" in message


def test_the_installed_mediapipe_sends_no_metrics() -> None:
    """The lock file keeps mediapipe below the first release with the metrics sender."""
    from importlib.metadata import version

    assert metrics_warning(version("mediapipe")) is None, version("mediapipe")


def test_a_forced_newer_mediapipe_is_named_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from rom_tracker.media import landmarks

    monkeypatch.setattr(landmarks, "_vision", None)
    monkeypatch.setattr(landmarks.importlib.metadata, "version", lambda name: "1.2.3")
    with caplog.at_level("WARNING", logger="rom_tracker.landmarks"):
        landmarks._load()
        landmarks._load()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "mediapipe 1.2.3" in lines[0], lines
