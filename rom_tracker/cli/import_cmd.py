"""``rom-tracker import FILE``: sessions from a rom-tracker JSON export."""

from __future__ import annotations

import argparse
from pathlib import Path

from rom_tracker.store import Store
from rom_tracker.store.exchange import import_document, read_document
from rom_tracker.store.text import add_db_argument


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import",
        help="import sessions from a file written by `rom-tracker export --format json`",
        description="The whole file is checked first; a missing or malformed file creates "
        "or changes nothing. "
        "Sessions already in the database (same profile and start time) are skipped.",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    add_db_argument(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    doc = read_document(args.file)  # a refused file creates or changes no database
    with Store.open(args.db) as store:
        result = import_document(store, doc)
    line = (
        f"imported {result.sessions_added} session(s) with {result.trials_added} trial(s)"
        f", {result.profiles_added} new profile(s)"
    )
    if result.posture_minutes_added:
        line += f", {result.posture_minutes_added} posture-monitor minute(s)"
    if result.sessions_skipped:
        line += f"; skipped {result.sessions_skipped} already in the database"
    print(line)
    return 0
