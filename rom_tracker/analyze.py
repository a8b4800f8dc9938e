"""The ``analyze`` job: one input (video, photo, folder, camera, stream) -> CSV, NPZ, JSON.

Outputs for an input ``<stem>``:

* ``<stem>.csv``  one row per frame (one row for a photo); angle columns in degrees in the
  conventions of ``docs/conventions.md``; ``nan`` where not measurable.
* ``<stem>.npz``  raw landmarks (image and world), visibility, transformation matrices,
  timestamps: the ground truth every angle can be recomputed from.
* ``<stem>.json`` summary: per-angle min/max/range, frames seen, models (name + SHA-256),
  package version, settings.

All three are published together, atomically, or not at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from rom_tracker import __version__
from rom_tracker.capture import Frame, ImageSource, Source
from rom_tracker.errors import NothingDetectedError
from rom_tracker.kinematics.conventions import CONVENTIONS_DOC
from rom_tracker.kinematics.table import angle_table
from rom_tracker.models import model_info
from rom_tracker.outputs import OutputSet, csv_bytes, json_bytes, npz_bytes
from rom_tracker.pipeline import ModelPaths, What, run_models
from rom_tracker.types import Landmarks


@dataclass(frozen=True)
class AnalyzeSettings:
    """What to measure and how; recorded in every JSON summary."""

    what: What = "all"
    pose_model: str = "lite"
    min_confidence: float = 0.5


@dataclass(frozen=True)
class AnalyzeResult:
    source: str
    frames: int
    face_frames: int
    pose_frames: int
    outputs: tuple[Path, ...]


def summarise_angles(table: dict[str, np.ndarray]) -> dict[str, dict[str, float | int]]:
    """Per angle column: min, max, range, mean and how many frames had a value."""
    out: dict[str, dict[str, float | int]] = {}
    for name, values in table.items():
        if not name.endswith("_deg"):
            continue
        finite = values[np.isfinite(values)]
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            out[name] = {
                "min": lo,
                "max": hi,
                "range": hi - lo,
                "mean": float(finite.mean()),
                "frames": int(finite.size),
            }
        else:
            out[name] = {"min": math.nan, "max": math.nan, "range": math.nan, "frames": 0}
    return out


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


def _check_something_seen(source: Source, lm: Landmarks, what: What) -> None:
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
    if what == "head" and not face_seen:
        raise NothingDetectedError(
            f"no face found in {what_photo} {label}",
            "the face must be visible and turned less than about 70 degrees from the camera",
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
    lm = run_models(source, models, min_confidence=settings.min_confidence, on_frame=on_frame)
    _check_something_seen(source, lm, settings.what)
    table = angle_table(lm, settings.what)

    columns: dict[str, np.ndarray] = {"frame": np.arange(len(lm))}
    if isinstance(source, ImageSource) and source.info.kind == "folder":
        columns["photo"] = np.array([p.name for p in source.files])
    columns["t_s"] = lm.t_s
    columns["face_found"] = lm.face.found
    columns["pose_found"] = lm.pose.found
    columns.update(table)

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
        "angles": summarise_angles(table),
        "models": models_used,
        "rom_tracker_version": __version__,
        "settings": asdict(settings),
        "conventions": CONVENTIONS_DOC,
    }
    header = [
        f"rom-tracker {__version__} analyze of {source.info.label}",
        f"angles in degrees, conventions: {CONVENTIONS_DOC}; nan = not measurable",
    ]
    stem = out_dir / source.info.stem
    paths = tuple(stem.with_suffix(s) for s in (".csv", ".npz", ".json"))
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
    )
