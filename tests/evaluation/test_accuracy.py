"""Accuracy against third-party reference data, with tolerances so a regression fails.

The figures are those of ``docs/accuracy.md`` (``bench/accuracy.py``); each test prints
what it measured. Targets of issue 3 that the data does not let us reach are guarded at
the measured level and say so.
"""

from __future__ import annotations

import math
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from rom_tracker.evaluation import accuracy as acc
from rom_tracker.evaluation import headpose_dev as hd
from rom_tracker.evaluation import pose_cue_dev as pc
from rom_tracker.evaluation import yaw_candidates as yc
from rom_tracker.kinematics.face_model import (
    EXPECTED_ERROR_DEG,
    EXPECTED_ERROR_KNOTS,
    YAW_CORRECTED,
    correct_face_yaw,
)
from rom_tracker.pipeline import ModelPaths

pytestmark = pytest.mark.real

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def models(real_models: ModelPaths) -> ModelPaths:
    return real_models


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
    assert np.mean(near) <= 2.2  # measured 1.80 (+20 %); the target was 4
    assert all(math.isfinite(r.ours[0]) for r in photos)  # a reading for every photo


def test_head_yaw_beyond_45_on_real_photos(photos: list[acc.PhotoRow]) -> None:
    """Target <= 7 deg for 45-70 NOT reached: the one photo there (55 deg) is over-read
    by MediaPipe (62.7) and by the landmark fit (60.6); the face yaw of face-yaw-2 reads it
    62.4 (7.5 off; face-yaw-1: 65.4, 10.5 off). One photo; the dev-set bands below are what
    matter. Guarded at the measured level: a regression fails."""
    far = [abs(r.ours[0] - r.truth[0]) for r in photos if 45 <= abs(r.truth[0]) < 70]
    print(f"45-70: {len(far)} photo(s), errors {np.round(far, 1).tolist()}")
    assert far
    assert np.mean(far) <= 8.0


def test_pitch_and_roll_signs_on_real_photos(photos: list[acc.PhotoRow]) -> None:
    """Pitch (documented conventions): measured mean 3.5, largest 6.9, guarded at +20 %; roll in
    the same sign as the dataset's wherever it is beyond 5 deg there (its sign is not
    documented: checked only for agreement, see docs/accuracy.md)."""
    pitch = [abs(r.ours[1] - r.truth[1]) for r in photos]
    print(f"pitch errors {np.round(pitch, 1).tolist()}")
    assert max(pitch) <= 8.3 and np.mean(pitch) <= 4.3  # measured 6.9 and 3.53 (+20 %)
    tilted = [r for r in photos if abs(r.truth[2]) > 5 and abs(r.truth[0]) <= 45]
    assert tilted and all(np.sign(r.ours[2]) == np.sign(r.truth[2]) for r in tilted)


def test_biwi_rotation_conversion(data: Path, models: ModelPaths) -> None:
    frame = acc.biwi_frame(data, models)
    print(f"BIWI truth {np.round(frame.truth, 1)} raw {np.round(frame.raw, 1)}")
    np.testing.assert_allclose(frame.raw, frame.truth, atol=5.0)


def test_off_axis_correction_on_moved_photos(data: Path, models: ModelPaths) -> None:
    assert models.face is not None
    off = acc.off_axis(data, models.face)
    print(
        f"{off.shifts} shifts: raw share {off.raw_share:.2f}, corrected {off.ours_share:.2f}, "
        f"landmark fit {off.fit_share:.2f}"
    )
    assert off.shifts >= 16
    assert 0.2 <= off.raw_share <= 0.4  # MediaPipe's own partial correction (0.29)
    assert 0.9 <= off.ours_share <= 1.1
    assert abs(off.fit_share) <= 0.1  # appearance only (0.02): corrected with share 0


