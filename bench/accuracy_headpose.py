"""Head yaw and pitch on the real dev sets, cross-validated: a section of docs/accuracy.md.

Run on its own to print the tables (``bench/accuracy.py`` writes them into the document):

    ROM_TRACKER_MODEL_MIRROR=../shared/models .venv/bin/python bench/accuracy_headpose.py
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run
import numpy as np

from rom_tracker.evaluation import headpose_dev as hd
from rom_tracker.kinematics.face_model import (
    EXPECTED_ERROR_DEG,
    EXPECTED_ERROR_KNOTS,
    FACE_MODEL_VERSION,
    YAW_CORRECTED,
)
from rom_tracker.pipeline import ModelPaths

#: Targets of issue 11 per band (mean |yaw error| <=, share with a reading >=).
AFLW_TARGET = ((2.2, 0.99), (3.5, 0.98), (5.0, 0.90), (6.0, 0.75), (9.0, 0.50))
P04_TARGET = ((3.5, 1.0), (5.0, 1.0), (7.0, 1.0), (9.0, 1.0), (12.0, 1.0))
WRONG_SIDE_TARGET = 0.005


@dataclass(frozen=True)
class HeadposeResults:
    aflw: hd.DevMeasure
    p04: hd.DevMeasure
    #: what was tried for the correction, cross-validated: name -> (AFLW, Pointing'04) yaw
    tried: dict[str, tuple[np.ndarray, np.ndarray]]


def run(data: Path, models: ModelPaths) -> HeadposeResults:
    aflw = hd.measure(hd.aflw_dev(data), models)
    p04 = hd.measure(hd.pointing04_dev(data), models, fit_on=aflw)
    own = hd.cross_validate(p04.dev, p04.raw, p04.ours, p04.confidence, own=True)
    pooled_a = hd.cross_validate(
        aflw.dev, aflw.raw, aflw.ours, aflw.confidence, own=True, extra=p04
    )
    pooled_p = hd.cross_validate(p04.dev, p04.raw, p04.ours, p04.confidence, own=True, extra=aflw)
    tried = {
        "no correction (raw face matrix)": (aflw.raw[:, 0], p04.raw[:, 0]),
        "fitted on AFLW2000-3D (adopted)": (aflw.cv_yaw, p04.cv_yaw),
        "fitted on Pointing'04 (leave one person out)": (
            hd.apply_yaw_correction(
                hd.fit_yaw_correction(p04.raw[:, 0], p04.dev.truth[:, 0]), aflw.raw[:, 0]
            ),
            own.cv_yaw,
        ),
        "fitted on both, each set weighing the same": (pooled_a.cv_yaw, pooled_p.cv_yaw),
    }
    return HeadposeResults(aflw, p04, tried)


def f1(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:.1f}"


def pct(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{100 * x:.0f} %"


def _band_names() -> list[str]:
    return [f"{lo:g}-{hi:g}" for lo, hi in hd.BANDS]


def yaw_table(m: hd.DevMeasure, targets: tuple[tuple[float, float], ...]) -> str:
    truth = m.dev.truth[:, 0]
    raw = hd.band_figures(truth, m.raw[:, 0])
    cv = hd.band_figures(truth, m.cv_yaw)
    ours = hd.band_figures(truth, m.ours[:, 0])
    rows = [
        ("photos", *(str(b.photos) for b in raw)),
        ("raw MediaPipe: a reading", *(pct(b.reading) for b in raw)),
        ("raw MediaPipe: mean error", *(f1(b.mae) for b in raw)),
        ("raw MediaPipe: signed (toward the turn)", *(f"{b.under:+.1f}" for b in raw)),
        ("ours, cross-validated: a reading", *(pct(b.reading) for b in cv)),
        ("ours, cross-validated: mean error", *(f1(b.mae) for b in cv)),
        ("ours, cross-validated: signed", *(f"{b.under:+.1f}" for b in cv)),
        ("ours as shipped (analyze defaults)", *(f1(b.mae) for b in ours)),
        ("target: mean error <=", *(f"{t[0]:g}" for t in targets)),
        ("target: a reading on >=", *(pct(t[1]) for t in targets)),
        ("wrong side: raw", *(pct(b.wrong_side) for b in raw)),
        ("wrong side: ours (analyze)", *(pct(b.wrong_side) for b in ours)),
    ]
    return _common.table(rows, ("true \\|yaw\\| band", *_band_names()))


def pitch_table(m: hd.DevMeasure) -> str:
    truth = m.dev.truth[:, 1]
    yaw = m.dev.truth[:, 0]
    raw = hd.band_figures(truth, m.raw[:, 1], truth_yaw=yaw)
    ours = hd.band_figures(truth, m.ours[:, 1], truth_yaw=yaw)
    rows = [
        ("photos", *(str(b.photos) for b in raw)),
        ("pitch mean error: raw MediaPipe", *(f1(b.mae) for b in raw)),
        ("pitch mean error: ours (analyze)", *(f1(b.mae) for b in ours)),
    ]
    return _common.table(rows, ("true \\|yaw\\| band", *_band_names()))


def confidence_table(res: HeadposeResults) -> str:
    rows = []
    per_set = [
        hd.confidence_figures(m.cv_yaw - m.dev.truth[:, 0], m.cv_confidence)
        for m in (res.aflw, res.p04)
    ]
    for a, p in zip(*per_set, strict=True):
        hi = "1.0" if a.high >= 1.0 else f"{a.high:.1f}"
        stands = f"{5 / a.high:.1f}-{5 / a.low:.1f}" if a.low > 0 else f"> {5 / a.high:.0f}"
        both = (a.mae + p.mae) / 2 if a.readings and p.readings else math.nan
        rows.append(
            (
                f"{a.low:.1f}-{hi}",
                "<= 5.6" if a.high >= 1.0 else stands,
                f1(both),
                str(a.readings),
                f1(a.mae),
                pct(a.within_5),
                str(p.readings),
                f1(p.mae),
                pct(p.within_5),
            )
        )
    head = (
        "head_confidence",
        "expected error (deg)",
        "mean of the two sets",
        "AFLW readings",
        "AFLW mean error",
        "AFLW within 5 deg",
        "P'04 readings",
        "P'04 mean error",
        "P'04 within 5 deg",
    )
    return _common.table(rows, head)


def targets_table(res: HeadposeResults) -> str:
    rows = []
    for m, targets in ((res.aflw, AFLW_TARGET), (res.p04, P04_TARGET)):
        cv = hd.band_figures(m.dev.truth[:, 0], m.cv_yaw)
        ours = hd.band_figures(m.dev.truth[:, 0], m.ours[:, 0])
        cells = []
        for b, o, (mae, cover) in zip(cv, ours, targets, strict=True):
            ok = b.mae <= mae and b.reading >= cover and o.wrong_side <= WRONG_SIDE_TARGET
            cells.append(
                f"{f1(b.mae)} ({mae:g}), {pct(b.reading)} ({pct(cover)}): "
                + ("met" if ok else "not met")
            )
        rows.append((m.dev.name, *cells))
    return _common.table(rows, ("mean error (target), a reading (target)", *_band_names()))


def tried_table(res: HeadposeResults) -> str:
    rows = []
    for name, (a, p) in res.tried.items():
        fa = hd.band_figures(res.aflw.dev.truth[:, 0], a)
        fp = hd.band_figures(res.p04.dev.truth[:, 0], p)
        rows.append((name, " / ".join(f1(b.mae) for b in fa), " / ".join(f1(b.mae) for b in fp)))
    return _common.table(
        rows,
        ("yaw correction", "AFLW2000-3D mean error per band", "Pointing'04 mean error per band"),
    )


def section(res: HeadposeResults) -> str:
    return measured(res) + tried_and_published(res)


def measured(res: HeadposeResults) -> str:
    """How the dev sets are read, the shipped correction's drift, and the measured tables."""
    a, p = res.aflw, res.p04
    refit = hd.fit_yaw_correction(a.raw[:, 0], a.dev.truth[:, 0])
    drift = float(np.max(np.abs(refit - np.asarray(YAW_CORRECTED))))
    expected = hd.expected_error([a, p], EXPECTED_ERROR_KNOTS)
    e_drift = float(np.max(np.abs(expected - np.asarray(EXPECTED_ERROR_DEG))))
    return f"""Every photo is its own input, read as `rom-tracker analyze` reads a photo (its
defaults). Truth in our conventions (`rom_tracker/evaluation/reference.py`: AFLW2000-3D's labels are
Euler angles of another order, x-y'-z'' from the 3DDFA fit; they are turned into a
rotation and decomposed our way, y-x'-z''. Taking them one by one, as before, made
MediaPipe's pitch look 9-18 degrees wrong on turned heads: that was the mismatch of
orders, not MediaPipe). Pointing'04: tilt 0 (head turned, body still), nominal pans.
"Ours, cross-validated" is the figure to trust: the yaw correction refitted without the
held-out photos (AFLW2000-3D: 5 folds by photo; Pointing'04: never fitted on, so every
person is held out). "Ours as shipped" uses the correction fitted on all AFLW2000-3D dev
photos (in-sample there). Mean errors are over the photos with a reading; "signed" is the
mean error toward the turn (negative: under-read). Wrong side: true \\|yaw\\| >= 20 read
beyond 20 degrees on the other side, as a share of the band's photos.

Correction version `{FACE_MODEL_VERSION}` (`rom_tracker/kinematics/face_model.py`): a fresh
fit on all AFLW2000-3D dev photos differs from the shipped table by at most {drift:.2f}
degrees; the expected errors behind `head_confidence` by at most {e_drift:.2f} degrees.

### Against the targets of issue 11 (head yaw, cross-validated)

{targets_table(res)}

### Head yaw, AFLW2000-3D dev ({len(a.dev.files)} photos, labels within 99 degrees)

{yaw_table(a, AFLW_TARGET)}

### Head yaw, Pointing'04 dev ({len(p.dev.files)} photos: 8 people x 2 series x 13 pans)

{yaw_table(p, P04_TARGET)}

### Head pitch

No pitch correction is applied, so ours equals raw MediaPipe wherever a face is found. The
same monotone table as for the yaw, fitted on the pitch and cross-validated (measured
during development, not rerun here), changed nothing on AFLW2000-3D (3.6 / 3.4 / 3.4 / 4.4
/ 2.3 against raw 3.6 / 3.3 / 3.4 / 4.4 / 2.4 per yaw band) and a constant offset made the
far bands worse; on Pointing'04 photos with nominal tilts up to +-30 degrees raw MediaPipe
reads about 10 degrees short of the nominal tilt, and a table fitted there (leave one
person out) brought that to 6-7.5, but it is the same disagreement between the sets as for
the yaw (the subjects looked at marks), so it was not adopted.

AFLW2000-3D:

{pitch_table(a)}

Pointing'04 (tilt 0: the error is the pitch read on a level head):

{pitch_table(p)}

### Confidence: what `head_confidence` means

`head_confidence = min(1, 5 / expected error)`, the expected error being the mean
cross-validated error measured at that corrected \\|yaw\\| (mean of the two sets, each
counting once). Per range of confidence, on the cross-validated readings:

{confidence_table(res)}

The live view and the guided flow grey a reading out below 0.5 (`DIM_BELOW` in
`rom_tracker/ui/head_reading.py`): where the error to expect is above about 10 degrees.
The two sets disagree (next section), so the same confidence stands for a smaller error
on AFLW2000-3D and a larger one on Pointing'04.

"""


