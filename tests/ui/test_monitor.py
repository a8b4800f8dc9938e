"""The all-day posture monitor without Qt: sampler, minute summaries, the engine with a
fake camera (pausing releases it; a busy or unplugged camera is reported), and the tray
companion's state machine (pause, camera off, retries with backoff, sleep, nudges)."""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime

import pytest
from monitor_fakes import FakeCamera, fake_estimators

from rom_tracker.monitor import companion as cp
from rom_tracker.monitor.engine import PostureEngine, Sample
from rom_tracker.monitor.posture import (
    AWAY,
    GOOD,
    HEAD_DOWN,
    MONITORING,
    Baseline,
    PostureMonitor,
    PostureSettings,
    PostureState,
)
from rom_tracker.monitor.sampler import AdaptiveSampler, SamplerSettings
from rom_tracker.monitor.summary import MinuteSummariser, minute_key


def _monitor(**kw: float) -> PostureMonitor:
    m = PostureMonitor(PostureSettings(max_step_s=2.0, **kw))
    m.set_baseline(Baseline(0.0, 0.6))
    return m


# -- sampler ---------------------------------------------------------------------------


def _times_sampled(sampler: AdaptiveSampler, pitch, seconds: float = 20.0) -> list[float]:
    out = []
    for i in range(round(seconds * 30)):
        t = i / 30
        if sampler.due(t):
            out.append(t)
            sampler.observe(t, pitch(t), 0.6, GOOD, busy=False)
    return out


def test_sampler_slow_while_still_fast_after_a_change() -> None:
    s = AdaptiveSampler(SamplerSettings(slow_hz=1.0, fast_hz=4.0, fast_for_s=3.0))
    times = _times_sampled(s, lambda t: 0.0 if t < 10 else 20.0)
    still = [t for t in times if 4 < t < 10]
    after = [t for t in times if 10 <= t < 13]
    assert len(still) == pytest.approx(6, abs=1)  # 1 per second
    assert len(after) >= 10  # ~4 per second for 3 s after the change
    late = [t for t in times if 14 < t < 20]
    assert len(late) == pytest.approx(6, abs=1)


def test_sampler_full_rate_and_settings_checked() -> None:
    assert len(_times_sampled(AdaptiveSampler(full_rate=True), lambda t: 0.0, 2.0)) == 60
    with pytest.raises(ValueError, match="fast_hz"):
        SamplerSettings(slow_hz=5.0, fast_hz=2.0)
    with pytest.raises(ValueError, match="slow_hz"):
        SamplerSettings(slow_hz=0.0)


# -- minute summaries ---------------------------------------------------------------------

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC).timestamp()


def test_minutes_summed_from_the_monitor() -> None:
    m = _monitor(min_off_s=2.0, away_reset_s=30.0)
    summ = MinuteSummariser()
    done = []
    t = 0.0
    # 70 s good, 50 s head down, 40 s away (a break), then 20 s good, at 1 sample/s
    script = [(70, 0.0, 0.6), (50, 30.0, 0.6), (40, math.nan, math.nan), (20, 0.0, 0.6)]
    for n, pitch, ratio in script:
        for _ in range(n):
            t += 1.0
            done += summ.add(T0 + t, m.update(t, pitch, ratio))
    m.break_taken(t)
    done += summ.add(T0 + t + 0.5, m.update(t + 0.5, 0.0, 0.6))
    last = summ.flush()
    assert last is not None and summ.flush() is None
    done.append(last)
    assert [d.minute_at for d in done] == [
        "2026-12-04T09:00:00Z",
        "2026-12-04T09:01:00Z",
        "2026-12-04T09:02:00Z",
        "2026-12-04T09:03:00Z",  # t = 180 s and after
    ]
    total = {k: sum(getattr(d, k) for d in done) for k in ("monitored_s", "good_s")}
    # away (after away_after_s = 3 s) is not monitored time
    assert total["monitored_s"] == pytest.approx(180.5 - 38, abs=1.0)
    # head down after min_off_s (2 s), kept for the 3 s before "away"
    assert sum(d.head_down_s for d in done) == pytest.approx(48 + 3, abs=1.5)
    assert sum(d.sitting_s for d in done) == pytest.approx(total["monitored_s"])
    assert sum(d.breaks for d in done) == 1 and sum(d.micro_pauses for d in done) == 1
    assert total["good_s"] == pytest.approx(70 + 2 + 20.5, abs=1.5)
    assert minute_key(T0 + 59.9) == "2026-12-04T09:00:00Z"


