"""The measuring flow of the app, Qt-free: plan -> neutral -> guided steps -> results -> saved.

:class:`MeasureFlow` drives a :class:`~rom_tracker.rom.protocol.ProtocolRunner` with the
live angle stream and turns its events into what the screen shows (phase, cue, countdown,
hold progress) and into stored data: every completed trial is written to the store the
moment its step ends (``Store.add_trial`` commits at once), so cancelling, closing the app
or losing the camera never loses a completed trial.

A single movement and mode is run as a small protocol of its own (neutral, then each side
with a return to neutral between), so one state machine serves both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from rom_tracker.rom import protocol as proto
from rom_tracker.rom.movements import MODES
from rom_tracker.rom.movements import movement as get_movement
from rom_tracker.rom.protocol import Protocol, ProtocolRunner, Step, load_protocol
from rom_tracker.rom.trial import TrialResult
from rom_tracker.store import Store
from rom_tracker.ui.summary import SummaryRow, summarize

SETUP, RUNNING, RESULTS, CANCELLED = "setup", "running", "results", "cancelled"

#: a hold-progress value older than this (stream time) means the hold was broken
_PROGRESS_STALE_S = 0.3
#: when the stream restarts (camera reconnected), time resumes this long after the last frame
_RESUME_GAP_S = 1.0 / 30.0


@dataclass(frozen=True)
class Plan:
    """What to measure: a protocol by name (guided), or one movement in one mode;
    ``setup = "side"``: neck rotation in the side set-up, a set-up step before each side."""

    profile: str
    protocol: str | None = None
    movement: str | None = None
    mode: str = "effortless"
    sides: tuple[str, ...] = ()
    setup: str = "front"

    def __post_init__(self) -> None:
        if (self.protocol is None) == (self.movement is None):
            raise ValueError("a plan needs either a protocol or a movement, not both")
        if self.movement is not None:
            if self.mode not in MODES:
                raise ValueError(f"mode: expected one of {', '.join(MODES)}, got {self.mode!r}")
            m = get_movement(self.movement)
            for side in self.sides:
                m.side(side)
            if self.setup == "side" and self.movement != "neck_rotation":
                raise ValueError(f"the side set-up measures neck_rotation, not {self.movement}")

    @property
    def label(self) -> str:
        if self.protocol is not None:
            return self.protocol
        where = ", side set-up" if self.setup == "side" else ""
        return f"{self.movement} ({self.mode}{where})"

    def build(self, user_dir: Any = None) -> Protocol:
        if self.protocol is not None:
            return load_protocol(self.protocol, user_dir)
        assert self.movement is not None
        m = get_movement(self.movement)
        side_setup = self.setup == "side"
        steps: list[Step] = []
        if not side_setup:
            steps.append(Step(kind="neutral", cue="Look straight ahead and rest a moment."))
        for i, side in enumerate(self.sides or m.side_names):
            if side_setup:
                steps.append(Step(kind="setup", cue=setup_cue(side), side=side))
            elif i:
                steps.append(Step(kind="neutral", cue="Come back to centre."))
            ms = m.side(side)
            cue = ms.cue[0].upper() + ms.cue[1:]
            if self.mode == "effortless":
                cue += " only as far as is effortless (no stretch, pull or tension), then hold."
            else:
                cue += " as far as is comfortable, then come back."
            steps.append(
                Step("measure", cue, movement=m.name, side=side, mode=self.mode, setup=self.setup)
            )
        return Protocol(
            name=f"{m.name}_{self.mode}",
            title=f"{m.title}, {self.mode}",
            description="",
            version=1,
            steps=tuple(steps),
            source="rom-tracker gui",
        )


def setup_cue(side: str) -> str:
    """The cue of a side set-up step for ``side`` (the picture shows the same)."""
    other = "right" if side == "left" else "left"
    return (
        f"Side set-up for your {side}: turn your chair about 45° to your {other}, so the "
        f"camera stands 45° to your {side}. Look straight ahead over your trunk and hold still."
    )


@dataclass(frozen=True)
class Notice:
    """Something the screen may react to: ``step`` (a new cue), ``hold_done``,
    ``trial_saved`` (``trial_id``), ``done`` (results ready), ``cancelled``."""

    kind: str
    step_index: int = -1
    trial_id: int = -1


@dataclass
class FlowView:
    """Everything the guided screen shows, updated by :class:`MeasureFlow`."""

    phase: str = SETUP
    title: str = ""
    step_index: int = -1
    n_steps: int = 0
    step: Step | None = None
    cue: str = ""
    progress: float = 0.0
    countdown_s: float = math.nan
    saved_trials: int = 0
    message: str = ""
    summary: list[SummaryRow] = field(default_factory=list)


class MeasureFlow:
    """Runs one plan for one profile against a :class:`~rom_tracker.store.Store`.

    Drive it with :meth:`feed` (source timestamps may restart at 0 after the camera is
    reconnected: the flow keeps its own monotonic clock and restarts the step in progress;
    :meth:`resume` says so explicitly when the feed starts again after a pause).
    ``on_change`` (optional) is called after every change of :attr:`view`.
    """

    def __init__(
        self,
        store: Store,
        *,
        source: str = "",
        models: Mapping[str, str] | None = None,
        settings: Mapping[str, Any] | None = None,
        protocol_dir: Any = None,
        on_change: Callable[[FlowView], None] | None = None,
    ) -> None:
        self.store = store
        self.source = source
        self.models = dict(models or {})
        self.settings = dict(settings or {})
        self.protocol_dir = protocol_dir
        self.on_change = on_change
        #: called with every batch of the runner's events, before they are handled (the
        #: spoken cues follow them: ``ui.sound.SpokenRun``)
        self.on_events: Callable[[Sequence[proto.Event]], None] | None = None
        #: when the next session started (ISO-8601 with zone); None: now
        self.started_at: str | None = None
        self.view = FlowView()
        self.plan: Plan | None = None
        self.runner: ProtocolRunner | None = None
        self.session_id: int | None = None
        self.trial_ids: list[int] = []
        self._offset = 0.0
        self._first_t = math.nan
        self._last_t = -math.inf
        self._resuming = False
        self._step_t0 = math.nan
        self._progress_t = -math.inf
        self._neutral: list[list[float]] = []
        self._calibration: dict[str, float] | None = None

    @property
    def clock(self) -> float:
        """The flow's own time of the last frame (the events' ``t_s``)."""
        return self._last_t

    # ------------------------------------------------------------------ commands

    def start(self, plan: Plan) -> list[Notice]:
        """Begin ``plan`` (an unfinished earlier run is cancelled first, its trials kept)."""
        if self.view.phase == RUNNING:
            self.cancel()
        protocol = plan.build(self.protocol_dir)
        self.store.get_profile(plan.profile)  # fails early, naming the profile
        self.plan, self.runner = plan, ProtocolRunner(protocol)
        self.session_id, self.trial_ids = None, []
        self._calibration, self._neutral = None, []
        self._step_t0 = math.nan
        self._first_t = math.nan
        self._resuming = False
        self.view = FlowView(phase=RUNNING, title=protocol.title, n_steps=len(protocol.steps))
        self.view.step_index, self.view.step = 0, protocol.steps[0]
        self.view.cue = protocol.steps[0].cue
        self._changed()
        return []

    def feed(self, t_s: float, angles: Mapping[str, float | None]) -> list[Notice]:
        """One frame of the live stream: ``angles`` maps angle columns to degrees."""
        if self.runner is None or self.view.phase != RUNNING:
            return []
        t = float(t_s) + self._offset
        resumed, self._resuming = self._resuming and math.isfinite(self._last_t), False
        restarted = resumed or t <= self._last_t
        if restarted:  # the source started again: keep our clock going, without the pause
            self._offset = self._last_t + _RESUME_GAP_S - float(t_s)
            t = self._last_t + _RESUME_GAP_S
        self._last_t = t
        if not math.isfinite(self._first_t):
            self._first_t = t
        events = self.runner.redo() if restarted else []
        events += self.runner.update(t, angles)
        step = self.runner.step
        if step is not None and step.kind == "neutral" and self._calibration is None:
            self._neutral.append([_num(angles.get(c)) for c in self.runner.protocol.columns])
        return self._handle(events, t)

    def skip(self) -> list[Notice]:
        return self._command(lambda r: r.skip())

    def redo(self) -> list[Notice]:
        """Start the current step again (what it collected so far is dropped)."""
        return self._command(lambda r: r.redo())

    def resume(self) -> list[Notice]:
        """The feed stopped (camera lost, video ended) and starts again: the step that was
        interrupted starts again, and the flow's clock goes on just after the last frame it
        saw, however long the pause and whatever times the new feed has. Completed trials
        are already saved."""
        self._resuming = True
        return self.redo()

    def cancel(self) -> list[Notice]:
        """Stop; trials already completed stay saved (the session is closed)."""
        if self.runner is None or self.view.phase != RUNNING:
            return []
        return self._handle(self.runner.cancel(), self._last_t)

    def restart(self) -> list[Notice]:
        """Run the same plan again from the start, as a new session."""
        if self.plan is None:
            return []
        return self.start(self.plan)

    def reset(self) -> None:
        """Back to choosing a plan."""
        if self.view.phase == RUNNING:
            self.cancel()
        self.runner = None
        self.view = FlowView()
        self._changed()

    # ------------------------------------------------------------------ internals

    def _command(self, act: Callable[[ProtocolRunner], list[proto.Event]]) -> list[Notice]:
        if self.runner is None or self.view.phase != RUNNING:
            return []
        return self._handle(act(self.runner), self._last_t)

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self.view)

    def _handle(self, events: Sequence[proto.Event], t: float) -> list[Notice]:
        if self.on_events is not None and events:
            self.on_events(events)
        notices: list[Notice] = []
        v = self.view
        for ev in events:
            if ev.kind == proto.STEP_STARTED:
                self._step_t0 = ev.t_s
                v.step_index, v.step, v.cue = ev.step_index, ev.step, ev.cue
                v.progress, v.countdown_s = 0.0, math.nan
                notices.append(Notice("step", ev.step_index))
            elif ev.kind == proto.HOLD_PROGRESS:
                self._progress_t = ev.t_s
                v.progress = float(min(1.0, max(0.0, ev.progress)))
                if v.progress >= 1.0:
                    notices.append(Notice("hold_done", ev.step_index))
            elif ev.kind == proto.STEP_DONE:
                if ev.step is not None and ev.step.kind == "neutral":
                    self._capture_calibration()
                if ev.result is not None:
                    trial_id = self._save(ev.result)
                    notices.append(Notice("trial_saved", ev.step_index, trial_id))
            elif ev.kind == proto.PROTOCOL_DONE:
                notices.append(self._finish(cancelled=ev.cancelled))
        if v.phase == RUNNING:
            self._update_countdown(t)
        self._changed()
        return notices

    def _update_countdown(self, t: float) -> None:
        v, step = self.view, self.view.step
        if step is None or not math.isfinite(t):
            return
        if t - self._progress_t > _PROGRESS_STALE_S and v.progress < 1.0:
            v.progress = 0.0
        elapsed = t - self._step_t0
        if step.kind in ("info", "rest"):
            v.countdown_s = max(0.0, step.duration_s - elapsed)
            v.progress = min(1.0, elapsed / step.duration_s)
        elif step.kind == "neutral":
            v.countdown_s = step.neutral_s * (1.0 - v.progress)
        elif step.mode == "effortless":
            v.countdown_s = step.hold_s * (1.0 - v.progress) if v.progress > 0 else math.nan
        else:
            v.countdown_s = math.nan

    def _ended_at(self) -> str | None:
        """A dated session ends as long after its start as the stream ran; else now."""
        if self.started_at is None or not math.isfinite(self._last_t - self._first_t):
            return None
        start = datetime.fromisoformat(self.started_at)
        return (start + timedelta(seconds=self._last_t - self._first_t)).isoformat()

    def _capture_calibration(self) -> None:
        if self._calibration is not None or not self._neutral or self.runner is None:
            return
        a = np.asarray(self._neutral, dtype=np.float64)
        cols = self.runner.protocol.columns
        with np.errstate(all="ignore"):
            med = np.nanmedian(a, axis=0) if np.isfinite(a).any() else np.full(len(cols), np.nan)
        self._calibration = {c: float(m) for c, m in zip(cols, med, strict=True) if np.isfinite(m)}

    def _save(self, result: TrialResult) -> int:
        assert self.plan is not None and self.runner is not None
        if self.session_id is None:
            self.session_id = self.store.start_session(
                self.plan.profile,
                self.runner.protocol.name,
                source=self.source,
                models=self.models,
                calibration={"neutral_deg": self._calibration or {}},
                settings={**self.settings, "plan": self.plan.label},
                started_at=self.started_at,
            )
        trial_id = self.store.add_trial(self.session_id, result)
        self.trial_ids.append(trial_id)
        self.view.saved_trials = len(self.trial_ids)
        return trial_id

    def _finish(self, *, cancelled: bool) -> Notice:
        v = self.view
        if self.session_id is not None:
            self.store.end_session(self.session_id, ended_at=self._ended_at())
        v.progress, v.countdown_s = 0.0, math.nan
        if cancelled:
            v.phase = CANCELLED
            n = len(self.trial_ids)
            v.message = (
                f"Stopped. {n} completed trial{'s' if n != 1 else ''} saved."
                if n
                else "Stopped before any trial was completed: nothing was saved."
            )
            return Notice("cancelled")
        v.phase = RESULTS
        v.summary = self.summary()
        v.message = "Saved." if self.session_id is not None else "Nothing was measured."
        return Notice("done")

    def summary(self) -> list[SummaryRow]:
        """This session's values per movement and side, beside the last earlier session's."""
        return [] if self.session_id is None else summarize(self.store, self.session_id)


def _num(value: float | None) -> float:
    return math.nan if value is None else float(value)
