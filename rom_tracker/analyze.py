"""The ``analyze`` job: one input (video, photo, folder, camera, stream) -> CSV, NPZ, JSON.

Outputs for an input ``<stem>``:

* ``<stem>.csv``  one row per frame (one row for a photo); angle columns in degrees in the
  conventions of ``docs/conventions.md``; ``nan`` where not measurable. For videos each
  angle column ``X_deg`` (raw, per frame) is followed by ``X_deg_filt``: the same series
  through :func:`rom_tracker.rom.filters.smooth_series` with its documented defaults
  (Hampel outliers over 0.25 s at k = 3, gaps up to 0.25 s filled, zero-phase 6 Hz
  Butterworth; signed angles are unwrapped first). ``head_source`` says where the head yaw
  came from (``face``, ``pose``, ``fused`` or empty), ``head_confidence`` how sure it is.
* ``<stem>.npz``  raw landmarks (image and world), visibility, transformation matrices,
  timestamps: the ground truth every angle can be recomputed from.
* ``<stem>.json`` summary: per-angle min/max/range (raw and filtered), frames seen, and
  where a video holds repeated movements (at least two excursions of 10 degrees or more
  in one direction, ``rom_tracker.rom.peaks.detect_reps``), the repetitions' peak values
  with their SD, SEM and MDC95 (``rom_tracker.rom.reliability``); how the head yaw was
  obtained (pose-yaw model, camera, neutral); models (name + SHA-256), package version,
  settings (with ``--camera FILE`` also ``camera_sha256``, of the file's contents, and
  always ``trunk_yaw_method``, the version of the trunk-yaw rule);
  ``skipped``: the photos of a folder that could not be read (``photo``, ``reason``), which
  have no row in the CSV (its ``photo`` column names each row's file).

All three are published together, atomically, or not at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rom_tracker import __version__
from rom_tracker.errors import NothingDetectedError, UsageError
from rom_tracker.files.calibration import Calibration, default_calibration, load_calibration
from rom_tracker.files.outputs import OutputSet, csv_bytes, json_bytes, npz_bytes
from rom_tracker.kinematics.conventions import CONVENTIONS_DOC
from rom_tracker.kinematics.face_model import FACE_MODEL_VERSION
from rom_tracker.kinematics.fusion import SOURCES
from rom_tracker.kinematics.geometry import wrap_deg
from rom_tracker.kinematics.neutral import NeutralSpec
from rom_tracker.kinematics.table import SOURCE_COLUMN, AngleOptions, AngleResult, compute_angles
from rom_tracker.kinematics.trunk import TRUNK_YAW_METHOD
from rom_tracker.media.capture import Frame, ImageSource, Source
from rom_tracker.media.models import model_info
from rom_tracker.pipeline import ModelPaths, What, run_models
from rom_tracker.rom.filters import smooth_series
from rom_tracker.rom.peaks import detect_reps
from rom_tracker.rom.reliability import Measurement
from rom_tracker.types import Landmarks

#: Suffix of the filtered copy of an angle column.
FILTERED_SUFFIX = "_filt"


@dataclass(frozen=True)
class AnalyzeSettings:
    """What to measure and how; recorded in every JSON summary."""

    what: What = "all"
    pose_model: str = "lite"
    min_confidence: float = 0.5
    #: "off", "still" (first still period) or "first:<seconds>s"
    neutral: str = "off"
    #: "auto" (default camera for videos, none for photos), "none", or a calibration file
    camera: str = "auto"
    #: write the filtered ``*_filt`` columns (videos)
    filtered: bool = True

    def neutral_spec(self) -> NeutralSpec | None:
        try:
            return NeutralSpec.parse(self.neutral)
        except ValueError as exc:
            raise UsageError(f"--neutral: {exc}", "use off, still or first:2s") from None

    def camera_file(self) -> Calibration | None:
        """The ``camera`` calibration file, read and checked; None for auto and none."""
        if self.camera in ("auto", "none"):
            return None
        return load_calibration(Path(self.camera))

    def calibration(
        self, width: int, height: int, still: bool, file: Calibration | None = None
    ) -> Calibration | None:
        """The camera for the off-axis correction, or None (see calibration/README.md);
        ``file``: the :meth:`camera_file` already read."""
        if self.camera == "none" or (self.camera == "auto" and still):
            return None
        if self.camera == "auto":
            return default_calibration(width, height)
        return file or self.camera_file()

    def angle_options(
        self, camera: Calibration | None, width: int, height: int, still: bool
    ) -> AngleOptions:
        """How the angles are computed for an input of this size: with ``camera`` (from
        :meth:`calibration`), the neutral asked for, and the pose-yaw model self-calibrated
        on videos (photos are independent)."""
        return AngleOptions(
            camera=None if camera is None else camera.intrinsics_for(width, height),
            neutral=self.neutral_spec(),
            calibrate_pose_yaw=not still,
            details=True,
        )

    def recorded(self, file: Calibration | None = None) -> dict[str, Any]:
        """These settings as the JSON summary records them (and batch compares them to skip
        an input already done): the fields, and for a calibration file the SHA-256 of its
        bytes, ``camera_sha256``, so an edited file counts as other settings. ``file``: the
        :meth:`camera_file` already read (else it is read now). ``face_model``: the version
        of the face-yaw correction and confidence tables (``kinematics.face_model``), so
        outputs made with other tables count as other settings."""
        out = asdict(self)
        out["trunk_yaw_method"] = TRUNK_YAW_METHOD  # the rule, so older outputs count as other
        out["face_model"] = FACE_MODEL_VERSION
        file = file or self.camera_file()
        if file is not None:
            out["camera_sha256"] = file.sha256
        return out


@dataclass(frozen=True)
class AnalyzeResult:
    source: str
    frames: int
    face_frames: int
    pose_frames: int
    outputs: tuple[Path, ...]
    #: ``(photo, reason)`` for each photo of a folder that could not be read (not measured)
    skipped: tuple[tuple[str, str], ...] = ()


def _stats(values: np.ndarray) -> dict[str, float | int]:
    finite = values[np.isfinite(values)]
    if not finite.size:
        return {"min": math.nan, "max": math.nan, "range": math.nan, "frames": 0}
    lo, hi = float(finite.min()), float(finite.max())
    return {
        "min": lo,
        "max": hi,
        "range": hi - lo,
        "mean": float(finite.mean()),
        "frames": int(finite.size),
    }


def summarise_angles(table: dict[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """Per angle column: min, max, range, mean and how many frames had a value; with its
    ``*_filt`` column, the same of the filtered series under ``"filtered"``."""
    out: dict[str, dict[str, Any]] = {}
    for name, values in table.items():
        if not name.endswith("_deg"):
            continue
        out[name] = _stats(values)
        filtered = table.get(name + FILTERED_SUFFIX)
        if filtered is not None:
            out[name]["filtered"] = _stats(filtered)
    return out


def filter_columns(t_s: np.ndarray, table: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``X_deg_filt`` for every ``X_deg`` column: :func:`smooth_series` with its defaults.

    Signed angles are unwrapped over their finite frames first (a yaw crossing +-180 is
    not a 360 degree jump) and wrapped back to (-180, 180] after.
    """
    out: dict[str, np.ndarray] = {}
    for name, values in table.items():
        if not name.endswith("_deg"):
            continue
        x = np.array(values, dtype=np.float64)
        ok = np.isfinite(x)
        x[ok] = np.degrees(np.unwrap(np.radians(x[ok])))
        out[name + FILTERED_SUFFIX] = wrap_deg(smooth_series(t_s, x))
    return out


