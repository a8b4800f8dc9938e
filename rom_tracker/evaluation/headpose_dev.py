"""Head pose on the two real labelled dev sets, cross-validated, beside raw MediaPipe.

Used by ``bench/accuracy_headpose.py`` (tables of ``docs/accuracy.md``) and
``tests/evaluation/test_accuracy.py``. The sets (``../shared/data/headpose``, see its README):

* ``aflw2000_dev``: 802 in-the-wild photos with 3D-fit labels
  (``rom_tracker.evaluation.reference``); the usual protocol drops photos with any label
  angle beyond 99 degrees. Cross-validation: 5 folds by photo (photo ``i`` in fold
  ``i % 5`` of the sorted names).
* ``pointing04_dev``: 8 people x 2 series, studio photos; labels are the nominal pan and
  tilt in the file names. Only tilt 0 is used (the head turned, the body still): 13 pans
  from -90 to +90 per series. Cross-validation: leave one person out.

Every photo is its own input, measured as ``rom-tracker analyze`` does a photo (IMAGE mode,
its defaults: :func:`rom_tracker.evaluation.accuracy.analyze_angles`). The shipped face-yaw
correction (``kinematics.face_model``) was fitted on all AFLW2000-3D dev photos, so the
figures that matter are the cross-validated ones: per held-out fold, the correction is
refitted with :func:`fit_yaw_correction` on the other folds only (Pointing'04 is never
fitted on: its held-out person gets the correction fitted on AFLW2000-3D). The correction
applies to the face yaw of ``kinematics.face_model.face_yaw`` (the face-matrix yaw blended
with the landmark fit of ``kinematics.face_fit``).

:func:`pair_spans` is the figure of the side set-up (a neck turn read as the difference of
two readings, one on each side): pairs of photos turned to opposite sides, cross-validated
readings of both.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
import numpy.typing as npt

from rom_tracker.evaluation.accuracy import analyze_angles
from rom_tracker.evaluation.reference import load_aflw_pose
from rom_tracker.kinematics.face_fit import landmark_rotation
from rom_tracker.kinematics.face_model import YAW_RAW_KNOTS, face_confidence, face_yaw
from rom_tracker.kinematics.head import head_angles, head_angles_from_rotation
from rom_tracker.media.capture import Frame, open_source
from rom_tracker.pipeline import ModelPaths, run_models

#: Bands of true |yaw| (degrees); the last one includes 90.
BANDS = ((0.0, 30.0), (30.0, 45.0), (45.0, 60.0), (60.0, 75.0), (75.0, 90.0))
#: A reading is on the wrong side when the true |yaw| is at least this and the reading is
#: of the other sign and beyond this (degrees).
WRONG_SIDE_DEG = 20.0
AFLW_FOLDS = 5
#: Pull of the correction fit toward the identity (share of the total weight). 0.1 was
#: chosen among 0.02-0.3 by 5-fold cross-validation on AFLW2000-3D (lowest pair-span error
#: with no band up to 60 degrees worse than the previous model; ``yaw_candidates``).
RIDGE = 0.1
P04_NAME = re.compile(r"person(\d\d)(\d)(\d\d)([+-]\d+)([+-]\d+)\.jpg$")

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DevSet:
    """Photos with truth in rom-tracker's conventions: ``truth`` (N, 2) yaw, pitch degrees;
    ``groups`` (N,) the cross-validation fold or person of each photo."""

    name: str
    files: tuple[Path, ...]
    truth: Array
    groups: npt.NDArray[np.int64]


@dataclass(frozen=True)
class DevMeasure:
    """Per photo: ``raw`` (N, 3) face-matrix yaw, pitch and roll (NaN: no face), ``fit_yaw``
    (N,) the yaw of the landmark fit (``kinematics.face_fit``), ``ours`` (N, 2) and
    ``confidence`` (N,) as ``analyze`` writes them, and ``cv_yaw`` (N,) the yaw with a
    correction fitted without the photo's fold; ``cv_confidence`` its confidence."""

    dev: DevSet
    raw: Array
    fit_yaw: Array
    ours: Array
    confidence: Array
    cv_yaw: Array
    cv_confidence: Array

    @property
    def face_yaw(self) -> Array:
        """The uncorrected face yaw the correction applies to (``face_model.face_yaw``)."""
        return face_yaw(self.raw[:, 0], self.fit_yaw)


