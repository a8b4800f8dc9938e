"""The options of every command that runs the models (``--model``, ``--face-model``,
``--pose-model``, ``--mirror``, ``--min-confidence``) and the model files they name.

Light on purpose: a command that runs the models only sometimes (``report``, for the
end-range frames of kept videos) registers these options without loading OpenCV or
MediaPipe; :func:`resolve_models` imports the pipeline when it is called.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from rom_tracker.errors import UsageError
from rom_tracker.media.models import POSE_VARIANTS, resolve

if TYPE_CHECKING:
    from rom_tracker.pipeline import ModelPaths, What


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that runs the models."""
    parser.add_argument(
        "--model",
        choices=POSE_VARIANTS,
        default="lite",
        help="pose landmarker variant (default: lite; full/heavy are slower, need a download)",
    )
    parser.add_argument(
        "--face-model", type=Path, metavar="PATH", help="use this face_landmarker.task file"
    )
    parser.add_argument(
        "--pose-model", type=Path, metavar="PATH", help="use this pose_landmarker_*.task file"
    )
    parser.add_argument(
        "--mirror",
        metavar="DIR|URL",
        help="model mirror (default: $ROM_TRACKER_MODEL_MIRROR, then the official URL)",
    )
    parser.add_argument(
        "--min-confidence",
        type=float,
        default=0.5,
        metavar="P",
        help="detection/tracking confidence threshold, 0..1 (default 0.5)",
    )


def resolve_models(args: argparse.Namespace, what: What) -> ModelPaths:
    if not 0.0 < args.min_confidence <= 1.0:
        raise UsageError(
            f"--min-confidence must be in (0, 1], got {args.min_confidence}", "use e.g. 0.5"
        )
    from rom_tracker.pipeline import ModelPaths, needs_face, needs_pose

    show = not args.quiet
    face = (
        resolve("face_landmarker", args.face_model, mirror=args.mirror, progress=show)
        if needs_face(what)
        else None
    )
    pose = (
        resolve(f"pose_landmarker_{args.model}", args.pose_model, mirror=args.mirror, progress=show)
        if needs_pose(what)
        else None
    )
    return ModelPaths(face=face, pose=pose)
