"""``rom-tracker report --profile NAME [--from DATE] [--to DATE] [--movements M ...]
[--sessions A B] --out report.html|report.pdf``: a report to hand over (docs/report.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rom_tracker.report import PAPERS, ReportRequest, check_out, parse_day, write_report
from rom_tracker.rom.movements import MOVEMENTS
from rom_tracker.store import Store
from rom_tracker.store.text import add_db_argument


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report",
        help="a self-contained HTML (or PDF) report of a profile's sessions, to hand over",
        description="One HTML file with everything inline (charts, styles; nothing fetched), "
        "printable on A4 or Letter: who and when, models, per movement and side the values "
        "over the sessions with the MDC95 band, a before/after table marking real changes, "
        "asymmetry and effort gap, and how accurate the angles are. --out x.pdf prints it "
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
    add_db_argument(p)
    p.set_defaults(func=run)


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
        data = write_report(store, request, args.out, args.paper)
    n = len(data.sessions)
    print(
        f"{args.out}: {args.profile}, {n} session{'s' if n != 1 else ''}, "
        f"{len(data.movements)} movement(s)"
    )
    return 0
