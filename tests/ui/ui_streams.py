"""Scripted angle streams for the UI tests: a person doing what a protocol asks."""

from __future__ import annotations

import numpy as np

FPS = 30.0


def segment(start: float, end: float, seconds: float) -> np.ndarray:
    """A smooth move from ``start`` to ``end`` degrees lasting ``seconds`` (at FPS)."""
    n = max(1, round(seconds * FPS))
    x = np.linspace(0.0, 1.0, n, endpoint=False)
    return start + (end - start) * (0.5 - 0.5 * np.cos(np.pi * x))


def still(value: float, seconds: float, seed: int = 0, jitter: float = 0.3) -> np.ndarray:
    n = max(1, round(seconds * FPS))
    return value + np.random.default_rng(seed).normal(0.0, jitter, n)


def neck_rotation_session(left: float = 40.0, right: float = 35.0) -> np.ndarray:
    """neck_rotation_deg for: neutral, effortless left hold, back, effortless right hold."""
    return np.concatenate(
        [
            still(0.0, 3.0, 1),
            segment(0.0, left, 2.5),
            still(left, 4.0, 2),
            segment(left, 0.0, 2.0),
            still(0.0, 3.0, 3),
            segment(0.0, -right, 2.5),
            still(-right, 4.0, 4),
            segment(-right, 0.0, 2.0),
            still(0.0, 2.0, 5),
        ]
    )


def times(n: int, t0: float = 0.0) -> np.ndarray:
    return t0 + np.arange(n) / FPS


class Actor:
    """A scripted person who does what the current step asks: still at neutral, a slow
    move to ``effortless`` degrees and a hold, or a move out to ``active`` and back.

    ``angles(t, step)`` returns the angle columns (all of the head group) for a frame.
    """

    COLUMNS = ("neck_rotation_deg", "head_pitch_deg", "head_roll_deg", "head_yaw_deg")

    def __init__(self, effortless: float = 35.0, active: float = 55.0, seed: int = 0) -> None:
        self.effortless, self.active = effortless, active
        self.rng = np.random.default_rng(seed)
        self._key: object = None
        self._t0 = 0.0

    def angles(self, t: float, step: object, key: object) -> dict[str, float]:
        from rom_tracker.rom.movements import movement

        if key != self._key:
            self._key, self._t0 = key, t
        dt = t - self._t0
        out = {c: float(self.rng.normal(0.0, 0.2)) for c in self.COLUMNS}
        kind = getattr(step, "kind", "")
        if kind != "measure":
            return out
        ms = movement(step.movement).side(step.side)  # type: ignore[attr-defined]
        if step.mode == "effortless":  # type: ignore[attr-defined]
            value = self.effortless * min(1.0, dt / 2.0)
        else:
            value = self.active * max(0.0, 1.0 - abs(dt - 1.5) / 1.5)
        out[ms.column] += ms.sign * value
        return out
