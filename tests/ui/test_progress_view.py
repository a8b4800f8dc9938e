"""The progress view's date axes on the sample history, at the app's default window size:
the labels pyqtgraph actually draws are readable dates that do not overlap."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import combinations
from pathlib import Path

import pytest

from rom_tracker.store import Store
from rom_tracker.store.exchange import import_sessions

pytestmark = pytest.mark.gui

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "sample_sessions.json"


def drawn_labels(axis) -> list[tuple[object, str]]:
    """``(QRectF, text)`` of each tick label the axis would paint now."""
    from PySide6.QtGui import QImage, QPainter

    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _, text in texts if text]


def test_sample_history_dates_are_readable_and_apart(qtbot, tmp_path: Path, settings) -> None:
    from rom_tracker.ui.bridge import LiveBridge
    from rom_tracker.ui.main_window import MainWindow

    with Store.open(tmp_path / "db.sqlite3") as store:
        import_sessions(store, SAMPLE)  # 4 weekly sessions, 5 to 26 Oct 2026
        window = MainWindow(store, settings, LiveBridge(lambda spec, cb: None), source="x")
        qtbot.addWidget(window)
        window.resize(1280, 800)  # the app's default size
        window.show()
        window.reload_profiles("demo")
        window.set_view("progress")
        qtbot.waitExposed(window)
        year = "" if datetime.now().year == 2026 else " 2026"
        for plot in (window.progress.values_plot, window.progress.extra_plot):
            axis = plot.getPlotItem().getAxis("bottom")
            labels = drawn_labels(axis)
            texts = [text for _, text in labels]
            assert texts == [f"{d} Oct{year}" for d in (5, 12, 19, 26)]
            for (a, _), (b, _) in combinations(labels, 2):
                assert not a.intersects(b)
            assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}( \d{4})?", t) for t in texts)


def test_report_button_writes_and_opens_the_report(qtbot, tmp_path: Path, settings) -> None:
    from rom_tracker.ui.bridge import LiveBridge
    from rom_tracker.ui.main_window import MainWindow

    with Store.open(tmp_path / "db.sqlite3") as store:
        import_sessions(store, SAMPLE)
        window = MainWindow(store, settings, LiveBridge(lambda spec, cb: None), source="x")
        qtbot.addWidget(window)
        window.reload_profiles("demo")
        window.set_view("progress")
        view = window.progress
        opened: list[Path] = []
        view.ask_report_path = lambda suggested: tmp_path / "client"
        view.open_report = opened.append
        path = view.write_report()
        assert path == tmp_path / "client.html" and opened == [path]
        html = " ".join(path.read_text(encoding="utf-8").split())
        before, after = view.before.currentData(), view.after.currentData()
        assert (before, after) == (3, 4)  # the view's default: the last two sessions
        assert "Session #3 (2026-10-19) against session #4 (2026-10-26)" in html
        assert html.count('<svg class="chart') == 6
        view.ask_report_path = lambda suggested: None  # cancelled: nothing written
        assert view.write_report() is None and opened == [path]
