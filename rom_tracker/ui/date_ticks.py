"""The progress charts' time axis, Qt-free: where its ticks go and what they say.

Times are POSIX seconds, shown in local time (as the session list shows them). The step
is the finest of a fixed ladder (minutes, hours, days, weeks starting on Monday, months,
years) whose labelled ticks are at least ``min_spacing_px`` apart and whose labels do not
overlap at the axis's width. The labels follow the step:

==============  ==========================================  =====================
step            label                                        with the year
==============  ==========================================  =====================
minutes, hours  ``08:30``; the first label of a day          ``23 Nov 2025 08:30``
                ``23 Nov 08:30``
days, weeks     ``23 Nov``                                   ``23 Nov 2025``
months          ``Nov``                                      ``Nov 2025``
years           ``2025``
==============  ==========================================  =====================

The year is shown unless the data and the ticks are all in the current year: so when the
sessions span more than one year, or are not from this year. :func:`view_range` pads the
data: by a day when it covers several days, by an hour or so when all of it is on one day
(the ticks are then times of day).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
HOUR_S, DAY_S = 3600.0, 86400.0

#: unit -> its nominal length in seconds (months and years vary; only used for spacing)
UNIT_S = {
    "minute": 60.0,
    "hour": HOUR_S,
    "day": DAY_S,
    "week": 7 * DAY_S,
    "month": 30.44 * DAY_S,
    "year": 365.25 * DAY_S,
}
Step = tuple[str, int]  # unit, how many
LADDER: tuple[Step, ...] = (
    *(("minute", n) for n in (5, 10, 15, 30)),
    *(("hour", n) for n in (1, 2, 3, 6, 12)),
    ("day", 1),
    ("day", 2),
    ("week", 1),
    ("week", 2),
    *(("month", n) for n in (1, 2, 3, 6)),
    *(("year", n) for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)),
)
#: the unlabelled ticks (and grid lines) between two labelled ones
MINOR: dict[Step, Step] = {
    ("minute", 10): ("minute", 5),
    ("minute", 15): ("minute", 5),
    ("minute", 30): ("minute", 5),
    ("hour", 1): ("minute", 15),
    **{("hour", n): ("hour", 1) for n in (2, 3, 6, 12)},
    ("day", 1): ("hour", 6),
    ("day", 2): ("day", 1),
    ("week", 1): ("day", 1),
    ("week", 2): ("day", 1),
    ("month", 1): ("day", 1),
    **{("month", n): ("month", 1) for n in (2, 3, 6)},
    ("year", 1): ("month", 1),
    ("year", 2): ("year", 1),
    ("year", 5): ("year", 1),
    ("year", 10): ("year", 1),
}
#: times the axis can show (local dates from 1970-01-02 to about 9970)
T_MIN, T_MAX = DAY_S, 2.5e11


@dataclass(frozen=True)
class Ticks:
    """Labelled ticks ``(t, label)`` every ``step`` and unlabelled ``minor`` ones every
    ``minor_step``, POSIX seconds. A tick whose label would stick out of the axis has the
    label ``""``.
    """

    step: Step
    major: tuple[tuple[float, str], ...]
    minor_step: Step | None = None
    minor: tuple[float, ...] = ()

    @property
    def step_s(self) -> float:
        return _seconds(self.step)

    @property
    def minor_step_s(self) -> float:
        return _seconds(self.minor_step) if self.minor_step is not None else math.nan

    @property
    def labels(self) -> list[str]:
        return [text for _, text in self.major if text]


def _seconds(step: Step) -> float:
    return UNIT_S[step[0]] * step[1]


def local(t: float) -> datetime:
    return datetime.fromtimestamp(t)


def needs_year(dates: Sequence[float], now: datetime | None = None) -> bool:
    """True unless all ``dates`` are in the current (local) year."""
    year = (now or datetime.now()).year
    return any(local(t).year != year for t in dates if math.isfinite(t))


def view_range(dates: Sequence[float], now: datetime | None = None) -> tuple[float, float]:
    """The time range to show ``dates`` (POSIX s) with a margin; around now when empty."""
    finite = [t for t in dates if math.isfinite(t)]
    if not finite:
        t = (now or datetime.now()).timestamp()
        return t - 3 * DAY_S, t + 3 * DAY_S
    lo, hi = min(finite), max(finite)
    if local(lo).date() == local(hi).date():
        pad = max(HOUR_S, 0.15 * (hi - lo))
    else:
        pad = max(DAY_S, 0.03 * (hi - lo))
    return lo - pad, hi + pad


def _floor(d: datetime, step: Step) -> datetime:
    unit, n = step
    if unit == "minute":
        return d.replace(minute=d.minute - d.minute % n, second=0, microsecond=0)
    if unit == "hour":
        return d.replace(hour=d.hour - d.hour % n, minute=0, second=0, microsecond=0)
    midnight = d.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return midnight - timedelta(days=midnight.toordinal() % n)
    if unit == "week":  # ordinal 1 (1 Jan of year 1) is a Monday
        weeks, days = divmod(midnight.toordinal() - 1, 7)
        return midnight - timedelta(days=days + 7 * (weeks % n))
    if unit == "month":
        months = d.year * 12 + d.month - 1
        months -= months % n
        return datetime(months // 12, months % 12 + 1, 1)
    return datetime(max(1, d.year - d.year % n), 1, 1)


def _next(d: datetime, step: Step) -> datetime:
    unit, n = step
    if unit in ("minute", "hour", "day", "week"):
        return d + timedelta(**{f"{unit}s": n})
    if unit == "month":
        months = d.year * 12 + d.month - 1 + n
        return datetime(months // 12, months % 12 + 1, 1)
    return datetime(d.year + n, 1, 1)


def tick_times(x0: float, x1: float, step: Step) -> list[float]:
    """Local calendar times every ``step`` from ``x0`` to ``x1`` (both included)."""
    x0, x1 = max(x0, T_MIN), min(x1, T_MAX)
    out: list[float] = []
    if not x1 > x0:
        return out
    d = _floor(local(x0), step)
    while (t := d.timestamp()) <= x1:
        if t >= x0 and (not out or t > out[-1]):  # a clock change can repeat an hour
            out.append(t)
        try:
            d = _next(d, step)
        except (ValueError, OverflowError):  # past the year 9999
            break
    return out


def _label(t: float, unit: str, year: bool, day: bool) -> str:
    d = local(t)
    text = f"{d.day} {MONTHS[d.month - 1]}{f' {d.year}' if year else ''}"
    if unit in ("minute", "hour"):
        return f"{text} {d:%H:%M}" if day else f"{d:%H:%M}"
    if unit in ("day", "week"):
        return text
    if unit == "month":
        return f"{MONTHS[d.month - 1]}{f' {d.year}' if year else ''}"
    return str(d.year)


def _labelled(
    times: list[float],
    unit: str,
    year: bool,
    *,
    px: Callable[[float], float],
    width_px: float,
    measure: Callable[[str], float],
) -> list[tuple[float, str, float]]:
    """``(t, label, label width)`` per tick; ``""`` where the label would stick out."""
    out = []
    last_day: date | None = None
    for t in times:
        new_day = local(t).date() != last_day
        text = _label(t, unit, year, new_day)
        w = measure(text)
        if px(t) - w / 2 < 0 or px(t) + w / 2 > width_px:
            out.append((t, "", 0.0))
            continue
        out.append((t, text, w))
        last_day = local(t).date()
    return out


def _fits(ticks: list[tuple[float, str, float]], px: Callable[[float], float], gap: float) -> bool:
    shown = [(px(t), w) for t, text, w in ticks if text]
    return all(b - a >= (wa + wb) / 2 + gap for (a, wa), (b, wb) in pairwise(shown))


def plan_ticks(
    x0: float,
    x1: float,
    width_px: float,
    measure: Callable[[str], float],
    *,
    dates: Sequence[float] = (),
    now: datetime | None = None,
    min_spacing_px: float = 110.0,
    gap_px: float = 16.0,
    minor_spacing_px: float = 6.0,
) -> Ticks:
    """The ticks of an axis showing ``x0 .. x1`` (POSIX s) over ``width_px`` pixels.

    measure: the width in pixels of a label in the axis's font.
    dates:   the data's times: whether labels need the year (see the module).
    """
    if not (math.isfinite(x0) and math.isfinite(x1) and x1 > x0 and width_px > 0):
        return Ticks(LADDER[0], ())
    scale = width_px / (x1 - x0)

    def px(t: float) -> float:
        return (t - x0) * scale

    this_year = (now or datetime.now()).year
    data_year = needs_year(dates, now)
    chosen: tuple[Step, list[tuple[float, str, float]]] | None = None
    for step in LADDER:
        if _seconds(step) * scale < min_spacing_px and step != LADDER[-1]:
            continue  # too dense to label, whatever the labels
        times = tick_times(x0, x1, step)
        year = data_year or any(local(t).year != this_year for t in times)
        ticks = _labelled(times, step[0], year, px=px, width_px=width_px, measure=measure)
        chosen = (step, ticks)
        if _fits(ticks, px, gap_px):
            break
    assert chosen is not None  # the last step of the ladder is always tried
    step, ticks = chosen
    major = tuple((t, text) for t, text, _ in ticks)
    sub = MINOR.get(step)
    if sub is None or _seconds(sub) * scale < minor_spacing_px:
        return Ticks(step, major)
    labelled = {t for t, _ in major}
    return Ticks(step, major, sub, tuple(t for t in tick_times(x0, x1, sub) if t not in labelled))
