"""``rom-tracker analyze INPUT... [--out DIR] [--what head|hip|all] [--model lite|full|heavy]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rom_tracker.analyze import AnalyzeResult, AnalyzeSettings, analyze_source
from rom_tracker.cli.model_options import add_model_options, resolve_models
from rom_tracker.display.progress import Progress
from rom_tracker.errors import InputError, RomTrackerError, UsageError
from rom_tracker.media.capture import Frame, ImageSource, open_source
from rom_tracker.pipeline import WHAT_CHOICES


def add_measure_options(parser: argparse.ArgumentParser) -> None:
    """How angles are measured: neutral, camera geometry, filtering (docs/conventions.md)."""
    parser.add_argument(
        "--neutral",
        default="off",
        metavar="off|still|first:Ns",
        help="head angles relative to a neutral: the first still period (still) or the "
        "first N seconds (e.g. first:2s); default off (relative to the camera)",
    )
    parser.add_argument(
        "--camera",
        default="auto",
        metavar="auto|none|FILE",
        help="camera for the off-axis head correction: a calibration TOML "
        "(calibration/README.md); auto = the default 65 deg webcam for videos, none for "
        "photos (default: auto)",
    )
    parser.add_argument(
        "--no-filter",
        dest="filtered",
        action="store_false",
        help="do not write the filtered *_deg_filt columns for videos",
    )


def settings_from_args(args: argparse.Namespace) -> AnalyzeSettings:
    """The measurement settings of ``args`` (model and measure options), checked before any
    model runs: a bad --neutral is a usage error (2), a missing --camera file exit 3, a
    malformed one exit 7."""
    settings = AnalyzeSettings(
        what=args.what,
        pose_model=args.model,
        min_confidence=args.min_confidence,
        neutral=args.neutral,
        camera=args.camera,
        filtered=args.filtered,
    )
    settings.neutral_spec()
    settings.camera_file()
    return settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "analyze",
        help="measure head and hip angles per frame in videos, photos or folders",
        description="Writes OUT/<stem>.csv (angles per frame), .npz (raw landmarks) and "
        ".json (summary) for each input. Angle conventions: docs/conventions.md.",
    )
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="video, photo, folder of photos, camera index or stream URL",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("out"),
        metavar="DIR",
        help="output folder (default: ./out)",
    )
    p.add_argument(
        "--what", choices=WHAT_CHOICES, default="all", help="which angles (default: all)"
    )
    add_measure_options(p)
    add_model_options(p)
    p.set_defaults(func=run)


def _check_stems(inputs: list[str]) -> None:
    seen: dict[str, str] = {}
    for spec in inputs:
        stem = Path(spec).stem if not spec.isdigit() and "://" not in spec else spec
        if stem in seen:
            raise UsageError(
                f"{seen[stem]} and {spec} would both write {stem}.csv",
                "analyse them into different --out folders, or rename one",
            )
        seen[stem] = spec


def analyze_inputs(args: argparse.Namespace) -> int:
    """Analyse each input in turn; one failing input does not stop the others.

    Returns 0 if all succeeded, else the exit code of the first failure.
    """
    _check_stems(args.inputs)
    settings = settings_from_args(args)
    models = resolve_models(args, args.what)
    status = 0
    for spec in args.inputs:
        try:
            source = open_source(spec)
            with Progress(
                source.info.frame_count, Path(source.info.label).name, enabled=not args.quiet
            ) as bar:
                # unreadable photos before the first readable one are not in frame_count
                known = len(source.skipped) if isinstance(source, ImageSource) else 0

                def tick(_frame: Frame, bar: Progress = bar) -> None:
                    bar.update()

                result = analyze_source(source, args.out, models, settings, on_frame=tick)
                bar.skip(len(result.skipped) - known)  # the bar ends full
        except RomTrackerError as exc:
            if len(args.inputs) == 1:
                raise
            print(f"rom-tracker: error: {exc}", file=sys.stderr)
            status = status or exc.exit_code
            continue
        print_result(result)
        if result.skipped:  # each photo is an input: the rule for several inputs
            status = status or InputError.exit_code
    return status


def print_result(r: AnalyzeResult) -> None:
    skipped = f", {len(r.skipped)} unreadable skipped" if r.skipped else ""
    print(
        f"{r.source}: {r.frames} frames, face in {r.face_frames}, pose in {r.pose_frames}"
        f"{skipped} -> {', '.join(str(p) for p in r.outputs)}",
        flush=True,
    )


def run(args: argparse.Namespace) -> int:
    return analyze_inputs(args)
