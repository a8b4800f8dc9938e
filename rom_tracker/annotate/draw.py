"""Drawing on a frame (OpenCV, in place, BGR): the landmarks the angles use, the measured
angle, a gauge and the trial's phase. Sizes scale with the frame's height, so a 480p and a
1080p video look alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from rom_tracker.display.overlay import Overlay
from rom_tracker.display.palette import ACCENT, BODY_COLOUR, FACE_COLOUR, MODE_COLOURS

FONT = cv2.FONT_HERSHEY_SIMPLEX
LINE = cv2.LINE_AA
PHASE_COLOURS = {
    "neutral": "#a9b1ba",
    "moving": ACCENT,
    "hold": MODE_COLOURS["effortless"],
    "peak": MODE_COLOURS["active"],
}


def bgr(hex_colour: str) -> tuple[int, int, int]:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return (b, g, r)


@dataclass(frozen=True)
class Gauge:
    """The main reading: ``title`` (e.g. "Neck rotation"), degrees ``lo``..``hi`` on the
    scale, and the words for the two directions of the sign (e.g. "left", "right")."""

    title: str
    lo: float
    hi: float
    positive: str = ""
    negative: str = ""
    target_deg: float = math.nan  # the trial's value, marked on the scale
    target_at_least: bool = False  # that value is only a lower bound: marked ">=" too

    def words(self, value: float) -> str:
        if not math.isfinite(value):
            return "not seen"
        side = self.positive if value >= 0 else self.negative
        shown = round(abs(value) if self.negative else value) + 0  # never "-0"
        return f"{shown} deg" + (f" {side}" if side else "")


def _text(
    img: np.ndarray, text: str, org: tuple[int, int], scale: float, *, colour: str, thick: int
) -> None:
    """Text on a darkened strip (every text here is on one: no outline needed)."""
    cv2.putText(img, text, org, FONT, scale, bgr(colour), thick, LINE)


def landmarks(img: np.ndarray, ov: Overlay, s: float, face: bool = True) -> None:
    w = max(1, round(2 * s))
    if face:
        for loop in ov.face_lines:
            cv2.polylines(img, [np.round(loop).astype(np.int32)], True, bgr(FACE_COLOUR), w, LINE)
        for x, y in ov.face_points:
            cv2.circle(img, (round(x), round(y)), round(4 * s), bgr(FACE_COLOUR), -1, LINE)
    for seg in ov.body_lines:
        (x0, y0), (x1, y1) = np.round(seg).astype(int)
        cv2.line(img, (x0, y0), (x1, y1), bgr(BODY_COLOUR), round(3 * s), LINE)
    for x, y in ov.body_points:
        cv2.circle(img, (round(x), round(y)), round(6 * s), bgr(BODY_COLOUR), -1, LINE)
        cv2.circle(img, (round(x), round(y)), round(6 * s), (0, 0, 0), max(1, round(s)), LINE)


def panel(
    img: np.ndarray,
    gauge: Gauge,
    value: float,
    phase: str,
    *,
    others: list[str],
    s: float,
    right: bool = False,
) -> None:
    """Top left (``right``: top right, away from the face): the reading in words, the
    phase, then the other angles."""
    pad = round(12 * s)
    big, small = 1.1 * s, 0.6 * s
    h = round((54 + 34 + 26 * len(others)) * s) + pad
    w = round(330 * s)
    x0, y0 = (img.shape[1] - w - pad if right else pad), pad
    roi = img[y0 : min(y0 + h, img.shape[0]), x0 : min(x0 + w, img.shape[1])]
    roi[:] = (roi * 0.45).astype(np.uint8)
    y = y0 + round(24 * s)
    _text(img, gauge.title, (x0 + pad, y), small, colour="#eceff1", thick=max(1, round(1.2 * s)))
    y += round(38 * s)
    _text(
        img, gauge.words(value), (x0 + pad, y), big, colour="#ffffff", thick=max(2, round(2.2 * s))
    )
    y += round(32 * s)
    colour = PHASE_COLOURS.get(phase, "#a9b1ba")
    chip = phase.upper()
    (tw, th), _ = cv2.getTextSize(chip, FONT, small, max(1, round(1.5 * s)))
    cv2.rectangle(img, (x0 + pad - 4, y - th - 6), (x0 + pad + tw + 6, y + 6), bgr(colour), -1)
    cv2.putText(img, chip, (x0 + pad, y), FONT, small, (20, 20, 20), max(1, round(1.5 * s)), LINE)
    for line in others:
        y += round(26 * s)
        _text(img, line, (x0 + pad, y), 0.55 * s, colour="#d5dbe1", thick=max(1, round(1.2 * s)))


def gauge_bar(img: np.ndarray, gauge: Gauge, value: float, s: float) -> None:
    """Bottom: a scale from ``lo`` to ``hi`` with 0 marked, a bar from 0 to the value and
    the trial's value as a tick."""
    hgt, wid = img.shape[:2]
    pad = round(24 * s)
    x0, x1 = pad, wid - pad
    yb = hgt - round(34 * s)
    bar_h = round(14 * s)

    def x(v: float) -> int:
        return round(x0 + (min(max(v, gauge.lo), gauge.hi) - gauge.lo) / (gauge.hi - gauge.lo)
                     * (x1 - x0))  # fmt: skip

    roi = img[yb - bar_h - round(8 * s) : min(hgt, yb + round(30 * s)), 0:wid]
    roi[:] = (roi * 0.45).astype(np.uint8)
    cv2.rectangle(img, (x0, yb - bar_h), (x1, yb), (70, 64, 58), -1)
    step = 30 if gauge.hi - gauge.lo > 120 else 15
    for v in range(int(math.ceil(gauge.lo / step) * step), int(gauge.hi) + 1, step):
        cv2.line(img, (x(v), yb), (x(v), yb + round(6 * s)), (200, 200, 200), max(1, round(s)))
        label = f"{abs(v) if gauge.negative else v}"
        (tw, _), _ = cv2.getTextSize(label, FONT, 0.42 * s, 1)
        _text(img, label, (x(v) - tw // 2, yb + round(22 * s)), 0.42 * s, colour="#d5dbe1", thick=1)
    if gauge.negative:
        _text(
            img,
            gauge.negative,
            (x0, yb - bar_h - round(12 * s)),
            0.45 * s,
            colour="#d5dbe1",
            thick=1,
        )
        (tw, _), _ = cv2.getTextSize(gauge.positive, FONT, 0.45 * s, 1)
        _text(
            img,
            gauge.positive,
            (x1 - tw, yb - bar_h - round(12 * s)),
            0.45 * s,
            colour="#d5dbe1",
            thick=1,
        )
    if math.isfinite(value):
        a, b = sorted((x(0.0), x(value)))
        cv2.rectangle(img, (a, yb - bar_h), (max(b, a + 1), yb), bgr(ACCENT), -1)
        cv2.line(img, (x(value), yb - bar_h - round(6 * s)), (x(value), yb + round(4 * s)),
                 (255, 255, 255), max(2, round(3 * s)), LINE)  # fmt: skip
    cv2.line(img, (x(0.0), yb - bar_h), (x(0.0), yb), (255, 255, 255), max(1, round(s)))
    if math.isfinite(gauge.target_deg):
        t = x(gauge.target_deg)
        cv2.line(img, (t, yb - bar_h - round(8 * s)), (t, yb + round(2 * s)),
                 bgr(MODE_COLOURS["active"]), max(2, round(3 * s)), LINE)  # fmt: skip
        if gauge.target_at_least:  # a bound: the turn went further than this
            _text(img, ">=", (t - round(9 * s), yb - bar_h - round(12 * s)), 0.45 * s,
                  colour=MODE_COLOURS["active"], thick=1)  # fmt: skip
