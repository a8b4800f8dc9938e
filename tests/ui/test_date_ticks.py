"""The progress charts' time axis, Qt-free: readable labels adapted to the span and the
data's years, never overlapping, never outside the axis.

Dates are built in local time (as the axis shows them), so the tests hold in any zone.
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import pairwise

import numpy as np
import pytest

from rom_tracker.ui.date_ticks import (
    DAY_S,
    HOUR_S,
    needs_year,
    plan_ticks,
    tick_times,
    view_range,
)

NOW = datetime(2026, 11, 23, 22, 0)
CHAR_PX = 7.0


def measure(text: str) -> float:
    return CHAR_PX * len(text)


def at(*args: int) -> float:
    """A local date and time -> POSIX seconds."""
    return datetime(*args).timestamp()


def plan(dates: list[float], width: float = 1200.0):
    x0, x1 = view_range(dates, NOW)
    return plan_ticks(x0, x1, width, measure, dates=dates, now=NOW)


WEEKLY = [at(2026, 10, d, 8, 30) for d in (5, 12, 19, 26)]  # the sample history


@pytest.mark.parametrize(
    ("dates", "step", "labels"),
    [
        pytest.param(WEEKLY, ("week", 1), ["5 Oct", "12 Oct", "19 Oct", "26 Oct"], id="weekly"),
        pytest.param(
            [at(2025, 11, 20, 9), at(2025, 12, 18, 9), at(2026, 1, 15, 9), at(2026, 2, 12, 9)],
            ("week", 2),
            ["24 Nov 2025", "8 Dec 2025", "22 Dec 2025", "5 Jan 2026", "19 Jan 2026", "2 Feb 2026"],
            id="across-new-year",
        ),
        pytest.param(
            [at(2025, 3, 2, 9), at(2025, 3, 16, 9)],
            ("day", 2),
            [f"{d} Mar 2025" for d in range(2, 17, 2)],
            id="last-year",
        ),
        pytest.param(
            [at(2026, 11, 23, 8, 30), at(2026, 11, 23, 12, 10), at(2026, 11, 23, 17, 45)],
            ("hour", 2),
            ["23 Nov 08:00", "10:00", "12:00", "14:00", "16:00", "18:00"],
            id="one-day",
        ),
        pytest.param(
            [at(2026, 11, 23, 8, 30)],
            ("minute", 15),
            ["23 Nov 07:45", "08:00", "08:15", "08:30", "08:45", "09:00", "09:15"],
            id="one-session",
        ),
        pytest.param(
            [at(2024, 1, 10, 9), at(2025, 5, 10, 9), at(2026, 11, 1, 9)],
            ("month", 6),
            ["Jul 2024", "Jan 2025", "Jul 2025", "Jan 2026", "Jul 2026"],
            id="years",
        ),
    ],
)
def test_labels_follow_the_span_and_the_year(
    dates: list[float], step: tuple[str, int], labels: list[str]
) -> None:
    ticks = plan(dates)
    assert ticks.step == step
    assert ticks.labels == labels


def test_a_day_change_among_hour_ticks_shows_the_date() -> None:
    ticks = plan([at(2026, 11, 22, 21), at(2026, 11, 23, 3)])
    assert ticks.step == ("hour", 6)
    assert [label for label in ticks.labels if " " in label] == [
        "22 Nov 00:00",
        "23 Nov 00:00",
        "24 Nov 00:00",
    ]
    assert all(re.fullmatch(r"\d\d:\d\d", label) for label in ticks.labels if " " not in label)


@pytest.mark.parametrize(
    ("dates", "now", "expected"),
    [
        ([at(2026, 1, 1), at(2026, 12, 31)], NOW, False),
        ([at(2025, 12, 31), at(2026, 1, 1)], NOW, True),
        ([at(2025, 5, 1)], NOW, True),
        ([at(2025, 5, 1)], datetime(2025, 6, 1), False),
        ([], NOW, False),
        ([float("nan")], NOW, False),
    ],
)
def test_needs_year(dates: list[float], now: datetime, expected: bool) -> None:
    assert needs_year(dates, now) is expected


def test_view_range_pads_by_a_day_or_by_the_hour() -> None:
    assert view_range(WEEKLY, NOW) == (WEEKLY[0] - DAY_S, WEEKLY[-1] + DAY_S)
    one = at(2026, 11, 23, 8, 30)
    assert view_range([one], NOW) == (one - HOUR_S, one + HOUR_S)
    lo, hi = view_range([], NOW)
    assert lo < NOW.timestamp() < hi


def test_ticks_are_calendar_times() -> None:
    weeks = tick_times(at(2026, 10, 1), at(2026, 11, 1), ("week", 1))
    assert [datetime.fromtimestamp(t).weekday() for t in weeks] == [0] * 4  # Mondays
    months = tick_times(at(2025, 11, 15), at(2026, 3, 1), ("month", 1))
    assert [datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M") for t in months] == [
        "2025-12-01 00:00",
        "2026-01-01 00:00",
        "2026-02-01 00:00",
        "2026-03-01 00:00",
    ]
    assert tick_times(at(2026, 1, 2), at(2026, 1, 1), ("day", 1)) == []


@pytest.mark.parametrize(
    ("x0", "x1", "width"),
    [
        (float("nan"), 1.0, 1200.0),
        (5.0, 5.0, 1200.0),
        (1e9, 1e9 + 60.0, 1200.0),  # a minute: no tick may fall inside
        (at(2026, 1, 1), at(2026, 2, 1), 0.0),
    ],
)
def test_degenerate_ranges_give_no_labels(x0: float, x1: float, width: float) -> None:
    assert plan_ticks(x0, x1, width, measure).labels == []


def test_labels_never_overlap_nor_leave_the_axis() -> None:
    """Random views from a minute to a millennium at widths from a phone to a wide screen."""
    rng = np.random.default_rng(7)
    gap = 16.0
    for _ in range(400):
        x0 = float(rng.uniform(at(1990, 1, 1), at(2030, 1, 1)))
        x1 = x0 + float(10 ** rng.uniform(2.0, 10.5))
        width = float(rng.uniform(150.0, 2500.0))
        ticks = plan_ticks(x0, x1, width, measure, now=NOW)
        times = [t for t, _ in ticks.major]
        assert times == sorted(times) and all(x0 <= t <= x1 for t in times)
        assert not set(times) & set(ticks.minor)
        shown = [((t - x0) / (x1 - x0) * width, measure(s)) for t, s in ticks.major if s]
        for pos, w in shown:
            assert pos - w / 2 >= 0.0 and pos + w / 2 <= width
        for (a, wa), (b, wb) in pairwise(shown):
            assert b - a >= (wa + wb) / 2 + gap, (x0, x1, width, ticks.labels)
