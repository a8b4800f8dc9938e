"""Trials built from plain numbers, and a small history of sessions (store tests)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from rom_tracker.rom.trial import TrialResult

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
