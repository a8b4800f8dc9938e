"""The posture monitor's history in the store: one row per profile and monitored minute
(``posture_minutes``, schema version 3), and per-day summaries of it.

Minutes are added in their own transaction as they complete (a crash loses at most the
minute in progress). The same minute written twice (a pause and a resume within it, an
import) is summed, capped at 60 s. Days are local calendar days (the computer's time
zone unless ``tz`` is given).

:func:`posture_days` is the Qt-free summary per day for the Posture tab, the ``posture``
command and a practitioner report.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from rom_tracker.monitor.summary import PostureMinute
from rom_tracker.store.store import Store

_SECONDS = ("monitored_s", "sitting_s", "good_s", "head_down_s", "head_forward_s")
_COUNTS = ("breaks", "micro_pauses")
_COLUMNS = ("minute_at", *_SECONDS, *_COUNTS)


def add_minutes(store: Store, profile: str, minutes: Iterable[PostureMinute]) -> int:
    """Add ``minutes`` of ``profile`` in one transaction; returns how many were written."""
    pid = store.get_profile(profile).id
    rows = [
        (pid, m.minute_at, *(getattr(m, k) for k in _SECONDS), m.breaks, m.micro_pauses)
        for m in minutes
    ]
    if not rows:
        return 0
    sums = ", ".join(f"{k} = MIN(60.0, {k} + excluded.{k})" for k in _SECONDS)
    counts = ", ".join(f"{k} = {k} + excluded.{k}" for k in _COUNTS)
    with store._write() as conn:
        conn.executemany(
            f"INSERT INTO posture_minutes (profile_id, {', '.join(_COLUMNS)}) "
            f"VALUES ({', '.join('?' * (len(_COLUMNS) + 1))}) "
            f"ON CONFLICT (profile_id, minute_at) DO UPDATE SET {sums}, {counts}",
            rows,
        )
    return len(rows)


def minutes(store: Store, profile: str, since: str = "", until: str = "~") -> list[PostureMinute]:
    """``profile``'s minutes with ``since <= minute_at < until`` (ISO UTC), oldest first."""
    pid = store.get_profile(profile).id
    rows = store._read(
        f"SELECT {', '.join(_COLUMNS)} FROM posture_minutes WHERE profile_id = ? "
        "AND minute_at >= ? AND minute_at < ? ORDER BY minute_at",
        (pid, since, until),
    )
    return [PostureMinute(**dict(r)) for r in rows]


@dataclass(frozen=True)
class PostureDay:
    """One day's monitoring, summed from its minutes (times in minutes).

    good_share: share of the monitored time in good posture (NaN: nothing monitored).
    """

    day: str  # ISO date, local
    monitored_min: float
    sitting_min: float
    good_share: float
    head_down_min: float
    head_forward_min: float
    breaks: int
    micro_pauses: int

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if not math.isfinite(self.good_share):
            d["good_share"] = None
        return d


def _local_day(minute_at: str, tz: tzinfo | None) -> date:
    t = datetime.fromisoformat(minute_at.replace("Z", "+00:00"))
    return t.astimezone(tz).date()


def summarise_days(
    items: Sequence[PostureMinute], days: Sequence[date], tz: tzinfo | None = None
) -> list[PostureDay]:
    """One :class:`PostureDay` per date of ``days`` (zeros where nothing was monitored)."""
    acc = {d: dict.fromkeys((*_SECONDS, *_COUNTS), 0.0) for d in days}
    for m in items:
        a = acc.get(_local_day(m.minute_at, tz))
        if a is None:
            continue
        for k in (*_SECONDS, *_COUNTS):
            a[k] += getattr(m, k)
    out = []
    for d, a in acc.items():
        mon = a["monitored_s"]
        out.append(
            PostureDay(
                day=d.isoformat(),
                monitored_min=round(mon / 60.0, 2),
                sitting_min=round(a["sitting_s"] / 60.0, 2),
                good_share=round(a["good_s"] / mon, 4) if mon > 0 else math.nan,
                head_down_min=round(a["head_down_s"] / 60.0, 2),
                head_forward_min=round(a["head_forward_s"] / 60.0, 2),
                breaks=int(a["breaks"]),
                micro_pauses=int(a["micro_pauses"]),
            )
        )
    return out


def posture_days(
    store: Store,
    profile: str,
    days: int = 14,
    *,
    today: date | None = None,
    tz: tzinfo | None = None,
) -> list[PostureDay]:
    """The last ``days`` local days up to ``today`` (included), oldest first."""
    if days < 1:
        raise ValueError(f"days must be >= 1, got {days}")
    if today is None:
        today = datetime.now(tz).date() if tz is not None else datetime.now().astimezone().date()
    dates = [today - timedelta(days=i) for i in range(days - 1, -1, -1)]
    # a local day can start up to 14 h before its UTC date: read a margin, then filter
    since = datetime.combine(dates[0] - timedelta(days=1), datetime.min.time(), UTC)
    until = datetime.combine(today + timedelta(days=2), datetime.min.time(), UTC)
    items = minutes(store, profile, _iso(since), _iso(until))
    return summarise_days(items, dates, tz)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:00Z")
