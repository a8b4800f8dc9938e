"""The posture monitor's history: today in words, the last 14 days as bar charts (share
in good posture, sitting time, breaks and Micro Pauses). Data from
:func:`rom_tracker.store.posture_history.posture_days`."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date

import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from rom_tracker.errors import RomTrackerError
from rom_tracker.monitor.companion import hm
from rom_tracker.store import Store
from rom_tracker.store.posture_history import PostureDay, posture_days
from rom_tracker.ui import theme
from rom_tracker.ui.live_view import label

DAYS = 14


def today_text(day: PostureDay | None) -> str:
    if day is None or day.monitored_min <= 0:
        return "Today: nothing monitored yet. Start the monitor from the tray (gui --posture)."
    parts = [
        f"sitting {hm(60 * day.sitting_min)}",
        f"good posture {100 * day.good_share:.0f}%" if math.isfinite(day.good_share) else "",
        f"head down {hm(60 * day.head_down_min)}",
        f"head forward {hm(60 * day.head_forward_min)}",
        f"{day.breaks} break{'s' * (day.breaks != 1)}",
        f"{day.micro_pauses} Micro Pause{'s' * (day.micro_pauses != 1)}",
    ]
    return "Today: " + ", ".join(p for p in parts if p) + "."


def day_ticks(days: Sequence[PostureDay]) -> list[tuple[float, str]]:
    """A label every other day (the last one, today, always), e.g. ``Fri 4``."""
    out = []
    n = len(days)
    for i, d in enumerate(days):
        if (n - 1 - i) % 2 == 0:
            out.append((float(i), date.fromisoformat(d.day).strftime("%a %-d")))
    return out


def _plot(title: str, unit: str, days: Sequence[PostureDay]) -> pg.PlotWidget:
    w = pg.PlotWidget(background=theme.PANEL)
    item = w.getPlotItem()
    item.setTitle(title, color=theme.TEXT, size="11pt")
    item.setLabel("left", unit)
    item.showGrid(x=False, y=True, alpha=0.25)
    item.setMouseEnabled(x=False, y=False)
    item.hideButtons()
    item.getAxis("bottom").setTicks([day_ticks(days), []])
    item.setXRange(-0.6, len(days) - 0.4, padding=0)
    return w


def _nice_step(top: float, max_ticks: int = 5) -> float:
    """A round tick step (1, 2, 5 x 10^n; whole numbers at least) for 0..top."""
    if top <= 0:
        return 1.0
    raw = top / max_ticks
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    return max(1.0, step)


def _y_ticks(w: pg.PlotWidget, low: float, high: float, step: float) -> None:
    item = w.getPlotItem()
    n = round((high - low) / step)
    ticks = [(low + i * step, f"{low + i * step:g}") for i in range(n + 1)]
    item.getAxis("left").setTicks([ticks, []])
    item.setYRange(low, high, padding=0.04)


class PostureHistoryView(QWidget):
    def __init__(
        self,
        store: Store,
        profile: Callable[[], str | None],
        parent: QWidget | None = None,
        *,
        today: Callable[[], date | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self.store, self.profile, self.today = store, profile, today
        self.days: list[PostureDay] = []
        self.summary = label("", wrap=True)
        self.note = label(
            "From the minutes the posture monitor summed (never images). Days without "
            "monitoring are empty.",
            "note",
            wrap=True,
        )
        self.plots = QGridLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self.plots, 1)
        layout.addWidget(self.note)

    def refresh(self) -> None:
        profile = self.profile()
        try:
            days = posture_days(self.store, profile, DAYS, today=self.today()) if profile else []
        except RomTrackerError as exc:
            self.summary.setText(str(exc))
            return
        self.days = days
        self.summary.setText(today_text(days[-1] if days else None))
        while self.plots.count():
            item = self.plots.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        if not days:
            return
        x = list(range(len(days)))
        good = [100 * d.good_share if math.isfinite(d.good_share) else 0.0 for d in days]
        p1 = _plot("Good posture, % of the time monitored", "%", days)
        p1.addItem(pg.BarGraphItem(x=x, height=good, width=0.7, brush=theme.GOOD, pen=None))
        _y_ticks(p1, 0.0, 100.0, 25.0)
        sitting = [d.sitting_min for d in days]
        in_hours = max(sitting) >= 120
        values = [m / 60.0 for m in sitting] if in_hours else sitting
        p2 = _plot("Sitting time", "hours" if in_hours else "minutes", days)
        p2.addItem(pg.BarGraphItem(x=x, height=values, width=0.7, brush=theme.ACCENT, pen=None))
        top = max(values)
        step = _nice_step(top)
        _y_ticks(p2, 0.0, max(step, math.ceil(top / step) * step), step)
        breaks = [float(d.breaks) for d in days]
        pauses = [float(d.micro_pauses) for d in days]
        colour = theme.MODE_COLOURS["effortless"]
        p3 = _plot("Breaks and Micro Pauses", "count", days)
        p3.addItem(pg.BarGraphItem(x=x, height=breaks, width=0.7, brush=theme.MUTED, pen=None))
        p3.addItem(
            pg.BarGraphItem(x=x, y0=breaks, height=pauses, width=0.7, brush=colour, pen=None)
        )
        total = max((b + p for b, p in zip(breaks, pauses, strict=True)), default=0.0)
        step = _nice_step(total, 4)
        _y_ticks(p3, 0.0, max(4.0, math.ceil(total / step) * step + step), step)
        legend = p3.getPlotItem().addLegend(offset=(8, 4), labelTextColor=theme.TEXT)
        for brush, name in ((theme.MUTED, "breaks (away 2 min or more)"), (colour, "Micro Pauses")):
            legend.addItem(pg.BarGraphItem(x=[0], height=[0], width=0.1, brush=brush), name)
        self.plots.addWidget(p1, 0, 0)
        self.plots.addWidget(p2, 0, 1)
        self.plots.addWidget(p3, 1, 0, 1, 2)
