"""The posture monitor in the tray: menu actions, pausing and camera release, minutes in
the store, a camera taken or unplugged, and the window going to the tray. A fake camera
and scripted estimators (no device, no models); the tray is the windowless stand-in
(offscreen and a bare Xvfb have no system tray; test_real_tray.py runs a real one), made to say it is a tray where that matters."""

from __future__ import annotations

import threading

import pytest
from monitor_fakes import T0, Clock, FakeCamera, fake_estimators

from rom_tracker.monitor import companion as cp
from rom_tracker.store import Store
from rom_tracker.store.posture_history import minutes

pytestmark = pytest.mark.gui


def make_companion(qtbot, store: Store, settings, camera: FakeCamera, *, tray_available=False):
    from rom_tracker.monitor.engine import PostureEngine
    from rom_tracker.ui.posture_companion import PostureCompanion
    from rom_tracker.ui.tray import WindowlessTray

    if camera.gate is None:
        camera.gate = threading.Event()  # never set: ~100 frames a second
    tray = WindowlessTray()
    tray.available = tray_available
    clock = Clock()

    def engine(monitor, on_sample, on_error):
        # a simulated minute every simulated second: minutes turn quickly
        return PostureEngine(
            camera,
            fake_estimators(camera),
            monitor,
            on_sample=on_sample,
            on_error=on_error,
            wall_clock=lambda t: T0 + 60.0 * t,
        )

    c = PostureCompanion(store, settings, tray, engine, lambda: "alex", now=clock)
    c.clock = clock  # type: ignore[attr-defined]
    return c


def wait_status(qtbot, c, kind: str, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: c.tray.status.kind == kind, timeout=timeout)


def test_menu_pause_camera_off_resume_and_release(qtbot, store: Store, settings) -> None:
    cam = FakeCamera()
    c = make_companion(qtbot, store, settings, cam)
    c.start()
    wait_status(qtbot, c, cp.GOOD_KIND)  # calibrated on the first 5 s, then good
    assert cam.is_open and c.tray.menu.isEnabled()
    assert "Posture good" in c.tray.status_action.text()

    c.tray.pause_15.trigger()
    assert not c.engine.running and not cam.is_open  # released at once
    assert c.tray.status.kind == cp.PAUSED and "15 min" in c.tray.status_action.text()
    c.clock.t += 60.0
    c.tick()
    assert not cam.is_open  # still paused
    c.clock.t += 15 * 60.0
    c.tick()  # the pause is over by itself
    wait_status(qtbot, c, cp.GOOD_KIND)
    assert cam.is_open and cam.opened == 2

    c.tray.camera_action.trigger()  # camera off until turned on again
    assert not cam.is_open and c.tray.camera_action.text() == "Camera on (resume)"
    c.clock.t += 10 * 3600.0
    c.tick()
    assert not cam.is_open and "Camera off" in c.tray.status_action.text()
    c.tray.camera_action.trigger()
    wait_status(qtbot, c, cp.GOOD_KIND)
    assert cam.opened == 3

    with qtbot.waitSignal(c.micro_pause):
        c.tray.micro_pause_action.trigger()
    with qtbot.waitSignal(c.open_app):
        c.tray.open_action.trigger()
    with qtbot.waitSignal(c.quit_requested):
        c.tray.quit_action.trigger()
    c.stop()
    assert not cam.is_open and cam.released == cam.opened


def test_minutes_are_committed_as_they_complete(qtbot, store: Store, settings) -> None:
    cam = FakeCamera(pitch=lambda t: 0.0 if t < 8 else 30.0)
    c = make_companion(qtbot, store, settings, cam)
    c.start()
    qtbot.waitUntil(lambda: len(minutes(store, "alex")) >= 12, timeout=15_000)
    c.stop()  # the minute in progress stored too
    stored = minutes(store, "alex")
    assert stored == sorted(stored, key=lambda m: m.minute_at)
    assert all(0 < m.monitored_s <= 60 for m in stored)
    assert sum(m.head_down_s for m in stored) > 0  # head down from t = 8 s (+ 5 s)
    assert sum(m.good_s for m in stored) > 0
    assert settings.value("posture/baseline")  # the calibration remembered


@pytest.mark.parametrize("how", ["taken", "unplugged"])
def test_camera_taken_or_unplugged_then_back(qtbot, store: Store, settings, how: str) -> None:
    cam = FakeCamera()
    if how == "taken":
        cam.busy = True  # a video call has it
    else:
        cam.unplug_at = 8.0
    c = make_companion(qtbot, store, settings, cam)
    c.start()
    wait_status(qtbot, c, cp.NO_CAMERA)
    assert not cam.is_open
    text = c.tray.status_action.text()
    assert ("another program" in text) if how == "taken" else ("stopped delivering" in text)
    saved = len(minutes(store, "alex"))
    if how == "unplugged":
        assert saved > 0  # what was monitored before the camera went is kept
    c.clock.t += 1.0
    c.tick()
    assert c.tray.status.kind == cp.NO_CAMERA  # retried after 2 s, not at once
    cam.busy, cam.unplug_at = False, float("inf")
    c.clock.t += 1.5
    c.tick()
    wait_status(qtbot, c, cp.GOOD_KIND, timeout=8000)
    c.stop()
    assert not cam.is_open


