"""What the store returns: frozen records of plain values (NaN = not measured).

Angles are degrees, ``*_s`` times are seconds from the start of the recording, and
``*_at`` are ISO-8601 UTC wall-clock times (``2026-05-09T07:35:25.123Z``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rom_tracker.rom.movements import MODES, MOVEMENTS


def trial_fields_problem(movement: object, side: object, mode: object) -> str | None:
    """Why (movement, side, mode) cannot be stored, or None when it can."""
    if movement not in MOVEMENTS:
        return f"unknown movement {movement!r} (known: {', '.join(MOVEMENTS)})"
    sides = MOVEMENTS[str(movement)].side_names
    if side not in sides:
        return f"movement {movement} has no side {side!r} (sides: {', '.join(sides)})"
    if mode not in MODES:
        return f"unknown mode {mode!r} (modes: {', '.join(MODES)})"
    return None


class _AsDict:
    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Profile(_AsDict):
    id: int
    name: str
    created_at: str
    notes: str


@dataclass(frozen=True)
class StoredTrial(_AsDict):
    id: int
    session_id: int
    movement: str
    side: str
    mode: str  # "effortless" | "active"
    guided: bool
    value_deg: float  # NaN: no value (e.g. no hold detected)
    sd_deg: float
    duration_s: float
    reps: int
    started_s: float
    ended_s: float
    detail: dict[str, Any]
    created_at: str
    at_least: bool  # value_deg is a lower bound, not a measurement
    reason: str  # why it is a bound ("beyond reliable range", "face lost"); "" if measured
    n_samples: int


@dataclass(frozen=True)
class Session(_AsDict):
    id: int
    profile: str
    started_at: str
    ended_at: str | None
    protocol: str | None
    source: str
    notes: str
    calibration: Any  # JSON value or None
    models: Any  # JSON: model names -> SHA-256
    package_version: str
    settings: Any  # JSON
    n_trials: int
    trials: tuple[StoredTrial, ...] = field(default=())  # filled by Store.session(id)


@dataclass(frozen=True)
class Series:
    """A trial's per-frame series: ``t_s`` (T,) float64 s, ``angle_deg`` (T,) float32 deg.

    ``landmarks`` is the optional raw landmark array (float32, first axis T) or None.
    """

    t_s: np.ndarray
    angle_deg: np.ndarray
    landmarks: np.ndarray | None = None


@dataclass(frozen=True)
class ProgressRecord(_AsDict):
    session_id: int
    trial_id: int
    date: str  # the session's started_at
    movement: str
    side: str
    mode: str
    guided: bool
    value_deg: float
    sd_deg: float
    at_least: bool = False  # value_deg is a lower bound (rom_tracker.rom.bounds)
    reason: str = ""


@dataclass(frozen=True)
class CompareRow(_AsDict):
    """One movement/side/mode in two sessions; ``exceeds_mdc`` None when the change cannot
    be judged (MDC unknown, or a bound that proves nothing); ``verdict`` in words;
    ``a_at_least``/``b_at_least``: that session's value is a lower bound."""

    movement: str
    side: str
    mode: str
    a_deg: float  # mean of the trials' values in session A (NaN: none)
    b_deg: float
    change_deg: float  # b - a
    mdc95_deg: float  # NaN: unknown
    mdc_source: str | None  # "within-session", "across-sessions", "given" or None
    exceeds_mdc: bool | None
    n_a: int
    n_b: int
    a_at_least: bool = False
    b_at_least: bool = False
    verdict: str = ""
