"""Guided protocols: loading (``protocol_files``) and a plain state machine that runs them.

``ProtocolRunner`` is driven by time and angles only, so the CLI, the GUI and the tests
share it: feed it every frame with ``update(t_s, angles)`` and act on the events it
returns (show the cue, a progress bar, store a TrialResult). Pure numpy/scipy.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from rom_tracker.rom.holds import detect_holds, hold_in_progress
from rom_tracker.rom.movements import movement
from rom_tracker.rom.peaks import detect_reps
from rom_tracker.rom.protocol_files import (
    KINDS,
    Protocol,
    Step,
    list_protocols,
    load_protocol,
    parse_protocol,
)
from rom_tracker.rom.side_setup import (
    HEAD_YAW,
    SHOULDER_YAW,
    Neutral,
    in_band,
    side_rotation,
    with_setup,
)
from rom_tracker.rom.trial import TrialResult, measure_trial

__all__ = [
    "KINDS",
    "Event",
    "Protocol",
    "ProtocolRunner",
    "Step",
    "list_protocols",
    "load_protocol",
    "parse_protocol",
]

STEP_STARTED = "step_started"
HOLD_PROGRESS = "hold_progress"
STEP_DONE = "step_done"
PROTOCOL_DONE = "protocol_done"

#: a neutral step tolerates frames with no angle seen for this long (a blink of tracking)
_MAX_UNSEEN_S = 0.25


@dataclass(frozen=True)
class Event:
    """Something the runner reports.

    * ``step_started``: show ``cue``; ``step_index`` (0-based) and ``step`` say which.
    * ``hold_progress``: ``progress`` in [0, 1] of the hold (effortless step) or of the
      still period (neutral step) now going on.
    * ``step_done``: ``result`` is the TrialResult of a measure step (None for other kinds
      and for a skipped step); ``timed_out``/``skipped`` say why it ended.
    * ``protocol_done``: the end; ``cancelled`` when ``cancel()`` ended it.
    """

    kind: str
    t_s: float
    step_index: int
    step: Step | None = None
    cue: str = ""
    progress: float = math.nan
    result: TrialResult | None = None
    timed_out: bool = False
    skipped: bool = False
    cancelled: bool = False


class ProtocolRunner:
    """Runs a protocol step by step from a stream of ``(t_s, {column: angle_deg})``.

    * ``info``/``rest``: ends after ``duration_s``.
    * ``neutral``: ends once every measured column present is within
      ``neutral_tolerance_deg`` of 0, and varies by no more than that, for ``neutral_s``
      (columns missing or NaN are ignored; nothing seen for more than 0.25 s breaks it);
      after ``timeout_s`` it moves on anyway.
    * ``setup``: the side set-up's neutral (``rom_tracker.rom.side_setup``): ends once the
      face (``head_yaw_deg``) is held within ``neutral_tolerance_deg`` for ``neutral_s``,
      turned 20-60 degrees away from the camera toward the step's side; kept in
      ``neutrals[side]`` for that side's ``setup = "side"`` measure steps, which measure
      the head's change since it (the shoulder line's change is noted with the trial).
    * ``measure``/effortless: ends on a hold (``detect_holds``) of at least ``hold_s`` at
      least ``min_hold_deg`` out in the movement direction.
    * ``measure``/active: ends after ``reps`` repetitions (``detect_reps``) once the angle
      is back below ``return_fraction`` of the peak.

    A measure step's TrialResult is ``measure_trial`` on all of that step's samples with
    the step's thresholds, so it is the same hold or peak that ended the step; its
    ``detail`` adds ``protocol``, ``step`` (0-based) and ``timed_out``. On timeout the step
    records what was found, usually no value (NaN), and the protocol moves on.

    Detection runs at most every ``check_every_s`` of stream time. Timestamps must not go
    back; a repeated timestamp is ignored. ``skip()``, ``redo()`` and ``cancel()`` act at
    the last timestamp seen and do nothing before the first ``update``.
    """

    def __init__(self, protocol: Protocol, *, check_every_s: float = 0.1) -> None:
        self.protocol = protocol
        self.check_every_s = float(check_every_s)
        self.results: list[TrialResult] = []
        self._index = 0
        self._started = False
        self._done = False
        self._last_t = -math.inf
        self._step_t0 = math.nan
        self._next_check = -math.inf
        self._t: list[float] = []
        self._v: list[float] = []
        self._reach: list[float] = []  # the face's yaw to the camera (movements with a reach)
        self._shoulder: list[float] = []  # the shoulder line's raw yaw (side set-up)
        #: the side set-up's neutral per side, from the last setup step of that side
        self.neutrals: dict[str, Neutral] = {}
        self._neutral: list[list[float]] = []

    # ---------------------------------------------------------------- state

    @property
    def done(self) -> bool:
        return self._done

    @property
    def index(self) -> int:
        """0-based index of the current step (``len(steps)`` when done)."""
        return self._index

    @property
    def step(self) -> Step | None:
        steps = self.protocol.steps
        return steps[self._index] if not self._done and self._index < len(steps) else None

    # ---------------------------------------------------------------- driving

    def update(self, t_s: float, angles: Mapping[str, float | None]) -> list[Event]:
        """Feed one frame: ``angles`` maps angle columns to degrees (NaN/None/missing: not
        seen). Returns the events it caused, in order."""
        t = float(t_s)
        if self._done or t == self._last_t:
            return []
        if t < self._last_t:
            raise ValueError(f"t_s={t!r} goes back in time (previous {self._last_t!r})")
        self._last_t = t
        events: list[Event] = []
        if not self._started:
            self._started = True
            events += self._start(t)
        step = self.protocol.steps[self._index]
        if step.kind in ("info", "rest"):
            if t - self._step_t0 >= step.duration_s:
                events += self._finish(t)
        elif step.kind == "neutral":
            self._neutral.append([_angle(angles, c) for c in self.protocol.columns])
            self._t.append(t)
            events += self._check_neutral(t, step)
        elif step.kind == "setup":
            self._t.append(t)
            self._v.append(_angle(angles, HEAD_YAW))
            self._shoulder.append(_angle(angles, SHOULDER_YAW))
            events += self._check_setup(t, step)
        elif step.setup == "side" and step.side not in self.neutrals:
            events += self._finish(t, skipped=True)  # its setup step timed out: no neutral
        else:
            mv = movement(step.movement)
            self._t.append(t)
            if step.setup == "side":  # the head's change since the side's neutral
                neutral = self.neutrals[step.side]
                self._v.append(_angle(angles, HEAD_YAW) - neutral.head_yaw_deg)
                self._shoulder.append(_angle(angles, SHOULDER_YAW))
            else:
                self._v.append(_angle(angles, mv.side(step.side).column))
            if mv.reach is not None:
                self._reach.append(_angle(angles, mv.reach))
            events += self._check_measure(t, step)
        return events

    def skip(self) -> list[Event]:
        """End the current step now without a result and go on."""
        if self._done or not self._started:
            return []
        return self._finish(self._last_t, skipped=True)

    def redo(self) -> list[Event]:
        """Start the current step again, discarding what it collected."""
        if self._done or not self._started:
            return []
        return self._start(self._last_t)

    def cancel(self) -> list[Event]:
        """Stop the protocol; results of completed steps are kept in ``results``."""
        if self._done:
            return []
        self._done = True
        t = self._last_t if self._started else math.nan
        return [Event(PROTOCOL_DONE, t, self._index, cancelled=True)]

    # ---------------------------------------------------------------- internals

    def _start(self, t: float) -> list[Event]:
        step = self.protocol.steps[self._index]
        self._step_t0 = t
        self._next_check = -math.inf
        self._t, self._v, self._reach, self._neutral = [], [], [], []
        self._shoulder = []
        return [Event(STEP_STARTED, t, self._index, step, cue=step.cue)]

    def _finish(
        self,
        t: float,
        result: TrialResult | None = None,
        *,
        timed_out: bool = False,
        skipped: bool = False,
    ) -> list[Event]:
        step = self.protocol.steps[self._index]
        if result is not None:
            detail = {
                **result.detail,
                "protocol": self.protocol.name,
                "step": self._index,
                "timed_out": timed_out,
            }
            result = dataclasses.replace(result, detail=detail)
            self.results.append(result)
        events = [
            Event(
                STEP_DONE,
                t,
                self._index,
                step,
                cue=step.cue,
                result=result,
                timed_out=timed_out,
                skipped=skipped,
            )
        ]
        self._index += 1
        if self._index >= len(self.protocol.steps):
            self._done = True
            return [*events, Event(PROTOCOL_DONE, t, self._index)]
        return events + self._start(t)

    def _due(self, t: float) -> bool:
        if t < self._next_check:
            return False
        self._next_check = t + self.check_every_s
        return True

    def _check_neutral(self, t: float, step: Step) -> list[Event]:
        timed_out = t - self._step_t0 >= step.timeout_s
        if not self._due(t) and not timed_out:
            return []
        tt = np.asarray(self._t)
        a = np.asarray(self._neutral, dtype=np.float64).reshape(tt.size, -1)
        tol = step.neutral_tolerance_deg
        seen = np.isfinite(a)
        any_seen = seen.any(axis=1)
        last_seen = np.maximum.accumulate(np.where(any_seen, tt, -np.inf))
        with np.errstate(invalid="ignore"):
            near = np.all(~seen | (np.abs(a) <= tol), axis=1)
        near &= any_seen | (tt - last_seen <= _MAX_UNSEEN_S)
        bad = np.flatnonzero(~near)
        first = int(bad[-1]) + 1 if bad.size else 0
        events: list[Event] = []
        if first < tt.size:
            held = t - tt[first]
            win = a[tt >= t - step.neutral_s]
            ok = np.isfinite(win)
            spread = np.where(ok, win, -np.inf).max(axis=0) - np.where(ok, win, np.inf).min(axis=0)
            still = bool(np.all(~ok.any(axis=0) | (spread <= tol)))
            if held >= step.neutral_s and still:
                return self._holding(t, step, held, done=True)
            events = self._holding(t, step, held, done=False)
        if timed_out:
            events += self._finish(t, timed_out=True)
        return events

    def _holding(self, t: float, step: Step, held: float, *, done: bool) -> list[Event]:
        """A still hold (neutral or set-up step) of ``held`` seconds: when ``done``, its
        completion and the end of the step; else its progress toward ``neutral_s``."""
        if done:
            return [Event(HOLD_PROGRESS, t, self._index, step, progress=1.0), *self._finish(t)]
        progress = min(1.0, held / step.neutral_s)
        return [Event(HOLD_PROGRESS, t, self._index, step, progress=progress)]

    def _check_setup(self, t: float, step: Step) -> list[Event]:
        timed_out = t - self._step_t0 >= step.timeout_s
        if not self._due(t) and not timed_out:
            return []
        tt, yaw = np.asarray(self._t), np.asarray(self._v, dtype=np.float64)
        bad = np.flatnonzero(~in_band(yaw, step.side))
        first = int(bad[-1]) + 1 if bad.size else 0
        events: list[Event] = []
        if first < tt.size:
            recent = (tt >= t - step.neutral_s) & (np.arange(tt.size) >= first)
            spread = float(np.ptp(yaw[recent]))
            held = t - tt[first]
            done = held >= step.neutral_s and spread <= step.neutral_tolerance_deg
            if done:
                shoulder = np.asarray(self._shoulder, dtype=np.float64)[recent]
                seen = shoulder[np.isfinite(shoulder)]
                self.neutrals[step.side] = Neutral(
                    float(tt[recent][0]),
                    t,
                    float(np.median(yaw[recent])),
                    float(np.median(seen)) if seen.size else math.nan,
                )
                return self._holding(t, step, held, done=True)
            events = self._holding(t, step, held, done=False)
        if timed_out:
            events += self._finish(t, timed_out=True)
        return events

    def _measure(self, step: Step) -> TrialResult:
        if step.mode == "effortless":
            opts: dict[str, float] = {
                "speed_threshold_deg_s": step.speed_threshold_deg_s,
                "min_duration_s": step.hold_s,
                "min_hold_deg": step.min_hold_deg,
            }
        else:
            opts = {"min_amplitude_deg": step.min_amplitude_deg}
        reach = self._reach if movement(step.movement).reach is not None else None
        result = measure_trial(
            step.movement,
            step.side,
            step.mode,
            self._t,
            self._v,
            guided=True,
            camera_yaw=reach,
            **opts,
        )
        if step.setup != "side":
            return result
        neutral = self.neutrals[step.side]
        return with_setup(
            result, neutral, side_rotation(self._t, self._reach, self._shoulder, neutral)
        )

    def _check_measure(self, t: float, step: Step) -> list[Event]:
        timed_out = t - self._step_t0 >= step.timeout_s
        if not self._due(t) and not timed_out:
            return []
        sign = movement(step.movement).side(step.side).sign
        tt = np.asarray(self._t)
        v = sign * np.asarray(self._v, dtype=np.float64)
        events: list[Event] = []
        if step.mode == "effortless":
            holds = [
                h
                for h in detect_holds(
                    tt, v, speed_threshold_deg_s=step.speed_threshold_deg_s, min_duration_s=0.0
                )
                if h.mean_deg >= step.min_hold_deg
            ]
            if any(h.duration_s >= step.hold_s for h in holds):
                events.append(Event(HOLD_PROGRESS, t, self._index, step, progress=1.0))
                return events + self._finish(t, self._measure(step))
            current = hold_in_progress(holds, float(tt[-1]))
            if current is not None:
                progress = current.duration_s / step.hold_s
                events.append(Event(HOLD_PROGRESS, t, self._index, step, progress=progress))
        else:
            reps = detect_reps(tt, v, min_amplitude_deg=step.min_amplitude_deg)
            seen = v[np.isfinite(v)]
            if len(reps) >= step.reps and seen.size:
                top = max(r.peak_deg for r in reps)
                if seen[-1] <= step.return_fraction * top:
                    return self._finish(t, self._measure(step))
        if timed_out:
            events += self._finish(t, self._measure(step), timed_out=True)
        return events


def _angle(angles: Mapping[str, float | None], column: str) -> float:
    value = angles.get(column)
    return math.nan if value is None else float(value)
