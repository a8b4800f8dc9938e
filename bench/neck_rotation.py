"""Neck rotation vs head yaw when only the head turns, and whole-body turns (issue 11, item 1).

Sections (``rom_tracker/evaluation/accuracy_neck.py``; ``../shared/data`` read in place):

1. Pointing'04 dev photos (8 people, body still, head turned), each analysed as its own
   input: per band of |pan|, median |neck_rotation - head_yaw| for the raw pose-world
   shoulder line and for ours, and cross-validated by person (dead band, and dead band
   after a fitted head pull);
2. rendered holds: ``samples/head_turn.mp4`` and a ``samples/make_protocol_video.py``
   render, analysed as ``analyze`` does a video;
3. synthetic whole-body turn (pinhole projection of a turning torso): error of the
   recovered trunk turn;
4. Pose2Sim: one real person seen by 4 calibrated cameras at different trunk angles.

Prints the tables and writes ``docs/accuracy_neck.md`` (``--no-write`` to skip).

    ROM_TRACKER_MODEL_MIRROR=../shared/models .venv/bin/python bench/neck_rotation.py
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run
import numpy as np

from rom_tracker.evaluation import accuracy_neck as an
from rom_tracker.evaluation.accuracy import temp_dir
from rom_tracker.kinematics.trunk import DEAD_BAND_DEG, TRUNK_YAW_METHOD
from rom_tracker.media.models import resolve
from rom_tracker.pipeline import ModelPaths

ROOT = Path(__file__).resolve().parents[1]
DATA = _common.SHARED / "data"
DOC = ROOT / "docs" / "accuracy_neck.md"
COMMAND = "ROM_TRACKER_MODEL_MIRROR=../shared/models .venv/bin/python bench/neck_rotation.py"
BAND_NAMES = tuple(f"{lo:g}-{hi:g}" for lo, hi in an.BANDS)


def f1(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.1f}"


def gap_rows(label: str, gaps: list[an.BandGap]) -> list[tuple[str, ...]]:
    return [
        (f"{label}: median", *(f1(g.median) for g in gaps)),
        (f"{label}: share > {an.FALSE_TURN_DEG:g}", *(f"{g.false_share:.0%}" for g in gaps)),
        (f"{label}: mean", *(f1(g.mean) for g in gaps)),
    ]


def pointing_section(photos: an.StillPhotos) -> tuple[str, str, list[an.BandGap]]:
    truth = photos.pan.astype(np.float64)
    seen = np.isfinite(photos.head_yaw)
    raw = an.band_gaps(truth, np.where(seen, photos.shoulder_yaw, np.nan))
    ours = an.band_gaps(truth, photos.neck - photos.head_yaw)
    cv = an.leave_one_person_out(photos, pull=False)
    cv_pull = an.leave_one_person_out(photos, pull=True)
    rows = [
        ("photos with a head yaw", *(str(g.photos) for g in ours)),
        *gap_rows("raw shoulder line", raw),
        *gap_rows("ours (analyze defaults)", ours),
        *gap_rows("dead band, leave-one-person-out", cv.gaps),
        *gap_rows("head pull + dead band, leave-one-person-out", cv_pull.gaps),
        *gap_rows("head pull fitted per series + dead band", an.pull_per_series(photos)),
    ]
    tilt0 = an.subset(photos, photos.tilt == 0)
    t0 = tilt0.pan.astype(np.float64)
    rows += gap_rows(
        "tilt 0 only, raw",
        an.band_gaps(t0, np.where(np.isfinite(tilt0.head_yaw), tilt0.shoulder_yaw, np.nan)),
    )
    rows += gap_rows("tilt 0 only, ours", an.band_gaps(t0, tilt0.neck - tilt0.head_yaw))
    table = _common.table(rows, ("\\|neck - head\\| (deg) per band of \\|pan\\|", *BAND_NAMES))
    folds = _common.table(
        [
            (f"Person{p:02d}", f"{k:.2f}", f"{lo:g}-{lo + 10:g}", f"{lo2:g}-{lo2 + 10:g}")
            for (p, _, lo), (_, k, lo2) in zip(cv.folds, cv_pull.folds, strict=True)
        ],
        ("held out", "fitted pull", "dead band (no pull)", "dead band (with pull)"),
    )
    return table, folds, ours


def protocol_render(out_dir: Path, face: Path) -> tuple[Path, Path]:
    video = out_dir / "protocol.mp4"
    cmd = [
        sys.executable,
        str(ROOT / "samples" / "make_protocol_video.py"),
        "--out",
        str(video),
        "--face-model",
        str(face),
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    return video, video.with_suffix(".csv")


def holds_section(holds: list[an.HoldGap]) -> str:
    return _common.table(
        [
            (h.name, f"{h.hold_yaw:+g}", str(h.frames), f1(h.head), f1(h.raw_gap), f1(h.ours_gap))
            for h in holds
        ],
        ("render", "hold yaw", "frames", "head yaw", "raw gap", "ours gap"),
    )


def synthetic_section() -> str:
    rows = []
    for amp in (0.0, 30.0):
        turn = an.synthetic_whole_body_turn(amp)
        for band, n, trunk_err, neck_err in an.synthetic_errors(turn):
            rows.append((f"+-{amp:g}", band, str(n), f1(trunk_err), f1(neck_err)))
    return _common.table(
        rows,
        (
            "neck turn",
            "\\|trunk turn\\| (deg)",
            "frames",
            "trunk yaw error (median)",
            "neck rotation error (median)",
        ),
    )


def pose2sim_section(cams: list[an.CameraTrunk]) -> str:
    return _common.table(
        [
            (
                c.camera,
                str(c.frames),
                f1(c.ref_deg),
                f1(c.raw_deg),
                f1(c.ours_deg),
                f1(c.raw_err),
                f1(c.ours_err),
            )
            for c in cams
        ],
        ("camera", "frames", "reference", "raw", "ours", "raw error", "ours error"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="do not write the document")
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"{DATA} is missing: this benchmark needs ../shared/data")
    face = Path(resolve("face_landmarker", progress=False))
    pose = Path(resolve("pose_landmarker_lite", progress=False))
    models = ModelPaths(face=face, pose=pose)
    print(_common.machine())

    photos = an.pointing04(DATA, models)
    pointing, folds, _ = pointing_section(photos)
    print("\n## Pointing'04\n" + pointing + "\n\n" + folds)

    tmp = temp_dir()
    try:
        holds = an.render_holds(
            "head_turn.mp4",
            ROOT / "samples" / "head_turn.mp4",
            ROOT / "samples" / "head_turn.csv",
            models,
        )
        holds += an.render_holds("protocol render", *protocol_render(tmp, face), models)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    renders = holds_section(holds)
    print("\n## Rendered holds\n" + renders)
    synthetic = synthetic_section()
    print("\n## Synthetic whole-body turn\n" + synthetic)
    cams = pose2sim_section(an.pose2sim_trunk(DATA, models))
    print("\n## Pose2Sim\n" + cams)
    if not args.no_write:
        DOC.write_text(document(pointing, folds, renders, synthetic, cams), encoding="utf-8")
        print(f"\nwrote {DOC.relative_to(ROOT)}")


def document(pointing: str, folds: str, renders: str, synthetic: str, cams: str) -> str:
    lo, hi = DEAD_BAND_DEG
    return f"""# Neck rotation when only the head turns (issue 11, item 1)

