"""The side set-up step on screen: a small top-down picture and a live gauge of the face's
angle to the camera with the target band (``rom_tracker.rom.side_setup``).

The picture: the camera at the top, the chair and the person below it, turned 45 degrees
away from the camera, and an arrow for the turn that will be measured (through the camera,
to about 45 degrees on the other side). The gauge: the face's yaw to the camera from 90 to
your right to 90 to your left, the band where the neutral must be, the live reading, and
"ready" only when the reading is in the band and held still (the runner's hold progress).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from rom_tracker.rom.side_setup import NEUTRAL_BAND_DEG, NEUTRAL_SIGN
from rom_tracker.ui import theme

GAUGE_DEG = 90.0


def setup_state(side: str, yaw_deg: float, progress: float) -> tuple[str, str]:
    """(status, colour) of the set-up for ``side`` at face yaw ``yaw_deg`` (NaN: no face)
    and hold ``progress`` in [0, 1]: what the screen says to do next. Qt-free."""
    other = "right" if side == "left" else "left"
    if not math.isfinite(yaw_deg):
        return "No face seen: sit where the camera sees your face.", theme.MUTED
    away = NEUTRAL_SIGN[side] * yaw_deg
    lo, hi = NEUTRAL_BAND_DEG
    if away < lo:
        return f"Turn your chair further to your {other}.", theme.WARN
    if away > hi:
        return "Turn your chair a little back toward the camera.", theme.WARN
    if progress >= 1.0:
        return "Ready.", theme.GOOD
    return f"hold still… {100 * progress:.0f}%", theme.GOOD


class SideSetupView(QWidget):
    """``set_state(side, yaw_deg, progress)`` redraws it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side = "left"
        self.yaw_deg = math.nan
        self.progress = 0.0
        self.setMinimumSize(340, 360)

    def set_state(self, side: str, yaw_deg: float, progress: float) -> None:
        self.side, self.yaw_deg, self.progress = side, float(yaw_deg), float(progress)
        self.update()

    # ------------------------------------------------------------------ drawing

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w = float(self.width())
        self._picture(p, QRectF(0, 0, w, 222))
        self._gauge(p, QRectF(10, 232, w - 20, 120))
        p.end()

    def _picture(self, p: QPainter, r: QRectF) -> None:
        """Top-down: camera at the top; the person 45 degrees away from it; the turn."""
        ink = QColor(theme.TEXT)
        cam = QPointF(r.center().x(), r.top() + 22)
        p.setPen(QPen(ink, 1.5))
        p.setBrush(QColor(theme.PANEL_BORDER))
        p.drawRoundedRect(QRectF(cam.x() - 16, cam.y() - 10, 32, 20), 4, 4)
        p.drawEllipse(QPointF(cam.x(), cam.y() + 12), 6, 4)
        p.drawText(QRectF(cam.x() + 22, cam.y() - 10, 90, 20), "camera")
        person = QPointF(r.center().x(), r.top() + 112)
        # seen from above, the camera at the top: facing up is facing the camera, and the
        # person's right is screen right. Measuring the left, they face 45 degrees to their
        # right (clockwise), away from the camera, and turn left (anticlockwise) through it.
        facing = 45.0 if self.side == "left" else -45.0  # degrees from up, clockwise
        p.save()
        p.translate(person)
        p.rotate(facing)
        p.scale(1.15, 1.15)
        p.setBrush(QColor(theme.PANEL))
        p.drawRoundedRect(QRectF(-34, -10, 68, 52), 8, 8)  # the chair's seat
        p.drawRoundedRect(QRectF(-34, 36, 68, 12), 4, 4)  # its back
        p.setBrush(QColor(theme.ACCENT))
        p.drawEllipse(QRectF(-30, -2, 60, 22))  # shoulders
        p.setBrush(QColor("#f2d0b0"))
        p.drawEllipse(QPointF(0, 4), 14, 14)  # head
        p.drawPolygon(QPolygonF([QPointF(-5, -9), QPointF(0, -18), QPointF(5, -9)]))  # nose
        p.restore()
        # the measured turn: from facing, through the camera, 45 degrees past it
        arc = QPainterPath()
        radius = 68.0
        # Qt's arcs: degrees anticlockwise from 3 o'clock; up is 90
        start, span = (45.0, 90.0) if self.side == "left" else (135.0, -90.0)
        box = QRectF(person.x() - radius, person.y() - radius, 2 * radius, 2 * radius)
        arc.arcMoveTo(box, start)
        arc.arcTo(box, start, span)
        colour = QColor(theme.MODE_COLOURS["active"])
        p.setPen(QPen(colour, 3))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(arc)
        end = arc.currentPosition()
        tangent = arc.angleAtPercent(1.0)
        head = QPainterPath()
        head.moveTo(end)
        for turn in (150.0, -150.0):
            a = math.radians(tangent + turn)
            head.lineTo(end + QPointF(10 * math.cos(a), -10 * math.sin(a)))
            head.moveTo(end)
        p.drawPath(head)
        p.setPen(ink)
        font = QFont(p.font())
        font.setPointSizeF(9.5)
        p.setFont(font)
        p.drawText(
            QRectF(r.left(), r.bottom() - 34, r.width(), 34),
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            f"Your {self.side}: the chair 45° away from the camera; then turn the head "
            "through the camera (arrow)",
        )

    def _gauge(self, p: QPainter, r: QRectF) -> None:
        """The face's yaw to the camera, your right (left end) to your left, with the band."""
        bar = QRectF(r.left() + 10, r.top() + 30, r.width() - 20, 16)

        def x_of(yaw: float) -> float:  # our yaw > 0: your left, drawn to the right
            u = (max(-GAUGE_DEG, min(GAUGE_DEG, yaw)) + GAUGE_DEG) / (2 * GAUGE_DEG)
            return bar.left() + u * bar.width()

        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(theme.PANEL_BORDER))
        p.drawRoundedRect(bar, 5, 5)
        lo, hi = NEUTRAL_BAND_DEG
        sign = NEUTRAL_SIGN[self.side]
        a, b = sorted((x_of(sign * lo), x_of(sign * hi)))
        band = QColor(theme.GOOD)
        band.setAlpha(120)
        p.setBrush(band)
        p.drawRect(QRectF(a, bar.top(), b - a, bar.height()))
        p.setPen(QPen(QColor(theme.MUTED), 1))
        p.drawLine(QPointF(x_of(0.0), bar.top() - 6), QPointF(x_of(0.0), bar.bottom() + 6))
        small = QFont(p.font())
        small.setPointSizeF(9)
        p.setFont(small)
        p.setPen(QColor(theme.MUTED))
        under = QRectF(bar.left(), bar.bottom() + 4, bar.width(), 16)
        p.drawText(under, Qt.AlignmentFlag.AlignLeft, "90° your right")
        p.drawText(under, Qt.AlignmentFlag.AlignHCenter, "at the camera")
        p.drawText(under, Qt.AlignmentFlag.AlignRight, "90° your left")
        p.setPen(QColor(theme.TEXT))
        p.drawText(
            QRectF(r.left(), r.top(), r.width(), 22),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "Face angle to the camera (green: the target)",
        )
        if math.isfinite(self.yaw_deg):
            x = x_of(self.yaw_deg)
            p.setPen(QPen(QColor(theme.TEXT), 3))
            p.drawLine(QPointF(x, bar.top() - 8), QPointF(x, bar.bottom() + 8))
        status, colour = setup_state(self.side, self.yaw_deg, self.progress)
        reading = (
            f"{abs(self.yaw_deg):.0f}° to your {'left' if self.yaw_deg > 0 else 'right'}  ·  "
            if math.isfinite(self.yaw_deg)
            else ""
        )
        bold = QFont(p.font())
        bold.setPointSizeF(11)
        bold.setBold(True)
        p.setFont(bold)
        p.setPen(QColor(colour))
        p.drawText(
            QRectF(r.left(), bar.bottom() + 22, r.width(), 44),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            reading + status,
        )
