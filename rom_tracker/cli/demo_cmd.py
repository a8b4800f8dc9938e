"""``rom-tracker demo``: analyse the bundled sample video and say where the outputs went."""

from __future__ import annotations

import argparse
from pathlib import Path

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
    status = analyze_inputs(args)
    if status == 0:
        truth = DEMO_VIDEO.with_suffix(".csv")
        print(
            f"Done. Open {args.out / 'head_turn.csv'} for the angles per frame "
            f"(compare head_yaw_deg with the true turn in {truth}), "
            f"{args.out / 'head_turn.json'} for the summary."
        )
    return status
