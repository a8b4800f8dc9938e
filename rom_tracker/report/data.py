"""Everything a report shows, gathered through the store's API (no SQL here): the profile,
the sessions covered, per movement the trends (:mod:`rom_tracker.store.trends`), the
before/after comparison and the effort gaps (:mod:`rom_tracker.store.stats`).

Dates select sessions by the UTC day they started on (as ``rom-tracker sessions list``
shows them), both ends included. The MDC95 of the charts and of the table is the one of the
person's whole history (more repeats, a better estimate of their noise), not only of the
sessions shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from rom_tracker import __version__
from rom_tracker.errors import NothingDetectedError, UsageError
from rom_tracker.report.accuracy_doc import AccuracyFigures
from rom_tracker.report.frames import EndRangeFrames
from rom_tracker.rom.movements import MOVEMENTS
from rom_tracker.store import CompareRow, Profile, Session, Store
from rom_tracker.store.posture_history import PostureDay, posture_days
from rom_tracker.store.stats import compare, effort_gaps
from rom_tracker.store.trends import MovementProgress, movement_progress

#: Days of the posture monitor's history a report shows, up to its end date.
POSTURE_DAYS = 14

RECORD_FIX = "record one with `rom-tracker record --profile {p} ...` or import some"


@dataclass(frozen=True)
class ReportRequest:
    """What to report on; dates are UTC days, inclusive."""

    profile: str
    date_from: date | None = None
    date_to: date | None = None
    movements: tuple[str, ...] = ()  # empty: all measured ones
    sessions: tuple[int, int] | None = None  # before, after

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise UsageError(
                f"--from {self.date_from} is after --to {self.date_to}",
                "give the earlier date to --from",
            )
        unknown = [m for m in self.movements if m not in MOVEMENTS]
        if unknown:
            raise UsageError(
                f"unknown movement {unknown[0]!r}", f"use some of: {', '.join(MOVEMENTS)}"
            )


@dataclass(frozen=True)
class ReportData:
    profile: Profile
    sessions: tuple[Session, ...]  # covered, oldest first, with their trials
    movements: tuple[MovementProgress, ...]  # in the order of the movement table
    before: Session
    after: Session
    rows: tuple[CompareRow, ...]  # after - before; empty with one session
    gaps: dict[int, list[dict[str, Any]]]  # session id -> effort gaps of its trials
    accuracy: AccuracyFigures | None
    generated_at: str
    version: str = __version__
    models: dict[str, str] = field(default_factory=dict)  # name -> SHA-256, all sessions
    posture: tuple[PostureDay, ...] = ()  # the posture monitor's days; empty if never used
    frames: EndRangeFrames | None = None  # end-range frames of kept videos (report.frames)


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not a date", "use YYYY-MM-DD, e.g. 2026-10-05"
        ) from None


def _day(iso: str) -> date:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC).date()


def _covered(store: Store, req: ReportRequest) -> list[Session]:
    sessions = store.sessions(req.profile)  # UsageError for an unknown profile
    if not sessions:
        raise NothingDetectedError(
            f"profile {req.profile!r} has no sessions yet", RECORD_FIX.format(p=req.profile)
        )
    chosen = [
        s
        for s in sessions
        if (req.date_from is None or _day(s.started_at) >= req.date_from)
        and (req.date_to is None or _day(s.started_at) <= req.date_to)
    ]
    if not chosen:
        first, last = _day(sessions[0].started_at), _day(sessions[-1].started_at)
        raise NothingDetectedError(
            f"{req.profile} has no session from {req.date_from or first} to {req.date_to or last}",
            f"their sessions run from {first} to {last}",
        )
    if req.sessions is not None:
        ids = [s.id for s in sessions]
        for sid in req.sessions:
            if sid not in ids:
                raise UsageError(
                    f"session {sid} is not one of {req.profile}'s",
                    f"use `rom-tracker sessions list` (theirs: {', '.join(map(str, ids))})",
                )
        if req.date_from is None and req.date_to is None:  # the span between the two
            a, b = sorted(ids.index(sid) for sid in req.sessions)
            chosen = sessions[a : b + 1]
        else:
            missing = [sid for sid in req.sessions if sid not in {s.id for s in chosen}]
            if missing:
                raise UsageError(f"session {missing[0]} is outside --from/--to", "widen the dates")
    return [store.session(s.id) for s in chosen]


def gather(
    store: Store,
    req: ReportRequest,
    accuracy: AccuracyFigures | None,
    now: datetime | None = None,
) -> ReportData:
    """The report's contents; UsageError (2) for an unknown profile, session or movement,
    NothingDetectedError (5) when nothing falls in the request."""
    profile = store.get_profile(req.profile)
    sessions = _covered(store, req)
    ids = {s.id for s in sessions}
    history = store.progress(req.profile)
    wanted = set(req.movements) or set(MOVEMENTS)
    records = [r for r in history if r.session_id in ids and r.movement in wanted]
    if not records:
        what = f" of {', '.join(req.movements)}" if req.movements else ""
        raise NothingDetectedError(
            f"no measured value{what} in {req.profile}'s sessions "
            f"{', '.join(str(s.id) for s in sessions)}",
            RECORD_FIX.format(p=req.profile),
        )
    measured = [m for m in MOVEMENTS if any(r.movement == m for r in records)]
    trends = tuple(movement_progress(records, m, history) for m in measured)
    by_id = {s.id: s for s in sessions}
    a, b = (by_id[i] for i in req.sessions) if req.sessions else (sessions[0], sessions[-1])
    keep = [r for r in history if r.movement in wanted]
    rows = () if a.id == b.id else tuple(compare(_only(a, wanted), _only(b, wanted), keep))
    models: dict[str, str] = {}
    for s in sessions:
        models.update({str(k): str(v) for k, v in (s.models or {}).items()})
    when = (now or datetime.now(UTC)).astimezone(UTC)
    days = posture_days(store, req.profile, POSTURE_DAYS, today=req.date_to or when.date())
    return ReportData(
        profile=profile,
        sessions=tuple(sessions),
        movements=trends,
        before=a,
        after=b,
        rows=rows,
        gaps={s.id: effort_gaps(_only(s, wanted)) for s in sessions},
        accuracy=accuracy,
        generated_at=when.strftime("%Y-%m-%d %H:%M UTC"),
        models=models,
        posture=tuple(days) if any(d.monitored_min > 0 for d in days) else (),
    )


def _only(session: Session, movements: set[str]) -> Sequence[Any]:
    return [t for t in session.trials if t.movement in movements]
