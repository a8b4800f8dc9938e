"""Neck rotation vs head yaw: does the trunk yaw follow the head? (issue 11, item 1)

Used by ``bench/neck_rotation.py`` (writes ``docs/accuracy_neck.md``) and
``tests/evaluation/test_accuracy_neck.py``. Three measurements:

* **Pointing'04** (body still, head turned): per band of nominal |pan|, the median of
  ``|neck_rotation_deg - head_yaw_deg|`` (= |trunk yaw|, which should be 0), for the
  pose-world shoulder line as it was ("raw") and for :mod:`rom_tracker.kinematics.trunk`
  ("ours", as ``analyze`` writes it), plus the same with the head pull and dead band fitted
  leave-one-person-out (:func:`leave_one_person_out`);
* **rendered holds** (``samples/head_turn.mp4``, protocol renders): the same gap over the
  frames of each hold, analysed as ``analyze`` does a video;
* **synthetic whole-body turn**: 3D torso and head landmarks turning, projected through a
  pinhole camera into image and world landmarks, through the same code: the error of the
  recovered trunk turn.
"""

from __future__ import annotations

import math
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rom_tracker.evaluation.accuracy import analyze_angles, read_truth_csv, reference_lines
from rom_tracker.kinematics.body import world_angles
from rom_tracker.kinematics.geometry import wrap_deg
from rom_tracker.kinematics.head import plausible_trunk_yaw, rotation_from_head_angles
from rom_tracker.kinematics.table import AngleOptions, compute_angles
from rom_tracker.kinematics.trunk import DEAD_BAND_DEG, trunk_yaw_beyond_head
from rom_tracker.media.capture import ImageSource, open_source
from rom_tracker.pipeline import ModelPaths, run_models
from rom_tracker.types import (
    N_FACE_LANDMARKS,
    N_POSE_LANDMARKS,
    FaceTrack,
    ImageSize,
    Landmarks,
    PoseTrack,
)

#: Bands of true |head yaw| (degrees) of issue 11.
BANDS = ((0.0, 30.0), (30.0, 45.0), (45.0, 60.0), (60.0, 75.0), (75.0, 90.0))
#: A trunk reading further than this from 0 on a still body counts as a false trunk turn.
FALSE_TURN_DEG = 5.0
#: Dead bands (lower edge, degrees; upper = lower + 10) tried by the cross-validation.
DEAD_BAND_GRID = (10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0)
#: The policy the cross-validation applies on the training people: the smallest dead band
#: whose share of false trunk turns is at most this in every band.
MAX_FALSE_SHARE = 0.30

_P04 = re.compile(r"person(\d\d)(\d)(\d\d)([+-]\d+)([+-]\d+)\.jpg")


def in_band(x: np.ndarray, band: tuple[float, float]) -> np.ndarray:
    lo, hi = band
    a = np.abs(x)
    return (a >= lo) & ((a < hi) | ((hi == BANDS[-1][1]) & (a <= hi)))


@dataclass(frozen=True)
class StillPhotos:
    """Pointing'04 photos (one row each): nominal labels and what ``analyze`` read."""

    person: np.ndarray  # (N,) int
    series: np.ndarray  # (N,) int, the person's series (1 or 2): one sitting each
    pan: np.ndarray  # (N,) nominal pan, the dataset's sign (> 0: subject's own right)
    tilt: np.ndarray  # (N,)
    shoulder_yaw: np.ndarray  # pose-world shoulder line, implausible dropped ("raw" trunk)
    head_yaw: np.ndarray  # analyze's head_yaw_deg (NaN where none)
    trunk_yaw: np.ndarray  # analyze's trunk_yaw_deg (ours)
    neck: np.ndarray  # analyze's neck_rotation_deg


