"""Accuracy against third-party reference data, with tolerances so a regression fails.

The figures are those of ``docs/accuracy.md`` (``bench/accuracy.py``); each test prints
what it measured. Targets of issue 3 that the data does not let us reach are guarded at
the measured level and say so.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from rom_tracker import accuracy as acc
from rom_tracker.models import resolve
from rom_tracker.pipeline import ModelPaths

pytestmark = pytest.mark.real

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def models(model_env: dict[str, str]) -> ModelPaths:
    mp = pytest.MonkeyPatch()
    for key, value in model_env.items():
        mp.setenv(key, value)
    try:
        return ModelPaths(
            face=Path(resolve("face_landmarker", progress=False)),
            pose=Path(resolve("pose_landmarker_lite", progress=False)),
        )
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def data(shared_dir: Path) -> Path:
    return shared_dir / "data"


@pytest.fixture(scope="module")
def photos(data: Path, models: ModelPaths) -> list[acc.PhotoRow]:
    return acc.aflw_photos(data, models)


def test_head_yaw_on_real_photos(photos: list[acc.PhotoRow]) -> None:
    """Target: mean |yaw error| <= 4 deg for |yaw| <= 45 (7 photos)."""
    for r in photos:
        print(
            f"{r.name}: truth {r.truth[0]:6.1f} raw {r.raw[0]:6.1f} ours {r.ours[0]:6.1f} {r.source}"
        )
    near = [abs(r.ours[0] - r.truth[0]) for r in photos if abs(r.truth[0]) <= 45]
    raw = [abs(r.raw[0] - r.truth[0]) for r in photos if abs(r.truth[0]) <= 45]
    print(
        f"|yaw| <= 45: {len(near)} photos, mean error ours {np.mean(near):.2f}, raw {np.mean(raw):.2f}"
    )
    assert len(near) >= 6
    assert np.mean(near) <= 4.0
    assert all(math.isfinite(r.ours[0]) for r in photos)  # a reading for every photo


def test_head_yaw_beyond_45_on_real_photos(photos: list[acc.PhotoRow]) -> None:
    """Target <= 7 deg for 45-70 NOT reached: the one photo there (55 deg) reads 62.7
    (8.0 off), as raw MediaPipe. Guarded at the measured level: a regression fails."""
    far = [abs(r.ours[0] - r.truth[0]) for r in photos if 45 <= abs(r.truth[0]) < 70]
    print(f"45-70: {len(far)} photo(s), errors {np.round(far, 1).tolist()}")
    assert far
    assert np.mean(far) <= 9.0


def test_pitch_and_roll_signs_on_real_photos(photos: list[acc.PhotoRow]) -> None:
    """Pitch (documented conventions) within 10 deg on every photo, mean <= 5; roll in
    the same sign as the dataset's wherever it is beyond 5 deg there (its sign is not
    documented: checked only for agreement, see docs/accuracy.md)."""
    pitch = [abs(r.ours[1] - r.truth[1]) for r in photos]
    print(f"pitch errors {np.round(pitch, 1).tolist()}")
    assert max(pitch) <= 10.0 and np.mean(pitch) <= 5.0
    tilted = [r for r in photos if abs(r.truth[2]) > 5 and abs(r.truth[0]) <= 45]
    assert tilted and all(np.sign(r.ours[2]) == np.sign(r.truth[2]) for r in tilted)


def test_biwi_rotation_conversion(data: Path, models: ModelPaths) -> None:
    frame = acc.biwi_frame(data, models)
    print(f"BIWI truth {np.round(frame.truth, 1)} raw {np.round(frame.raw, 1)}")
    np.testing.assert_allclose(frame.raw, frame.truth, atol=5.0)


def test_off_axis_correction_on_moved_photos(data: Path, models: ModelPaths) -> None:
    assert models.face is not None
    off = acc.off_axis(data, models.face)
    print(f"{off.shifts} shifts: raw share {off.raw_share:.2f}, corrected {off.ours_share:.2f}")
    assert off.shifts >= 16
    assert 0.2 <= off.raw_share <= 0.4  # MediaPipe's own partial correction (0.29)
    assert 0.9 <= off.ours_share <= 1.1


def test_pose2sim_hip_flexion_most_side_on_camera(data: Path, models: ModelPaths) -> None:
    """Target: hip flexion RMSE <= 8 deg for the best side-on camera. The most side-on
    camera by the reference geometry is cam03 (37 deg from a side view): its better leg
    meets the target (5.9); over both legs it is 8.5 (raw 8.7), guarded at that level."""
    cams = acc.pose2sim_hips(data, models)
    for c in cams:
        print(
            f"{c.camera}: view ref {c.view_ref_deg:6.1f} est {c.view_est_deg:6.1f}; "
            f"hip flexion RMSE raw {c.raw_rmse[0]:.1f}/{c.raw_rmse[1]:.1f} "
            f"ours {c.ours_filt_rmse[0]:.1f}/{c.ours_filt_rmse[1]:.1f}"
        )
    best = min(cams, key=lambda c: c.side_on_deg)
    assert best.camera == "cam03"
    assert min(best.ours_filt_rmse) <= 8.0
    assert math.hypot(*best.ours_filt_rmse) / math.sqrt(2) <= 9.5
    # the estimated view angle agrees with the reference geometry where pose-lite is right
    for c in cams:
        if c.camera != "cam02":  # pose-lite takes cam02's front view for a back view
            assert abs((c.view_est_deg - c.view_ref_deg + 180) % 360 - 180) <= 35.0


def test_rendered_turn_to_90_has_a_confident_reading(tmp_path: Path, models: ModelPaths) -> None:
    """Target: a head reading with confidence for >= 90 % of frames up to 85 deg. Renders
    are biased (the pose model reads a rendered profile short of 90): coverage and
    direction only."""
    assert models.face is not None
    video, truth = acc.render_head_turn(
        ROOT, tmp_path, models.face, 90.0, seconds=4.0, fps=15.0, size="480x360"
    )
    turn = acc.measure_render(video, truth, models, 90.0)
    reading = np.where(turn.confidence > 0, turn.ours, np.nan)
    upto = np.abs(turn.truth) <= 85.0
    coverage = float(np.isfinite(reading[upto]).mean())
    raw = float(np.isfinite(turn.raw[upto]).mean())
    rho, agree = acc.monotonicity(turn, reading)
    print(f"steps in the truth's direction: {agree:.0%}")
    bands = ", ".join(f"{b}: {c:.0%} of {n}" for b, n, c in acc.coverage_by_band(turn, reading))
    print(f"+-90 sweep, up to 85: coverage ours {coverage:.0%} raw {raw:.0%}; rho {rho:.3f}")
    print(f"  by band: {bands}")
    assert coverage >= 0.9
    assert raw < 0.9  # the face landmarker alone does not get there
    assert rho >= 0.93  # measured 0.96 (the rendered profile reads short of 90)


def test_real_profile_views_read_near_90(data: Path, models: ModelPaths) -> None:
    """Real side views (no face found): the pose-landmark yaw gives a reading wherever the
    person is found, and it reads a profile as a large turn (measured median 78 deg)."""
    for p in acc.profile_views(data, models):
        print(
            f"{p.video}: {p.reading_frames}/{p.frames} frames with a reading (pose found in "
            f"{p.pose_frames}, face in {p.face_frames}); |yaw| median {p.median_abs_yaw:.1f}, "
            f"p10-p90 {p.p10_abs_yaw:.1f}-{p.p90_abs_yaw:.1f}; confidence {p.median_confidence:.2f}"
        )
        assert p.reading_frames >= 0.95 * p.pose_frames
        if p.video == "walking_side.mp4":  # 300 frames in profile; running_side has 33
            assert 70.0 <= p.median_abs_yaw <= 100.0
