"""The report as one self-contained HTML page: styles and SVG charts inline, no script, no
font, no image or link fetched from anywhere, so it reads the same with the network off,
on screen and on paper (a print stylesheet: A4 or Letter, a chart never cut across pages).
"""

from __future__ import annotations

import math
from html import escape

from rom_tracker.display.palette import MODE_COLOURS
from rom_tracker.report import frames
from rom_tracker.report.data import ReportData
from rom_tracker.report.svg import progress_chart
from rom_tracker.rom.movements import MODES, MOVEMENTS
from rom_tracker.store import CompareRow, Session

#: each movement in words a client can read; "0" is where the angle starts
PLAIN_WORDS = {
    "neck_rotation": "how far the head turns to the left or right, measured against the "
    "shoulders: 0 is facing straight ahead of the shoulders.",
    "neck_flexion": "flexion: how far the chin goes down toward the chest; extension: how "
    "far the head tilts back. 0 is the head upright, facing the camera's level.",
    "neck_lateral_flexion": "how far the head tilts sideways, ear toward the shoulder: 0 is "
    "the head upright.",
    "hip_flexion": "how far the thigh comes forward and up, against the line of the trunk: "
    "0 is the thigh in line with the trunk (standing straight).",
    "hip_extension": "how far the thigh goes behind the line of the trunk (as in a lunge).",
    "hip_abduction": "how far the leg moves out to the side, away from the middle of the body.",
    "posture": "the forward tilt of the head while sitting as usual at work.",
}

CSS = f"""
:root {{ --ink: #1f2933; --muted: #5f6b76; --line: #d5dbe1; }}
* {{ box-sizing: border-box; }}
body {{ font: 11pt/1.45 Helvetica, Arial, sans-serif; color: var(--ink); margin: 0 auto;
  max-width: 190mm; padding: 12mm 8mm; background: #fff; }}
h1 {{ font-size: 19pt; margin: 0 0 2mm; }}
h2 {{ font-size: 14pt; margin: 8mm 0 2mm; border-bottom: 2px solid var(--line);
  padding-bottom: 1mm; break-after: avoid; page-break-after: avoid; }}
h3 {{ font-size: 12pt; margin: 5mm 0 1mm; break-after: avoid; page-break-after: avoid; }}
p.lead {{ color: var(--muted); margin: 0 0 4mm; }}
.muted, figcaption {{ color: var(--muted); font-size: 9.5pt; }}
table {{ border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; font-size: 10pt; }}
th, td {{ border-bottom: 1px solid var(--line); padding: 1.2mm 2mm; text-align: left;
  vertical-align: top; }}
th {{ background: #f1f4f6; }}
td.mode, td.verdict {{ white-space: nowrap; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
tr {{ break-inside: avoid; page-break-inside: avoid; }}
thead {{ display: table-header-group; }}
figure {{ margin: 2mm 0 4mm; break-inside: avoid; page-break-inside: avoid; }}
figure svg {{ width: 100%; height: auto; display: block; border: 1px solid var(--line); }}
.real-up {{ color: #1d7a35; font-weight: 700; }}
.real-down {{ color: #b3243b; font-weight: 700; }}
.noise {{ color: var(--muted); }}
.swatch {{ display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%;
  vertical-align: -0.05em; }}
.eff {{ background: {MODE_COLOURS["effortless"]}; }}
.act {{ background: {MODE_COLOURS["active"]}; }}
code {{ font-size: 9pt; word-break: break-all; }}
dl {{ display: grid; grid-template-columns: max-content 1fr; gap: 1mm 4mm; margin: 2mm 0; }}
dt {{ font-weight: 700; }} dd {{ margin: 0; }}
.block {{ break-inside: avoid; page-break-inside: avoid; }}
@media print {{
  body {{ max-width: none; padding: 0; font-size: 10pt; }}
  h2 {{ margin-top: 5mm; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
"""


def _deg(v: float, signed: bool = False, at_least: bool = False) -> str:
    """``57.0°``, ``+3.0°`` (signed), ``≥ 57.0°`` (a lower bound), ``–`` for NaN."""
    if not math.isfinite(v):
        return "–"
    text = f"{v:+.1f}°" if signed else f"{v:.1f}°"
    return f"≥\u00a0{text}" if at_least else text


