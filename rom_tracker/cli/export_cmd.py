"""``rom-tracker export (--profile NAME | --session ID...) --out FILE [--format json|csv|mot]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from rom_tracker.store import Store
from rom_tracker.store.exchange import FORMATS, export_sessions
from rom_tracker.store.text import add_db_argument


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="export sessions as JSON, CSV or OpenSim .mot files",
        description="JSON holds everything (sessions, trials, per-frame series) and can be "
        "imported again with `rom-tracker import`; CSV has one row per trial; mot writes "
        "one OpenSim .mot file per trial into the folder --out. Units and conventions are "
        "in each file's header. Files are created readable by you only.",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--profile", metavar="NAME", help="all sessions of this profile")
    which.add_argument("--session", type=int, nargs="+", metavar="ID", help="these sessions")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="file (folder for mot)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="default: csv when FILE ends in .csv, else json",
    )
    add_db_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmt = args.format or ("csv" if args.out.suffix.lower() == ".csv" else "json")
    with Store.open(args.db) as store:
        what = args.profile if args.profile is not None else args.session
        written = export_sessions(store, what, args.out, fmt)
    if fmt == "mot" and not written:
        print("no trials in the selected sessions - nothing written")
    elif fmt == "mot":
        print(f"wrote {len(written)} .mot file(s) to {args.out}")
    else:
        print(f"wrote {args.out}")
    return 0