def pointing04(data: Path, models: ModelPaths, tilt0_only: bool = False) -> StillPhotos:
    """Every Pointing'04 dev photo (or those at tilt 0), each analysed as its own input."""
    root = data / "headpose" / "pointing04_dev"
    cols: dict[str, list[np.ndarray]] = {k: [] for k in StillPhotos.__dataclass_fields__}
    for folder in sorted(root.glob("Person*")):
        photos = sorted(folder.glob("*.jpg"))
        labels = [_P04.match(p.name) for p in photos]
        keep = [
            p for p, m in zip(photos, labels, strict=True) if m and (m[4] == "+0" or not tilt0_only)
        ]
        with tempfile.TemporaryDirectory() as tmp:  # links, so the folder holds just these
            for p in keep:
                (Path(tmp) / p.name).symlink_to(p)
            source = ImageSource(Path(tmp))
            lm = run_models(source, models)
            names = [p.name for p in source.files if p not in {s for s, _ in source.skipped}]
        result = analyze_angles(lm, "head", still=True)
        v = result.values
        raw = world_angles(lm.pose.world_xyz)["trunk_yaw_deg"]
        raw = plausible_trunk_yaw(raw, v["head_yaw_face_deg"], v["head_yaw_deg"])
        m = [_P04.match(n) for n in names]
        cols["person"].append(np.array([int(x[1]) for x in m if x]))
        cols["series"].append(np.array([int(x[2]) for x in m if x]))
        cols["tilt"].append(np.array([int(x[4]) for x in m if x]))
        cols["pan"].append(np.array([int(x[5]) for x in m if x]))
        cols["shoulder_yaw"].append(raw)
        cols["head_yaw"].append(v["head_yaw_deg"])
        cols["trunk_yaw"].append(v["trunk_yaw_deg"])
        cols["neck"].append(v["neck_rotation_deg"])
    return StillPhotos(**{k: np.concatenate(c) for k, c in cols.items()})


@dataclass(frozen=True)
class BandGap:
    band: tuple[float, float]
    photos: int  # with both a head yaw and a neck rotation
    median: float  # median |neck - head|
    false_share: float  # share with |neck - head| > FALSE_TURN_DEG
    mean: float


def band_gaps(true_yaw: np.ndarray, gap: np.ndarray) -> list[BandGap]:
    """Per band of |true yaw|: the median, mean and false-turn share of |gap| (NaN skipped)."""
    out = []
    for band in BANDS:
        g = np.abs(gap[in_band(true_yaw, band) & np.isfinite(gap)])
        if not g.size:
            out.append(BandGap(band, 0, math.nan, math.nan, math.nan))
            continue
        share = float(np.mean(g > FALSE_TURN_DEG))
        out.append(BandGap(band, int(g.size), float(np.median(g)), share, float(g.mean())))
    return out


def fit_pull(shoulder_yaw: np.ndarray, head_yaw: np.ndarray) -> float:
    """Least-squares ``k`` in ``shoulder = k * head`` (body still), clipped to [0, 0.9]."""
    ok = np.isfinite(shoulder_yaw) & np.isfinite(head_yaw)
    s, h = shoulder_yaw[ok], head_yaw[ok]
    return float(np.clip(np.sum(s * h) / np.sum(h * h), 0.0, 0.9)) if ok.any() else 0.0


def choose_dead_band(
    true_yaw: np.ndarray, shoulder_yaw: np.ndarray, head_yaw: np.ndarray, pull: float
) -> float:
    """The smallest lower edge of ``DEAD_BAND_GRID`` meeting ``MAX_FALSE_SHARE`` in every band."""
    for lo in DEAD_BAND_GRID:
        trunk = trunk_yaw_beyond_head(shoulder_yaw, head_yaw, pull, (lo, lo + 10.0))
        if all(b.false_share <= MAX_FALSE_SHARE for b in band_gaps(true_yaw, trunk) if b.photos):
            return lo
    return DEAD_BAND_GRID[-1]


@dataclass(frozen=True)
class CrossValidated:
    gaps: list[BandGap]
    folds: list[tuple[int, float, float]]  # (held-out person, pull, dead band lower edge)


