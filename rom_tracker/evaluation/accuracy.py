"""Accuracy measurements against third-party reference data, beside raw MediaPipe.

Used by ``bench/accuracy.py`` (which prints the tables and writes ``docs/accuracy.md``) and
by ``tests/evaluation/test_accuracy.py`` (which guards the figures with tolerances). Every function
takes the data folder (``../shared/data``) and resolved model paths; nothing is copied.

"Raw" is MediaPipe as it comes: the face-matrix yaw/pitch/roll with no fusion, camera
correction or filtering, and pose-lite world-landmark hip flexion. "Ours" is what
``rom-tracker analyze`` writes with its defaults for that kind of input.

Why one module of about 570 lines: it is the measurement behind one document
(``docs/accuracy.md``, sections 1-5), read section by section (the ``----`` rulers below);
each section is a loader and its error figures, with the tests and the benchmark reaching
every one through the one name ``accuracy``. Splitting it by section would scatter that
document's provenance without making any part simpler.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from rom_tracker.analyze import AnalyzeSettings
from rom_tracker.evaluation.reference import load_aflw_pose
from rom_tracker.files.mot import read_mot
from rom_tracker.kinematics.camera import (
    MEDIAPIPE_PERSPECTIVE_SHARE,
    mediapipe_intrinsics,
    off_axis_correction,
)
from rom_tracker.kinematics.face_fit import landmark_rotation
from rom_tracker.kinematics.head import angles_dict, matrix_planes
from rom_tracker.kinematics.table import AngleResult, compute_angles
from rom_tracker.media.capture import open_source
from rom_tracker.pipeline import ModelPaths, What, run_models
from rom_tracker.rom.filters import smooth_series
from rom_tracker.types import Landmarks

#: |yaw| bands of the AFLW photos (degrees, truth).
YAW_BANDS = ((0.0, 30.0), (30.0, 45.0), (45.0, 60.0), (60.0, 90.0))
#: |yaw| bands for coverage on rendered turns (degrees, truth).
RENDER_BANDS = ((0.0, 30.0), (30.0, 45.0), (45.0, 60.0), (60.0, 75.0), (75.0, 85.0), (85.0, 90.0))

MOT_NAME = "BalancingTrial_filt_butterworth_0-100_body25b.mot"
TRC_NAME = "BalancingTrial_0-100_filt_butterworth.trc"


def _wrap(a: np.ndarray) -> np.ndarray:
    return (np.asarray(a, dtype=np.float64) + 180.0) % 360.0 - 180.0


# --------------------------------------------------------------------------- AFLW photos


@dataclass(frozen=True)
class PhotoRow:
    name: str
    truth: tuple[float, float, float]  # yaw, pitch, roll (roll: the dataset's own sign)
    raw: tuple[float, float, float]  # face matrix, as MediaPipe reports it
    ours: tuple[float, float, float]  # analyze's head_yaw/pitch/roll for photos
    source: str
    confidence: float


def aflw_photos(data: Path, models: ModelPaths) -> list[PhotoRow]:
    """Every AFLW dev photo: truth, raw MediaPipe and ours (photos: no calibration, no
    camera correction, default pose-yaw model)."""
    folder = data / "headpose" / "aflw_dev"
    source = open_source(folder)
    lm = run_models(source, models)
    result = analyze_angles(lm, "head", still=True)
    raw = angles_dict(matrix_planes(lm.face.matrix))
    v = result.values
    rows = []
    for i, photo in enumerate(sorted(folder.glob("*.jpg"))):
        t = load_aflw_pose(photo.with_suffix(".mat"))
        rows.append(
            PhotoRow(
                name=photo.name,
                truth=(t.yaw_deg, t.pitch_deg, t.roll_deg),
                raw=tuple(float(raw[c][i]) for c in raw),  # type: ignore[arg-type]
                ours=(
                    float(v["head_yaw_deg"][i]),
                    float(v["head_pitch_deg"][i]),
                    float(v["head_roll_deg"][i]),
                ),
                source=str(result.head_source[i]),
                confidence=float(v["head_confidence"][i]),
            )
        )
    return rows


@dataclass(frozen=True)
class BandError:
    band: tuple[float, float]
    photos: int
    raw_mae: tuple[float, float, float]  # yaw, pitch, roll mean abs error
    ours_mae: tuple[float, float, float]
    raw_found: int
    ours_found: int


def band_errors(rows: list[PhotoRow]) -> list[BandError]:
    """Mean absolute yaw/pitch/roll error per |truth yaw| band (NaN where none)."""
    out = []
    for lo, hi in YAW_BANDS:
        sel = [r for r in rows if lo <= abs(r.truth[0]) < hi]
        maes = []
        for attr in ("raw", "ours"):
            errs = np.array([np.subtract(getattr(r, attr), r.truth) for r in sel]).reshape(-1, 3)
            errs = np.abs(_wrap(errs))
            maes.append(
                tuple(float(np.nanmean(errs[:, k])) if len(sel) else math.nan for k in range(3))
            )
        out.append(
            BandError(
                band=(lo, hi),
                photos=len(sel),
                raw_mae=maes[0],  # type: ignore[arg-type]
                ours_mae=maes[1],  # type: ignore[arg-type]
                raw_found=sum(math.isfinite(r.raw[0]) for r in sel),
                ours_found=sum(math.isfinite(r.ours[0]) for r in sel),
            )
        )
    return out


# --------------------------------------------------------------------------- off-axis


@dataclass(frozen=True)
class OffAxis:
    """Photos moved off-centre on a larger canvas: change of yaw/pitch per degree of ray.

    ``raw_share``: MediaPipe's change / ray angle (the share it removes itself);
    ``ours_share``: after :func:`off_axis_correction` with MediaPipe's own camera (a full
    correction gives 1.0); ``fit_share``: the landmark fit's change (``kinematics.face_fit``,
    corrected with share 0). ``shifts``: how many shifted detections were used.
    """

    raw_share: float
    ours_share: float
    shifts: int
    fit_share: float = math.nan


def off_axis(data: Path, face_model: Path, canvas: int = 1000, shift: int = 275) -> OffAxis:
    """Each AFLW photo centred on a grey ``canvas`` and moved ``shift`` px left/right/up/down.

    The same face moved off-centre, seen by a camera with MediaPipe's own intrinsics, is
    turned toward the camera by the ray angle: relative to the centred photo its yaw (x
    shifts) or pitch (y shifts) should change by minus / plus the ray angle.
    """
    import cv2

    from rom_tracker.media.landmarks import FaceLandmarker

    camera = mediapipe_intrinsics(canvas, canvas)
    raw_num = ours_num = fit_num = den = 0.0
    shifts = 0
    with FaceLandmarker(face_model, video=False) as face:
        for photo in sorted((data / "headpose" / "aflw_dev").glob("*.jpg")):
            bgr = cv2.imread(str(photo))
            if bgr is None:
                continue
            img = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            h, w = img.shape[:2]
            base = None
            for dx, dy in ((0, 0), (-shift, 0), (shift, 0), (0, -shift), (0, shift)):
                board = np.full((canvas, canvas, 3), 128, np.uint8)
                x0, y0 = (canvas - w) // 2 + dx, (canvas - h) // 2 + dy
                board[y0 : y0 + h, x0 : x0 + w] = img
                found = face.process(board, 0.0)
                if found is None:
                    continue
                m = found[1][None].astype(np.float64)
                raw = angles_dict(matrix_planes(m))
                fit_r = landmark_rotation(found[0][None], (canvas, canvas))
                fit = angles_dict(np.moveaxis(fit_r, 0, -1))
                fixed = angles_dict(
                    off_axis_correction(matrix_planes(m), m[:, :3, 3], (canvas, canvas), camera)
                )
                t = m[0, :3, 3]  # where MediaPipe places the face: its ray, in degrees
                ray_x = math.degrees(math.atan2(t[0], -t[2]))
                ray_up = math.degrees(math.atan2(t[1], -t[2]))
                if (dx, dy) == (0, 0):
                    base = (raw, fixed, ray_x, ray_up, fit)
                    continue
                if base is None:
                    continue
                # a face that looks the same further right is turned toward the camera: its
                # yaw changes by minus the change of ray; further up: pitch (chin down) by plus
                if dx:
                    key, want = "head_yaw_deg", -(ray_x - base[2])
                else:
                    key, want = "head_pitch_deg", ray_up - base[3]
                raw_num += (raw[key][0] - base[0][key][0]) * want
                ours_num += (fixed[key][0] - base[1][key][0]) * want
                fit_num += (fit[key][0] - base[4][key][0]) * want
                den += want * want
                shifts += 1
    return (
        OffAxis(raw_num / den, ours_num / den, shifts, fit_num / den)
        if shifts
        else OffAxis(*(math.nan,) * 2, 0)
    )


# --------------------------------------------------------------------------- BIWI


@dataclass(frozen=True)
class BiwiFrame:
    truth: tuple[float, float, float]
    raw: tuple[float, float, float]


def biwi_frame(data: Path, models: ModelPaths) -> BiwiFrame:
    """The BIWI frame: its rotation (depth camera, OpenCV axes: x right, y down, z away;
    head axes likewise) turned into the RGB camera with ``rgb.cal``'s extrinsic rotation,
    then into our frames (``S R S``, ``S = diag(1, -1, -1)``) and decomposed as ours."""
    folder = data / "headpose" / "biwi_frame"
    pose = np.array([float(x) for x in (folder / "frame_00003_pose.txt").read_text().split()])
    r_depth = pose[:9].reshape(3, 3)
    cal = [float(x) for x in (folder / "rgb.cal").read_text().split()]
    r_ext = np.array(cal[13:22]).reshape(3, 3)  # after 3x3 intrinsics + 4 distortion
    s = np.diag([1.0, -1.0, -1.0])
    ours = s @ r_ext @ r_depth @ s
    truth = angles_dict(matrix_planes(ours[None]))
    lm = run_models(open_source(folder / "frame_00003_rgb.png"), models)
    raw = angles_dict(matrix_planes(lm.face.matrix))
    return BiwiFrame(
        truth=tuple(float(v[0]) for v in truth.values()),  # type: ignore[arg-type]
        raw=tuple(float(v[0]) for v in raw.values()),  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- Pose2Sim


@dataclass(frozen=True)
class CameraHips:
    camera: str
    view_est_deg: float  # median view_angle_deg
    view_ref_deg: float  # from the calibration and the reference 3D points
    raw_rmse: tuple[float, float]  # pose-lite world hip flexion (left, right)
    ours_rmse: tuple[float, float]  # hip_flexion_*_deg (best estimate)
    ours_filt_rmse: tuple[float, float]  # the same, filtered (smooth_series defaults)
    knee_raw_rmse: tuple[float, float]
    knee_ours_rmse: tuple[float, float]
    abduction_raw_rmse: tuple[float, float]
    abduction_ours_rmse: tuple[float, float]
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def side_on_deg(self) -> float:
        """How far the reference view is from a side view (0 = true side view)."""
        return abs(abs(self.view_ref_deg) - 90.0)


def _rmse(est: np.ndarray, ref: np.ndarray) -> float:
    n = min(est.size, ref.size)
    return float(np.sqrt(np.nanmean((est[:n] - ref[:n]) ** 2)))


def reference_views(data: Path) -> dict[str, float]:
    """Each Pose2Sim camera's view angle of the subject (our ``view_angle_deg`` convention,
    median over the trial) from ``Calib.qca.txt`` and the reference 3D points (``.trc``).

    The ``.trc`` (Y up) maps to the calibration frame (Z up) by (X, Y, Z) -> (Y, Z, X); a
    QCA ``transform`` is the world -> camera rotation ``R`` with the camera looking along
    its -z axis, and the camera centre ``x, y, z`` in mm (found by reprojecting the
    reference hips, knees, ankles and shoulders onto the MediaPipe image landmarks: median
    error about 35 px in 1088 x 1920 images).
    """
    views = {}
    for cam, (sh, hp) in reference_lines(data).items():
        lines = [v / np.linalg.norm(v[:, [0, 2]], axis=1, keepdims=True) for v in (sh, hp)]
        total = lines[0] + lines[1]
        views[cam] = float(np.median(np.degrees(np.arctan2(total[:, 2], total[:, 0]))))
    return views


def reference_lines(data: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per Pose2Sim camera: the reference shoulder line (left - right) and hip line, each
    ``(T, 3)`` in that camera's axes (x right, y down, z away), from the ``.trc`` points and
    ``Calib.qca.txt`` (see :func:`reference_views`)."""
    folder = data / "videos" / "pose2sim"
    text = (folder / "Calib.qca.txt").read_text()
    names, xyz = _read_trc(folder / TRC_NAME)
    p = xyz[:, :, [2, 0, 1]]  # trc (X, Y, Z) -> calib (Z_trc, X_trc, Y_trc)
    idx = {n: i for i, n in enumerate(names)}
    out = {}
    for m in re.finditer(r'serial="(\w+)".*?<transform (.*?)/>', text, re.S):
        t = dict(re.findall(r'(\w+)="([-\d.e]+)"', m.group(2)))
        r = np.array([[float(t[f"r{a}{b}"]) for b in "123"] for a in "123"])
        to_cam = np.diag([1.0, -1.0, -1.0]) @ r  # OpenCV camera axes: x right, y down, z away
        sh = (p[:, idx["LShoulder"]] - p[:, idx["RShoulder"]]) @ to_cam.T
        hp = (p[:, idx["LHip"]] - p[:, idx["RHip"]]) @ to_cam.T
        out[m.group(1)] = (sh, hp)
    return out


