"""Each monitored minute summed, never frames: :class:`MinuteSummariser` turns the
monitor's successive :class:`~rom_tracker.monitor.posture.PostureState` into one
:class:`PostureMinute` per wall-clock minute (UTC), for the store.

Seconds come from the monitor's own counters (``monitored_s``, ``good_s``, ...), whose
steps are capped (``max_step_s``): a laptop asleep or a paused camera adds nothing. A
*break* is a sitting time started again because the person was away long enough
(``away_reset_s``); a *Micro Pause* is one taken from the offer (``breaks_taken``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from rom_tracker.monitor.posture import AWAY, FORWARD_HEAD, HEAD_DOWN, MONITORING, PostureState

SECONDS = ("monitored_s", "sitting_s", "good_s", "head_down_s", "head_forward_s")


@dataclass(frozen=True)
class PostureMinute:
    """One minute of monitoring.

    minute_at: start of the minute, ISO-8601 UTC (``2026-12-04T09:31:00Z``).
    monitored_s: seconds judged (calibrated, camera on); the other times are parts of it.
    sitting_s: seconds the person was in front of the camera.
    good_s, head_down_s, head_forward_s: seconds in each posture.
    breaks: sitting times started again after being away; micro_pauses: taken.
    """

    minute_at: str
    monitored_s: float = 0.0
    sitting_s: float = 0.0
    good_s: float = 0.0
    head_down_s: float = 0.0
    head_forward_s: float = 0.0
    breaks: int = 0
    micro_pauses: int = 0

    def __post_init__(self) -> None:
        for name in SECONDS:
            v = getattr(self, name)
            if not (math.isfinite(v) and 0.0 <= v <= 60.0 + 1e-6):
                raise ValueError(f"{name} must be in [0, 60] seconds, got {v!r}")
        if self.breaks < 0 or self.micro_pauses < 0:
            raise ValueError(f"counts must be >= 0, got {self.breaks}, {self.micro_pauses}")

    @property
    def empty(self) -> bool:
        return self.monitored_s == 0 and self.breaks == 0 and self.micro_pauses == 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def minute_key(wall_s: float) -> str:
    """The UTC minute holding the epoch time ``wall_s``, as ISO-8601."""
    t = datetime.fromtimestamp(math.floor(wall_s / 60.0) * 60.0, UTC)
    return t.strftime("%Y-%m-%dT%H:%M:00Z")


class MinuteSummariser:
    """``add(wall_s, state)`` after each monitor update; returns the minutes completed
    (usually none, one when the minute turns). ``flush()`` returns the minute in progress
    (pause, quit), after which counting goes on from the next state."""

    def __init__(self) -> None:
        self._prev: PostureState | None = None
        self._key = ""
        self._acc: dict[str, float] = {}

    def _new(self, key: str) -> None:
        self._key = key
        self._acc = dict.fromkeys(SECONDS, 0.0) | {"breaks": 0, "micro_pauses": 0}

    def add(self, wall_s: float, state: PostureState) -> list[PostureMinute]:
        done: list[PostureMinute] = []
        key = minute_key(wall_s)
        if key != self._key:
            if self._key:
                minute = self._minute()
                if not minute.empty:
                    done.append(minute)
            self._new(key)
        prev, self._prev = self._prev, state
        if prev is None:
            return done
        a = self._acc
        dt = max(0.0, state.monitored_s - prev.monitored_s)
        if state.phase == MONITORING and dt > 0:
            a["monitored_s"] += dt
            a["good_s"] += max(0.0, state.good_s - prev.good_s)
            if state.status != AWAY:
                a["sitting_s"] += dt
            if state.status == HEAD_DOWN:
                a["head_down_s"] += dt
            elif state.status == FORWARD_HEAD:
                a["head_forward_s"] += dt
        taken = state.breaks_taken - prev.breaks_taken
        if taken > 0:
            a["micro_pauses"] += taken
        elif state.sitting_s < prev.sitting_s:  # sitting started again: away long enough
            a["breaks"] += 1
        return done

    def flush(self) -> PostureMinute | None:
        """The minute in progress (None if nothing in it); counting restarts."""
        minute = self._minute() if self._key else None
        self._key, self._prev = "", None
        return None if minute is None or minute.empty else minute

    def _minute(self) -> PostureMinute:
        a = self._acc
        seconds = {k: min(60.0, round(a[k], 3)) for k in SECONDS}
        return PostureMinute(
            self._key, **seconds, breaks=int(a["breaks"]), micro_pauses=int(a["micro_pauses"])
        )
