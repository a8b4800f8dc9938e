"""Charts as inline SVG text, drawn here in plain Python (no plotting library, nothing
fetched): the same colours and conventions as the app's Progress tab
(:mod:`rom_tracker.display.palette`): effortless green, active red; self-paced trials a solid line
with round markers, guided trials a dashed line with triangles; the MDC95 band a light
stripe of the mode's colour around the first session's value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape

import numpy as np

from rom_tracker.display.palette import MODE_COLOURS
from rom_tracker.rom.movements import MODES, MOVEMENTS
from rom_tracker.store.trends import MovementProgress

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 52, 18, 48, 36
LEGEND_Y = 32  # baseline row of the legend, under the title
INK, GRID, MUTED = "#1f2933", "#d5dbe1", "#5f6b76"


def nice_step(span: float, target: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 x 10^k) giving about ``target`` intervals over ``span``."""
    raw = max(span, 1e-9) / target
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def day_label(t: float, with_year: bool) -> str:
    d = datetime.fromtimestamp(t, UTC)
    return f"{d.day} {d:%b}" + (f" {d.year}" if with_year else "")


class _Frame:
    """Maps dates (POSIX s) and degrees to the chart's pixels."""

    def __init__(self, dates: Sequence[float], lo: float, hi: float) -> None:
        d0, d1 = (min(dates), max(dates)) if dates else (0.0, 1.0)
        pad = max((d1 - d0) * 0.06, 86400.0)
        self.x0, self.x1 = d0 - pad, d1 + pad
        self.lo, self.hi = lo, hi

    def x(self, t: float) -> float:
        return LEFT + (t - self.x0) / (self.x1 - self.x0) * (WIDTH - LEFT - RIGHT)

    def y(self, v: float) -> float:
        return TOP + (self.hi - v) / (self.hi - self.lo) * (HEIGHT - TOP - BOTTOM)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "up":  # a lower bound ("at least"): an open circle with an arrow up
        return (
            f'<g class="at-least" stroke="{colour}" stroke-width="2" fill="#fff">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5"/>'
            f'<path d="M{x:.1f},{y - 5:.1f} V{y - 17:.1f} M{x - 4:.1f},{y - 12.5:.1f} '
            f'L{x:.1f},{y - 17:.1f} L{x + 4:.1f},{y - 12.5:.1f}" fill="none"/></g>'
        )
    if kind == "t":
        pts = f"{x:.1f},{y - 6:.1f} {x - 5.5:.1f},{y + 4:.1f} {x + 5.5:.1f},{y + 4:.1f}"
        return f'<polygon points="{pts}" fill="{colour}" stroke="#000" stroke-width="0.8"/>'
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}" stroke="#000" '
        'stroke-width="0.8"/>'
    )


def _axes(f: _Frame, dates: Sequence[float], unit: str) -> list[str]:
    out = []
    step = nice_step(f.hi - f.lo)
    v = math.ceil(f.lo / step) * step
    while v <= f.hi + 1e-9:
        y = f.y(v)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="{1.4 if abs(v) < 1e-9 else 0.8}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>'
        )
        v += step
    days = sorted(set(dates))
    years = {datetime.fromtimestamp(t, UTC).year for t in days}
    shown = days if len(days) <= 8 else [days[round(i)] for i in np.linspace(0, len(days) - 1, 7)]
    for t in shown:
        x = f.x(t)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="{GRID}" '
            f'stroke-width="0.6"/><text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{day_label(t, len(years) > 1)}</text>'
        )
    out.append(
        f'<text x="14" y="{(TOP + HEIGHT - BOTTOM) / 2:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {(TOP + HEIGHT - BOTTOM) / 2:.0f})">{escape(unit)}</text>'
    )
    return out


