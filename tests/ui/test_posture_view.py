"""Posture view: calibrate on a replayed stream, flag head down, offer and dismiss a pause."""

from __future__ import annotations

import pytest
from ui_streams import fake_result

pytestmark = pytest.mark.gui


def feed(view, t0: float, seconds: float, pitch: float) -> float:
    n = round(seconds * 10)
    view.add_results([fake_result(i, t0 + i / 10, {"head_pitch_deg": pitch}) for i in range(n)])
    return t0 + n / 10


def test_calibrate_monitor_offer_and_dismiss(qtbot, settings) -> None:
    from rom_tracker.monitor.posture import GOOD, HEAD_DOWN, MONITORING
    from rom_tracker.ui.posture_view import PostureView

    settings.setValue("posture/break_minutes", 5)
    view = PostureView(settings)
    qtbot.addWidget(view)
    view.show()
    t = feed(view, 0.0, 1.0, 3.0)
    view.calibrate()
    t = feed(view, t, 6.0, 3.0)
    assert view.monitor.state.phase == MONITORING
    assert view.monitor.state.status == GOOD
    assert settings.value("posture/baseline")  # remembered
    t = feed(view, t, 8.0, 25.0)
    assert view.monitor.state.status == HEAD_DOWN
    assert "Head down" in view.status.text()
    assert not view.offer.isVisible()
    t = feed(view, t, 300.0, 3.0)
    assert view.offer.isVisible()
    with qtbot.assertNotEmitted(view.micro_pause):
        view._dismiss()
    assert not view.offer.isVisible()
    view.minutes.setValue(30)
    assert settings.value("posture/break_minutes") == 30
    again = PostureView(settings)
    qtbot.addWidget(again)
    assert again.monitor.state.phase == MONITORING  # the calibration was remembered