def aflw_dev(data: Path) -> DevSet:
    """The AFLW2000-3D dev photos kept by the usual protocol (every label within 99 deg)."""
    from scipy.io import loadmat

    folder = data / "headpose" / "aflw2000_dev"
    files, truth = [], []
    for photo in sorted(folder.glob("*.jpg")):
        mat = photo.with_suffix(".mat")
        if (np.abs(np.degrees(loadmat(str(mat))["Pose_Para"][0][:3])) > 99.0).any():
            continue
        t = load_aflw_pose(mat)
        files.append(photo)
        truth.append((t.yaw_deg, t.pitch_deg))
    groups = np.arange(len(files)) % AFLW_FOLDS
    return DevSet("AFLW2000-3D dev", tuple(files), np.array(truth).reshape(-1, 2), groups)


def pointing04_dev(data: Path) -> DevSet:
    """Pointing'04 dev photos at tilt 0; truth yaw = -pan (their pan > 0 = own right)."""
    files, truth, people = [], [], []
    for photo in sorted((data / "headpose" / "pointing04_dev").glob("Person*/*.jpg")):
        m = P04_NAME.match(photo.name)
        if m is None or int(m.group(4)) != 0:
            continue
        files.append(photo)
        truth.append((-float(m.group(5)), -float(m.group(4))))
        people.append(int(m.group(1)))
    return DevSet("Pointing'04 dev", tuple(files), np.array(truth).reshape(-1, 2), np.array(people))


def measure(dev: DevSet, models: ModelPaths, fit_on: DevMeasure | None = None) -> DevMeasure:
    """Run every photo as its own input (``analyze``'s photo defaults) and cross-validate:
    ``fit_on`` None: fit on the other folds of ``dev`` (AFLW2000-3D); else on ``fit_on``
    alone (Pointing'04, fitted on AFLW2000-3D as the shipped correction is)."""
    raw = np.full((len(dev.files), 3), np.nan)
    fit = np.full(len(dev.files), np.nan)
    ours = np.full((len(dev.files), 2), np.nan)
    conf = np.zeros(len(dev.files))
    row = {photo: i for i, photo in enumerate(dev.files)}
    # a folder of photos is read in IMAGE mode, one independent detection per photo: the
    # same as one input per photo, without loading the models for each
    for folder in sorted({photo.parent for photo in dev.files}):
        names: list[str] = []
        lm = run_models(open_source(folder), models, on_frame=partial(collect_name, names))
        angles = head_angles(lm.face.matrix)
        fitted = head_angles_from_rotation(
            landmark_rotation(lm.face.image_xyz, (lm.size.width, lm.size.height))
        )[0]
        v = analyze_angles(lm, "head", still=True).values
        for k, name in enumerate(names):
            i = row.get(folder / name)
            if i is None:
                continue
            raw[i] = [angles[c][k] for c in ("head_yaw_deg", "head_pitch_deg", "head_roll_deg")]
            fit[i] = fitted[k]
            ours[i] = v["head_yaw_deg"][k], v["head_pitch_deg"][k]
            conf[i] = v["head_confidence"][k]
    first = DevMeasure(dev, raw, fit, ours, conf, np.full(len(raw), np.nan), conf * 0.0)
    if fit_on is None:
        return cross_validate(first, own=True)
    return cross_validate(first, own=False, extra=fit_on)


def collect_name(names: list[str], frame: Frame) -> None:
    names.append(frame.name)


def cross_validate(
    m: DevMeasure, *, own: bool, extra: DevMeasure | None = None, ridge: float = RIDGE
) -> DevMeasure:
    """``m`` with ``cv_yaw`` of each held-out fold (or person): its face yaw corrected by a
    fit on the other folds of ``m`` (``own``) and all of ``extra``, each set weighing the
    same."""
    dev, face = m.dev, m.face_yaw
    cv = np.full(len(face), np.nan)
    for g in np.unique(dev.groups):
        held = dev.groups == g
        xs, ys = [], []
        if own:
            xs.append(face[~held])
            ys.append(dev.truth[~held, 0])
        if extra is not None:
            xs.append(extra.face_yaw)
            ys.append(extra.dev.truth[:, 0])
        weights = [np.full(len(x), 1.0 / max(int(np.isfinite(x).sum()), 1)) for x in xs]
        table = fit_yaw_correction(
            np.concatenate(xs), np.concatenate(ys), np.concatenate(weights), ridge=ridge
        )
        cv[held] = apply_yaw_correction(table, face[held])
    return replace(m, cv_yaw=cv, cv_confidence=face_confidence(cv))


# ----------------------------------------------------------------------- the correction