Measured by `bench/neck_rotation.py` (generated file: rerun it rather than editing):

    {COMMAND}

Neck rotation is head yaw minus trunk yaw. With the body still it should equal the head
yaw, so the gap \\|neck_rotation_deg - head_yaw_deg\\| is the trunk yaw read where there is
none. "Raw" is the pose-world shoulder line (left - right shoulder in the x-z plane, the
trunk yaw before this change). "Ours" is `trunk_yaw_deg` as `rom-tracker analyze` writes
it with its defaults: the shoulder line through a firm dead band, 0 below {lo:g} deg, the
reading beyond {hi:g}, a linear ramp between (`rom_tracker/kinematics/trunk.py`, method
`{TRUNK_YAW_METHOD}`). Models: `../shared/models` (face landmarker, pose landmarker lite).

## 1. Pointing'04 dev photos (8 people x 2 series x 93 poses, body still)

Each photo is analysed as its own input (as `analyze` does a folder of photos). Bands of
nominal \\|pan\\|; only photos with a head yaw count (a neck rotation needs one). "share >
{an.FALSE_TURN_DEG:g}": photos where a trunk turn of more than {an.FALSE_TURN_DEG:g} deg is
read on a still body. The dead band of "ours" is the smallest on a 5-degree grid that keeps
that share at most {an.MAX_FALSE_SHARE:.0%} in every band on all 8 people; the
leave-one-person-out rows choose it (and the head pull) on 7 people and measure the 8th,
which is what a new person would see.