def _day(session: Session) -> str:
    return session.started_at[:10]


def _mark(row: CompareRow) -> str:
    """The verdict on a change: real (beyond MDC95) and its direction, or noise; with a
    bound, real only where provable, else why it cannot be judged."""
    if (row.a_at_least or row.b_at_least) and row.exceeds_mdc is None:
        return f'<span class="noise">{escape(row.verdict)}</span>'
    if row.exceeds_mdc is None:
        return '<span class="noise">MDC unknown</span>'
    if not row.exceeds_mdc:
        return '<span class="noise">within noise</span>'
    if row.change_deg > 0:
        return '<span class="real-up">▲ real gain</span>'
    return '<span class="real-down">▼ real loss</span>'


def _calibration(value: object) -> str:
    """A session's calibration in words: its values (e.g. the neutral head angles captured
    at the start of a guided session), numbers rounded."""
    if isinstance(value, dict):
        parts = [
            f"{k.removesuffix('_deg').replace('_', ' ')} {v:.1f}°"
            if isinstance(v, int | float)
            else f"{k.replace('_', ' ')} {v}"
            for k, v in value.items()
        ]
        return "calibration: " + escape(", ".join(parts)[:300])
    return "calibration: " + escape(str(value)[:300])


def _header(d: ReportData, paper: str) -> str:
    s0, s1 = d.sessions[0], d.sessions[-1]
    protocols = sorted({s.protocol or "self-paced (no protocol)" for s in d.sessions})
    cams = sorted(
        {
            "default webcam geometry (no calibration file)"
            if s.calibration is None
            else _calibration(s.calibration)
            for s in d.sessions
        }
    )
    versions = sorted({s.package_version for s in d.sessions})
    models = "".join(
        f"<li>{escape(name)} <code>{escape(sha)}</code></li>"
        for name, sha in sorted(d.models.items())
    )
    span = _day(s0) if s0 is s1 else f"{_day(s0)} to {_day(s1)}"
    return f"""
<h1>Range of motion report: {escape(d.profile.name)}</h1>
<p class="lead">{len(d.sessions)} session{"s" if len(d.sessions) != 1 else ""}, {span}
(UTC). Made {d.generated_at} by rom-tracker {escape(d.version)}, on this computer:
nothing was sent anywhere.</p>
<dl class="block">
<dt>Sessions</dt><dd>{", ".join(f"#{s.id} ({_day(s)})" for s in d.sessions)}</dd>
<dt>Protocols</dt><dd>{escape(", ".join(protocols))}</dd>
<dt>Camera</dt><dd>{"; ".join(cams)}</dd>
<dt>Measured with</dt><dd>rom-tracker {escape(", ".join(versions))}; MediaPipe models
(name and SHA-256 of the file):<ul>{models or "<li>not recorded</li>"}</ul></dd>
</dl>
<style>@page {{ size: {paper}; margin: 14mm 12mm; }}</style>"""


def _change(row: CompareRow) -> str:
    if row.a_at_least:
        return "?"  # from a lower bound, a change is not a number
    return _deg(row.change_deg, True, at_least=row.b_at_least)


def _compare(d: ReportData) -> str:
    if not d.rows:
        return (
            f"<h2>Before and after</h2><p>Only one session (#{d.before.id}): nothing to "
            "compare yet.</p>"
        )
    body = "".join(
        f"<tr><td>{escape(MOVEMENTS[r.movement].title)}</td><td>{escape(r.side)}</td>"
        f'<td class="mode"><span class="swatch {r.mode[:3]}"></span> {r.mode}</td>'
        f'<td class="num">{_deg(r.a_deg, at_least=r.a_at_least)}</td>'
        f'<td class="num">{_deg(r.b_deg, at_least=r.b_at_least)}</td>'
        f'<td class="num">{_change(r)}</td><td class="num">{_deg(r.mdc95_deg)}</td>'
        f'<td class="verdict">{_mark(r)}</td></tr>'
        for r in d.rows
    )
    return f"""
<h2>Before and after</h2>
<p>Session #{d.before.id} ({_day(d.before)}) against session #{d.after.id}
({_day(d.after)}), in degrees. A change counts as <b>real</b> only when it is larger than
the person's own measurement noise, the MDC95 (minimal detectable change, 95 %: 1.96 × √2
× the spread of their repeated measurements): <span class="real-up">▲ real gain</span>
(more range), <span class="real-down">▼ real loss</span> (less range); a change
<span class="noise">within noise</span> may be measurement noise alone. A value marked
<b>≥</b> is only a lower bound: the head turned beyond what the camera reads reliably from
the front (measure that side with the side set-up); a change with a bound is called real
only when it is provable (the "after" bound above a measured "before" by more than the
MDC95), otherwise the verdict says it cannot be judged.</p>
<table><thead><tr><th>Movement</th><th>Side</th><th>Mode</th><th class="num">Before</th>
<th class="num">After</th><th class="num">Change</th><th class="num">MDC95</th>
<th>Verdict</th></tr></thead><tbody>{body}</tbody></table>"""