def repetition_uncertainty(t_s: np.ndarray, values: np.ndarray) -> dict[str, Any]:
    """Repeated excursions of one angle column, each direction: the peaks as trials.

    ``{"max": {...}, "min": {...}}`` (only the directions with a repetition): the mean of
    the repetitions' robust peaks (``value_deg``, signed as the column) with their SD, count
    ``n``, SEM and MDC95 (NaN with a single repetition).
    """
    out: dict[str, Any] = {}
    for key, sign in (("max", 1.0), ("min", -1.0)):
        reps = detect_reps(t_s, sign * values)
        if not reps:
            continue
        m = Measurement.from_trials([sign * r.peak_deg for r in reps])
        out[key] = {**m.to_dict(), "peaks_deg": [sign * r.peak_deg for r in reps]}
    return out


def _column_order(raw: dict[str, np.ndarray], table: dict[str, np.ndarray]) -> list[str]:
    """Each raw column followed by its filtered copy, when there is one."""
    order: list[str] = []
    for name in raw:
        order.append(name)
        if name + FILTERED_SUFFIX in table:
            order.append(name + FILTERED_SUFFIX)
    return order


def _head_summary(result: AngleResult, camera: Calibration | None) -> dict[str, Any]:
    conf = result.values.get("head_confidence", np.zeros(0))
    return {
        "sources": {s or "none": int((result.head_source == s).sum()) for s in SOURCES},
        "frames_with_reading": int(np.isfinite(result.values["head_yaw_deg"]).sum()),
        "mean_confidence": float(conf.mean()) if conf.size else math.nan,
        "pose_yaw_model": result.pose_yaw_model.to_dict(),
        "camera": None if camera is None else camera.to_dict(),
        "neutral_frames": result.neutral_frames,
    }


def _landmark_arrays(lm: Landmarks) -> dict[str, np.ndarray]:
    return {
        "t_s": lm.t_s,
        "image_size": np.array([lm.size.width, lm.size.height]),
        "face_found": lm.face.found,
        "face_image_xyz": lm.face.image_xyz,
        "face_matrix": lm.face.matrix,
        "pose_found": lm.pose.found,
        "pose_image_xyz": lm.pose.image_xyz,
        "pose_world_xyz": lm.pose.world_xyz,
        "pose_visibility": lm.pose.visibility,
    }


