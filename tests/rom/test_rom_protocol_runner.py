"""ProtocolRunner driven by synthetic angle streams from a scripted person."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rom_tracker.rom.movements import movement
from rom_tracker.rom.protocol import Event, ProtocolRunner, load_protocol, parse_protocol

# (effortless hold, active peak) in degrees, positive in the movement's direction
TARGETS = {
    ("neck_rotation", "left"): (35.0, 62.0),
    ("neck_rotation", "right"): (30.0, 58.0),
    ("neck_flexion", "flexion"): (25.0, 45.0),
    ("neck_flexion", "extension"): (20.0, 40.0),
    ("neck_lateral_flexion", "left"): (15.0, 32.0),
    ("neck_lateral_flexion", "right"): (18.0, 35.0),
    ("hip_extension", "left"): (12.0, 24.0),
    ("hip_extension", "right"): (10.0, 22.0),
    ("hip_flexion", "left"): (45.0, 80.0),
    ("hip_flexion", "right"): (50.0, 85.0),
}


class Person:
    """Follows each cue after a 0.5 s reaction: effortless, moves at 15 deg/s to the hold
    target and stays there; active, moves at 40 deg/s to the peak, stays 0.4 s and comes
    back to 0; any other step, returns every angle to 0 at 30 deg/s. Adds seeded noise and
    loses the track for single frames now and then."""

    def __init__(
        self, columns: tuple[str, ...], rng: np.random.Generator, *, noise: float = 0.3
    ) -> None:
        self.pose = dict.fromkeys(columns, 0.0)
        self.rng = rng
        self.noise = noise
        self.column: str | None = None
        self.goal = 0.0
        self.mode = ""
        self.t0 = 0.0
        self.reached: float | None = None
        self.targets = TARGETS

    def hear(self, events: list[Event]) -> None:
        for ev in events:
            if ev.kind != "step_started" or ev.step is None:
                continue
            step, self.t0, self.reached = ev.step, ev.t_s, None
            self.column, self.mode = None, step.mode
            if step.kind == "measure":
                ms = movement(step.movement).side(step.side)
                effortless, active = self.targets[(step.movement, step.side)]
                self.column = ms.column
                self.goal = ms.sign * (effortless if step.mode == "effortless" else active)

    def angles(self, t: float, dt: float) -> dict[str, float]:
        for col, now in self.pose.items():
            goal, rate = 0.0, 30.0
            if col == self.column and t - self.t0 > 0.5:
                goal, rate = self.goal, (15.0 if self.mode == "effortless" else 40.0)
                if self.mode == "active":
                    if self.reached is None and now == goal:
                        self.reached = t
                    if self.reached is not None and t - self.reached > 0.4:
                        goal = 0.0
            self.pose[col] = now + float(np.clip(goal - now, -rate * dt, rate * dt))
        if self.rng.random() < 0.02:
            return dict.fromkeys(self.pose, math.nan)
        return {c: v + self.rng.normal(0.0, self.noise) for c, v in self.pose.items()}


def _run(
    runner: ProtocolRunner, person: Person, rng: np.random.Generator, limit_s: float = 600.0
) -> list[Event]:
    """Feed ~30 fps frames with jittered timestamps until the protocol ends."""
    t, events = 1000.0, []
    while not runner.done and t < 1000.0 + limit_s:
        dt = 1.0 / 30.0 + rng.uniform(-0.003, 0.003)
        t += dt
        new = runner.update(t, person.angles(t, dt))
        person.hear(new)
        events += new
    return events


@pytest.mark.parametrize(("name", "seed"), [("neck_micro_pause", 1), ("lower_back_micro_pause", 2)])
def test_whole_protocol_with_a_synthetic_person(name: str, seed: int) -> None:
    protocol = load_protocol(name)
    rng = np.random.default_rng(seed)
    runner = ProtocolRunner(protocol)
    events = _run(runner, Person(protocol.columns, rng), rng)

    assert runner.done and events[-1].kind == "protocol_done" and not events[-1].cancelled
    started = [e.step_index for e in events if e.kind == "step_started"]
    done = [e for e in events if e.kind == "step_done"]
    assert started == list(range(len(protocol.steps)))
    assert [e.step_index for e in done] == started
    assert not any(e.timed_out or e.skipped for e in done)
    progress = [e.progress for e in events if e.kind == "hold_progress"]
    assert progress and all(0.0 <= p <= 1.0 for p in progress)

    results = [e.result for e in done if e.result is not None]
    measure_steps = [i for i, s in enumerate(protocol.steps) if s.kind == "measure"]
    assert len(results) == len(measure_steps) == len(runner.results)
    for result, index in zip(results, measure_steps, strict=True):
        step = protocol.steps[index]
        effortless, active = TARGETS[(step.movement, step.side)]
        expected = effortless if step.mode == "effortless" else active
        assert (result.movement, result.side, result.mode) == (step.movement, step.side, step.mode)
        assert result.guided
        print(
            f"{result.movement} {result.side} {result.mode}: {result.value_deg:.2f} vs {expected}"
        )
        assert abs(result.value_deg - expected) < 1.0
        assert result.detail["step"] == index and result.detail["protocol"] == name
        assert result.detail["timed_out"] is False
        if step.mode == "effortless":
            assert result.duration_s >= step.hold_s and result.reps >= 1
        else:
            assert result.reps == 1
        assert result.t_s.size == result.angle_deg.size > 30
        assert result.started_s <= result.ended_s


TINY = """\
name = "tiny"
title = "Tiny"
version = 1