def leave_one_person_out(photos: StillPhotos, pull: bool = True) -> CrossValidated:
    """Pull (or none) and dead band fitted on 7 people, |neck - head| measured on the 8th."""
    trunk = np.full(photos.pan.shape, np.nan)
    folds = []
    truth = photos.pan.astype(np.float64)
    for person in np.unique(photos.person):
        train, test = photos.person != person, photos.person == person
        k = fit_pull(photos.shoulder_yaw[train], photos.head_yaw[train]) if pull else 0.0
        lo = choose_dead_band(truth[train], photos.shoulder_yaw[train], photos.head_yaw[train], k)
        trunk[test] = trunk_yaw_beyond_head(
            photos.shoulder_yaw[test], photos.head_yaw[test], k, (lo, lo + 10.0)
        )
        folds.append((int(person), k, lo))
    gap = np.where(np.isfinite(photos.head_yaw), trunk, np.nan)  # |neck - head| = |trunk|
    return CrossValidated(band_gaps(truth, gap), folds)


def subset(photos: StillPhotos, keep: np.ndarray) -> StillPhotos:
    """The photos where ``keep`` (N,) is True."""
    return StillPhotos(**{k: getattr(photos, k)[keep] for k in StillPhotos.__dataclass_fields__})


def pull_per_series(photos: StillPhotos) -> list[BandGap]:
    """The head pull fitted on each series (one sitting: what a video could self-calibrate)
    and taken out before the default dead band; |neck - head| per band."""
    trunk = np.full(photos.pan.shape, np.nan)
    for key in np.unique(photos.person * 10 + photos.series):
        m = photos.person * 10 + photos.series == key
        k = fit_pull(photos.shoulder_yaw[m], photos.head_yaw[m])
        trunk[m] = trunk_yaw_beyond_head(photos.shoulder_yaw[m], photos.head_yaw[m], k)
    gap = np.where(np.isfinite(photos.head_yaw), trunk, np.nan)
    return band_gaps(photos.pan.astype(np.float64), gap)


# --------------------------------------------------------------------------- renders


@dataclass(frozen=True)
class HoldGap:
    name: str
    hold_yaw: float  # rendered yaw of the hold (degrees)
    frames: int
    head: float  # median head_yaw_deg over the hold
    raw_gap: float  # median |neck - head| with the raw shoulder line
    ours_gap: float  # the same with analyze's trunk_yaw_deg


def holds(truth: np.ndarray, min_frames: int = 15, min_yaw: float = 10.0) -> list[slice]:
    """Runs of at least ``min_frames`` frames at one rendered yaw beyond ``min_yaw``."""
    out, start = [], 0
    for i in range(1, len(truth) + 1):
        if i == len(truth) or abs(truth[i] - truth[start]) > 1e-6:
            if i - start >= min_frames and abs(truth[start]) >= min_yaw:
                out.append(slice(start, i))
            start = i
    return out


def render_holds(name: str, video: Path, truth_csv: Path, models: ModelPaths) -> list[HoldGap]:
    """A render analysed as ``analyze`` does a video; the gap at each hold."""
    lm = run_models(open_source(video), models)
    v = analyze_angles(lm, "head").values
    truth = read_truth_csv(truth_csv)[: len(lm)]
    raw = world_angles(lm.pose.world_xyz)["trunk_yaw_deg"]
    raw = plausible_trunk_yaw(raw, v["head_yaw_face_deg"], v["head_yaw_deg"])
    out = []
    for s in holds(truth):
        head = v["head_yaw_deg"][s]
        out.append(
            HoldGap(
                name=name,
                hold_yaw=float(truth[s.start]),
                frames=s.stop - s.start,
                head=float(np.nanmedian(head)),
                raw_gap=float(np.nanmedian(np.abs(raw[s]))),
                ours_gap=float(np.nanmedian(np.abs(v["neck_rotation_deg"][s] - head))),
            )
        )
    return out