# -- the engine with a fake camera ------------------------------------------------------------


def _engine(camera: FakeCamera, monitor: PostureMonitor, **kw) -> PostureEngine:
    return PostureEngine(
        camera, fake_estimators(camera), monitor, wall_clock=lambda t: T0 + t, **kw
    )


def test_engine_processes_few_frames_and_judges() -> None:
    cam = FakeCamera(pitch=lambda t: 0.0 if t < 30 else 25.0)
    cam.max_t = 60.0
    samples: list[Sample] = []
    engine = _engine(cam, _monitor(), on_sample=samples.append)
    engine.run()
    assert isinstance(engine.error, Exception)  # the fake camera "ends": reported as lost
    assert cam.released == 1 and not cam.is_open
    assert cam.grabs == pytest.approx(1800, abs=2)  # every frame grabbed
    assert cam.retrieves < 0.1 * cam.grabs  # few decoded and judged
    assert samples[-1].state.status == HEAD_DOWN
    assert samples[-1].wall_s == pytest.approx(T0 + samples[-1].t_s)


def test_engine_stop_releases_the_camera_and_resume_carries_on() -> None:
    cam = FakeCamera()
    cam.gate = threading.Event()  # slow the frames down to real-ish time
    got = threading.Event()
    engine = _engine(cam, _monitor(), on_sample=lambda s: got.set())
    engine.start()
    assert got.wait(5)
    assert cam.is_open
    engine.stop()
    assert engine.released.is_set() and not cam.is_open and cam.released == 1
    before = engine.monitor.state.monitored_s
    got.clear()
    engine.start()
    assert got.wait(5)
    engine.stop()
    assert cam.opened == 2 and cam.released == 2
    assert engine.monitor.state.monitored_s >= before


@pytest.mark.parametrize("how", ["busy", "unplugged"])
def test_engine_reports_a_busy_or_unplugged_camera(how: str) -> None:
    cam = FakeCamera()
    if how == "busy":
        cam.busy = True
    else:
        cam.unplug_at = 2.0
    errors: list[BaseException] = []
    engine = _engine(cam, _monitor(), on_error=errors.append)
    engine.start()
    assert engine.released.wait(5)
    engine.stop()
    assert len(errors) == 1 and not cam.is_open
    expected = "cannot open camera" if how == "busy" else "stopped delivering frames"
    assert expected in str(errors[0])


# -- the companion's state machine -------------------------------------------------------------


def test_companion_pause_camera_off_and_resume() -> None:
    c = cp.Companion(_monitor())
    assert c.tick(0.0) == cp.START
    c.running = True
    assert c.tick(1.0) == ""
    assert c.pause(15, 1.0) == cp.STOP
    c.running = False
    assert c.status(2.0).kind == cp.PAUSED and "15 min" in c.status(2.0).text
    assert c.tick(60.0) == ""  # still paused: nothing to start
    assert c.tick(1.0 + 15 * 60) == cp.START  # the pause is over by itself
    c.running = True
    assert c.camera_off() == cp.STOP
    assert c.tick(10_000.0) == cp.STOP  # until resumed
    c.running = False
    assert "Camera off" in c.status(10_000.0).text
    assert c.resume() == cp.START and c.tick(10_001.0) == cp.START


def test_companion_retries_a_lost_camera_with_backoff() -> None:
    c = cp.Companion(_monitor(), retry_s=(2.0, 5.0, 15.0))
    now, waits = 0.0, []
    for _ in range(5):
        c.camera_failed("camera 0 is used by another program", now)
        status = c.status(now)
        assert status.kind == cp.NO_CAMERA and "another program" in status.text
        start = now
        while c.tick(now) != cp.START:
            now += 1.0
        waits.append(now - start)
    assert waits == [2.0, 5.0, 15.0, 15.0, 15.0]
    c.camera_ok()
    c.running = True
    assert c.tick(now + 1) == "" and c.status(now + 1).kind != cp.NO_CAMERA


