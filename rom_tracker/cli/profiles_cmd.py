"""``rom-tracker profiles add NAME [--notes TEXT] | list [--json]``."""

from __future__ import annotations

import argparse
from collections import Counter

from rom_tracker.store import Store
from rom_tracker.store.text import add_db_argument, table, to_json, when


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "profiles",
        help="add or list profiles (the people measured)",
        description="A profile is one person measured; a practitioner keeps one per client.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a profile")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--notes", default="", help="free text kept with the profile")
    add_db_argument(add)
    show = actions.add_parser("list", help="list the profiles")
    show.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_db_argument(show)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        if args.action == "add":
            pid = store.add_profile(args.name, args.notes)
            print(f"added profile {args.name.strip()} (id {pid})")
            return 0
        profiles = store.list_profiles()
        counts = Counter(s.profile for s in store.sessions())
    if args.json:
        print(to_json([{**p.to_dict(), "n_sessions": counts[p.name]} for p in profiles]), end="")
    elif not profiles:
        print("no profiles yet - add one with `rom-tracker profiles add NAME`")
    else:
        rows = [(p.name, when(p.created_at), counts[p.name], p.notes) for p in profiles]
        print(table(("name", "created (UTC)", "sessions", "notes"), rows, right=(2,)))
    return 0
