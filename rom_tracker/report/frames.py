"""The report's end-range frames: per movement, side and mode, the before and after
trials' frame at the end of their range with the angle drawn, side by side, as small JPEGs
inline (``data:`` URIs: the report stays one file), and with ``--clips`` a few seconds of
annotated H.264 around it as inline ``<video>`` elements.

The frames are made by :mod:`rom_tracker.annotate.stills` (the report cannot import the
annotate floor beside it; the command line hands them in). An ``<img>`` with a ``data:``
URI fetches nothing: the report still reads the same with the network off.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape
from typing import Protocol

from rom_tracker.rom.movements import MOVEMENTS


class EndRangeFrame(Protocol):
    """One trial's end of range: its words, a JPEG and maybe an H.264 clip (MP4 bytes;
    empty: none)."""

    @property
    def label(self) -> str: ...  # e.g. "Before: session 3, 2026-10-01, effortless, 25.9 deg"
    @property
    def jpeg(self) -> bytes: ...
    @property
    def clip(self) -> bytes: ...


class EndRangePair(Protocol):
    @property
    def movement(self) -> str: ...
    @property
    def side(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def before(self) -> EndRangeFrame: ...
    @property
    def after(self) -> EndRangeFrame: ...


class EndRangeFrames(Protocol):
    """What the report shows of the kept videos (made by
    :class:`rom_tracker.annotate.stills.Stills`, which has this shape): the pairs, the rows
    left without (no kept video: a sentence each), and whether faces were hidden."""

    @property
    def pairs(self) -> Sequence[EndRangePair]: ...
    @property
    def missing(self) -> Sequence[str]: ...
    @property
    def faces_hidden(self) -> bool: ...


def size_bytes(frames: EndRangeFrames) -> int:
    """The pictures' and clips' bytes (before base64)."""
    return sum(len(f.jpeg) + len(f.clip) for p in frames.pairs for f in (p.before, p.after))


def _uri(kind: str, data: bytes) -> str:
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _figure(f: EndRangeFrame) -> str:
    clip = (
        f'<video class="clip" src="{_uri("video/mp4", f.clip)}" controls muted loop '
        'playsinline preload="metadata"></video>'
        if f.clip
        else ""
    )
    return (
        f'<figure class="still"><img src="{_uri("image/jpeg", f.jpeg)}" '
        f'alt="{escape(f.label)}">{clip}<figcaption>{escape(f.label)}</figcaption></figure>'
    )


def frames_section(frames: EndRangeFrames | None) -> str:
    """The section's HTML, or "" when no trial of the two sessions has a kept video."""
    if frames is None or not (frames.pairs or frames.missing):
        return ""
    faces = (
        "Faces are hidden (pixelated) in these pictures."
        if frames.faces_hidden
        else "Faces are shown (the report was made with --show-faces)."
    )
    body = "".join(
        f'<div class="pair block"><h3>{escape(MOVEMENTS[p.movement].title)}, {escape(p.side)}, '
        f"{escape(p.mode)}</h3>{_figure(p.before)}{_figure(p.after)}</div>"
        for p in frames.pairs
    )
    missing = (
        f'<p class="muted">Without a kept video: {escape("; ".join(frames.missing))}. Keep '
        "the video when recording (<code>rom-tracker record --keep-video PATH.mp4</code>, or "
        "the app's \u201cKeep the video\u201d) to see it here.</p>"
        if frames.missing
        else ""
    )
    return f"""
<h2>End of range, before and after</h2>
<p>The moment each trial reached its end of range (the middle of its best hold, or the
peak of its best repetition), from the video kept with the session, with the measured
angle drawn. {faces}</p>{body}{missing}"""


CSS = """
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; margin-bottom: 3mm; }
.pair h3 { grid-column: 1 / -1; margin: 2mm 0 0; }
figure.still { margin: 0; }
figure.still img, figure.still video { width: 100%; height: auto; display: block;
  border: 1px solid var(--line); }
figure.still video { margin-top: 1mm; }
@media print { figure.still video { display: none; } }
"""
