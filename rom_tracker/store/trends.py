"""Trends of a profile, Qt-free: per movement and side, the session values of each mode over
time, the person's MDC band, left/right asymmetry and the effort gap. What the app's
progress view and the report (:mod:`rom_tracker.report`) both draw.

A session's value for a movement, side and mode is the mean of its trials' values
(as in ``rom-tracker compare``); self-paced and guided trials are separate series. Dates
are POSIX seconds (what pyqtgraph's ``DateAxisItem`` takes). A session value that includes
a bound ("at least", :mod:`rom_tracker.rom.bounds`) is a bound (``Series.at_least``); the
MDC band, asymmetry and effort gap use measured values only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from rom_tracker.rom.movements import MODES
from rom_tracker.store.records import ProgressRecord, Session
from rom_tracker.store.stats import mdc95
from rom_tracker.store.store import Store

Key = tuple[str, str, bool]  # side, mode, guided


def posix(iso: str) -> float:
    """ISO-8601 time with a zone (``...Z``) -> POSIX seconds."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


@dataclass(frozen=True)
class Series:
    """One line of a chart: per session, its date (POSIX s) and value (degrees), and
    whether that value is only a lower bound (``at_least``, bool, same length)."""

    dates: np.ndarray
    values: np.ndarray
    session_ids: tuple[int, ...]
    at_least: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __post_init__(self) -> None:
        if self.at_least.shape != self.values.shape:
            object.__setattr__(self, "at_least", np.zeros(self.values.shape, dtype=bool))

    @classmethod
    def empty(cls) -> Series:
        return cls(np.zeros(0), np.zeros(0), ())

    def measured(self) -> Series:
        """The sessions whose value is a measurement (bounds left out)."""
        keep = ~self.at_least
        ids = tuple(s for s, k in zip(self.session_ids, keep, strict=True) if k)
        return Series(self.dates[keep], self.values[keep], ids)


@dataclass(frozen=True)
class Band:
    """MDC95 band: changes from ``centre_deg`` within ``+-mdc_deg`` are measurement noise."""

    mode: str
    centre_deg: float
    mdc_deg: float
    source: str


@dataclass(frozen=True)
class MovementProgress:
    movement: str
    series: dict[Key, Series] = field(default_factory=dict)
    bands: dict[tuple[str, str], Band] = field(default_factory=dict)  # (side, mode)
    asymmetry: dict[str, Series] = field(default_factory=dict)  # mode -> left - right
    effort_gap: dict[str, Series] = field(default_factory=dict)  # side -> active - effortless

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(side for side, _, _ in self.series))

    def get(self, side: str, mode: str, guided: bool) -> Series:
        return self.series.get((side, mode, guided), Series.empty())


# per session: (date, values, whether any of them is a bound)
_BySession = dict[int, tuple[float, list[float], list[bool]]]


def _session_means(records: Iterable[ProgressRecord]) -> dict[tuple[str, str, bool], _BySession]:
    out: dict[tuple[str, str, bool], _BySession] = defaultdict(dict)
    for r in records:
        if not math.isfinite(r.value_deg):
            continue
        by_session = out[(r.side, r.mode, r.guided)]
        if r.session_id not in by_session:
            by_session[r.session_id] = (posix(r.date), [], [])
        by_session[r.session_id][1].append(r.value_deg)
        by_session[r.session_id][2].append(r.at_least)
    return out


def _series(by_session: _BySession) -> Series:
    items = sorted(by_session.items(), key=lambda kv: (kv[1][0], kv[0]))
    return Series(
        dates=np.array([d for _, (d, _, _) in items], dtype=np.float64),
        values=np.array([float(np.mean(v)) for _, (_, v, _) in items], dtype=np.float64),
        session_ids=tuple(sid for sid, _ in items),
        at_least=np.array([any(b) for _, (_, _, b) in items], dtype=bool),
    )


def _difference(a: Series, b: Series) -> Series:
    """a - b for the sessions both have."""
    common = sorted(set(a.session_ids) & set(b.session_ids), key=a.session_ids.index)
    ia = [a.session_ids.index(s) for s in common]
    ib = [b.session_ids.index(s) for s in common]
    return Series(a.dates[ia], a.values[ia] - b.values[ib], tuple(common))


def _pooled(s1: Series, s2: Series) -> Series:
    """One value per session from two series (guided and self-paced): their mean."""
    by: _BySession = {}
    for s in (s1, s2):
        for sid, d, v, b in zip(s.session_ids, s.dates, s.values, s.at_least, strict=True):
            entry = by.setdefault(sid, (float(d), [], []))
            entry[1].append(float(v))
            entry[2].append(bool(b))
    return _series(by)


def movement_progress(
    records: Sequence[ProgressRecord],
    movement: str,
    mdc_history: Sequence[ProgressRecord] | None = None,
) -> MovementProgress:
    """Everything the progress chart of ``movement`` shows, from ``Store.progress`` records.

    The MDC95 bands are estimated from ``mdc_history`` when given (e.g. the person's whole
    history while ``records`` is a date range of it), else from ``records``.
    """
    mine = [r for r in records if r.movement == movement]
    noise = mine if mdc_history is None else [r for r in mdc_history if r.movement == movement]
    series = {key: _series(v) for key, v in sorted(_session_means(mine).items())}
    sides = tuple(dict.fromkeys(k[0] for k in series))
    # asymmetry, the effort gap and the MDC band's centre: measured sessions only
    pooled = {
        (side, mode): _pooled(
            series.get((side, mode, False), Series.empty()).measured(),
            series.get((side, mode, True), Series.empty()).measured(),
        )
        for side in sides
        for mode in MODES
    }
    bands = {}
    for (mv, side, mode), (mdc, source) in mdc95(noise).items():
        base = pooled.get((side, mode))
        if mv == movement and base is not None and base.values.size:
            bands[(side, mode)] = Band(mode, float(base.values[0]), mdc, source)
    asymmetry = {}
    if {"left", "right"} <= set(sides):
        for mode in MODES:
            diff = _difference(pooled[("left", mode)], pooled[("right", mode)])
            if diff.values.size:
                asymmetry[mode] = diff
    gaps = {}
    for side in sides:
        gap = _difference(pooled[(side, "active")], pooled[(side, "effortless")])
        if gap.values.size:
            gaps[side] = gap
    return MovementProgress(movement, series, bands, asymmetry, gaps)


def load_progress(store: Store, profile: str, movement: str) -> MovementProgress:
    return movement_progress(store.progress(profile, movement), movement)


def session_label(session: Session) -> str:
    """``#12 2026-05-09 07:35 neck_micro_pause (12 trials)`` in local time."""
    local = datetime.fromisoformat(session.started_at.replace("Z", "+00:00")).astimezone()
    what = session.protocol or "session"
    return f"#{session.id}  {local:%Y-%m-%d %H:%M}  {what}  ({session.n_trials} trials)"


def measured_movements(records: Iterable[ProgressRecord]) -> list[str]:
    """Movements with at least one value, in the order of the movement table."""
    from rom_tracker.rom.movements import MOVEMENTS

    have = {r.movement for r in records}
    return [m for m in MOVEMENTS if m in have]
