"""Beyond the face in a recording: is the pose-landmark yaw cue, calibrated on the
recording's own frames where the face yaw is trusted, good enough where the face is lost?

Each Pointing'04 dev series (a person turning through every pan, body still) stands in for
a neck-rotation recording: :func:`pose_cue_recordings` calibrates the shipped
``calibrate_pose_yaw`` on the series' photos at :data:`RECORDING_TILTS` where the face is
found and its corrected yaw is within the trust limit, and reads the calibrated cue on the
tilt-0 photos. Used by ``bench/pose_cue_recordings.py`` (the section of ``docs/accuracy.md``)
and ``tests/evaluation/test_accuracy.py``; the measurement decided that the cue is not used
(``AngleOptions.use_pose_yaw`` stays off).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import numpy.typing as npt

from rom_tracker.evaluation.headpose_dev import (
    P04_NAME,
    WRONG_SIDE_DEG,
    Array,
    collect_name,
    in_band,
)
from rom_tracker.kinematics.face_fit import landmark_rotation
from rom_tracker.kinematics.face_model import correct_face_yaw, face_yaw
from rom_tracker.kinematics.fusion import PoseYawCues, calibrate_pose_yaw, pose_yaw, pose_yaw_cues
from rom_tracker.kinematics.head import head_angles, head_angles_from_rotation
from rom_tracker.media.capture import open_source
from rom_tracker.pipeline import ModelPaths, run_models

#: Tilts of a Pointing'04 series that make one pseudo-recording (a neck-rotation trial
#: starts facing the camera and nods a little): the pose cue is calibrated on them; it is
#: evaluated on the tilt-0 photos.
RECORDING_TILTS = (-15, 0, 15)


@dataclass(frozen=True)
class SeriesPhotos:
    """Pointing'04 photos at ``RECORDING_TILTS``, per photo (N,): ``yaw`` truth (-pan),
    ``tilt`` nominal, ``series`` (person * 10 + series), ``face`` corrected face yaw as
    ``analyze`` computes it for a photo (NaN: no face), ``cues`` the pose-yaw image cues."""

    yaw: Array
    tilt: Array
    series: npt.NDArray[np.int64]
    face: Array
    cues: PoseYawCues


def pointing04_series(data: Path, models: ModelPaths) -> SeriesPhotos:
    """Run the models on every Pointing'04 dev photo (IMAGE mode, as ``measure`` does) and
    keep those at ``RECORDING_TILTS``."""
    rows: list[tuple[float, float, int, float, float, float, float, float]] = []
    for folder in sorted((data / "headpose" / "pointing04_dev").glob("Person*")):
        names: list[str] = []
        lm = run_models(open_source(folder), models, on_frame=partial(collect_name, names))
        size = (lm.size.width, lm.size.height)
        fitted = head_angles_from_rotation(landmark_rotation(lm.face.image_xyz, size))[0]
        face = correct_face_yaw(face_yaw(head_angles(lm.face.matrix)["head_yaw_deg"], fitted))
        cues = pose_yaw_cues(lm.pose.image_xyz, lm.pose.visibility, size)
        for k, name in enumerate(names):
            m = P04_NAME.match(name)
            if m is None or int(m.group(4)) not in RECORDING_TILTS:
                continue
            rows.append(
                (
                    -float(m.group(5)),
                    float(m.group(4)),
                    int(m.group(1)) * 10 + int(m.group(2)),
                    face[k],
                    cues.span[k],
                    cues.offset[k],
                    cues.visibility[k],
                    cues.nose_x[k],
                )
            )
    a = np.array(rows, dtype=np.float64).reshape(-1, 8)
    return SeriesPhotos(a[:, 0], a[:, 1], a[:, 2].astype(np.int64), a[:, 3], _cues(a[:, 4:]))


def _cues(a: Array) -> PoseYawCues:
    return PoseYawCues(a[:, 0], a[:, 1], a[:, 2], a[:, 3])


@dataclass(frozen=True)
class PoseCueRecordings:
    """Per tilt-0 photo (N,): ``yaw`` truth, ``face`` corrected face yaw (NaN: no face),
    ``pose`` the pose yaw calibrated on its own series, ``series`` (person * 10 + series),
    and its series' calibration: ``frames`` used, ``rmse`` (degrees, against the face yaw)."""

    yaw: Array
    face: Array
    pose: Array
    series: npt.NDArray[np.int64]
    frames: Array
    rmse: Array


