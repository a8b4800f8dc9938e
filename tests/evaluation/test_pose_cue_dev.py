"""The pose-cue pseudo-recordings of ``headpose_dev`` on synthetic series (no models)."""

from __future__ import annotations

import numpy as np

from rom_tracker.evaluation import pose_cue_dev as pc
from rom_tracker.kinematics.fusion import PoseYawCues


def _series(gains: list[float], squash: float = 1.0) -> pc.SeriesPhotos:
    """Series of tilt -15/0/+15 x pan -90..90 whose cue follows ``tan(yaw) = o / s / gain``
    (so the calibrated gain is ``gain``) up to ``squash`` of the yaw past 45 degrees; the
    face is found up to 60 degrees and reads the truth."""
    rows = []
    for k, gain in enumerate(gains):
        for tilt in pc.RECORDING_TILTS:
            for yaw in np.arange(-90.0, 91.0, 15.0):
                seen = np.sign(yaw) * min(abs(yaw), 45.0 + squash * max(abs(yaw) - 45.0, 0.0))
                span = 100.0 * np.cos(np.radians(seen))
                offset = 100.0 * np.sin(np.radians(seen)) / gain
                face = yaw if abs(yaw) <= 60.0 else np.nan
                rows.append((yaw, tilt, 10 * (k + 1) + 1, face, span, offset))
    a = np.array(rows)
    cues = PoseYawCues(a[:, 4], a[:, 5], np.ones(len(a)), np.zeros(len(a)))
    return pc.SeriesPhotos(a[:, 0], a[:, 1], a[:, 2].astype(np.int64), a[:, 3], cues)


def test_a_faithful_cue_reads_the_truth_beyond_the_face() -> None:
    r = pc.pose_cue_recordings(_series([1.2, 2.0]), trusted_deg=45.0)
    assert len(r.yaw) == 26 and set(r.frames) == {21.0}
    mid, far = pc.pose_cue_bands(r)[1:]
    assert far.pose_mae < 0.5 and far.pose_wrong == 0.0
    assert far.added == 1.0 and mid.added == 0.0  # the face is found up to 60 here
    assert far.combined_reading == 1.0 and far.combined_mae < 0.5


def test_a_flattened_cue_under_reads_and_a_gate_removes_it() -> None:
    r = pc.pose_cue_recordings(_series([1.5], squash=0.5), trusted_deg=45.0)
    far = pc.pose_cue_bands(r)[2]
    assert far.pose_under < -10.0
    none = pc.pose_cue_bands(r, np.zeros(len(r.yaw), bool))
    assert none[2].added == 0.0 and np.isnan(none[2].pose_mae)
    assert none[1].combined_reading == 1.0 and none[2].combined_reading == 0.0  # face alone