def _basis(r: Array) -> Array:
    """Hat functions at ``YAW_RAW_KNOTS`` (linear past the last knot), (N, K)."""
    knots = np.asarray(YAW_RAW_KNOTS)
    out = np.zeros((len(r), len(knots)))
    inside = r <= knots[-1]
    for j in range(len(knots)):
        e = np.zeros(len(knots))
        e[j] = 1.0
        out[inside, j] = np.interp(r[inside], knots, e)
    t = (r[~inside] - knots[-2]) / (knots[-1] - knots[-2])
    out[~inside, -2], out[~inside, -1] = 1.0 - t, t
    return out


def fit_yaw_correction(
    raw_yaw: npt.ArrayLike,
    true_yaw: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    *,
    ridge: float = RIDGE,
) -> Array:
    """Corrected ``|yaw|`` at ``YAW_RAW_KNOTS``: weighted least squares of
    ``sign(raw) * truth`` on hat functions of ``|raw|``, pulled toward the identity by
    ``ridge`` (share of the total weight), with ``f(0) = 0``, made monotone. The fit that
    made ``face_model.YAW_CORRECTED`` (on the face yaw of all AFLW2000-3D dev photos with a
    face)."""
    raw = np.asarray(raw_yaw, dtype=np.float64)
    truth = np.asarray(true_yaw, dtype=np.float64)
    w = np.ones(raw.shape) if weights is None else np.asarray(weights, dtype=np.float64)
    ok = np.isfinite(raw) & np.isfinite(truth)
    r, t, w = np.abs(raw[ok]), truth[ok] * np.sign(raw[ok]), w[ok]
    a = _basis(r)[:, 1:] * np.sqrt(w)[:, None]
    lam = ridge * float(w.sum())
    prior = np.asarray(YAW_RAW_KNOTS[1:])
    v = np.linalg.solve(a.T @ a + lam * np.eye(a.shape[1]), a.T @ (t * np.sqrt(w)) + lam * prior)
    return np.maximum.accumulate(np.concatenate([[0.0], v]))


def apply_yaw_correction(table: Array, raw_yaw: npt.ArrayLike) -> Array:
    raw = np.asarray(raw_yaw, dtype=np.float64)
    r = np.abs(raw)
    out = np.full(raw.shape, np.nan)
    ok = np.isfinite(r)
    out[ok] = np.sign(raw[ok]) * (_basis(r[ok]) @ table)
    return out


# ----------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Band:
    band: tuple[float, float]
    photos: int
    reading: float  # share of photos with a reading
    mae: float  # mean |error| over the readings
    under: float  # mean signed error toward the turn (negative = under-read)
    wrong_side: float  # share of the band's photos with true |yaw| >= 20 read on the other side


def in_band(truth_yaw: Array, band: tuple[float, float]) -> npt.NDArray[np.bool_]:
    a = np.abs(truth_yaw)
    return (a >= band[0]) & ((a < band[1]) | ((band[1] >= 90.0) & (a <= band[1])))


def band_figures(truth: Array, reading: Array, truth_yaw: Array | None = None) -> list[Band]:
    """Per band of true |yaw| (``truth_yaw``, default ``truth``): errors of ``reading``."""
    ty = truth if truth_yaw is None else truth_yaw
    out = []
    for band in BANDS:
        sel = in_band(ty, band)
        t, r = truth[sel], reading[sel]
        ok = np.isfinite(r)
        err = r[ok] - t[ok]
        wrong = (
            (np.abs(ty[sel]) >= WRONG_SIDE_DEG)
            & np.isfinite(r)
            & (np.sign(np.nan_to_num(r)) == -np.sign(ty[sel]))
            & (np.abs(np.nan_to_num(r)) > WRONG_SIDE_DEG)
        )
        n = int(sel.sum())
        out.append(
            Band(
                band=band,
                photos=n,
                reading=float(ok.mean()) if n else math.nan,
                mae=float(np.abs(err).mean()) if err.size else math.nan,
                under=float((err * np.sign(t[ok])).mean()) if err.size else math.nan,
                wrong_side=float(wrong.mean()) if n else math.nan,
            )
        )
    return out


#: Ranges of head_confidence for the confidence table (low inclusive, high exclusive;
#: the last includes 1).
CONFIDENCE_RANGES = ((0.9, 1.0), (0.7, 0.9), (0.5, 0.7), (0.3, 0.5), (0.0, 0.3))


@dataclass(frozen=True)
class ConfidenceRow:
    low: float
    high: float
    readings: int
    mae: float
    within_5: float  # share of readings within 5 degrees
    within_10: float


