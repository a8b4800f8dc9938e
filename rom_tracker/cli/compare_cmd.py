"""``rom-tracker compare SESSION_A SESSION_B [--json]``: change beyond measurement noise?
``--video OUT.mp4 [--movement M --side S --mode MODE] [--blur-faces]``: the two sessions'
trials side by side (:mod:`rom_tracker.annotate.before_after`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rom_tracker.annotate import AnnotateSettings
from rom_tracker.annotate.before_after import side_by_side, steps
from rom_tracker.annotate.pairing import pick_pair, strip_lines
from rom_tracker.cli.model_options import add_model_options, resolve_models
from rom_tracker.display.progress import Progress
from rom_tracker.errors import UsageError
from rom_tracker.rom.movements import MODES, MOVEMENTS
from rom_tracker.store import CompareRow, Store
from rom_tracker.store.text import add_db_argument, deg, table, to_json, when

MDC_NOTE = (
    "MDC95 = 1.96 x sqrt(2) x SD of this person's repeated trials (within a session, or "
    "across 3+ sessions); 'unknown' until a movement has been repeated - measure it twice "
    "in a session to get one."
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "compare",
        help="compare two sessions: values, change and whether it exceeds measurement noise",
        description=MDC_NOTE,
    )
    p.add_argument("session_a", type=int, metavar="SESSION_A", help="the earlier session id")
    p.add_argument("session_b", type=int, metavar="SESSION_B", help="the later session id")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    video = p.add_argument_group(
        "side-by-side video",
        "--video writes the two sessions' trials side by side, each annotated as `annotate` "
        "does, aligned on their end of range, with the change against the MDC95 below. The "
        "sessions need their videos kept (`record --keep-video`).",
    )
    video.add_argument("--video", type=Path, metavar="OUT.mp4", help="write the side by side")
    video.add_argument("--movement", choices=list(MOVEMENTS), help="the movement to show")
    video.add_argument(
        "--side", metavar="SIDE", help="its side (left, right; neck_flexion: flexion, extension)"
    )
    video.add_argument("--mode", choices=MODES, help="its mode, when both were measured")
    video.add_argument("--blur-faces", action="store_true", help="hide every face")
    add_model_options(p)
    add_db_argument(p)
    p.set_defaults(func=run)


def beyond_noise(row: CompareRow) -> str:
    if row.a_at_least or row.b_at_least:
        return row.verdict  # a bound: provable, or why it cannot be judged
    return {True: "yes", False: "no", None: "unknown"}[row.exceeds_mdc]


def run_video(args: argparse.Namespace) -> int:
    if args.video.suffix.lower() != ".mp4":
        raise UsageError(f"--video {args.video}: the video is an .mp4", "e.g. --video ba.mp4")
    with Store.open(args.db) as store:
        pair = pick_pair(
            store,
            args.session_a,
            args.session_b,
            movement=args.movement,
            side=args.side,
            mode=args.mode,
        )
    what = "hip" if MOVEMENTS[pair.row.movement].needs == "hip" else "head"
    settings = AnnotateSettings(
        what=what, blur_faces=args.blur_faces, min_confidence=args.min_confidence
    )
    # --blur-faces runs both models whatever the movement: they find the heads to hide
    models = resolve_models(args, "all" if args.blur_faces else what)
    with Progress(steps(pair.halves), args.video.name, enabled=not args.quiet) as bar:
        result = side_by_side(
            pair.halves, strip_lines(pair.row), args.video, models, settings, on_step=bar.update
        )
    print(
        f"{pair.before.label} | {pair.after.label}: {result.frames} frames, "
        f"{result.width}x{result.height} at {result.fps:g} fps ({result.codec}) -> {result.out}",
        flush=True,
    )
    return 0


def run(args: argparse.Namespace) -> int:
    if args.video is not None:
        return run_video(args)
    if args.movement or args.side or args.mode or args.blur_faces:
        raise UsageError(
            "--movement, --side, --mode and --blur-faces choose what --video shows",
            "add --video OUT.mp4",
        )
    with Store.open(args.db) as store:
        a, b = store.session(args.session_a), store.session(args.session_b)
        rows = store.compare(a.id, b.id)
    if args.json:
        out: dict[str, Any] = {
            "profile": a.profile,
            "session_a": {"id": a.id, "started_at": a.started_at},
            "session_b": {"id": b.id, "started_at": b.started_at},
            "units": "degrees",
            "rows": [{**r.to_dict(), "beyond_noise": beyond_noise(r)} for r in rows],
        }
        print(to_json(out), end="")
        return 0
    print(
        f"{a.profile}: session {a.id} ({when(a.started_at)} UTC) -> "
        f"session {b.id} ({when(b.started_at)} UTC), degrees"
    )
    if not rows:
        print(
            "no trials in either session - record some with `rom-tracker record "
            f"--profile {a.profile} ...`"
        )
        return 0
    body = [
        (
            r.movement,
            r.side,
            r.mode,
            deg(r.a_deg, at_least=r.a_at_least),
            deg(r.b_deg, at_least=r.b_at_least),
            "?" if r.a_at_least else deg(r.change_deg, signed=True, at_least=r.b_at_least),
            deg(r.mdc95_deg),
            beyond_noise(r),
        )
        for r in rows
    ]
    headers = ("movement", "side", "mode", "A", "B", "change", "MDC95", "beyond noise")
    print(table(headers, body, right=(3, 4, 5, 6)))
    if any(r.a_at_least or r.b_at_least for r in rows):
        print(
            ">= : at least (a lower bound, not a measurement). A change with a bound is called "
            "real only when it is provable: the after bound above a measured before by more "
            "than the MDC95."
        )
    print(MDC_NOTE)
    return 0
