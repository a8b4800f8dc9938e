"""Store fixtures: a fresh database per test and trials built from plain numbers."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rom_tracker.rom.trial import TrialResult
from rom_tracker.store import Store

MakeTrial = Callable[..., TrialResult]


def build_trial(
    movement: str = "neck_rotation",
    side: str = "left",
    mode: str = "effortless",
    value_deg: float = 60.0,
    *,
    n: int = 90,
    seed: int = 0,
    **overrides: Any,
) -> TrialResult:
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.float64) / 29.97
    angle = (value_deg if math.isfinite(value_deg) else 0.0) * np.sin(np.linspace(0, np.pi, n))
    angle = (angle + rng.normal(0, 0.5, n)).astype(np.float32)
    fields: dict[str, Any] = {
        "movement": movement,
        "side": side,
        "mode": mode,
        "guided": False,
        "value_deg": value_deg,
        "sd_deg": 0.8,
        "duration_s": 3.2,
        "reps": 1,
        "started_s": 0.5,
        "ended_s": 3.7,
        "detail": {"threshold_deg_s": 5.0, "hold": [0.5, 3.7]},
        "t_s": t,
        "angle_deg": angle,
    }
    fields.update(overrides)
    return TrialResult(**fields)


@pytest.fixture
def make_trial() -> MakeTrial:
    return build_trial


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "rom-tracker.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as s:
        yield s


# profile "alex", three sessions a month apart:
# (session, movement, side, mode, values); NaN = a trial without a value
HISTORY = [
    (1, "neck_rotation", "left", "effortless", [50.0, 52.0]),
    (1, "neck_rotation", "right", "effortless", [50.0, 54.0]),
    (1, "neck_rotation", "left", "active", [70.0]),
    (1, "neck_rotation", "right", "active", [65.0]),
    (1, "neck_lateral_flexion", "left", "active", [math.nan]),
    (2, "neck_rotation", "left", "effortless", [60.0, 58.0]),
    (2, "neck_rotation", "right", "effortless", [52.0]),
    (2, "neck_rotation", "left", "active", [71.0]),
    (2, "neck_rotation", "right", "active", [80.0]),
    (2, "hip_flexion", "left", "effortless", [95.0]),
    (3, "neck_rotation", "left", "active", [75.0]),
]
DATES = {1: "2026-01-05T09:00:00Z", 2: "2026-02-05T09:00:00Z", 3: "2026-03-05T09:00:00Z"}


@pytest.fixture
def history(store: Store) -> dict[int, int]:
    """HISTORY in ``store``; returns HISTORY's session number -> database session id."""
    store.add_profile("alex")
    store.add_profile("bea")
    ids = {k: store.start_session("alex", "neck", started_at=v) for k, v in DATES.items()}
    seed = 0
    for session, movement, side, mode, values in HISTORY:
        for value in values:
            seed += 1
            trial = build_trial(movement, side, mode, value, seed=seed, guided=mode == "active")
            store.add_trial(ids[session], trial)
    for sid in ids.values():
        store.end_session(sid)
    return ids
