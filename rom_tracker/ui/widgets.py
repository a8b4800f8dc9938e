"""Reusable widgets: the camera view with its overlay, the range gauge and the live plot.

Thin: they draw what plain classes (:mod:`.overlay`, :mod:`.ranges`, :mod:`.ringbuffer`)
computed. The live plot creates its curves once and redraws from a ~30 Hz timer with
``setData(..., connect="finite")``, so a NaN (nothing seen) is a gap in the line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from rom_tracker.display.overlay import Overlay
from rom_tracker.ui import theme
from rom_tracker.ui.ranges import SideRange
from rom_tracker.ui.ringbuffer import RingBuffer

#: The live plot's y range (degrees either side of 0) while nothing is seen.
EMPTY_RANGE_DEG = 30.0
REDRAW_MS = 33  # ~30 Hz


def fmt_deg(value: float, signed: bool = False, at_least: bool = False) -> str:
    """``57°``, ``+3°`` (signed), ``≥ 57°`` (a lower bound: "at least"), ``–`` for NaN."""
    if not math.isfinite(value):
        return "–"
    value = round(value) + 0.0  # no "-0°"
    text = f"{value:+.0f}°" if signed else f"{value:.0f}°"
    return f"≥ {text}" if at_least else text


class VideoView(QWidget):
    """The newest camera frame, scaled to fit (aspect kept), with the landmarks over it."""

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "") -> None:
        super().__init__(parent)
        self.placeholder = placeholder or "Waiting for the camera…"
        self._rgb: np.ndarray | None = None
        self._image: QImage | None = None
        self._overlay = Overlay()
        self.frames_shown = 0
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(640, 480)

    def set_frame(self, rgb: np.ndarray, overlay: Overlay | None = None) -> None:
        rgb = np.ascontiguousarray(rgb)
        h, w = rgb.shape[:2]
        self._rgb = rgb  # the QImage reads this buffer: keep it alive
        self._image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        self._overlay = overlay or Overlay()
        self.frames_shown += 1
        self.update()

    def clear(self, placeholder: str | None = None) -> None:
        self._rgb = self._image = None
        if placeholder is not None:
            self.placeholder = placeholder
        self.update()

    def target_rect(self) -> QRectF:
        """Where the image is drawn: centred, as large as fits, aspect kept."""
        if self._image is None:
            return QRectF(self.rect())
        w, h = self._image.width(), self._image.height()
        scale = min(self.width() / w, self.height() / h)
        tw, th = w * scale, h * scale
        return QRectF((self.width() - tw) / 2, (self.height() - th) / 2, tw, th)

    def paintEvent(self, event: object) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#000000"))
        if self._image is None:
            p.setPen(QColor(theme.MUTED))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = self.target_rect()
        p.drawImage(target, self._image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        scale = target.width() / self._image.width()

        def pt(xy: np.ndarray) -> QPointF:
            return QPointF(target.x() + xy[0] * scale, target.y() + xy[1] * scale)

        width = max(1.5, 2.0 * scale)
        ov = self._overlay
        p.setPen(QPen(QColor(theme.FACE_COLOUR), width * 0.8))
        for loop in ov.face_lines:
            p.drawPolygon(QPolygonF([pt(xy) for xy in loop]))
        p.setPen(QPen(QColor(theme.BODY_COLOUR), width * 1.5))
        for seg in ov.body_lines:
            p.drawLine(pt(seg[0]), pt(seg[1]))
        radius = max(3.0, 5.0 * scale)
        for colour, points in (
            (theme.FACE_COLOUR, ov.face_points),
            (theme.BODY_COLOUR, ov.body_points),
        ):
            p.setPen(QPen(QColor("#000000"), 1.0))
            p.setBrush(QColor(colour))
            for xy in points:
                p.drawEllipse(pt(xy), radius, radius)


class RangeGauge(QWidget):
    """One row per side: a bar from 0 to ``scale_deg`` filled to the current angle, a tick
    at this trial's peak and a diamond at the effortless hold, with the numbers beside it.
    """

    ROW_H = 58

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ranges: dict[str, SideRange] = {}
        self.scale_deg = 90.0
        self.setMinimumHeight(self.ROW_H * 2 + 8)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(360, self.ROW_H * max(1, len(self.ranges)) + 8)

    def set_ranges(self, ranges: Mapping[str, SideRange], scale_deg: float | None = None) -> None:
        self.ranges = dict(ranges)
        if scale_deg is not None:
            self.scale_deg = float(scale_deg)
        peak = max(
            (r.peak_deg for r in self.ranges.values() if math.isfinite(r.peak_deg)), default=0
        )
        if peak > self.scale_deg:  # grow in steps of 30 degrees, never shrink mid-trial
            self.scale_deg = 30.0 * math.ceil(peak / 30.0)
        self.setFixedHeight(self.ROW_H * max(1, len(self.ranges)) + 8)
        self.update()

    def paintEvent(self, event: object) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        label_w, bar_x0 = 96, 104
        bar_w = max(40.0, self.width() - bar_x0 - 12)
        for row, (side, r) in enumerate(self.ranges.items()):
            y = 4 + row * self.ROW_H
            colour = QColor(theme.SIDE_COLOURS.get(side, theme.ACCENT))
            font.setPointSizeF(12)
            font.setBold(True)
            p.setFont(font)
            p.setPen(colour)
            p.drawText(
                QRectF(0, y, label_w, 26),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                side.upper(),
            )
            font.setPointSizeF(16)
            p.setFont(font)
            p.setPen(QColor(theme.CURRENT))
            p.drawText(
                QRectF(0, y + 24, label_w, 28),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fmt_deg(max(0.0, r.current_deg) if math.isfinite(r.current_deg) else r.current_deg),
            )
            bar = QRectF(bar_x0, y + 8, bar_w, 18)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(theme.PANEL_BORDER))
            p.drawRoundedRect(bar, 5, 5)

            def x_of(deg: float, bar: QRectF = bar) -> float:
                return bar.x() + bar.width() * min(1.0, max(0.0, deg / self.scale_deg))

            if math.isfinite(r.current_deg) and r.current_deg > 0:
                fill = QRectF(bar.x(), bar.y(), x_of(r.current_deg) - bar.x(), bar.height())
                p.setBrush(colour)
                p.drawRoundedRect(fill, 5, 5)
            if math.isfinite(r.peak_deg) and r.peak_deg > 0:
                x = x_of(r.peak_deg)
                p.setPen(QPen(QColor(theme.MODE_COLOURS["active"]), 3))
                p.drawLine(QPointF(x, bar.y() - 5), QPointF(x, bar.bottom() + 5))
            if math.isfinite(r.hold_deg):
                x, cy = x_of(r.hold_deg), bar.center().y()
                path = QPainterPath()
                path.moveTo(x, cy - 10)
                path.lineTo(x + 8, cy)
                path.lineTo(x, cy + 10)
                path.lineTo(x - 8, cy)
                path.closeSubpath()
                p.setPen(QPen(QColor("#000000"), 1))
                p.setBrush(QColor(theme.MODE_COLOURS["effortless"]))
                p.drawPath(path)
            font.setPointSizeF(10)
            font.setBold(False)
            p.setFont(font)
            text_rect = QRectF(bar_x0, y + 30, bar_w, 22)
            p.setPen(QColor(theme.MODE_COLOURS["active"]))
            p.drawText(
                text_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"peak {fmt_deg(r.peak_deg, at_least=r.peak_at_least)}",
            )
            p.setPen(QColor(theme.MODE_COLOURS["effortless"]))
            hold = f"hold {fmt_deg(r.hold_deg, at_least=r.hold_at_least)}"
            if not math.isfinite(r.hold_deg) and r.hold_progress > 0:
                hold = f"holding… {100 * r.hold_progress:.0f}%"
            p.drawText(
                text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, hold
            )
            p.setPen(QColor(theme.MUTED))
            p.drawText(
                text_rect,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"of {self.scale_deg:.0f}°",
            )


class LivePlot(pg.PlotWidget):
    """Scrolling plot of the last ``window_s`` seconds of one or more angle columns.

    ``configure`` creates the curves (once per choice of columns); ``append`` only writes
    into the ring buffer; a ~30 Hz timer calls ``refresh``, which hands the buffer to
    the curves with ``setData`` (x = seconds before the newest sample).
    """

    def __init__(self, parent: QWidget | None = None, *, window_s: float = 20.0) -> None:
        super().__init__(parent, background=theme.PANEL)
        self.window_s = float(window_s)
        self.columns: tuple[str, ...] = ()
        self.buffer = RingBuffer(2, 1)
        self.curves: list[pg.PlotDataItem] = []
        self._marks: dict[str, pg.InfiniteLine] = {}
        self._dirty = False
        item = self.getPlotItem()
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setLabel("bottom", "seconds ago")
        item.getAxis("left").enableAutoSIPrefix(False)  # degrees, never "x0.001"
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        item.setXRange(-self.window_s, 0.0, padding=0.01)
        self.legend = item.addLegend(offset=(10, 5), labelTextSize="10pt")
        item.addItem(pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen(theme.MUTED, width=1)))
        self.timer = QTimer(self)
        self.timer.setInterval(REDRAW_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    def configure(
        self,
        columns: Sequence[str],
        names: Sequence[str],
        colours: Sequence[str],
        *,
        y_label: str = "degrees",
        fps_hint: float = 30.0,
    ) -> None:
        item = self.getPlotItem()
        for curve in self.curves:
            item.removeItem(curve)
        self.legend.clear()
        self.columns = tuple(columns)
        self.buffer = RingBuffer(max(16, round(self.window_s * fps_hint * 1.5)), len(self.columns))
        self.curves = [
            item.plot([], [], pen=pg.mkPen(colour, width=2.5), name=name, connect="finite")
            for name, colour in zip(names, colours, strict=True)
        ]
        item.setLabel("left", y_label)
        self._dirty = True

    def append(self, t_s: float, angles: Mapping[str, float]) -> None:
        if not self.columns:
            return
        if len(self.buffer) and t_s <= self.buffer.last_t:
            self.buffer.clear()  # the source started again
        row = [angles.get(c, math.nan) for c in self.columns]
        self.buffer.append(t_s, [math.nan if v is None else v for v in row])
        self._dirty = True

    def set_mark(self, name: str, value: float, colour: str) -> None:
        """A dashed horizontal line (e.g. an effortless hold); NaN hides it."""
        line = self._marks.get(name)
        if line is None:
            line = pg.InfiniteLine(
                0.0, angle=0, pen=pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine)
            )
            self.getPlotItem().addItem(line)
            self._marks[name] = line
        line.setVisible(math.isfinite(value))
        if math.isfinite(value):
            line.setValue(value)

    def refresh(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        t, v = self.buffer.window(self.window_s)
        x = t - t[-1] if t.size else t
        for i, curve in enumerate(self.curves):
            curve.setData(x, v[:, i] if t.size else v, connect="finite")
        item = self.getPlotItem()
        if t.size and np.isfinite(v).any():
            item.enableAutoRange(axis="y")
        else:  # nothing seen (yet): a plain range, not an auto-range of nothing
            item.setYRange(-EMPTY_RANGE_DEG, EMPTY_RANGE_DEG, padding=0)