# --------------------------------------------------------------------------- real turns


@dataclass(frozen=True)
class CameraTrunk:
    """One Pose2Sim camera: the subject's trunk yaw as that camera sees it."""

    camera: str
    frames: int
    ref_deg: float  # median reference shoulder-line yaw (4-camera triangulation)
    raw_deg: float  # median pose-world shoulder-line yaw
    ours_deg: float  # median trunk_yaw_deg as analyze writes it (all frames, NaN skipped)
    raw_err: float  # median |raw - reference| over the frames (wrapped)
    ours_err: float  # median |trunk_yaw_deg - reference| over the frames (wrapped)


def pose2sim_trunk(data: Path, models: ModelPaths) -> list[CameraTrunk]:
    """The same person filmed by 4 calibrated cameras: each sees the trunk turned by a
    different angle (a real whole-body turn relative to the camera)."""
    folder = data / "videos" / "pose2sim"
    out = []
    for cam, (sh, _) in sorted(reference_lines(data).items()):
        lm = run_models(open_source(folder / f"{cam}.mp4"), models)
        v = analyze_angles(lm, "all").values
        ref = np.degrees(np.arctan2(sh[:, 2], sh[:, 0]))[: len(lm)]
        ours = v["trunk_yaw_deg"][: len(ref)]
        raw = world_angles(lm.pose.world_xyz)["trunk_yaw_deg"]
        out.append(
            CameraTrunk(
                camera=cam,
                frames=len(ref),
                ref_deg=float(np.median(ref)),
                raw_deg=float(np.nanmedian(raw)),
                ours_deg=float(np.nanmedian(ours)),
                raw_err=float(np.nanmedian(np.abs(wrap_deg(raw[: len(ref)] - ref)))),
                ours_err=float(np.nanmedian(np.abs(wrap_deg(ours - ref)))),
            )
        )
    return out


# --------------------------------------------------------------------------- synthetic

#: A torso and head facing the camera (metres, hip-centred, x image right, y down, z away
#: from the camera): BlazePose index -> point. Left = the subject's own left (image right).
_BODY = {
    0: (0.0, -0.62, -0.10),  # nose
    2: (0.03, -0.66, -0.07),  # left eye
    5: (-0.03, -0.66, -0.07),  # right eye
    7: (0.075, -0.64, 0.0),  # left ear
    8: (-0.075, -0.64, 0.0),  # right ear
    9: (0.025, -0.58, -0.08),  # mouth left
    10: (-0.025, -0.58, -0.08),  # mouth right
    11: (0.19, -0.45, 0.0),  # left shoulder
    12: (-0.19, -0.45, 0.0),  # right shoulder
    23: (0.12, 0.0, 0.0),  # left hip
    24: (-0.12, 0.0, 0.0),  # right hip
}
_HEAD = (0, 2, 5, 7, 8, 9, 10)
_NECK = np.array([0.0, -0.50, 0.0])  # the head turns about the neck's vertical axis


def _turn_y(p: np.ndarray, deg: np.ndarray) -> np.ndarray:
    """Points ``p`` (T, N, 3) turned by ``deg`` (T,) to the subject's own left (left side
    away from the camera: +x toward +z)."""
    a = np.radians(deg)[:, None]
    c, s = np.cos(a), np.sin(a)
    x, y, z = p[..., 0], p[..., 1], p[..., 2]
    return np.stack([x * c - z * s, y, x * s + z * c], axis=-1)


