"""MeasureFlow: a scripted person through a single movement and the neck Micro Pause."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_streams import FPS, Actor, neck_rotation_session, times

from rom_tracker.store import Store
from rom_tracker.ui.flow import CANCELLED, RESULTS, RUNNING, MeasureFlow, Plan


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "db.sqlite3") as s:
        s.add_profile("alex")
        yield s


def run_actor(flow: MeasureFlow, actor: Actor, seconds: float, t0: float = 0.0) -> list[str]:
    kinds: list[str] = []
    for t in times(round(seconds * FPS), t0):
        v = flow.view
        if v.phase != RUNNING:
            break
        kinds += [n.kind for n in flow.feed(float(t), actor.angles(float(t), v.step, v.step_index))]
    return kinds


def test_single_movement_effortless_saves_both_sides(store: Store) -> None:
    flow = MeasureFlow(store, source="scripted")
    flow.start(Plan("alex", movement="neck_rotation", mode="effortless"))
    assert flow.view.phase == RUNNING and flow.view.step.kind == "neutral"
    notices = []
    for t, v in zip(times(1000), neck_rotation_session(40.0, 35.0), strict=False):
        notices += [n.kind for n in flow.feed(float(t), {"neck_rotation_deg": float(v)})]
    assert flow.view.phase == RESULTS, flow.view
    assert notices.count("trial_saved") == 2 and notices[-1] == "done"
    assert [(r.movement, r.side) for r in flow.view.summary] == [
        ("neck_rotation", "left"),
        ("neck_rotation", "right"),
    ]
    session = store.session(flow.session_id)
    assert [(t.side, t.mode) for t in session.trials] == [
        ("left", "effortless"),
        ("right", "effortless"),
    ]
    values = {t.side: t.value_deg for t in session.trials}
    assert abs(values["left"] - 40.0) < 1.5 and abs(values["right"] - 35.0) < 1.5
    assert session.ended_at is not None
    assert "neck_rotation_deg" in session.calibration["neutral_deg"]


def test_neck_micro_pause_runs_to_the_end_and_compares_with_last_session(store: Store) -> None:
    flow = MeasureFlow(store)
    flow.start(Plan("alex", protocol="neck_micro_pause"))
    seen_steps: set[int] = set()
    flow.on_change = lambda v: seen_steps.add(v.step_index)
    kinds = run_actor(flow, Actor(effortless=30.0, active=50.0), 400.0)
    assert flow.view.phase == RESULTS
    assert seen_steps == set(range(flow.view.n_steps))
    assert kinds.count("trial_saved") == 12
    rows = {(r.movement, r.side): r for r in flow.view.summary}
    assert len(rows) == 6
    for r in rows.values():
        assert abs(r.effortless_deg - 30.0) < 2.0
        assert 40.0 < r.active_deg < 52.0
        assert r.gap_deg > 10
        assert math.isnan(r.last_effortless_deg)
    first = flow.session_id
    # a second session: the summary compares with the first
    flow.restart()
    run_actor(flow, Actor(effortless=36.0, active=50.0, seed=1), 400.0, t0=500.0)
    assert flow.view.phase == RESULTS and flow.session_id != first
    r = next(r for r in flow.view.summary if r.movement == "neck_rotation" and r.side == "left")
    assert abs(r.change_effortless_deg - 6.0) < 2.0
    assert len(store.sessions("alex")) == 2


def test_cancel_keeps_completed_trials_and_redo_restarts_the_step(store: Store) -> None:
    flow = MeasureFlow(store)
    flow.start(Plan("alex", movement="neck_rotation", mode="effortless"))
    values = neck_rotation_session(40.0, 35.0)
    t = times(values.size)
    saved = 0
    i = 0
    while saved == 0:
        saved += sum(
            n.kind == "trial_saved" for n in flow.feed(t[i], {"neck_rotation_deg": values[i]})
        )
        i += 1
    index = flow.view.step_index
    flow.redo()
    assert flow.view.step_index == index
    flow.cancel()
    assert flow.view.phase == CANCELLED and "1 completed trial saved" in flow.view.message
    (session,) = store.sessions("alex")
    assert session.n_trials == 1 and session.ended_at is not None


def test_cancel_before_any_trial_saves_nothing(store: Store) -> None:
    flow = MeasureFlow(store)
    flow.start(Plan("alex", protocol="neck_micro_pause"))
    flow.feed(0.0, {})
    flow.cancel()
    assert store.sessions("alex") == []
    assert "nothing was saved" in flow.view.message


def test_source_restart_keeps_the_clock_going_and_the_trials(store: Store) -> None:
    flow = MeasureFlow(store)
    flow.start(Plan("alex", movement="neck_rotation", mode="effortless", sides=("left",)))
    values = neck_rotation_session(40.0, 35.0)
    for t, v in zip(times(200), values[:200], strict=True):
        flow.feed(float(t), {"neck_rotation_deg": float(v)})
    assert flow.view.step.kind == "measure"
    # the camera comes back: timestamps start at 0 again; the step starts again
    for t, v in zip(times(values.size), values, strict=True):
        flow.feed(float(t), {"neck_rotation_deg": float(v)})
        if flow.view.phase != RUNNING:
            break
    assert flow.view.phase == RESULTS
    assert len(flow.trial_ids) == 1


def test_resume_restarts_the_step_and_leaves_the_pause_out(store: Store) -> None:
    """The video ended (or the camera was lost) after the first trial and is played again
    a minute later on the app's continuous clock: the interrupted step starts again, the
    saved trial stays saved, and the minute is not part of the session."""
    flow = MeasureFlow(store)
    flow.started_at = "2026-03-02T08:30:00+00:00"
    flow.start(Plan("alex", movement="neck_rotation", mode="effortless"))
    values = neck_rotation_session(40.0, 35.0)
    t = times(values.size)
    i = 0
    while not flow.trial_ids:
        flow.feed(float(t[i]), {"neck_rotation_deg": float(values[i])})
        i += 1
    for _ in range(30):  # the video ends a second later
        flow.feed(float(t[i]), {"neck_rotation_deg": float(values[i])})
        i += 1
    step = flow.view.step_index
    flow.resume()
    assert flow.view.phase == RUNNING and flow.view.step_index == step
    assert flow.view.progress == 0.0
    assert store.sessions("alex")[0].n_trials == 1
    for k in range(i, values.size):  # played again, a minute later
        flow.feed(float(t[k]) + 60.0, {"neck_rotation_deg": float(values[k])})
        if flow.view.phase != RUNNING:
            break
    assert flow.view.phase == RESULTS and len(flow.trial_ids) == 2
    session = store.session(flow.session_id)
    assert session.ended_at is not None and session.ended_at.startswith("2026-03-02T08:30:")


def test_countdown_during_neutral_and_hold(store: Store) -> None:
    flow = MeasureFlow(store)
    flow.start(Plan("alex", movement="neck_rotation", mode="effortless"))
    for t in times(30):
        flow.feed(float(t), {"neck_rotation_deg": 0.0})
    assert 0.0 < flow.view.progress < 1.0
    assert 0.5 < flow.view.countdown_s < 2.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "either a protocol or a movement"),
        ({"protocol": "x", "movement": "neck_rotation"}, "either"),
        ({"movement": "neck_rotation", "mode": "fast"}, "mode"),
    ],
)
def test_bad_plans(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Plan("alex", **kwargs)


def test_unknown_profile_fails_at_start(store: Store) -> None:
    from rom_tracker.errors import UsageError

    with pytest.raises(UsageError, match="no profile"):
        MeasureFlow(store).start(Plan("nobody", movement="neck_rotation"))


def test_a_dated_session_keeps_its_date_and_duration(store: Store) -> None:
    flow = MeasureFlow(store)
    flow.started_at = "2026-03-02T08:30:00+00:00"
    flow.start(Plan("alex", movement="neck_rotation", mode="effortless"))
    values = neck_rotation_session(40.0, 35.0)
    for t, v in zip(times(values.size), values, strict=True):
        flow.feed(float(t), {"neck_rotation_deg": float(v)})
    assert flow.view.phase == RESULTS
    session = store.session(flow.session_id)
    assert session.started_at == "2026-03-02T08:30:00.000Z"
    assert session.ended_at is not None and session.ended_at.startswith("2026-03-02T08:30:")