def confidence_figures(errors: Array, confidence: Array) -> list[ConfidenceRow]:
    """Mean |error| of the readings per range of confidence (readings only: conf > 0)."""
    out = []
    for lo, hi in CONFIDENCE_RANGES:
        sel = (confidence > 0) & (confidence >= lo) & ((confidence < hi) | (hi >= 1.0))
        sel &= np.isfinite(errors)
        e = np.abs(errors[sel])
        out.append(
            ConfidenceRow(
                lo,
                hi,
                int(sel.sum()),
                float(e.mean()) if e.size else math.nan,
                float((e <= 5.0).mean()) if e.size else math.nan,
                float((e <= 10.0).mean()) if e.size else math.nan,
            )
        )
    return out


def expected_error(measures: list[DevMeasure], knots: tuple[float, ...]) -> Array:
    """Mean |cross-validated yaw error| in 10 degree bins of |cv yaw| centred on ``knots``
    (the first from 0, the last open-ended), averaged over the sets (each set counts once),
    made non-decreasing; how ``face_model.EXPECTED_ERROR_DEG`` was made."""
    lows = [0.0, *(k - 5.0 for k in knots[1:])]
    highs = [*(k + 5.0 for k in knots[:-1]), math.inf]
    rows = []
    for m in measures:
        err = np.abs(m.cv_yaw - m.dev.truth[:, 0])
        a = np.abs(m.cv_yaw)
        row = []
        for lo, hi in zip(lows, highs, strict=True):
            e = err[(a >= lo) & (a < hi)]
            row.append(float(e.mean()) if e.size else math.nan)
        rows.append(row)
    mean = np.nanmean(np.array(rows), axis=0)
    return np.maximum.accumulate(np.where(np.isfinite(mean), mean, np.nanmax(mean)))


def overall_mae(truth: Array, reading: Array) -> tuple[float, float]:
    """(mean |error| over the readings, share with a reading)."""
    ok = np.isfinite(reading)
    return float(np.abs(reading[ok] - truth[ok]).mean()), float(ok.mean())


# ------------------------------------------------------------ the side set-up: pair spans

#: True |yaw| of the first photo of a pair (the neutral of the side set-up, turned about 45
#: degrees away from the camera) and of the second (the end of the turn, on the other side).
PAIR_NEAR = (25.0, 55.0)
PAIR_FAR = (35.0, 55.0)


@dataclass(frozen=True)
class PairFigures:
    """Span errors over pairs of photos turned to opposite sides.

    ``pairs``: how many (ordered) pairs; ``both_read``: share of them with a reading of
    both photos; ``mae``: mean ``|(reading A - reading B) - (truth A - truth B)|`` over those
    (degrees); ``signed``: its mean taken along the true span (negative: span under-read).
    """

    pairs: int
    both_read: float
    mae: float
    signed: float


def pair_spans(
    truth_yaw: npt.ArrayLike,
    reading: npt.ArrayLike,
    near: tuple[float, float] = PAIR_NEAR,
    far: tuple[float, float] = PAIR_FAR,
    groups: npt.ArrayLike | None = None,
) -> PairFigures:
    """Every ordered pair (A, B): true ``|yaw|`` of A in ``near``, of B in ``far`` (both
    bands closed), on opposite sides; with ``groups``, A and B of the same group only
    (Pointing'04: one person's series). The two photos are read independently: pass
    cross-validated readings (each photo's from a fit without its fold) so that neither
    photo of a pair was fitted on. All pairs, no sampling."""
    t = np.asarray(truth_yaw, dtype=np.float64)
    r = np.asarray(reading, dtype=np.float64)
    if t.shape != r.shape or t.ndim != 1:
        raise ValueError(f"reading: expected shape {t.shape} (as truth_yaw, 1-D), got {r.shape}")
    a = np.abs(t)
    ia = np.flatnonzero((a >= near[0]) & (a <= near[1]))
    ib = np.flatnonzero((a >= far[0]) & (a <= far[1]))
    chosen = np.sign(t[ia])[:, None] == -np.sign(t[ib])[None, :]
    if groups is not None:
        g = np.asarray(groups)
        if g.shape != t.shape:
            raise ValueError(f"groups: expected shape {t.shape}, got {g.shape}")
        chosen &= g[ia][:, None] == g[ib][None, :]
    true_span = (t[ia][:, None] - t[ib][None, :])[chosen]
    read_span = (r[ia][:, None] - r[ib][None, :])[chosen]
    read = np.isfinite(read_span)
    err = read_span[read] - true_span[read]
    n = int(chosen.sum())
    return PairFigures(
        pairs=n,
        both_read=float(read.mean()) if n else math.nan,
        mae=float(np.abs(err).mean()) if err.size else math.nan,
        signed=float((err * np.sign(true_span[read])).mean()) if err.size else math.nan,
    )
