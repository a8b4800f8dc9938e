"""What the range gauge shows, per side of a movement: the current angle, this trial's
peak and the effortless hold when one is detected. Qt-free.

Values are in the movement's direction (``rom_tracker.rom.movements``: a turn of 40
degrees to the left and to the right are both +40). The peak is robust (the maximum of
the analysed series, in which a single-frame spike is rejected), and the hold is the one
``rom_tracker.rom.holds.detect_holds`` finds with the same thresholds as a protocol step.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from rom_tracker.rom.bounds import reach_bound
from rom_tracker.rom.filters import analysed_series
from rom_tracker.rom.holds import best_hold, detect_holds, hold_in_progress
from rom_tracker.rom.movements import movement as get_movement
from rom_tracker.ui.ringbuffer import RingBuffer


@dataclass(frozen=True)
class SideRange:
    """One side: degrees in the movement's direction; NaN = not seen / none yet.

    ``hold_progress`` in [0, 1]: how far a hold now going on is toward ``hold_s``.
    ``peak_at_least``/``hold_at_least``: that value is only a lower bound (the head went
    beyond what the camera reads reliably, ``rom_tracker.rom.bounds``).
    """

    side: str
    current_deg: float = math.nan
    peak_deg: float = math.nan
    hold_deg: float = math.nan
    hold_progress: float = 0.0
    peak_at_least: bool = False
    hold_at_least: bool = False


class RangeTracker:
    """Feeds on ``update(t_s, angles)`` (angle columns -> degrees) for one movement.

    Keeps the last ``window_s`` of the trial; peak and hold are recomputed at most every
    ``check_every_s`` (holds need a few hundred samples of smoothing, not every frame).
    ``reset()`` starts a new trial.
    """

    def __init__(
        self,
        movement: str,
        *,
        hold_s: float = 3.0,
        speed_threshold_deg_s: float = 5.0,
        min_hold_deg: float = 5.0,
        window_s: float = 60.0,
        fps_hint: float = 30.0,
        check_every_s: float = 0.2,
    ) -> None:
        self.movement = get_movement(movement)
        self.hold_s = float(hold_s)
        self.speed_threshold_deg_s = float(speed_threshold_deg_s)
        self.min_hold_deg = float(min_hold_deg)
        self.check_every_s = float(check_every_s)
        reach = (self.movement.reach,) if self.movement.reach else ()
        self._columns = tuple(dict.fromkeys([*(s.column for s in self.movement.sides), *reach]))
        self._buf = RingBuffer(max(16, round(window_s * fps_hint)), len(self._columns))
        self._next_check = -math.inf
        self._state = {s.side: SideRange(s.side) for s in self.movement.sides}

    @property
    def sides(self) -> dict[str, SideRange]:
        return dict(self._state)

    def reset(self) -> None:
        self._buf.clear()
        self._next_check = -math.inf
        self._state = {s.side: SideRange(s.side) for s in self.movement.sides}

    def update(self, t_s: float, angles: Mapping[str, float | None]) -> dict[str, SideRange]:
        raw = [angles.get(c) for c in self._columns]
        row = [math.nan if v is None else float(v) for v in raw]
        if self._buf and t_s <= self._buf.last_t:
            return self.sides
        self._buf.append(t_s, row)
        check = t_s >= self._next_check
        if check:
            self._next_check = t_s + self.check_every_s
        t, v = self._buf.arrays()
        keep = np.isfinite(t)
        t, v = t[keep], v[keep]
        for ms in self.movement.sides:
            col = self._columns.index(ms.column)
            old = self._state[ms.side]
            current = ms.sign * row[col]
            if not check:
                self._state[ms.side] = dataclasses.replace(old, current_deg=current)
                continue
            signed = ms.sign * v[:, col]
            reach = None
            if self.movement.reach:
                reach = ms.sign * v[:, self._columns.index(self.movement.reach)]
            self._state[ms.side] = SideRange(ms.side, current, *self._measure(t, signed, reach))
        return self.sides

    def _measure(
        self, t: np.ndarray, signed: np.ndarray, reach: np.ndarray | None
    ) -> tuple[float, float, float, bool, bool]:
        if np.count_nonzero(np.isfinite(signed)) < 3:
            return math.nan, math.nan, 0.0, False, False
        _, smooth = analysed_series(t, signed)
        peak = float(np.nanmax(smooth)) if np.isfinite(smooth).any() else math.nan
        holds = [
            h
            for h in detect_holds(
                t, signed, speed_threshold_deg_s=self.speed_threshold_deg_s, min_duration_s=0.0
            )
            if h.mean_deg >= self.min_hold_deg
        ]
        done = best_hold([h for h in holds if h.duration_s >= self.hold_s], +1)
        current = hold_in_progress(holds, float(t[-1]))
        progress = 0.0 if current is None else min(1.0, current.duration_s / self.hold_s)
        hold = done.mean_deg if done else math.nan
        peak_bound = hold_bound = False
        if reach is not None:
            whole = (float(t[0]), float(t[-1]))
            top = reach_bound(t, signed, reach, peak, whole)
            peak, peak_bound = top.value_deg, top.at_least
            if done is not None:
                hold_bound = reach_bound(
                    t, signed, reach, hold, (done.start_s, done.end_s), lost=False
                ).at_least
        return peak, hold, progress, peak_bound, hold_bound