def synthetic_turn(
    trunk_deg: np.ndarray,
    neck_deg: np.ndarray,
    *,
    distance_m: float = 2.0,
    focal_px: float = 900.0,
    size: tuple[int, int] = (1280, 720),
) -> Landmarks:
    """Landmarks of a torso turned by ``trunk_deg`` (T,) with the head turned a further
    ``neck_deg`` (T,): world landmarks (hip-centred, exact) and image landmarks through a
    pinhole camera ``distance_m`` in front of the hips; the facial transformation matrix of
    the head's yaw. No model noise and no head pull: a check of the geometry."""
    n = len(trunk_deg)
    base = np.full((N_POSE_LANDMARKS, 3), np.nan)
    for i, p in _BODY.items():
        base[i] = p
    pts = np.broadcast_to(base, (n, N_POSE_LANDMARKS, 3)).copy()
    head = list(_HEAD)
    pts[:, head] = _turn_y(pts[:, head] - _NECK, np.asarray(neck_deg, float)) + _NECK
    world = _turn_y(pts, np.asarray(trunk_deg, float))
    cam = world + np.array([0.0, 0.0, distance_m])
    w, h = size
    image = np.stack(
        [
            (focal_px * cam[..., 0] / cam[..., 2] + w / 2) / w,
            (focal_px * cam[..., 1] / cam[..., 2] + h / 2) / h,
            cam[..., 2] - distance_m,
        ],
        axis=-1,
    )
    vis = np.where(np.isfinite(base[:, 0]), 1.0, np.nan)
    matrix = np.tile(np.eye(4), (n, 1, 1))
    matrix[:, :3, :3] = rotation_from_head_angles(
        np.asarray(trunk_deg, float) + np.asarray(neck_deg, float), np.zeros(n), np.zeros(n)
    )
    matrix[:, :3, 3] = (0.0, 0.0, -100.0 * distance_m)
    f32 = np.float32
    return Landmarks(
        t_s=np.arange(n) / 30.0,
        size=ImageSize(w, h),
        face=FaceTrack(
            image_xyz=np.full((n, N_FACE_LANDMARKS, 3), np.nan, f32),
            matrix=matrix.astype(f32),
            found=np.ones(n, bool),
        ),
        pose=PoseTrack(
            image_xyz=image.astype(f32),
            world_xyz=world.astype(f32),
            visibility=np.broadcast_to(vis, (n, N_POSE_LANDMARKS)).astype(f32),
            found=np.ones(n, bool),
        ),
    )


@dataclass(frozen=True)
class SyntheticTurn:
    trunk_deg: np.ndarray
    neck_deg: np.ndarray
    trunk_yaw: np.ndarray  # trunk_yaw_deg read back
    neck: np.ndarray  # neck_rotation_deg read back


def synthetic_whole_body_turn(neck_amp_deg: float = 0.0, frames: int = 361) -> SyntheticTurn:
    """The trunk sweeping -90..+90 degrees (a triangle), the head turned a further
    ``neck_amp_deg * sin`` relative to it; read back through :func:`compute_angles`."""
    u = np.linspace(0.0, 1.0, frames)
    trunk = 90.0 * np.where(u < 0.5, 4 * u - 1, 3 - 4 * u)
    neck = neck_amp_deg * np.sin(2 * np.pi * 3 * u)
    v = compute_angles(synthetic_turn(trunk, neck), "head", AngleOptions()).values
    return SyntheticTurn(trunk, neck, v["trunk_yaw_deg"], v["neck_rotation_deg"])


def synthetic_errors(turn: SyntheticTurn) -> list[tuple[str, int, float, float]]:
    """(band of |true trunk turn|, frames, median |trunk read - true|, median |neck read -
    true neck|) per band, plus the dead band's own range."""
    rows = []
    lo_edge, hi_edge = DEAD_BAND_DEG
    edges = ((0.0, lo_edge), (lo_edge, hi_edge), (hi_edge, 90.0))
    for lo, hi in edges:
        sel = (np.abs(turn.trunk_deg) >= lo) & (np.abs(turn.trunk_deg) <= hi)
        rows.append(
            (
                f"{lo:g}-{hi:g}",
                int(sel.sum()),
                float(np.nanmedian(np.abs(turn.trunk_yaw[sel] - turn.trunk_deg[sel]))),
                float(np.nanmedian(np.abs(turn.neck[sel] - turn.neck_deg[sel]))),
            )
        )
    return rows