def test_pose2sim_hip_flexion_most_side_on_camera(data: Path, models: ModelPaths) -> None:
    """Target: hip flexion RMSE <= 8 deg for the best side-on camera. The most side-on
    camera by the reference geometry is cam03 (37 deg from a side view): its better leg
    meets the target (6.2); over both legs it is 8.6 (raw 8.8). Guarded at +20 % and +10 %."""
    cams = acc.pose2sim_hips(data, models)
    for c in cams:
        print(
            f"{c.camera}: view ref {c.view_ref_deg:6.1f} est {c.view_est_deg:6.1f}; "
            f"hip flexion RMSE raw {c.raw_rmse[0]:.1f}/{c.raw_rmse[1]:.1f} "
            f"ours {c.ours_filt_rmse[0]:.1f}/{c.ours_filt_rmse[1]:.1f}"
        )
    best = min(cams, key=lambda c: c.side_on_deg)
    assert best.camera == "cam03"
    assert min(best.ours_filt_rmse) <= 7.4  # measured 6.2 (right leg; +20 %)
    assert math.hypot(*best.ours_filt_rmse) / math.sqrt(2) <= 9.5  # measured 8.6 (+10 %)
    # the estimated view angle agrees with the reference geometry where pose-lite is right
    for c in cams:
        if c.camera != "cam02":  # pose-lite takes cam02's front view for a back view
            assert abs((c.view_est_deg - c.view_ref_deg + 180) % 360 - 180) <= 35.0


def test_rendered_turn_reads_only_where_the_face_is_found(
    tmp_path: Path, models: ModelPaths
) -> None:
    """Since issue 11: past the face landmarker's reach there is no reading (nan,
    confidence 0), never a pose-landmark guess; where there is one it follows the turn.
    Renders are biased: coverage and direction only."""
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
    bands = ", ".join(f"{b}: {c:.0%} of {n}" for b, n, c in acc.coverage_by_band(turn, reading))
    print(f"+-90 sweep, up to 85: coverage ours {coverage:.0%} raw {raw:.0%}; rho {rho:.3f}")
    print(f"  by band: {bands}; steps in the truth's direction: {agree:.0%}")
    np.testing.assert_array_equal(np.isfinite(reading), np.isfinite(turn.raw))
    assert set(np.unique(turn.source)) <= {"face", ""}
    # measured 76 % of 60 frames (standard error 5.5 %: +-2 SE) and rho 0.997
    assert 0.65 <= coverage <= 0.87
    assert rho >= 0.99


def test_real_profile_views_give_no_reading(data: Path, models: ModelPaths) -> None:
    """Real side views (no face found): no head reading at all (the pose-landmark yaw read
    them as about 78 deg, but on single real photos it erred by 23-68 deg)."""
    for p in acc.profile_views(data, models):
        print(
            f"{p.video}: {p.reading_frames}/{p.frames} frames with a reading (pose found in "
            f"{p.pose_frames}, face in {p.face_frames})"
        )
        assert p.pose_frames > 0.7 * p.frames  # walking_side: 308 of 401
        assert p.reading_frames == p.face_frames <= 0.05 * p.frames


# ------------------------------------------------------- issue 11: the two real dev sets


@pytest.fixture(scope="module")
def dev(data: Path, models: ModelPaths) -> tuple[hd.DevMeasure, hd.DevMeasure]:
    aflw = hd.measure(hd.aflw_dev(data), models)
    return aflw, hd.measure(hd.pointing04_dev(data), models, fit_on=aflw)


def _show(name: str, bands: list[hd.Band]) -> None:
    print(
        name,
        "  ".join(
            f"{b.band[0]:g}-{b.band[1]:g}: {b.reading:.0%} {b.mae:.1f} ({b.under:+.1f})"
            for b in bands
        ),
    )


#: Cross-validated yaw mean error per band (0-30/30-45/45-60/60-75/75-90) as measured
#: (docs/accuracy.md), and the share of photos with a reading. The issue-11 targets that
#: are not met are guarded at the measured level (tolerance 0.5 deg, 2 points of coverage).
AFLW_MAE = (2.3, 5.0, 4.8, 8.1, 10.8)
AFLW_READING = (1.0, 0.97, 0.86, 0.51, 0.21)
P04_MAE = (4.9, 7.1, 8.4, 14.2, 25.0)
P04_READING = (1.0, 1.0, 1.0, 0.94, 0.73)


