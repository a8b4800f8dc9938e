"""Which stored trials go side by side, and the words around them (``compare --video``,
the app's Progress tab, the report's end-range frames).

Of two sessions of a profile, the movement, side and mode measured in both (narrowed by
``movement``/``side``/``mode``; it must come to one); in each session the trial of it
whose value is nearest the session's mean (the value ``compare`` shows), with the session's
kept video (``record --keep-video``, the app's "Keep the video").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from rom_tracker.annotate.before_after import Half
from rom_tracker.annotate.job import TrialInfo
from rom_tracker.display.palette import MODE_COLOURS
from rom_tracker.errors import InputError, UsageError
from rom_tracker.store import CompareRow, Session, Store
from rom_tracker.store.records import StoredTrial
from rom_tracker.store.text import when

KEEP_HINT = (
    "keep the video when recording: `rom-tracker record --keep-video PATH.mp4` (in the app: "
    'tick "Keep the video")'
)


@dataclass(frozen=True)
class Pair:
    before: Half
    after: Half
    row: CompareRow

    @property
    def halves(self) -> tuple[Half, Half]:
        return (self.before, self.after)


def value_text(value: float, at_least: bool) -> str:
    if not math.isfinite(value):
        return "no value"
    return f"{'>= ' if at_least else ''}{value:.1f} deg"


def trial_info(t: StoredTrial) -> TrialInfo:
    return TrialInfo(
        t.movement, t.side, t.mode, t.value_deg, t.started_s, t.ended_s, t.detail, t.at_least
    )


def kept_video(session: Session, trial: StoredTrial) -> Path:
    """The session's kept video; InputError naming the trial and how to keep one."""
    settings = session.settings if isinstance(session.settings, dict) else {}
    path = settings.get("kept_video")
    name = f"trial {trial.id} (session {session.id}, {when(session.started_at)})"
    if not path:
        raise InputError(f"{name} has no kept video", KEEP_HINT)
    if not Path(path).is_file():
        raise InputError(
            f"{name}: its kept video {path} is missing", "put the file back there, or " + KEEP_HINT
        )
    return Path(path)


def _key_problem(keys: list[tuple[str, str, str]], a: int, b: int) -> UsageError:
    if not keys:
        return UsageError(
            f"sessions {a} and {b} have no movement, side and mode measured in both (with "
            "these options)",
            f"see `rom-tracker compare {a} {b}`",
        )
    listed = ", ".join(" ".join(k) for k in keys)
    return UsageError(
        f"sessions {a} and {b} share {listed}: choose one",
        "add --movement M --side S (and --mode) for the one to show",
    )


def representative(trials: list[StoredTrial], mean: float) -> StoredTrial:
    """The trial whose value is nearest the mean (the first of equals)."""
    return min(trials, key=lambda t: abs(t.value_deg - mean) if math.isfinite(t.value_deg) else 1e9)


def pick_pair(
    store: Store,
    session_a: int,
    session_b: int,
    *,
    movement: str | None = None,
    side: str | None = None,
    mode: str | None = None,
) -> Pair:
    """The trial of each session to show side by side, with its kept video (see above)."""
    rows = [
        r
        for r in store.compare(session_a, session_b)
        if r.n_a and r.n_b and (movement or r.movement) == r.movement
        and (side or r.side) == r.side and (mode or r.mode) == r.mode
    ]  # fmt: skip
    if len(rows) != 1:
        raise _key_problem([(r.movement, r.side, r.mode) for r in rows], session_a, session_b)
    return pair_for_row(store, session_a, session_b, rows[0])


def pair_for_row(store: Store, session_a: int, session_b: int, row: CompareRow) -> Pair:
    """The two trials behind one row of ``store.compare(session_a, session_b)``, with their
    kept videos (InputError naming the trial when one has none)."""
    halves = []
    key = (row.movement, row.side, row.mode)
    for sid, mean, word in ((session_a, row.a_deg, "Before"), (session_b, row.b_deg, "After")):
        session = store.session(sid)
        same = [t for t in session.trials if (t.movement, t.side, t.mode) == key]
        trial = representative(same, mean)
        label = (
            f"{word}: session {sid}, {when(session.started_at)[:10]}, {row.mode}, "
            f"{value_text(trial.value_deg, trial.at_least)}"
        )
        halves.append(Half(kept_video(session, trial), trial_info(trial), label))
    return Pair(halves[0], halves[1], row)


def strip_lines(row: CompareRow) -> list[tuple[str, str]]:
    """The bottom band: the movement, then the change against the MDC95 and the verdict."""
    title = f"{row.movement.replace('_', ' ')}, {row.side}, {row.mode}"
    if row.a_at_least:
        change = "change: ? (before is a lower bound)"
    else:
        sign = "+" if row.change_deg >= 0 else ""
        at_least = " (at least)" if row.b_at_least else ""
        change = f"change {sign}{row.change_deg:.1f} deg{at_least}"
    mdc = f" | MDC95 {row.mdc95_deg:.1f} deg" if math.isfinite(row.mdc95_deg) else ""
    colour = "#eceff1"
    if row.exceeds_mdc:
        colour = MODE_COLOURS["effortless"] if row.change_deg > 0 else MODE_COLOURS["active"]
    return [(title, "#d5dbe1"), (f"{change}{mdc} | {row.verdict}", colour)]