[[step]]
kind = "measure"
movement = "neck_rotation"
side = "left"
mode = "effortless"
cue = "Turn slowly to the left until you feel the first stretch, then hold."
timeout_s = 8.0

[[step]]
kind = "rest"
cue = "Come back to centre."
duration_s = 1.0

[[step]]
kind = "measure"
movement = "neck_rotation"
side = "right"
mode = "active"
cue = "Now as far as is comfortable."
timeout_s = 8.0
"""


def _tiny() -> ProtocolRunner:
    return ProtocolRunner(parse_protocol(TINY, "tiny.toml"))


def _feed(runner: ProtocolRunner, t: np.ndarray, yaw: np.ndarray) -> list[Event]:
    events: list[Event] = []
    for ti, yi in zip(t, yaw, strict=True):
        events += runner.update(float(ti), {"neck_rotation_deg": float(yi)})
    return events


def test_a_passing_peak_times_out_with_no_value() -> None:
    runner = _tiny()
    t = np.arange(0.0, 9.0, 1 / 30)
    events = _feed(runner, t, 40.0 * np.sin(2 * np.pi * 0.25 * t) ** 2)  # never holds
    done = [e for e in events if e.kind == "step_done"]
    assert done[0].timed_out and done[0].result is not None
    assert math.isnan(done[0].result.value_deg)
    assert done[0].result.detail["timed_out"] is True
    assert runner.index == 1  # moved on to the rest step
    assert [e.kind for e in events if e.kind != "hold_progress"][-1] == "step_started"


def test_active_step_waits_for_the_return() -> None:
    runner = _tiny()
    runner.skip()  # nothing before the first update
    _feed(runner, np.array([0.0]), np.array([0.0]))
    runner.skip()  # effortless
    t = np.arange(0.0, 4.0, 1 / 30) + 0.1
    out = np.interp(t, [0.1, 1.5, 2.0, 2.3, 4.0], [0, 0, -50, -50, -50])  # right: negative
    events = _feed(runner, t, out)
    assert not [e for e in events if e.kind == "step_done" and e.result is not None]
    t2 = t[-1] + np.arange(1, 60) / 30
    events = _feed(runner, t2, np.interp(t2, [t2[0], t2[0] + 1.0], [-50, 0]))
    results = [e.result for e in events if e.result is not None]
    assert len(results) == 1 and results[0].value_deg == pytest.approx(50.0, abs=0.5)
    assert runner.done and events[-1].kind == "protocol_done"


def test_skip_redo_cancel() -> None:
    runner = _tiny()
    assert runner.redo() == [] and runner.step is not None
    first = runner.update(0.0, {})
    assert [e.kind for e in first] == ["step_started"] and first[0].cue.startswith("Turn slowly")
    runner.update(0.5, {"neck_rotation_deg": 10.0})
    again = runner.redo()
    assert [(e.kind, e.step_index, e.t_s) for e in again] == [("step_started", 0, 0.5)]
    skipped = runner.skip()
    assert [(e.kind, e.skipped, e.result) for e in skipped] == [
        ("step_done", True, None),
        ("step_started", False, None),
    ]
    assert runner.results == [] and runner.index == 1
    cancelled = runner.cancel()
    assert [(e.kind, e.cancelled) for e in cancelled] == [("protocol_done", True)]
    assert runner.done and runner.step is None
    assert runner.update(9.0, {}) == [] and runner.skip() == [] and runner.cancel() == []


def test_time_rules() -> None:
    runner = _tiny()
    runner.update(1.0, {})
    assert runner.update(1.0, {"neck_rotation_deg": 5.0}) == []  # repeated: ignored
    with pytest.raises(ValueError, match="goes back in time"):
        runner.update(0.5, {})


def test_neutral_needs_stillness_near_zero_and_times_out_without_angles() -> None:
    protocol = parse_protocol(
        """name = "n"\ntitle = "N"\nversion = 1\n
