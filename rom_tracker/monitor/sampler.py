"""When the posture monitor looks at a frame: an adaptive, low sample rate.

Posture changes over minutes, and a posture only counts as off after it has lasted
``min_off_s`` (5 s), so a frame or two per second is enough to judge it. The sampler
looks ``slow_hz`` times a second while nothing changes and ``fast_hz`` times a second for
``fast_for_s`` after a change (head pitch or nose-to-shoulder height moved more than a
threshold since the last sample, the status changed, the person appeared or left), and at
every frame during the few seconds of calibration (every later judgement is relative to
it: a baseline from 150 frames rather than 20 is steadier). Frames in between are
grabbed from the camera (so the camera's queue stays fresh) but never decoded into an
image or shown to a model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rom_tracker.monitor.posture import check_positive


@dataclass(frozen=True)
class SamplerSettings:
    slow_hz: float = 1.0
    fast_hz: float = 4.0
    fast_for_s: float = 3.0
    pitch_change_deg: float = 4.0
    ratio_change: float = 0.04  # nose-to-shoulder height ratio, absolute

    def __post_init__(self) -> None:
        check_positive(self)
        if self.fast_hz < self.slow_hz:
            raise ValueError(f"fast_hz {self.fast_hz} is below slow_hz {self.slow_hz}")


class AdaptiveSampler:
    """``due(t)``: should the frame at ``t`` seconds be processed? ``observe(...)`` after
    each processed frame. ``full_rate=True`` processes every frame (the reference)."""

    def __init__(self, settings: SamplerSettings | None = None, *, full_rate: bool = False):
        self.settings = settings or SamplerSettings()
        self.full_rate = full_rate
        self.reset()

    def reset(self) -> None:
        """Start again (after a pause): the next frame is due, and looked at quickly."""
        self._next_t = -math.inf
        self._fast_until = math.inf  # until the first observation
        self._last: tuple[float, float, str, bool] | None = None
        self.sampled = 0

    @property
    def fast(self) -> bool:
        return self._fast_until == math.inf or self._fast_until > self._next_t

    def due(self, t_s: float) -> bool:
        return self.full_rate or t_s >= self._next_t

    def observe(
        self,
        t_s: float,
        pitch: float,
        ratio: float,
        status: str,
        *,
        busy: bool,
        calibrating: bool = False,
    ) -> None:
        """After processing the frame at ``t_s``: its metrics, the judged status, ``busy``
        (a posture change under way: keep looking quickly) and ``calibrating`` (every
        frame: the calibration is the reference of every judgement after it, and lasts
        a few seconds)."""
        s = self.settings
        seen = math.isfinite(pitch) or math.isfinite(ratio)
        changed = busy or self._last is None
        if self._last is not None:
            p0, r0, st0, seen0 = self._last
            changed = changed or status != st0 or seen != seen0
            changed = changed or _moved(pitch, p0, s.pitch_change_deg)
            changed = changed or _moved(ratio, r0, s.ratio_change)
        if changed:
            self._fast_until = t_s + s.fast_for_s
        elif self._fast_until == math.inf:
            self._fast_until = t_s
        self._last = (pitch, ratio, status, seen)
        hz = s.fast_hz if t_s < self._fast_until else s.slow_hz
        self._next_t = t_s + 1.0 / hz - 1e-3  # a frame early rather than one late
        if calibrating:
            self._next_t = t_s
        self.sampled += 1


def _moved(now: float, before: float, threshold: float) -> bool:
    if math.isfinite(now) and math.isfinite(before):
        return abs(now - before) > threshold
    return False


def status_agreement(low: dict[int, str], full: dict[int, str]) -> tuple[float, int]:
    """How often a low-rate run's status agrees with a full-rate run's, per second.

    ``low``, ``full``: second -> status of the last sample in that second. A second
    without a sample takes the status before it (what a tray icon shows). Returns the
    share of the seconds both runs judged where they agree, and how many seconds."""
    if not low or not full:
        return math.nan, 0
    first, last = max(min(low), min(full)), min(max(low), max(full))
    a = b = ""
    same = n = 0
    for sec in range(min(*low, *full), last + 1):
        a, b = low.get(sec, a), full.get(sec, b)
        if sec >= first:
            n += 1
            same += a == b
    return (same / n if n else math.nan), n
