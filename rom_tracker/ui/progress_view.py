"""Progress: per movement and side, effortless / active / guided values over time with the
person's MDC band, left-right asymmetry and the effort gap, and a before/after comparison
of two sessions. Data from :mod:`rom_tracker.store.trends`; plot items created once."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont, QFontMetricsF, QPainterPath
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rom_tracker.errors import RomTrackerError
from rom_tracker.pipeline import ModelPaths
from rom_tracker.report import ReportRequest, write_report
from rom_tracker.rom.movements import MODES, MOVEMENTS
from rom_tracker.store import Store
from rom_tracker.store.trends import (
    MovementProgress,
    load_progress,
    measured_movements,
    session_label,
)
from rom_tracker.ui import theme
from rom_tracker.ui.date_ticks import plan_ticks, view_range
from rom_tracker.ui.feed import default_models
from rom_tracker.ui.live_view import label, panel
from rom_tracker.ui.video_jobs import Job, KeptVideoActions
from rom_tracker.ui.widgets import fmt_deg

COMPARE_COLUMNS = ("Movement", "Side", "Mode", "Before", "After", "Change", "MDC95", "Real change?")


class DateAxis(pg.AxisItem):
    """A time axis with dates a person reads at a glance ("5 Oct", "23 Nov 2025", "08:30"),
    adapted to the span shown and to the data's years (:mod:`rom_tracker.ui.date_ticks`);
    labels never overlap."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.enableAutoSIPrefix(False)  # the values are times, never scaled
        self.dates: tuple[float, ...] = ()
        self._labels: dict[float, str] = {}

    def set_dates(self, dates: list[float]) -> None:
        """The data's times (POSIX s): whether the labels need the year."""
        self.dates = tuple(dates)
        self.picture = None  # redraw the ticks
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        metrics = QFontMetricsF(self.style["tickFont"] or QFont())
        ticks = plan_ticks(minVal, maxVal, size, metrics.horizontalAdvance, dates=self.dates)
        self._labels = dict(ticks.major)
        levels = [(ticks.step_s, [t for t, _ in ticks.major])]
        if ticks.minor:
            levels.append((ticks.minor_step_s, list(ticks.minor)))
        return levels

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self._labels.get(v, "") for v in values]


def _date_plot(title: str) -> pg.PlotWidget:
    w = pg.PlotWidget(background=theme.PANEL, axisItems={"bottom": DateAxis()})
    item = w.getPlotItem()
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setTitle(title, color=theme.TEXT, size="11pt")
    item.setLabel("left", "degrees")
    return w


def at_least_symbol() -> QPainterPath:
    """An open circle with an arrow pointing up: a value that is only a lower bound.
    (pyqtgraph symbols live in a unit square, y down.)"""
    path = QPainterPath()
    path.addEllipse(QPointF(0.0, 0.22), 0.2, 0.2)
    path.moveTo(0.0, 0.02)
    path.lineTo(0.0, -0.5)
    path.moveTo(-0.16, -0.3)
    path.lineTo(0.0, -0.5)
    path.lineTo(0.16, -0.3)
    return path


def _brush(colour: str, alpha: int) -> QBrush:
    c = QColor(colour)
    c.setAlpha(alpha)
    return QBrush(c)


