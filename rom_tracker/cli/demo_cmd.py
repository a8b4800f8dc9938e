"""``rom-tracker demo``: analyse the bundled sample video and say where the outputs went."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np

from rom_tracker.cli.analyze_cmd import add_model_options, analyze_inputs
from rom_tracker.errors import InputError

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
DEMO_VIDEO = SAMPLES / "head_turn.mp4"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "demo",
        help="analyse the bundled sample video (a rendered head turn) into ./out/demo",
    )
    p.add_argument("--out", type=Path, default=Path("out/demo"), metavar="DIR")
    add_model_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not DEMO_VIDEO.is_file():
        raise InputError(
            f"the sample video {DEMO_VIDEO} is missing",
            "run the demo from a source checkout of rom-tracker (pip install -e .)",
        )
    args.inputs = [str(DEMO_VIDEO)]
    args.what = "all"
    # The rendered truth is relative to the head at rest, which the sample holds for its
    # first seconds: measure relative to that neutral too (analyze --neutral first:1s).
    args.neutral = "first:1s"
    args.camera = "auto"
    args.filtered = True
    status = analyze_inputs(args)
    if status == 0:
        print_summary(args.out / "head_turn.json", DEMO_VIDEO.with_suffix(".csv"))
    return status


def print_summary(summary_path: Path, truth_path: Path) -> None:
    """The head angles measured on the sample beside the rendered truth."""
    summary = json.loads(summary_path.read_text())
    with truth_path.open() as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    truth = {k: np.array([float(r[k]) for r in rows]) for k in rows[0]}
    print()
    print(f"{'angle':<20} {'min':>7} {'max':>7} {'frames':>7}   rendered truth")
    truth_cols = {
        "head_yaw_deg": "yaw_deg",
        "head_pitch_deg": "pitch_deg",
        "head_roll_deg": "roll_deg",
    }
    for name in ("head_yaw_deg", "head_pitch_deg", "head_roll_deg", "neck_rotation_deg"):
        a = summary["angles"].get(name)
        if not a or not a["frames"]:
            continue
        true = ""
        if name in truth_cols:
            col = truth[truth_cols[name]]
            true = f"{col.min():7.1f} .. {col.max():.1f}"
        print(f"{name:<20} {a['min']:7.1f} {a['max']:7.1f} {a['frames']:7d}   {true}")
    print(
        f"\nHead angles are relative to the first second (the head at rest). The sample is a "
        f"render: the face landmarker under-reads its turn (see samples/README.md).\n"
        f"Per-frame angles: "
        f"{summary_path.with_suffix('.csv')}; raw landmarks: {summary_path.with_suffix('.npz')}; "
        f"summary: {summary_path}"
    )