def test_window_goes_to_the_tray_and_says_so_once(qtbot, store: Store, settings) -> None:
    from test_main_window import make_window

    cam = FakeCamera()
    c = make_companion(qtbot, store, settings, cam, tray_available=True)
    window = make_window(qtbot, store, settings)
    window.attach_companion(c)
    c.start()
    window.close()
    assert not window.isVisible() and c.active and not window.bridge.running
    assert [t for t, _ in c.tray.messages] == ["rom-tracker is still running"]
    c.tray.open_action.trigger()
    assert window.isVisible() and window.tabs.currentIndex() == 3
    assert "posture monitor is using the camera" in window.banner_text.text()
    window.close()
    assert len(c.tray.messages) == 1  # said once
    window.quit_app()
    assert not c.active and not cam.is_open


def test_without_a_tray_closing_the_window_quits(qtbot, store: Store, settings) -> None:
    from test_main_window import make_window

    c = make_companion(qtbot, store, settings, FakeCamera())
    window = make_window(qtbot, store, settings)
    window.attach_companion(c)
    c.start()
    window.close()
    assert not window.isVisible() and c.tray.messages == []
    c.stop()


def test_tray_menu_and_icons_render(qtbot) -> None:
    from rom_tracker.ui.tray import WindowlessTray, state_icon

    tray = WindowlessTray()
    tray.show_status(cp.TrayStatus(cp.OFF, "Posture: head forward"), camera_off=True, offer=True)
    assert tray.not_now_action.isVisible()
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts[0] == "Posture: head forward"
    assert {"Pause for 15 min", "Pause for 60 min", "Camera on (resume)", "Micro Pause now"} <= set(
        texts
    )
    assert {"Open rom-tracker", "Quit"} <= set(texts)
    for kind in (cp.GOOD_KIND, cp.OFF, cp.PAUSED, cp.NO_CAMERA):
        assert not state_icon(kind).pixmap(32, 32).toImage().isNull()
    with qtbot.waitSignal(tray.not_now):
        tray.not_now_action.trigger()


def test_history_view_charts_the_stored_days(qtbot, store: Store) -> None:
    from datetime import date

    from rom_tracker.monitor.summary import PostureMinute
    from rom_tracker.store.posture_history import add_minutes
    from rom_tracker.ui.posture_history_view import PostureHistoryView, today_text

    add_minutes(store, "alex", [PostureMinute("2026-12-04T10:00:00Z", 60.0, 60.0, 45.0)])
    view = PostureHistoryView(store, lambda: "alex", today=lambda: date(2026, 12, 4))
    qtbot.addWidget(view)
    view.refresh()
    assert len(view.days) == 14 and view.days[-1].good_share == 0.75
    assert view.plots.count() == 3
    assert "good posture 75%" in view.summary.text()
    assert "nothing monitored" in today_text(None)
    view.refresh()  # again: the charts are replaced, not added
    assert view.plots.count() == 3


@pytest.mark.parametrize(("minutes", "remind_s"), [(0, None), (4, 240.0)])
def test_forward_reminder_set_in_the_posture_tab_reaches_the_tray_monitor(
    qtbot, store: Store, settings, minutes: int, remind_s: float | None
) -> None:
    from rom_tracker.ui.posture_view import PostureView

    view = PostureView(settings)
    qtbot.addWidget(view)
    assert view.forward_remind.value() == 0 and view.forward_remind.text() == "off"
    view.forward_remind.setValue(minutes)
    c = make_companion(qtbot, store, settings, FakeCamera())
    assert c.model.forward_remind_s == remind_s


def test_without_a_tray_a_nudge_shows_in_the_window(qtbot, store: Store, settings) -> None:
    """No tray and no notification daemon: the nudge is not lost, the window's status bar
    says it (its first sentence; the Posture tab's offer bar is what is clicked here)."""
    from test_main_window import make_window

    c = make_companion(qtbot, store, settings, FakeCamera())
    window = make_window(qtbot, store, settings)
    window.attach_companion(c)
    text = "You have been sitting for 1 h 5 min. Click here for a two-minute Micro Pause."
    c.tray.notify("Time for a Micro Pause?", text)
    shown = window.statusBar().currentMessage()
    assert shown == "Time for a Micro Pause? You have been sitting for 1 h 5 min."
    assert c.tray.messages == [("Time for a Micro Pause?", text)]


def test_a_gone_system_tray_hands_its_balloons_to_the_window(qtbot) -> None:
    """The tray's host died and no notification daemon: a balloon would go nowhere, so the
    notification goes to the window (``notified``) instead."""
    from rom_tracker.ui.tray import SystemTray

    tray = SystemTray(notifier=None)
    got: list[tuple[str, str]] = []
    tray.notified.connect(lambda title, text: got.append((title, text)))
    tray._tray_changed(False)  # what check_tray does when the host has gone
    tray.notify("Head forward for a while", "Let your head float back over your shoulders.")
    assert got == [("Head forward for a while", "Let your head float back over your shoulders.")]
    tray._tray_changed(True)  # back: Qt's balloon again, not the window
    tray.notify("Head forward for a while", "again")
    assert len(got) == 1