def _gaps(d: ReportData, movement: str) -> str:
    mp = next(m for m in d.movements if m.movement == movement)
    cols: list[tuple[str, dict[int, float]]] = []
    for mode in MODES:
        s = mp.asymmetry.get(mode)
        if s is not None:
            cols.append((f"left − right, {mode}", dict(zip(s.session_ids, s.values, strict=True))))
    for side in mp.sides:
        s = mp.effort_gap.get(side)
        if s is not None:
            cols.append((f"effort gap, {side}", dict(zip(s.session_ids, s.values, strict=True))))
    if not cols:
        return ""
    head = "".join(f'<th class="num">{escape(c)}</th>' for c, _ in cols)
    rows = "".join(
        f"<tr><td>#{s.id} ({_day(s)})</td>"
        + "".join(f'<td class="num">{_deg(v.get(s.id, math.nan), True)}</td>' for _, v in cols)
        + "</tr>"
        for s in d.sessions
    )
    return (
        '<div class="block"><h3>Asymmetry and effort gap per session</h3>'
        '<p class="muted">Left − right: positive when the left side goes further. Effort gap: '
        "active − effortless, what pushing adds to the relaxed range.</p>"
        f"<table><thead><tr><th>Session</th>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _movements(d: ReportData) -> str:
    out = [
        "<h2>Range per session</h2><p>Each point is a session's value (the mean of its "
        'trials), in degrees. <span class="swatch eff"></span> effortless (relaxed, held '
        'still) and <span class="swatch act"></span> active (the furthest you can push); '
        "solid line and dots: self-paced, dashed line and triangles: guided by the app. The "
        "light band is the MDC95 around the first session: points inside it have not "
        "changed beyond measurement noise. An open circle with an arrow up is a value that "
        "is only a lower bound (at least): the turn went beyond what the camera reads "
        "reliably.</p>"
    ]
    for mp in d.movements:
        title = MOVEMENTS[mp.movement].title
        out.append(f"<h3>{escape(title)}</h3>")
        for side in mp.sides:
            bands = [
                f"{mode} ±{b.mdc_deg:.1f}° ({b.source})"
                for mode in MODES
                if (b := mp.bands.get((side, mode))) is not None
            ]
            band = "MDC95: " + ", ".join(bands) if bands else "MDC95 not known yet"
            out.append(
                f"<figure>{progress_chart(mp, side)}<figcaption>{escape(title)}, "
                f"{escape(side)}. {band}.</figcaption></figure>"
            )
        out.append(_gaps(d, mp.movement))
    return "".join(out)


def _accuracy(d: ReportData) -> str:
    words = "".join(
        f"<dt>{escape(MOVEMENTS[m.movement].title)}</dt><dd>{escape(PLAIN_WORDS[m.movement])}</dd>"
        for m in d.movements
        if m.movement in PLAIN_WORDS
    )
    acc = d.accuracy
    if acc is None:
        figures = (
            "<p>The accuracy figures are in <code>docs/accuracy.md</code> of rom-tracker "
            "(not found beside this installation).</p>"
        )
    else:
        shares = any(math.isfinite(b.reading_share) for b in acc.head_yaw)
        rows = "".join(
            f"<tr><td>{escape(b.band)}°</td><td class='num'>{b.photos}</td>"
            f"<td class='num'>{'not measured' if not math.isfinite(b.mae_deg) else _deg(b.mae_deg)}"
            "</td>"
            + (
                f"<td class='num'>{b.reading_share:.0%}</td>"
                if math.isfinite(b.reading_share)
                else ("<td class='num'>-</td>" if shares else "")
            )
            + "</tr>"
            for b in acc.head_yaw
        )
        share_head = '<th class="num">Photos with a reading</th>' if shares else ""
        many = sum(b.photos for b in acc.head_yaw) >= 100
        caveat = (
            "Measured on real photos of people the method was not tuned on (cross-validated). "
            "Where the face is turned too far for the camera to see it, there is no reading "
            "rather than a guess: the end of a full neck turn is often not measured, or "
            "under-estimated."
            if many
            else "Few photos per band: treat them as a guide to size, not a guarantee."
        )
        hip = (
            f"<p>Hip flexion, compared with a four-camera reference on a recorded movement: "
            f"typical error {_deg(acc.hip_flexion_rmse_deg)} (RMSE).</p>"
            if math.isfinite(acc.hip_flexion_rmse_deg)
            and any(MOVEMENTS[m.movement].needs == "hip" for m in d.movements)
            else ""
        )
        figures = f"""
<p>Head turn (yaw) measured on photos whose true angle is known: the average error grows
as the head turns further from the camera.</p>
<table><thead><tr><th>Head turned from the camera</th><th class="num">Photos</th>
<th class="num">Average error</th>{share_head}</tr></thead><tbody>{rows}</tbody></table>{hip}
<p class="muted">Figures from rom-tracker's docs/accuracy.md. {caveat}</p>"""
    return f"""
<h2>How to read these numbers</h2>
<div class="block"><p>Angles come from a webcam video: MediaPipe finds the face and body
landmarks in every frame and rom-tracker turns them into angles. <b>Effortless</b> is the
range you hold still, relaxed; <b>active</b> is the furthest point you reach with effort.
A value is always the range in the direction of the movement (a turn of 30° to the left and
one of 30° to the right are both 30).</p><dl>{words}</dl></div>
<div class="block"><h3>How accurate it is</h3>{figures}
<p>So a change of one or two degrees is not progress: only a change beyond the MDC95 in
the table above is.</p></div>"""


def _minutes(m: float) -> str:
    total = round(m)
    return f"{total // 60} h {total % 60:02d}" if total >= 60 else f"{total} min"


def _posture(d: ReportData) -> str:
    """The posture monitor's days (only where it was used): sitting, good posture, breaks."""
    if not d.posture:
        return ""
    rows = "".join(
        f"<tr><td>{escape(day.day)}</td><td class='num'>{_minutes(day.monitored_min)}</td>"
        f"<td class='num'>{_minutes(day.sitting_min)}</td>"
        f"<td class='num'>{day.good_share:.0%}</td>"
        f"<td class='num'>{_minutes(day.head_down_min)}</td>"
        f"<td class='num'>{_minutes(day.head_forward_min)}</td>"
        f"<td class='num'>{day.breaks}</td><td class='num'>{day.micro_pauses}</td></tr>"
        if day.monitored_min > 0
        else f"<tr class='muted'><td>{escape(day.day)}</td><td colspan='7'>not monitored</td></tr>"
        for day in d.posture
    )
    return f"""
<h2>Posture at the desk</h2>
<div class="block"><p>From the posture monitor, the last {len(d.posture)} days up to
{escape(d.posture[-1].day)}: minutes summed on this computer, never pictures. Good
posture is measured against the person's own calibration (head not dropped, not pushed
forward).</p>
<table><thead><tr><th>Day</th><th class="num">Monitored</th><th class="num">Sitting</th>
<th class="num">Good posture</th><th class="num">Head down</th>
<th class="num">Head forward</th><th class="num">Breaks</th>
<th class="num">Micro Pauses</th></tr></thead><tbody>{rows}</tbody></table></div>"""


def render(d: ReportData, paper: str = "A4") -> str:
    """The whole page; ``paper``: "A4" or "letter" (the print page size)."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Range of motion report: {escape(d.profile.name)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}{frames.CSS}</style></head><body>"
        + _header(d, paper)
        + _compare(d)
        + frames.frames_section(d.frames)
        + _movements(d)
        + _posture(d)
        + _accuracy(d)
        + "</body></html>\n"
    )
