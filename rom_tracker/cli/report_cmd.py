"""``rom-tracker report --profile NAME [--from DATE] [--to DATE] [--movements M ...]
[--sessions A B] --out report.html|report.pdf``: a report to hand over (docs/report.md)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path

from rom_tracker.cli.model_options import add_model_options, resolve_models
from rom_tracker.report import (
    PAPERS,
    EndRangeFrames,
    ReportData,
    ReportRequest,
    check_out,
    parse_day,
    write_report,
)
from rom_tracker.report.frames import size_bytes
from rom_tracker.rom.movements import MOVEMENTS
from rom_tracker.store import Store
from rom_tracker.store.text import add_db_argument

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report",
        help="a self-contained HTML (or PDF) report of a profile's sessions, to hand over",
        description="One HTML file with everything inline (charts, styles; nothing fetched), "
        "printable on A4 or Letter: who and when, models, per movement and side the values "
        "over the sessions with the MDC95 band, a before/after table marking real changes, "
        "asymmetry and effort gap, and how accurate the angles are; where the two sessions "
        "kept their videos (record --keep-video), each movement's end-range frame before and "
        "after, faces hidden (--show-faces keeps them; --clips adds 3 s of video around "
        "each). --out x.pdf prints it "
        "with a headless Chromium or Chrome. See docs/report.md.",
    )
    p.add_argument("--profile", required=True, metavar="NAME")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day (UTC)")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day (UTC)")
    p.add_argument(
        "--movements", nargs="+", choices=list(MOVEMENTS), metavar="M", help="only these"
    )
    p.add_argument(
        "--sessions",
        nargs=2,
        type=int,
        metavar=("BEFORE", "AFTER"),
        help="compare these two sessions (default: the first and the last covered)",
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help=".html or .pdf")
    p.add_argument(
        "--paper", choices=PAPERS, default="A4", help="page size when printed (default A4)"
    )
    p.add_argument(
        "--show-faces",
        action="store_true",
        help="keep faces visible in the end-range frames (hidden by default)",
    )
    p.add_argument(
        "--clips",
        action="store_true",
        help="add a few seconds of annotated video around each end of range (H.264, inline)",
    )
    add_model_options(p)
    add_db_argument(p)
    p.set_defaults(func=run)


def frames_maker(
    args: argparse.Namespace, store: Store
) -> Callable[[ReportData], EndRangeFrames | None]:
    """The end-range frames of the report's two sessions, from their kept videos (the
    models run only when one of them kept a video)."""

    def make(data: ReportData) -> EndRangeFrames | None:
        from rom_tracker.annotate.stills import report_stills  # OpenCV: only when needed

        return report_stills(
            store,
            data.before,
            data.after,
            data.rows,
            lambda: resolve_models(args, "all"),
            blur_faces=not args.show_faces,
            clips=args.clips,
        )

    return make


def run(args: argparse.Namespace) -> int:
    check_out(args.out)
    request = ReportRequest(
        profile=args.profile,
        date_from=parse_day(args.date_from, "--from") if args.date_from else None,
        date_to=parse_day(args.date_to, "--to") if args.date_to else None,
        movements=tuple(args.movements or ()),
        sessions=tuple(args.sessions) if args.sessions else None,
    )
    with Store.open(args.db) as store:
        data = write_report(store, request, args.out, args.paper, frames_maker(args, store))
    n = len(data.sessions)
    shown = ""
    if data.frames is not None and data.frames.pairs:
        kib = size_bytes(data.frames) / 1024
        shown = f", {len(data.frames.pairs)} before/after frame pair(s) ({kib:.0f} KiB inline)"
    print(
        f"{args.out}: {args.profile}, {n} session{'s' if n != 1 else ''}, "
        f"{len(data.movements)} movement(s){shown}"
    )
    return 0