[[step]]\nkind = "neutral"\ncue = "Look at the screen."\ntimeout_s = 5.0\n
[[step]]\nkind = "measure"\nmovement = "neck_flexion"\nside = "flexion"\nmode = "active"
cue = "Chin down."\n""",
        "n.toml",
    )
    runner = ProtocolRunner(protocol)
    t = np.arange(0.0, 6.0, 1 / 30)
    events: list[Event] = []
    for ti in t:  # turned 20 degrees away for 1 s, then still at neutral
        events += runner.update(float(ti), {"head_pitch_deg": 20.0 if ti < 1.0 else 0.5})
    done = [e for e in events if e.kind == "step_done"]
    assert len(done) == 1 and not done[0].timed_out
    assert 3.0 <= done[0].t_s <= 3.3  # 1 s away + 2 s still (+ one check interval)

    runner = ProtocolRunner(protocol)
    events = []
    for ti in t:  # nothing seen at all
        events += runner.update(float(ti), {"head_pitch_deg": None})
    done = [e for e in events if e.kind == "step_done"]
    assert len(done) == 1 and done[0].timed_out and done[0].result is None


def test_step_ends_exactly_when_its_time_is_up() -> None:
    """At 10 Hz from t = 0: a neutral step held still is done at exactly ``neutral_s``
    (2.0 s); a step with nothing to see times out at exactly ``timeout_s`` after it
    started (neutral 5.0; the measure step 4.0 after its start), not a frame later."""
    protocol = parse_protocol(
        """name = "n"\ntitle = "N"\nversion = 1\n
[[step]]\nkind = "neutral"\ncue = "Look at the screen."\ntimeout_s = 5.0\n
[[step]]\nkind = "measure"\nmovement = "neck_flexion"\nside = "flexion"\nmode = "active"
cue = "Chin down."\ntimeout_s = 4.0\n""",
        "n.toml",
    )
    for pitch, ends in ((0.5, [(2.0, False), (6.0, True)]), (None, [(5.0, True), (9.0, True)])):
        runner = ProtocolRunner(protocol)
        events: list[Event] = []
        for k in range(120):
            events += runner.update(k / 10, {"head_pitch_deg": pitch})
        assert [(e.t_s, e.timed_out) for e in events if e.kind == "step_done"] == ends
