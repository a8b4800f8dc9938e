"""``rom-tracker progress --profile NAME [--movement M] [--json]``: values over time."""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np

from rom_tracker.rom.movements import MOVEMENTS
from rom_tracker.store import ProgressRecord, Store
from rom_tracker.store.stats import Key, sort_key
from rom_tracker.store.text import add_db_argument, deg, sparkline, table, to_json

MAX_VALUES = 8  # per-session values listed in the table (the latest ones)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "progress",
        help="a profile's values over time, per movement, side and mode",
        description="Per movement, side and mode: each session's value (the mean of its "
        "trials), first and latest, the change and a sparkline. Degrees, positive in the "
        "direction of the movement (docs/conventions.md).",
    )
    p.add_argument("--profile", required=True, metavar="NAME")
    p.add_argument("--movement", choices=list(MOVEMENTS), metavar="M", help="only this movement")
    p.add_argument("--json", action="store_true", help="one JSON record per value")
    add_db_argument(p)
    p.set_defaults(func=run)


def per_session(records: list[ProgressRecord]) -> dict[Key, list[tuple[str, float, bool]]]:
    """(date, mean value, whether it is a bound) per session, oldest first, per
    movement/side/mode. A mean that includes a bound ("at least") is a bound."""
    grouped: dict[Key, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    bounds: set[tuple[Key, int]] = set()
    dates: dict[int, str] = {}
    for r in records:
        key = (r.movement, r.side, r.mode)
        grouped[key][r.session_id].append(r.value_deg)
        if r.at_least:
            bounds.add((key, r.session_id))
        dates[r.session_id] = r.date
    return {
        key: [
            (dates[sid], float(np.mean(v)), (key, sid) in bounds) for sid, v in by_session.items()
        ]
        for key, by_session in sorted(grouped.items(), key=lambda kv: sort_key(kv[0]))
    }


def run(args: argparse.Namespace) -> int:
    with Store.open(args.db) as store:
        records = store.progress(args.profile, args.movement)
    if args.json:
        print(to_json([r.to_dict() for r in records]), end="")
        return 0
    if not records:
        what = f" of {args.movement}" if args.movement else ""
        print(
            f"no measurements{what} for {args.profile} yet - record one with "
            f"`rom-tracker record --profile {args.profile} --movement M --mode effortless "
            "--source VIDEO`"
        )
        return 0
    rows = []
    any_bound = False
    for (movement, side, mode), series in per_session(records).items():
        values = [v for _, v, _ in series]
        bound = [b for _, _, b in series]
        any_bound |= any(bound)
        shown = " ".join(
            deg(v, at_least=b)
            for v, b in zip(values[-MAX_VALUES:], bound[-MAX_VALUES:], strict=True)
        )
        change = values[-1] - values[0]
        rows.append(
            (
                movement,
                side,
                mode,
                len(series),
                series[0][0][:10],
                series[-1][0][:10],
                deg(values[0], at_least=bound[0]),
                deg(values[-1], at_least=bound[-1]),
                deg(change, signed=True) if not (bound[0] or bound[-1]) else "?",
                sparkline(values),
                ("... " if len(values) > MAX_VALUES else "") + shown,
            )
        )
    headers = (
        "movement",
        "side",
        "mode",
        "sessions",
        "from",
        "to",
        "first",
        "latest",
        "change",
        "trend",
        "values (oldest first)",
    )
    print(f"{args.profile}: range of motion in degrees, per session (mean of its trials)")
    print(table(headers, rows, right=(3, 6, 7, 8)))
    if any_bound:
        print(
            ">= : at least (a lower bound: the turn went beyond what the camera sees from the "
            "front; measure those sides with --setup side); ? : a change with a bound cannot "
            "be read off (see rom-tracker compare)"
        )
    return 0