def test_companion_restarts_the_camera_after_a_sleep() -> None:
    c = cp.Companion(_monitor(), wake_gap_s=30.0)
    c.running = True
    assert c.tick(0.0) == "" and c.tick(1.0) == ""
    assert c.tick(3600.0) == cp.RESTART


def _state(**kw) -> PostureState:
    return PostureState(phase=MONITORING, status=GOOD, **kw)


def test_companion_offers_a_micro_pause_once_and_not_now_snoozes() -> None:
    m = _monitor(break_after_s=60.0, snooze_s=600.0)
    c = cp.Companion(m, offer_timeout_s=30.0)
    offer = _state(offer_break=True, sitting_s=3600.0)
    nudges = c.observe(offer, 100.0, 100.0)
    assert [n.kind for n in nudges] == ["micro_pause"] and "1 h 00 min" in nudges[0].text
    assert c.observe(offer, 101.0, 101.0) == []  # said once
    # not acted on: "Not now", the monitor snoozes the offer
    for t in range(102, 140):
        m.update(float(t), 0.0, 0.6)
        assert c.observe(offer, float(t), float(t)) == []
    assert m._c.snooze_until == pytest.approx(130.0 + 600.0, abs=1.0)
    assert c.observe(_state(), 141.0, 141.0) == []  # the offer ended
    assert [n.kind for n in c.observe(offer, 142.0, 142.0)] == ["micro_pause"]  # a new one


def test_companion_head_forward_reminder_only_when_turned_on() -> None:
    fwd = PostureState(phase=MONITORING, status="forward head")
    off = cp.Companion(_monitor())
    assert all(off.observe(fwd, t, t) == [] for t in range(0, 1000, 10))
    on = cp.Companion(_monitor(snooze_s=600.0), forward_remind_s=300.0)
    times = [t for t in range(0, 1200, 10) for _ in on.observe(fwd, t, t)]
    assert times == [300, 900]  # after 5 min forward, then snoozed for 10 min


def test_companion_status_texts() -> None:
    m = _monitor()
    c = cp.Companion(m)
    c.running = True
    m.update(0.0, 0.0, 0.6)
    m.update(1.0, 0.0, 0.6)
    assert c.status(1.0).kind == cp.GOOD_KIND
    m.update(10.0, math.nan, math.nan)
    assert m.state.status == AWAY and c.status(10.0).kind == cp.AWAY_KIND


def test_status_agreement_per_second() -> None:
    from rom_tracker.monitor.sampler import status_agreement

    full = {s: GOOD if s < 10 else HEAD_DOWN for s in range(20)}
    low = {s: GOOD if s < 11 else HEAD_DOWN for s in range(0, 20, 2)}  # every other second
    share, n = status_agreement(low, full)
    # seconds 0..18 (both judged); 10 and 11 (carried from 10) disagree
    assert n == 19 and share == pytest.approx(17 / 19)
    assert math.isnan(status_agreement({}, full)[0])


def test_a_sleep_is_not_counted_and_ends_the_sitting_time() -> None:
    cam = FakeCamera()
    cam.sleep_at, cam.max_t = 30.0, 3600.0 + 60.0
    monitor = _monitor()
    summ = MinuteSummariser()
    done = []
    engine = _engine(cam, monitor, on_sample=lambda s: done.extend(summ.add(s.wall_s, s.state)))
    engine.run()
    done.append(summ.flush())
    st = monitor.state
    assert st.monitored_s == pytest.approx(60.0, abs=3.0)  # not the hour asleep
    assert st.sitting_s == pytest.approx(30.0, abs=3.0)  # started again after the sleep
    assert sum(m.breaks for m in done if m) == 1
    assert sum(m.monitored_s for m in done if m) == pytest.approx(60.0, abs=3.0)