def _read_trc(path: Path) -> tuple[list[str], np.ndarray]:
    lines = path.read_text().splitlines()
    names = [n for n in lines[3].split("\t")[2:] if n]
    data = np.array([[float(v) for v in line.split("\t")] for line in lines[5:] if line.strip()])
    return names, data[:, 2:].reshape(len(data), -1, 3)


def _pair_rmse(
    values: dict[str, np.ndarray],
    t_s: np.ndarray,
    ref: dict[str, np.ndarray],
    fmt: str,
    ref_fmt: str,
    *,
    sign: float = 1.0,
    filt: bool = False,
) -> tuple[float, float]:
    """RMSE (left, right) of column ``fmt`` (``{}`` = side) against ``ref_fmt`` (l / r)."""
    res = []
    for side, s in (("left", "l"), ("right", "r")):
        est = values[fmt.format(side)]
        if filt:
            est = smooth_series(t_s, est)
        res.append(_rmse(sign * est, ref[ref_fmt.format(s)]))
    return res[0], res[1]


def pose2sim_hips(data: Path, models: ModelPaths) -> list[CameraHips]:
    """Hip and knee flexion, hip abduction per camera against the ``.mot`` reference."""
    folder = data / "videos" / "pose2sim"
    ref = read_mot(folder / MOT_NAME)
    views = reference_views(data)
    out = []
    for cam in ("cam01", "cam02", "cam03", "cam04"):
        lm = run_models(open_source(folder / f"{cam}.mp4"), ModelPaths(face=None, pose=models.pose))
        v = analyze_angles(lm, "hip").values
        t_s = lm.t_s

        pair = partial(_pair_rmse, v, t_s, ref)
        out.append(
            CameraHips(
                camera=cam,
                view_est_deg=float(np.nanmedian(v["view_angle_deg"])),
                view_ref_deg=views.get(cam, math.nan),
                raw_rmse=pair("hip_flexion_3d_{}_deg", "hip_flexion_{}"),
                ours_rmse=pair("hip_flexion_{}_deg", "hip_flexion_{}"),
                ours_filt_rmse=pair("hip_flexion_{}_deg", "hip_flexion_{}", filt=True),
                knee_raw_rmse=pair("knee_flexion_3d_{}_deg", "knee_angle_{}"),
                knee_ours_rmse=pair("knee_flexion_{}_deg", "knee_angle_{}", filt=True),
                abduction_raw_rmse=pair("hip_abduction_3d_{}_deg", "hip_adduction_{}", sign=-1.0),
                abduction_ours_rmse=pair(
                    "hip_abduction_{}_deg", "hip_adduction_{}", sign=-1.0, filt=True
                ),
            )
        )
    return out