def _svg(title: str, body: list[str], legend: list[tuple[str, str, str]], kind: str) -> str:
    items, x = (
        [f'<text x="{LEFT}" y="16" font-size="13" font-weight="700">{escape(title)}</text>'],
        float(LEFT),
    )
    for colour, dash_marker, text in legend:
        style, marker = dash_marker.split(":")
        dash = ' stroke-dasharray="6 4"' if style == "dash" else ""
        if style == "band":
            items.append(
                f'<rect x="{x}" y="{LEGEND_Y - 10}" width="22" height="12" fill="{colour}" '
                f'fill-opacity="0.2" '
                f'stroke="{colour}" stroke-opacity="0.5"/>'
            )
        elif style == "none":
            items.append(_marker(marker, x + 11, LEGEND_Y + 2, colour))
        else:
            items.append(
                f'<line x1="{x}" x2="{x + 22}" y1="{LEGEND_Y - 4}" y2="{LEGEND_Y - 4}" '
                f'stroke="{colour}" stroke-width="2.2"{dash}/>'
                + _marker(marker, x + 11, LEGEND_Y - 4, colour)
            )
        items.append(f'<text x="{x + 27}" y="{LEGEND_Y}">{escape(text)}</text>')
        x += 34 + 6.6 * len(text)
    return (
        f'<svg class="chart {kind}" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="11" fill="{INK}"><title>{escape(title)}</title>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>'
        + "".join(body)
        + "".join(items)
        + "</svg>"
    )


def progress_chart(d: MovementProgress, side: str) -> str:
    """Effortless and active values of one side over the sessions, with the MDC95 bands."""
    series = [(m, g, d.get(side, m, g)) for m in MODES for g in (False, True)]
    series = [(m, g, s) for m, g, s in series if s.values.size]
    dates = [float(t) for _, _, s in series for t in s.dates]
    tops = [float(np.max(s.values)) for _, _, s in series]
    bands = [
        (m, b)
        for m in MODES
        if (b := d.bands.get((side, m))) is not None and math.isfinite(b.mdc_deg)
    ]
    tops += [b.centre_deg + b.mdc_deg for _, b in bands]
    hi = max([10.0, *tops]) * 1.12
    f = _Frame(dates, 0.0, math.ceil(hi / nice_step(hi)) * nice_step(hi))
    body = _axes(f, dates, "degrees")
    legend = []
    for m, b in bands:
        c = MODE_COLOURS[m]
        y0, y1 = f.y(b.centre_deg + b.mdc_deg), f.y(max(b.centre_deg - b.mdc_deg, f.lo))
        body.append(
            f'<rect class="band" x="{LEFT}" y="{y0:.1f}" width="{WIDTH - LEFT - RIGHT}" '
            f'height="{y1 - y0:.1f}" fill="{c}" fill-opacity="0.16" stroke="{c}" '
            f'stroke-opacity="0.45" stroke-width="0.8"/>'
        )
    for m, guided, s in series:
        c = MODE_COLOURS[m]
        pts = " ".join(f"{f.x(t):.1f},{f.y(v):.1f}" for t, v in zip(s.dates, s.values, strict=True))
        dash = ' stroke-dasharray="7 5"' if guided else ""
        body.append(
            f'<polyline class="series {m}" points="{pts}" fill="none" stroke="{c}" '
            f'stroke-width="2.6"{dash}/>'
        )
        body += [
            _marker("up" if bound else "t" if guided else "o", f.x(t), f.y(v), c)
            for t, v, bound in zip(s.dates, s.values, s.at_least, strict=True)
        ]
        legend.append(
            (c, f"{'dash:t' if guided else 'line:o'}", m + (" (guided)" if guided else ""))
        )
    if any(s.at_least.any() for _, _, s in series):
        legend.append((INK, "none:up", "at least (a lower bound)"))
    if bands:
        legend.append(("#8a959f", "band:", "MDC95 band (noise)"))
    title = f"{MOVEMENTS[d.movement].title}, {side}"
    return _svg(title, body, legend, "progress")
