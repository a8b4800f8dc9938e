"""``rom-tracker posture --profile NAME [--days N] [--json]``: the posture monitor's
history, per day (what the Posture tab charts)."""

from __future__ import annotations

import argparse
import math

from rom_tracker.store import Store
from rom_tracker.store.posture_history import posture_days
from rom_tracker.store.text import add_db_argument, sparkline, table, to_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "posture",
        help="a profile's posture-monitor history, per day",
        description="Per day (local time), from the minutes the posture monitor summed: "
        "time monitored and sitting, the share in good posture, minutes with the head down "
        "or forward, breaks (away long enough) and Micro Pauses taken.",
    )
    p.add_argument("--profile", required=True, metavar="NAME")
    p.add_argument("--days", type=int, default=14, metavar="N", help="days back (default 14)")
    p.add_argument("--json", action="store_true", help="one JSON record per day")
    add_db_argument(p)
    p.set_defaults(func=run)


def _min(v: float) -> str:
    return f"{v:.0f}" if v >= 10 or v == 0 else f"{v:.1f}"


def _pct(v: float) -> str:
    return f"{100 * v:.0f}%" if math.isfinite(v) else "-"


def run(args: argparse.Namespace) -> int:
    if args.days < 1:
        from rom_tracker.errors import UsageError

        raise UsageError(f"--days must be at least 1, got {args.days}", "e.g. --days 14")
    with Store.open(args.db) as store:
        days = posture_days(store, args.profile, args.days)
    if args.json:
        print(to_json([d.to_dict() for d in days]), end="")
        return 0
    if not any(d.monitored_min > 0 for d in days):
        print(
            f"no posture monitoring for {args.profile} in the last {args.days} days - start "
            f"it with `rom-tracker gui --posture --profile {args.profile}`"
        )
        return 0
    rows = [
        (
            d.day,
            _min(d.monitored_min),
            _min(d.sitting_min),
            _pct(d.good_share),
            _min(d.head_down_min),
            _min(d.head_forward_min),
            d.breaks,
            d.micro_pauses,
        )
        for d in days
    ]
    heads = ("day", "monitored min", "sitting min", "good", "head down min", "forward min")
    print(table((*heads, "breaks", "Micro Pauses"), rows, right=range(1, 8)))
    shares = [d.good_share for d in days]
    # on a 0-100 % scale (sparkline scales min..max: 88 % and 89 % would look far apart)
    print(f"\ngood posture per day (0-100 %): {sparkline([0.0, 1.0, *shares])[2:]}")
    return 0