def reference_definition_gap(data: Path) -> tuple[float, float]:
    """RMSE (left, right) between our hip-flexion formula applied to the reference's own 3D
    points (``.trc``) and the ``.mot`` ``hip_flexion``: how far apart the two definitions
    (thigh vs trunk line, thigh vs OpenSim pelvis) are on this trial."""
    from rom_tracker.kinematics.body import world_angles

    folder = data / "videos" / "pose2sim"
    names, xyz = _read_trc(folder / TRC_NAME)
    idx = {n: i for i, n in enumerate(names)}
    w = np.full((xyz.shape[0], 33, 3), np.nan)
    marks = {11: "LShoulder", 12: "RShoulder", 23: "LHip", 24: "RHip", 25: "LKnee", 26: "RKnee"}
    marks |= {27: "LAnkle", 28: "RAnkle"}
    for k, n in marks.items():
        w[:, k] = xyz[:, idx[n]] * (1.0, -1.0, -1.0)  # Y up -> y down (and z flipped: right-handed)
    a = world_angles(w)
    ref = read_mot(folder / MOT_NAME)
    return (
        _rmse(a["hip_flexion_left_deg"], ref["hip_flexion_l"]),
        _rmse(a["hip_flexion_right_deg"], ref["hip_flexion_r"]),
    )