{pointing}

Per fold (held-out person, what was chosen on the other 7):

{folds}

The head-pull variant models the shoulder reading as `s = T + k (H - T)` and takes out
`k H` before the dead band (`T = (s - k H) / (1 - k)`). Cross-validated it did no better
than the dead band alone, so it is not used (`HEAD_PULL = 0`). Fitting `k` per series
(one sitting of one person, as a video could self-calibrate it; the default dead band after
it) was no better either: `k` then ranges from 0.3 to the 0.9 clip and the division by `1 - k` amplifies
the shoulder line's scatter (fewer false turns at 75-90, more everywhere else). The image shoulder width
relative to a neutral (`acos(w / w0)`) was looked at and not pursued: on these photos the
pose model's image shoulders narrow by 5-40 % with the head turn alone (their shoulders
are mostly below the frame edge, so the model guesses them), and on
`samples/head_turn.mp4` by 5-8 % at the +-40 holds (`acos` reads 20-25 deg).

## 2. Rendered holds (video defaults)

Holds of at least 15 frames at one rendered yaw beyond 10 deg; the gap is the median over
the hold. `head_turn.mp4` is the bundled sample; the protocol render is
`samples/make_protocol_video.py` with its defaults (neck_micro_pause; its effortless holds).

{renders}

## 3. Synthetic whole-body turn

A torso and head (shoulders, hips, nose, eyes, ears, mouth) turning -90..+90 deg in front
of a pinhole camera 2 m away (focal 900 px, 1280 x 720), giving exact image and world
landmarks and the face matrix of the head's yaw, read back through `compute_angles`
(`rom_tracker.evaluation.accuracy_neck.synthetic_turn`). First with the head following the trunk
(neck 0), then with the head also turning +-30 deg relative to it. There is no model noise
and no head pull here: it checks that a real trunk turn past the dead band is taken out,
and shows what the dead band costs below it (a trunk turn under {lo:g} deg is read as
neck rotation: the neck error there is the trunk turn itself).

{synthetic}

## 4. Real footage where the trunk turns: Pose2Sim, 4 calibrated cameras

One person balancing on one leg (100 frames per camera, face blurred), seen by 4 cameras
from different sides: each camera sees a different trunk yaw, and the trunk also turns
during the trial (by about 50 deg). Reference: the shoulder line of the 4-camera
triangulation (`.trc`) in each camera's axes (`rom_tracker.evaluation.accuracy.reference_lines`);
medians over the frames.

{cams}

- cam03 and cam04 see the subject's back (+-135-145 deg): the shoulder line is read
  within about 10 deg, and the dead band does not change it.
- cam01 sees the trunk turned 40-75 deg: the pose model reads only 15-60, so most
  frames fall inside the dead band and the trunk turn is taken out only in the frames
  where the pose model's reading passes {hi:g} deg. A trunk turn the pose model
  under-reads is missed more often with the dead band than without it.
- cam02 sees the subject from the front (reference about 0, turning to +-20) but the pose
  model takes it for a back view in most frames (a face-blurred video: the face landmarker
  finds no face, so the plausibility check that needs a face cannot drop it). No trunk
  rule on the shoulder line can fix that.

## What this means

- With the body still, neck rotation now equals the head yaw: the median gap is 0 in
  every band on Pointing'04, cross-validated by person, and 0 during the rendered holds
  (it was 4-22 deg and 2-8 deg).
- A still body still shows a false trunk turn past the dead band in a minority of photos
  (up to about 30 % at 75-90 deg of head yaw, where the pose model's shoulders turn 30+
  deg with the head); there the neck rotation reads low.
- A real turn of the whole body is taken out in full past {hi:g} deg (as the pose model
  reads it) and partly between {lo:g} and {hi:g}; a smaller trunk turn is counted as neck
  rotation. A photo has no neutral, so it follows the same rule: its trunk is taken as
  facing the camera unless the shoulder line reads past the dead band.
"""


if __name__ == "__main__":
    main()