class ProgressView(KeptVideoActions, QWidget):
    def __init__(
        self, store: Store, profile: Callable[[], str | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.profile = profile
        self.data: MovementProgress | None = None
        self.movement = QComboBox()
        self.side = QComboBox()
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        self.message = label("", "muted")
        report = QPushButton("Report...")
        report.setToolTip(
            "Write a report of this profile's sessions (the before and after chosen below) "
            "as one HTML page, and open it in the browser"
        )
        report.clicked.connect(self.write_report)
        #: where to save a report (None: cancelled) and how to open it; tests replace them
        self.ask_report_path: Callable[[Path], Path | None] = self._ask_report_path
        self.open_report: Callable[[Path], object] = lambda path: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(path))
        )

        self._build_values_plot()
        self._build_extra_plot()
        self.before = QComboBox()
        self.after = QComboBox()
        compare = QPushButton("Compare")
        compare.clicked.connect(self.compare)
        self.side_by_side_button = QPushButton("Side by side...")
        self.side_by_side_button.setToolTip(
            "A video of the two sessions' trials of this movement and side side by side, "
            "aligned on their end of range (the sessions need their videos kept)"
        )
        self.side_by_side_button.clicked.connect(self.side_by_side)
        #: where to save the video (None: cancelled), the models; tests replace them
        self.ask_video_path: Callable[[Path], Path | None] = self._ask_video_path
        self.models: Callable[[], ModelPaths] = default_models
        self.job: Job | None = None
        self.table = QTableWidget(0, len(COMPARE_COLUMNS))
        self.table.setHorizontalHeaderLabels(COMPARE_COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        top = QHBoxLayout()
        top.addWidget(label("Movement", "muted"))
        top.addWidget(self.movement, 1)
        top.addWidget(label("Side", "muted"))
        top.addWidget(self.side)
        top.addWidget(refresh)
        top.addWidget(report)
        top.addWidget(self.message, 2)
        cmp_box = panel()
        cl = QVBoxLayout(cmp_box)
        row = QHBoxLayout()
        row.addWidget(label("Before", "muted"))
        row.addWidget(self.before, 1)
        row.addWidget(label("After", "muted"))
        row.addWidget(self.after, 1)
        row.addWidget(compare)
        row.addWidget(self.side_by_side_button)
        cl.addLayout(row)
        cl.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.values_plot, 5)
        layout.addWidget(self.extra_plot, 3)
        layout.addWidget(cmp_box, 4)

        self.movement.currentIndexChanged.connect(self._load_movement)
        self.side.currentIndexChanged.connect(self._draw)

    # ------------------------------------------------------------------ construction

    def _build_values_plot(self) -> None:
        """The values per session: a curve per mode and kind, a band per mode (MDC95)."""
        self.values_plot = _date_plot("Range of motion per session")
        vi = self.values_plot.getPlotItem()
        vi.addLegend(offset=(10, 5), labelTextSize="10pt", colCount=4)
        self.series: dict[tuple[str, bool], pg.PlotDataItem] = {}
        #: per mode: the sessions whose value is only a lower bound ("at least")
        self.bound_marks: dict[str, pg.ScatterPlotItem] = {}
        self.bands: dict[str, pg.LinearRegionItem] = {}
        for mode in MODES:
            colour = theme.MODE_COLOURS[mode]
            band = pg.LinearRegionItem(
                (0.0, 0.0),
                orientation="horizontal",
                movable=False,
                brush=_brush(colour, 40),
                pen=pg.mkPen(_brush(colour, 90).color(), width=1),
            )
            band.setZValue(-10)
            band.setVisible(False)
            vi.addItem(band, ignoreBounds=True)
            self.bands[mode] = band
            for guided in (False, True):
                name = f"{mode}{' (guided)' if guided else ''}"
                self.series[(mode, guided)] = vi.plot(
                    [],
                    [],
                    name=name,
                    pen=pg.mkPen(
                        colour,
                        width=2,
                        style=Qt.PenStyle.DashLine if guided else Qt.PenStyle.SolidLine,
                    ),
                    symbol="t" if guided else "o",
                    symbolSize=11,
                    symbolBrush=colour,
                    symbolPen=pg.mkPen("#000000"),
                )
        for mode in MODES:
            marks = pg.ScatterPlotItem(
                symbol=at_least_symbol(),
                size=26,
                pen=pg.mkPen(theme.MODE_COLOURS[mode], width=2.5),
                brush=pg.mkBrush(theme.PANEL),
            )
            marks.setZValue(10)
            vi.addItem(marks)
            self.bound_marks[mode] = marks
        key = pg.ScatterPlotItem(  # one legend entry for both modes' bounds
            symbol=at_least_symbol(),
            size=20,
            pen=pg.mkPen(theme.TEXT, width=2),
            brush=pg.mkBrush(theme.PANEL),
            name="at least (a lower bound)",
        )
        vi.addItem(key)

    def _build_extra_plot(self) -> None:
        """Asymmetry per mode and the effort gap, on the values plot's time axis."""
        eff, act = theme.MODE_COLOURS["effortless"], theme.MODE_COLOURS["active"]
        self.extra_plot = _date_plot(
            f"Left − right asymmetry (<span style='color:{eff}'>■ effortless</span>, "
            f"<span style='color:{act}'>■ active</span>) and "
            f"<span style='color:{theme.ACCENT}'>● effort gap</span> (active − effortless)"
        )
        self.extra_plot.setXLink(self.values_plot)
        ei = self.extra_plot.getPlotItem()
        ei.addItem(pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen(theme.MUTED)))
        self.asym = {
            mode: ei.plot(
                [],
                [],
                name=f"asymmetry, {mode}",
                pen=pg.mkPen(theme.MODE_COLOURS[mode], width=2),
                symbol="s",
                symbolSize=8,
                symbolBrush=theme.MODE_COLOURS[mode],
            )
            for mode in MODES
        }
        self.gap = ei.plot(
            [],
            [],
            name="effort gap",
            pen=pg.mkPen(theme.ACCENT, width=2),
            symbol="o",
            symbolSize=8,
            symbolBrush=theme.ACCENT,
        )

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        """Reload the profile's sessions and values from the store."""
        profile = self.profile()
        keep = self.movement.currentData()
        self.movement.blockSignals(True)
        self.movement.clear()
        for combo in (self.before, self.after):
            combo.clear()
        if not profile:
            self.movement.blockSignals(False)
            self.message.setText("Choose a profile.")
            return
        records = self.store.progress(profile)
        for name in measured_movements(records):
            self.movement.addItem(MOVEMENTS[name].title, name)
        sessions = self.store.sessions(profile)
        for s in sessions:
            self.before.addItem(session_label(s), s.id)
            self.after.addItem(session_label(s), s.id)
        if len(sessions) >= 2:
            self.before.setCurrentIndex(len(sessions) - 2)
            self.after.setCurrentIndex(len(sessions) - 1)
        index = self.movement.findData(keep)
        self.movement.setCurrentIndex(max(0, index))
        self.movement.blockSignals(False)
        n = len(sessions)
        self.message.setText(
            f"{profile}: {n} session{'s' if n != 1 else ''}" if n else f"{profile}: no sessions yet"
        )
        self._load_movement()
        if len(sessions) >= 2:
            self.compare()

    def _load_movement(self) -> None:
        profile, name = self.profile(), self.movement.currentData()
        self.data = load_progress(self.store, profile, name) if profile and name else None
        keep = self.side.currentData()
        self.side.blockSignals(True)
        self.side.clear()
        if self.data is not None:
            for side in self.data.sides:
                self.side.addItem(side, side)
            self.side.setCurrentIndex(max(0, self.side.findData(keep)))
        self.side.blockSignals(False)
        self._draw()

    def _draw(self) -> None:
        d, side = self.data, self.side.currentData()
        if d is None or side is None:
            for item in [*self.series.values(), *self.asym.values(), self.gap]:
                item.setData([], [])
            for marks in self.bound_marks.values():
                marks.setData([], [])
            for band in self.bands.values():
                band.setVisible(False)
            return
        dates: list[float] = []
        bounds: dict[str, tuple[list[float], list[float]]] = {m: ([], []) for m in MODES}
        for (mode, guided), item in self.series.items():
            s = d.get(side, mode, guided)
            item.setData(s.dates, s.values)
            dates += s.dates.tolist()
            bounds[mode][0].extend(s.dates[s.at_least].tolist())
            bounds[mode][1].extend(s.values[s.at_least].tolist())
        for mode, marks in self.bound_marks.items():
            marks.setData(*bounds[mode])
        x0, x1 = view_range(dates)
        for plot in (self.values_plot, self.extra_plot):
            plot.getPlotItem().getAxis("bottom").set_dates(dates)
        values = [d.get(side, m, g).values for m, g in self.series]
        top = max([0.0, *(float(np.max(v)) for v in values if v.size)])
        for mode, item in self.bands.items():
            band = d.bands.get((side, mode))
            shown = band is not None and math.isfinite(band.mdc_deg)
            item.setVisible(shown)
            if band is not None and shown:
                item.setRegion((band.centre_deg - band.mdc_deg, band.centre_deg + band.mdc_deg))
                top = max(top, band.centre_deg + band.mdc_deg)
        for mode, item in self.asym.items():
            s = d.asymmetry.get(mode)
            item.setData(*(s.dates, s.values) if s is not None else ([], []))
        g = d.effort_gap.get(side)
        self.gap.setData(*(g.dates, g.values) if g is not None else ([], []))
        self.values_plot.getPlotItem().setTitle(
            f"{MOVEMENTS[d.movement].title}, {side}: range per session "
            "(band: MDC95 around the first)",
            color=theme.TEXT,
            size="11pt",
        )
        self.values_plot.getPlotItem().setYRange(0.0, 1.35 * top + 1.0, padding=0)  # legend room
        extra = [s.values for s in (*d.asymmetry.values(), g) if s is not None and s.values.size]
        lo = min([0.0, *(float(v.min()) for v in extra)])
        hi = max([1.0, *(float(v.max()) for v in extra)])
        self.extra_plot.getPlotItem().setYRange(lo - 1.0, hi + 0.15 * (hi - lo) + 1.0, padding=0)
        self.values_plot.getPlotItem().setXRange(x0, x1, padding=0.02)

    def compare(self) -> None:
        a, b = self.before.currentData(), self.after.currentData()
        if a is None or b is None or a == b:
            self.table.setRowCount(0)
            return
        rows = self.store.compare(a, b)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            real = {True: "yes", False: "no (within noise)", None: "MDC unknown"}[r.exceeds_mdc]
            if r.a_at_least or r.b_at_least:
                real = r.verdict  # provable, or why a change with a bound cannot be judged
            cells = (
                MOVEMENTS[r.movement].title,
                r.side,
                r.mode,
                fmt_deg(r.a_deg, at_least=r.a_at_least),
                fmt_deg(r.b_deg, at_least=r.b_at_least),
                "?" if r.a_at_least else fmt_deg(r.change_deg, signed=True, at_least=r.b_at_least),
                fmt_deg(r.mdc95_deg),
                real,
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if j == 7 and r.exceeds_mdc:
                    item.setForeground(QBrush(QColor(theme.GOOD)))
                self.table.setItem(i, j, item)

    # ------------------------------------------------------------------ report

    def _ask_report_path(self, suggested: Path) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the report", str(suggested), "Web page (*.html)"
        )
        return Path(path) if path else None

    def write_report(self) -> Path | None:
        """Ask where, write the report of the profile (the chosen before/after sessions,
        else all) and open it in the browser; problems go to the message line."""
        profile = self.profile()
        if not profile:
            self.message.setText("Choose a profile first.")
            return None
        a, b = self.before.currentData(), self.after.currentData()
        suggested = Path.home() / f"rom-tracker-report-{profile}-{date.today():%Y-%m-%d}.html"
        path = self.ask_report_path(suggested)
        if path is None:
            return None
        if path.suffix.lower() not in (".html", ".htm"):
            path = path.with_name(path.name + ".html")
        request = ReportRequest(
            profile, sessions=(a, b) if a is not None and b is not None and a != b else None
        )
        if self.report_in_background(profile, request, path):
            return path  # with end-range frames: written (and opened) by a worker thread
        try:
            write_report(self.store, request, path)
        except RomTrackerError as exc:
            self.message.setText(f"No report: {exc}")
            return None
        self.message.setText(f"Report written to {path}")
        self.open_report(path)
        return path