def pose_cue_recordings(photos: SeriesPhotos, trusted_deg: float) -> PoseCueRecordings:
    """Each series as a recording: ``fusion.calibrate_pose_yaw`` (as shipped) on its photos
    where the face is found with ``|face yaw| <= trusted_deg``, applied to its tilt-0 photos."""
    out: list[Array] = []
    for s in np.unique(photos.series):
        rec = np.flatnonzero(photos.series == s)
        cues = _cues(np.stack([c[rec] for c in _fields(photos.cues)], axis=1))
        model = calibrate_pose_yaw(cues, photos.face[rec], trusted_deg=trusted_deg)
        at0 = photos.tilt[rec] == 0
        pose = pose_yaw(cues, model)[at0]
        n = int(at0.sum())
        out.append(
            np.stack(
                [
                    photos.yaw[rec][at0],
                    photos.face[rec][at0],
                    pose,
                    np.full(n, s),
                    np.full(n, model.frames),
                    np.full(n, model.rmse_deg),
                ],
                axis=1,
            )
        )
    a = np.concatenate(out)
    series = a[:, 3].astype(np.int64)
    return PoseCueRecordings(a[:, 0], a[:, 1], a[:, 2], series, a[:, 4], a[:, 5])


def _fields(c: PoseYawCues) -> tuple[Array, Array, Array, Array]:
    return c.span, c.offset, c.visibility, c.nose_x


#: Bands of true |yaw| for the pose cue (beyond the face's reach; 45-60 for comparison).
POSE_CUE_BANDS = ((45.0, 60.0), (60.0, 75.0), (75.0, 90.0))


@dataclass(frozen=True)
class PoseCueBand:
    band: tuple[float, float]
    photos: int
    face_reading: float  # share of the band's photos with a face
    face_mae: float  # corrected face yaw where found
    pose_mae: float  # calibrated pose cue (gated series), every photo with a cue
    pose_under: float  # its mean signed error toward the turn
    pose_wrong: float  # share of its readings on the wrong side
    added: float  # share of the band's photos where the face is lost and the cue reads
    added_mae: float  # the cue's error there
    combined_mae: float  # face where found, else the cue: error over all readings
    combined_reading: float


def pose_cue_bands(r: PoseCueRecordings, gate: npt.ArrayLike | None = None) -> list[PoseCueBand]:
    """Figures per ``POSE_CUE_BANDS``; ``gate`` (N,) bool: photos whose series' calibration
    passes (default all)."""
    ok = np.ones(r.yaw.shape, bool) if gate is None else np.asarray(gate, dtype=bool)
    pose = np.where(ok, r.pose, np.nan)
    combined = np.where(np.isfinite(r.face), r.face, pose)
    out = []
    for band in POSE_CUE_BANDS:
        sel = in_band(r.yaw, band)
        t = r.yaw[sel]
        has_face, cue = np.isfinite(r.face[sel]), np.isfinite(pose[sel])
        e_pose = pose[sel] - t
        lost = cue & ~has_face
        wrong = cue & (np.sign(pose[sel]) == -np.sign(t)) & (np.abs(pose[sel]) > WRONG_SIDE_DEG)
        e_comb = combined[sel] - t
        n = int(sel.sum())
        out.append(
            PoseCueBand(
                band=band,
                photos=n,
                face_reading=float(has_face.mean()),
                face_mae=_mean(np.abs(r.face[sel] - t)),
                pose_mae=_mean(np.abs(e_pose)),
                pose_under=_mean(e_pose * np.sign(t)),
                pose_wrong=float(wrong.sum() / cue.sum()) if cue.any() else math.nan,
                added=float(lost.mean()),
                added_mae=_mean(np.abs(e_pose[lost])),
                combined_mae=_mean(np.abs(e_comb)),
                combined_reading=float(np.isfinite(e_comb).mean()),
            )
        )
    return out


def _mean(x: Array) -> float:
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else math.nan


def lopo_rmse_gate(
    r: PoseCueRecordings, thresholds: tuple[float, ...], band: tuple[float, float] = (75.0, 90.0)
) -> npt.NDArray[np.bool_]:
    """Leave one person out: for each person, the calibration-rmse threshold that gives the
    lowest cue error in ``band`` on the other people (at least 2 of their series passing),
    applied to that person's series. Returns the gate (N,)."""
    gate = np.zeros(r.yaw.shape, bool)
    err = np.abs(r.pose - r.yaw)
    sel = in_band(r.yaw, band)
    person = r.series // 10
    for p in np.unique(person):
        others = person != p
        best = (math.inf, math.inf)
        for th in thresholds:
            passing = others & (r.rmse <= th)
            if len(np.unique(r.series[passing])) < 2:
                continue
            e = _mean(err[passing & sel])
            if e < best[0]:
                best = (e, th)
        gate[person == p] = r.rmse[person == p] <= best[1]
    return gate