def test_shipped_correction_is_the_fit_on_the_aflw_dev_photos(
    dev: tuple[hd.DevMeasure, hd.DevMeasure],
) -> None:
    aflw, p04 = dev
    refit = hd.fit_yaw_correction(aflw.face_yaw, aflw.dev.truth[:, 0])
    print("refit", np.round(refit, 2), "shipped", YAW_CORRECTED)
    np.testing.assert_allclose(refit, YAW_CORRECTED, atol=0.05)
    expected = hd.expected_error([aflw, p04], EXPECTED_ERROR_KNOTS)
    np.testing.assert_allclose(expected, EXPECTED_ERROR_DEG, atol=0.3)


def test_analyze_reads_photos_as_the_corrected_face_yaw(
    dev: tuple[hd.DevMeasure, hd.DevMeasure],
) -> None:
    """Ours = the corrected face yaw (face matrix blended with the landmark fit) where a
    face is found, nan with confidence 0 elsewhere: no pose-landmark guess on any photo."""
    for m in dev:
        assert np.isfinite(m.fit_yaw).sum() == np.isfinite(m.raw[:, 0]).sum()  # both, or none
        np.testing.assert_allclose(m.ours[:, 0], correct_face_yaw(m.face_yaw), atol=1e-6)
        np.testing.assert_allclose(m.ours[:, 1], m.raw[:, 1], atol=1e-6)  # pitch: raw
        assert (m.confidence[np.isnan(m.ours[:, 0])] == 0).all()
        assert (m.confidence[np.isfinite(m.ours[:, 0])] > 0).all()


def test_head_yaw_per_band_cross_validated(dev: tuple[hd.DevMeasure, hd.DevMeasure]) -> None:
    aflw, p04 = dev
    for m, mae, reading in ((aflw, AFLW_MAE, AFLW_READING), (p04, P04_MAE, P04_READING)):
        raw = hd.band_figures(m.dev.truth[:, 0], m.raw[:, 0])
        cv = hd.band_figures(m.dev.truth[:, 0], m.cv_yaw)
        _show(f"{m.dev.name} raw ", raw)
        _show(f"{m.dev.name} ours", cv)
        for b, r, want, cover in zip(cv, raw, mae, reading, strict=True):
            assert b.mae <= want + 0.5, b
            assert b.reading >= cover - 0.02, b
            assert b.reading == r.reading  # a reading exactly where the face is found
            assert b.wrong_side <= 0.005, b  # target met in every band
        # better than raw MediaPipe from 30 degrees on; near the front within 0.2 (face-yaw-2
        # on Pointing'04 at 0-30: 4.88 against raw 4.77, nominal labels)
        assert cv[0].mae <= raw[0].mae + 0.2
        assert all(b.mae <= r.mae for b, r in zip(cv[1:], raw[1:], strict=True))
        assert sum(b.mae for b in cv[1:]) < sum(r.mae for r in raw[1:]) - 2.0


#: The side set-up (docs/accuracy.md): the span between a photo turned 25-55 degrees one way
#: and one turned 35-55 the other way, cross-validated readings of both. Measured: 6.98
#: degrees over the 8453 AFLW2000-3D pairs, both read in 87 % (the face detector's share; the
#: target of 90 % is not met), against 7.82 for face-yaw-1; Pointing'04 (within a series)
#: 14.9 against 20.9. Tolerance 0.2 degrees on AFLW2000-3D, 0.5 on Pointing'04.
PAIR_MAE = 6.98
P04_PAIR_MAE = 14.9


