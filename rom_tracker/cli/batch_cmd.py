"""``rom-tracker batch INPUT... --out DIR [--workers N] [--scheduler URL] [--force]`` with
analyze's measurement and model options."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from rom_tracker.batch import ModelRequest, VideoOutcome, format_summary, make_jobs, run_batch
from rom_tracker.cli.analyze_cmd import (
    add_measure_options,
    add_model_options,
    resolve_models,
    settings_from_args,
)
from rom_tracker.display.progress import Progress
from rom_tracker.errors import UsageError
from rom_tracker.pipeline import WHAT_CHOICES


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "batch",
        help="analyse many videos in parallel (local processes or a Dask cluster)",
        description="Writes the analyze outputs (.csv, .npz, .json) of every input under OUT. "
        "Inputs already analysed with the same settings and models are skipped (--force "
        "redoes them; the settings are --what, --neutral, --camera (the file's path and "
        "contents), --no-filter and the model options), so an interrupted batch is resumed "
        "by running it again. One failing video never stops the others; the exit code is "
        "non-zero if any failed.",
    )
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="video files, folders (searched recursively for videos) or quoted globs",
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="local worker processes (default: the number of CPU cores)",
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run on this Dask distributed scheduler instead (needs rom-tracker[dask])",
    )
    p.add_argument("--force", action="store_true", help="redo inputs that are already done")
    p.add_argument(
        "--what", choices=WHAT_CHOICES, default="all", help="which angles (default: all)"
    )
    add_measure_options(p)
    add_model_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}", "use e.g. --workers 2")
    if args.camera not in ("auto", "none"):  # workers may run in another folder
        args.camera = str(Path(args.camera).expanduser().resolve())
    settings = settings_from_args(args)
    # Resolve here once: fetches into the cache (one download for all workers) and checks
    # the options; workers then resolve from the cache (or, on a cluster, their own).
    resolve_models(args, args.what)
    request = ModelRequest.for_settings(
        settings, face_path=args.face_model, pose_path=args.pose_model, mirror=args.mirror
    )
    jobs = make_jobs(args.inputs, args.out, settings, request, force=args.force)
    with Progress(len(jobs), "batch", unit="videos", enabled=not args.quiet) as bar:

        def tick(_outcome: VideoOutcome) -> None:
            bar.update()

        summary = run_batch(jobs, workers=workers, scheduler=args.scheduler, on_outcome=tick)
    print(format_summary(summary), flush=True)
    return summary.exit_code