def tried_and_published(res: HeadposeResults) -> str:
    """What else was tried for the yaw, and how the figures compare with published ones."""
    a = res.aflw
    a_all, a_cov = hd.overall_mae(a.dev.truth[:, 0], a.cv_yaw)
    raw_all, raw_cov = hd.overall_mae(a.dev.truth[:, 0], a.raw[:, 0])
    return f"""### What was tried for the yaw (cross-validated mean error per band, 0-30 / 30-45 / 45-60 / 60-75 / 75-90)

{tried_table(res)}

- The two sets disagree on how much MediaPipe under-reads: on AFLW2000-3D the raw yaw is
  nearly right up to 45 degrees; on Pointing'04 it reads about 0.6 of the nominal pan. A
  correction fitted on one is wrong on the other, and the pooled fit is worse than either
  on AFLW2000-3D. Pointing'04's subjects turned to look at marks on the wall: their irises
  sit 0.2-0.36 of the eye width toward the turn (AFLW2000-3D: 0.0-0.24 at the same
  readings), so part of the nominal pan is done with the eyes, which neck rotation must not
  count; downscaling AFLW photos to Pointing'04's face size did not change the raw yaw
  (ratio to truth 0.915 both ways, 79 photos), so resolution is not the cause. The
  correction is therefore fitted on AFLW2000-3D, whose labels are the head's own rotation.
- Coverage past the face detector: (a) the face landmarker on a crop placed from the pose
  landmarks' head points (two crop sizes): fewer faces found than on the whole photo;
  (b) the face-landmark model itself (`face_landmarks_detector.tflite` from the bundle, run
  through OpenCV's TFLite reader on a crop from the pose keypoints, refined once from its
  own landmarks, rotation by Procrustes onto the canonical face): a reading on every photo
  with a head, but it under-reads by 16 / 31 / 52 degrees at 45-60 / 60-75 / 75-90 on
  AFLW2000-3D (the mesh does not turn past about 45 degrees), and its face-presence score
  rejects nearly all of those; (c) the face landmarker with detection thresholds at 0.2
  instead of 0.5: 20 more AFLW2000-3D readings past 45 degrees with 5.8 degrees of mean
  error, but 22 more Pointing'04 readings with 30 degrees. (d) The pose-landmark yaw
  (ears, eyes, nose) as a fallback: 23-68 degrees of mean error on single photos at
  confidence 0.45-0.8 (issue 11); calibrated on a recording's own frames, see "Beyond the
  face in a recording" below. None is trustworthy where the face landmarker gives up,
  so there the reading is `nan` with confidence 0 (photos, videos, record and live
  alike); (a)-(c) were measured during development on the same dev photos and are not
  rerun by this benchmark.

### Compared with published figures

Single-image head-pose networks trained on 300W-LP and tested on all of AFLW2000-3D (every
photo read; labels within 99 degrees) report an overall yaw mean error of about 3.2-3.6
degrees for 6DRepNet (Hempel et al., 2022; 3.2 is the figure quoted in issue 11, not
re-measured here) and about 6.5 for HopeNet (Ruiz et al., 2018).
Here, over the AFLW2000-3D dev photos (a stratified 40 % of the same 2000, so the same mix
of yaws): ours {f1(a_all)} degrees over the {pct(a_cov)} of photos with a reading
(raw MediaPipe {f1(raw_all)} over {pct(raw_cov)}). The figures are not like for like: ours
has no reading on most photos past 60 degrees, the hardest, where those networks still
answer (with their own, larger errors there); per band, ours is far from their overall
figure from 45 degrees on. The network weights are not available on this machine, so they
were not run on the same photos.
"""


def main() -> None:
    from rom_tracker.media.models import resolve

    data = _common.SHARED / "data"
    models = ModelPaths(
        face=Path(resolve("face_landmarker", progress=False)),
        pose=Path(resolve("pose_landmarker_lite", progress=False)),
    )
    res = run(data, models)
    print(section(res))
    print(
        "expected error measured:",
        np.round(hd.expected_error([res.aflw, res.p04], EXPECTED_ERROR_KNOTS), 1),
    )


if __name__ == "__main__":
    main()