# --------------------------------------------------------------------------- renders


@dataclass(frozen=True)
class RenderTurn:
    """A rendered head turn: truth and readings per frame."""

    max_yaw_deg: float
    truth: np.ndarray
    raw: np.ndarray  # face-matrix yaw (NaN where no face)
    ours: np.ndarray  # head_yaw_deg with the video defaults
    confidence: np.ndarray
    source: np.ndarray
    result: AngleResult


def render_head_turn(
    root: Path,
    out_dir: Path,
    face_model: Path,
    max_yaw: float,
    *,
    seconds: float = 10.0,
    size: str = "640x480",
    fps: float = 30.0,
) -> tuple[Path, Path]:
    """Run ``samples/make_head_turn.py --pattern sweep``; returns (video, truth CSV).

    Raises ``ValueError`` when the script refuses ``max_yaw`` (its upper limit).
    """
    video = out_dir / f"sweep_{max_yaw:g}.mp4"
    cmd = [
        sys.executable,
        str(root / "samples" / "make_head_turn.py"),
        "--max-yaw",
        f"{max_yaw:g}",
        "--pattern",
        "sweep",
        "--seconds",
        f"{seconds:g}",
        "--fps",
        f"{fps:g}",
        "--size",
        size,
        "--face-model",
        str(face_model),
        "--out",
        str(video),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise ValueError(f"make_head_turn.py --max-yaw {max_yaw:g}: {last}")
    return video, video.with_suffix(".csv")


def read_truth_csv(path: Path) -> np.ndarray:
    """``yaw_deg`` per frame from a render's ground-truth CSV (``#`` comment lines skipped)."""
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    header = lines[0].split(",")
    col = header.index("yaw_deg")
    return np.array([float(line.split(",")[col]) for line in lines[1:] if line.strip()])


def analyze_angles(lm: Landmarks, what: What, still: bool = False) -> AngleResult:
    """The angles ``analyze`` writes for these landmarks with its default settings (for a
    video: the default camera's off-axis correction and the pose-yaw model self-calibrated
    on the recording; for photos: neither)."""
    settings = AnalyzeSettings(what=what)
    width, height = lm.size.width, lm.size.height
    camera = settings.calibration(width, height, still)
    return compute_angles(lm, what, settings.angle_options(camera, width, height, still))


def measure_render(video: Path, truth_csv: Path, models: ModelPaths, max_yaw: float) -> RenderTurn:
    """Analyse a render as ``analyze`` does a video (self-calibration, default camera)."""
    lm: Landmarks = run_models(open_source(video), models)
    result = analyze_angles(lm, "head")
    truth = read_truth_csv(truth_csv)[: len(lm)]
    raw = angles_dict(matrix_planes(lm.face.matrix))["head_yaw_deg"]
    return RenderTurn(
        max_yaw_deg=max_yaw,
        truth=truth,
        raw=raw,
        ours=result.values["head_yaw_deg"],
        confidence=result.values["head_confidence"],
        source=result.head_source,
        result=result,
    )


def coverage_by_band(turn: RenderTurn, reading: np.ndarray) -> list[tuple[str, int, float]]:
    """(band, frames, share of frames with a reading) per |truth yaw| band."""
    rows = []
    for lo, hi in RENDER_BANDS:
        sel = (np.abs(turn.truth) >= lo) & (np.abs(turn.truth) < hi + (hi == 90.0))
        if sel.any():
            rows.append((f"{lo:g}-{hi:g}", int(sel.sum()), float(np.isfinite(reading[sel]).mean())))
    return rows


def monotonicity(turn: RenderTurn, reading: np.ndarray) -> tuple[float, float]:
    """(Spearman rank correlation with the truth, share of frame-to-frame steps in the
    truth's direction) over frames with a reading; steps are taken between consecutive
    frames that both have a reading and where the truth moves by more than 0.5 degree."""
    ok = np.isfinite(reading)
    if ok.sum() < 3:
        return math.nan, math.nan
    from scipy.stats import spearmanr

    rho = float(spearmanr(turn.truth[ok], reading[ok]).statistic)
    dt = np.diff(turn.truth)
    dr = np.diff(reading)
    step = np.isfinite(dr) & (np.abs(dt) > 0.5)
    agree = float(np.mean(np.sign(dr[step]) == np.sign(dt[step]))) if step.any() else math.nan
    return rho, agree


# --------------------------------------------------------------------------- real profiles

#: Real side views (Sports2D): the subject walks or runs across the frame in profile, so
#: the head is turned about 90 degrees from the camera, and no face is found.
PROFILE_VIDEOS = ("walking_side.mp4", "running_side.mp4")


@dataclass(frozen=True)
class ProfileView:
    """Head yaw on a real side-view video: how often a reading exists and how far it turns."""

    video: str
    frames: int
    pose_frames: int  # frames where the pose landmarker found the person
    face_frames: int
    reading_frames: int  # head_confidence > 0
    median_abs_yaw: float
    p10_abs_yaw: float
    p90_abs_yaw: float
    median_confidence: float


def profile_views(data: Path, models: ModelPaths) -> list[ProfileView]:
    """``analyze``'s head yaw (video defaults) on the Sports2D side views: there is no
    ground truth beyond "in profile" (about +-90 degrees, give or take a walker's glances)."""
    out = []
    for name in PROFILE_VIDEOS:
        lm = run_models(open_source(data / "videos" / "sports2d" / name), models)
        v = analyze_angles(lm, "head").values
        ok = v["head_confidence"] > 0
        yaw = np.abs(v["head_yaw_deg"][ok])
        p10, p50, p90 = np.percentile(yaw, (10, 50, 90)) if yaw.size else (math.nan,) * 3
        out.append(
            ProfileView(
                video=name,
                frames=len(lm),
                pose_frames=int(lm.pose.found.sum()),
                face_frames=int(lm.face.found.sum()),
                reading_frames=int(ok.sum()),
                median_abs_yaw=float(p50),
                p10_abs_yaw=float(p10),
                p90_abs_yaw=float(p90),
                median_confidence=float(np.median(v["head_confidence"][ok])) if ok.any() else 0.0,
            )
        )
    return out


def temp_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="rom-tracker-accuracy-"))


__all__ = [
    "MEDIAPIPE_PERSPECTIVE_SHARE",
    "BandError",
    "BiwiFrame",
    "CameraHips",
    "OffAxis",
    "PhotoRow",
    "ProfileView",
    "RenderTurn",
    "aflw_photos",
    "band_errors",
    "biwi_frame",
    "coverage_by_band",
    "measure_render",
    "monotonicity",
    "off_axis",
    "pose2sim_hips",
    "profile_views",
    "read_truth_csv",
    "reference_definition_gap",
    "reference_views",
    "render_head_turn",
]
