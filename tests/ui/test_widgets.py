"""Widgets: the live plot's data (gaps as gaps), the gauge's values, the camera view."""

from __future__ import annotations

import math

import numpy as np
import pytest
from ui_streams import fake_result, neck_rotation_session, times

pytestmark = pytest.mark.gui


def test_live_plot_scrolls_and_keeps_gaps(qtbot) -> None:
    from rom_tracker.ui.widgets import LivePlot

    plot = LivePlot(window_s=5.0)
    qtbot.addWidget(plot)
    plot.configure(["a", "b"], ["a", "b"], ["#ffffff", "#ff0000"])
    assert len(plot.curves) == 2
    curves = list(plot.curves)
    for i, t in enumerate(times(300)):  # 10 s at 30 fps
        a = math.nan if 100 <= i < 110 else float(i)
        plot.append(float(t), {"a": a, "b": -float(i)})
    plot.refresh()
    assert plot.curves == curves  # created once, only their data changes
    x, y = plot.curves[0].getData()
    assert x[-1] == 0.0 and x[0] >= -5.0
    assert y[-1] == 299.0
    assert plot.curves[0].opts["connect"] == "finite"
    _, y2 = plot.curves[1].getData()
    assert y2[-1] == -299.0
    plot.buffer.clear()
    plot.append(0.0, {"a": 1.0})
    plot.append(3.0, {"a": 2.0})  # 3 s without frames: a gap
    plot.refresh()
    _, y = plot.curves[0].getData()
    assert np.isnan(y).sum() == 1


def test_live_plot_with_nothing_seen_shows_plain_degrees(qtbot) -> None:
    """A head never seen (a profile video): the axis keeps a plain +-30 degree range (no
    auto-range of nothing, no "x0.001" scaling); real values bring auto-range back."""
    from rom_tracker.ui.widgets import EMPTY_RANGE_DEG, LivePlot

    plot = LivePlot(window_s=5.0)
    qtbot.addWidget(plot)
    plot.configure(["a"], ["a"], ["#ffffff"])
    for t in times(60):
        plot.append(float(t), {"a": math.nan})
    plot.refresh()
    item = plot.getPlotItem()
    low, high = item.viewRange()[1]
    assert (low, high) == (-EMPTY_RANGE_DEG, EMPTY_RANGE_DEG)
    assert not item.getAxis("left").autoSIPrefix
    plot.append(10.0, {"a": 70.0})
    plot.refresh()
    assert item.getViewBox().autoRangeEnabled()[1]


def test_plot_redraws_from_its_timer(qtbot) -> None:
    from rom_tracker.ui.widgets import REDRAW_MS, LivePlot

    plot = LivePlot()
    qtbot.addWidget(plot)
    plot.configure(["a"], ["a"], ["#ffffff"])
    assert plot.timer.isActive() and plot.timer.interval() == REDRAW_MS
    plot.append(0.0, {"a": 1.0})
    plot.append(0.1, {"a": 2.0})
    qtbot.waitUntil(
        lambda: plot.curves[0].getData()[1] is not None and len(plot.curves[0].getData()[1]) == 2
    )


def test_live_view_gauge_follows_a_scripted_session(qtbot) -> None:
    from rom_tracker.ui.live_view import LiveView

    view = LiveView()
    qtbot.addWidget(view)
    view.show()
    values = neck_rotation_session(left=40.0, right=35.0)
    results = [
        fake_result(i, float(t), {"neck_rotation_deg": float(v)})
        for i, (t, v) in enumerate(zip(times(values.size), values, strict=True))
    ]
    for k in range(0, len(results), 15):
        view.add_results(results[k : k + 15])
    ranges = view.gauge.ranges
    assert abs(ranges["left"].hold_deg - 40.0) < 1.5
    assert abs(ranges["right"].hold_deg - 35.0) < 1.5
    assert ranges["left"].peak_deg > 38.0
    assert view.video.frames_shown > 0
    view.plot.refresh()
    _, y = view.plot.curves[0].getData()
    assert y.min() < -30 and y.max() > 35
    view.new_trial()
    assert math.isnan(view.gauge.ranges["left"].peak_deg)


def test_gauge_grows_its_scale_and_draws(qtbot) -> None:
    from rom_tracker.ui.ranges import SideRange
    from rom_tracker.ui.widgets import RangeGauge

    gauge = RangeGauge()
    qtbot.addWidget(gauge)
    gauge.set_ranges({"left": SideRange("left", 50.0, 100.0, 45.0)}, 90.0)
    assert gauge.scale_deg == 120.0
    assert gauge.ranges["left"].hold_deg == 45.0
    gauge.resize(400, 80)
    assert not gauge.grab().isNull()


def test_video_view_keeps_the_aspect(qtbot) -> None:
    from rom_tracker.ui.widgets import VideoView

    view = VideoView()
    qtbot.addWidget(view)
    view.resize(400, 400)
    view.set_frame(np.zeros((100, 200, 3), np.uint8))
    r = view.target_rect()
    assert r.width() == 400 and r.height() == 200 and r.y() == 100