def _check_something_seen(source: Source, lm: Landmarks) -> None:
    face_seen = bool(lm.face.found.any())
    pose_seen = bool(lm.pose.found.any())
    label = source.info.label
    what_photo = "photo" if source.info.is_still else "video"
    if len(lm) == 0:
        raise NothingDetectedError(f"{label} has no frames", "check the input plays")
    if not pose_seen and not face_seen:
        raise NothingDetectedError(
            f"nobody found in {what_photo} {label}",
            "use a photo/video where one person is visible, well lit, at least head and shoulders",
        )


def _check_head_read(source: Source, result: AngleResult) -> None:
    """The head yaw comes from the face landmarker; without a face (a head turned past
    about 70 degrees, or seen from behind) there is nothing trustworthy to measure."""
    if not (result.values["head_confidence"] > 0).any():
        what_photo = "photo" if source.info.is_still else "video"
        raise NothingDetectedError(
            f"no head found in {what_photo} {source.info.label}",
            "the face must be visible (turned less than about 70 degrees from the camera)",
        )


def analyze_source(
    source: Source,
    out_dir: Path,
    models: ModelPaths,
    settings: AnalyzeSettings,
    *,
    on_frame: Callable[[Frame], None] | None = None,
) -> AnalyzeResult:
    """Analyse one source and publish its three output files."""
    settings.neutral_spec()  # a bad option fails before the models run
    camera_file = settings.camera_file()
    names: list[str] = []

    def seen(frame: Frame) -> None:
        names.append(frame.name)
        if on_frame is not None:
            on_frame(frame)

    lm = run_models(source, models, min_confidence=settings.min_confidence, on_frame=seen)
    photos_skipped = source.skipped if isinstance(source, ImageSource) else []
    skipped = tuple((str(path), reason) for path, reason in photos_skipped)
    _check_something_seen(source, lm)
    still = source.info.is_still
    camera = settings.calibration(lm.size.width, lm.size.height, still, camera_file)
    options = settings.angle_options(camera, lm.size.width, lm.size.height, still)
    result = compute_angles(lm, settings.what, options)
    if settings.what == "head":
        _check_head_read(source, result)
    table = dict(result.values)
    video = not still and len(lm) > 1
    if video and settings.filtered:
        table.update(filter_columns(lm.t_s, result.values))
    table = {k: table[k] for k in _column_order(result.values, table)}

    columns: dict[str, np.ndarray] = {"frame": np.arange(len(lm))}
    if source.info.kind == "folder":
        columns["photo"] = np.array(names)
    columns["t_s"] = lm.t_s
    columns["face_found"] = lm.face.found
    columns["pose_found"] = lm.pose.found
    if settings.what != "hip":
        columns[SOURCE_COLUMN] = result.head_source
    columns.update(table)
    angles = summarise_angles(table)
    if video:
        for name in result.values:
            if name.endswith("_deg"):
                reps = repetition_uncertainty(lm.t_s, result.values[name])
                if reps:
                    angles[name]["repetitions"] = reps

    models_used = {
        role: model_info(path)
        for role, path in (("face", models.face), ("pose", models.pose))
        if path is not None
    }
    summary = {
        "source": source.info.label,
        "kind": source.info.kind,
        "frames": len(lm),
        "fps": source.info.fps,
        "duration_s": float(lm.t_s[-1] - lm.t_s[0]) if len(lm) > 1 else 0.0,
        "image_size": [lm.size.width, lm.size.height],
        "face_frames": int(lm.face.found.sum()),
        "pose_frames": int(lm.pose.found.sum()),
        "skipped": [{"photo": path, "reason": reason} for path, reason in skipped],
        "angles": angles,
        "head": _head_summary(result, camera) if settings.what != "hip" else None,
        "models": models_used,
        "rom_tracker_version": __version__,
        "settings": settings.recorded(camera_file),
        "conventions": CONVENTIONS_DOC,
    }
    header = [
        f"rom-tracker {__version__} analyze of {source.info.label}",
        f"angles in degrees, conventions: {CONVENTIONS_DOC}; nan = not measurable",
    ]
    if any(name.endswith(FILTERED_SUFFIX) for name in table):  # not for photos, --no-filter
        header.append(
            "X_deg_filt = X_deg through rom_tracker.rom.filters.smooth_series defaults "
            "(Hampel 0.25 s k=3, gaps <= 0.25 s filled, zero-phase Butterworth 6 Hz order 2)"
        )
    stem = out_dir / source.info.stem
    paths = tuple(stem.parent / f"{stem.name}{s}" for s in (".csv", ".npz", ".json"))
    with OutputSet() as outputs:
        outputs.add(paths[0], csv_bytes(columns, header))
        outputs.add(paths[1], npz_bytes(_landmark_arrays(lm)))
        outputs.add(paths[2], json_bytes(summary))
    return AnalyzeResult(
        source=source.info.label,
        frames=len(lm),
        face_frames=int(lm.face.found.sum()),
        pose_frames=int(lm.pose.found.sum()),
        outputs=paths,
        skipped=skipped,
    )