def test_pair_spans_cross_validated(dev: tuple[hd.DevMeasure, hd.DevMeasure]) -> None:
    aflw, p04 = dev
    truth = aflw.dev.truth[:, 0]
    got = hd.pair_spans(truth, aflw.cv_yaw)
    previous_a, previous_p = yc.cross_validated(yc.CANDIDATES[0], aflw, p04)
    before = hd.pair_spans(truth, previous_a)
    series = yc.series(p04)
    p04_got = hd.pair_spans(p04.dev.truth[:, 0], p04.cv_yaw, groups=series)
    p04_before = hd.pair_spans(p04.dev.truth[:, 0], previous_p, groups=series)
    print(f"AFLW pairs {got} (face-yaw-1 {before.mae:.2f}); P'04 {p04_got} ({p04_before.mae:.1f})")
    assert got.pairs == 8453 and p04_got.pairs == 64
    assert got.mae <= PAIR_MAE + 0.2
    assert got.both_read >= 0.85
    assert got.mae <= before.mae - 0.5  # measured 0.84 better
    assert p04_got.mae <= P04_PAIR_MAE + 0.5 and p04_got.mae <= p04_before.mae - 3.0


def test_confidence_orders_the_error(dev: tuple[hd.DevMeasure, hd.DevMeasure]) -> None:
    """Within each set, a lower confidence range has a mean error no smaller (within 0.5
    degrees: AFLW2000-3D reads 3.7 at 0.7-0.9 and 3.6 at 0.5-0.7) and the lowest range
    clearly more than the highest; at >= 0.9 the AFLW2000-3D readings are within 3
    degrees on average."""
    for m in dev:
        rows = hd.confidence_figures(m.cv_yaw - m.dev.truth[:, 0], m.cv_confidence)
        maes = [r.mae for r in rows if r.readings >= 10]
        print(m.dev.name, [(r.low, r.readings, round(r.mae, 1)) for r in rows])
        assert all(b >= a - 0.5 for a, b in pairwise(maes))
        assert maes[-1] >= 2.0 * maes[0]
    top = hd.confidence_figures(dev[0].cv_yaw - dev[0].dev.truth[:, 0], dev[0].cv_confidence)[0]
    assert top.mae <= 3.0


def test_pose_cue_beyond_the_face_in_a_recording(data: Path, models: ModelPaths) -> None:
    """docs/accuracy.md, "Beyond the face in a recording": each Pointing'04 series as a
    recording, the pose cue calibrated on its own photos where the face yaw is trusted.
    Guards the figures behind the decision not to use it: it never reads on the wrong side
    but errs beyond the 9 / 12 degrees needed at 60-75 / 75-90 (measured with face-yaw-2,
    whose face yaw it is calibrated on: 12.6 / 18.2 with the calibration on face yaw <= 30,
    13.8 / 21.2 on <= 45; face-yaw-1: 14.3 / 21.1 and 19.2 / 27.0), and a calibration-rmse
    gate chosen leaving the person out does not bring it there (12.9 / 19.0; face-yaw-1
    16.3 / 22.3). If the cue improves enough to fail this, revisit the decision."""
    photos = pc.pointing04_series(data, models)
    for trusted, mid, far in ((30.0, 12.6, 18.2), (45.0, 13.8, 21.2)):
        r = pc.pose_cue_recordings(photos, trusted)
        bands = pc.pose_cue_bands(r)
        print(trusted, [(b.band, round(b.pose_mae, 1), round(b.added, 2)) for b in bands])
        assert [b.photos for b in bands] == [32, 32, 64]
        assert all(b.pose_wrong == 0.0 for b in bands)
        assert bands[1].pose_mae == pytest.approx(mid, abs=2.0)
        assert bands[2].pose_mae == pytest.approx(far, abs=2.0)
        assert bands[2].added == pytest.approx(17 / 64, abs=0.05)
    narrow = pc.pose_cue_recordings(photos, 30.0)
    gated = pc.pose_cue_bands(narrow, pc.lopo_rmse_gate(narrow, (2.0, 3.0, 4.0, 5.0, 6.0)))
    print("gated", [(b.band, round(b.pose_mae, 1)) for b in gated])
    assert gated[1].pose_mae > 12.0
    assert gated[2].pose_mae > 17.0
