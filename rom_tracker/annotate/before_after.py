"""Two stored trials side by side (``rom-tracker compare A B --video OUT.mp4``).

Each half is its session's kept video (``record --keep-video``), measured and drawn as
``annotate`` draws it (:func:`rom_tracker.annotate.job.measure`), around its trial (1 s
either side of the trial's span). The halves are time-aligned on the trial's end of range:
the best hold's midpoint (effortless) or the best repetition's peak (active)
(:func:`end_range_s`); a half whose video has ended (or not begun) shows its nearest frame,
still. Above each half: which session, its date, the mode and the trial's value (``>=`` for
a lower bound); below both: the change and the person's MDC95 with the verdict of
``rom-tracker compare``.

The halves share one height (the smaller, at most ``MAX_HEIGHT``); the output's frame rate
is the faster input's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from rom_tracker.annotate import draw
from rom_tracker.annotate.job import (
    AnnotateSettings,
    Measured,
    TrialInfo,
    face_on_left,
    measure,
)
from rom_tracker.annotate.video_out import KEEP_BUDGET_BYTES, AtomicVideoWriter
from rom_tracker.media.capture import open_source
from rom_tracker.pipeline import ModelPaths

MAX_HEIGHT = 720
MARGIN_S = 1.0  # shown before the trial starts and after it ends


@dataclass(frozen=True)
class Half:
    """One side: the kept ``video``, the stored ``trial`` and the words above it."""

    video: Path
    trial: TrialInfo
    label: str


@dataclass(frozen=True)
class SideBySideResult:
    out: Path
    frames: int
    width: int
    height: int
    fps: float
    codec: str


def end_range_s(trial: TrialInfo) -> float:
    """When the trial reached its end of range (seconds of its recording): the middle of its
    best hold (effortless), the peak of its best repetition (active); the middle of the
    trial where neither was stored."""
    best = trial.detail.get("best")
    holds, reps = trial.detail.get("holds") or [], trial.detail.get("reps") or []
    if isinstance(best, int) and 0 <= best < len(holds):
        return (float(holds[best]["start_s"]) + float(holds[best]["end_s"])) / 2
    if isinstance(best, int) and 0 <= best < len(reps):
        return float(reps[best]["t_peak_s"])
    return (trial.started_s + trial.ended_s) / 2


def nearest_frame(t_s: np.ndarray, when_s: float) -> int:
    return int(np.argmin(np.abs(t_s - when_s))) if t_s.size else 0


@dataclass
class _Track:
    """A measured half and where it is in the shared timeline."""

    m: Measured
    peak: int  # frame index of the end of range
    first: int  # first and last frames of the window shown
    last: int
    right: bool  # the reading panel on the right (the face is on the left)

    @classmethod
    def of(cls, m: Measured, trial: TrialInfo) -> _Track:
        t = m.lm.t_s
        first = nearest_frame(t, trial.started_s - MARGIN_S)
        last = nearest_frame(t, trial.ended_s + MARGIN_S)
        peak = min(max(nearest_frame(t, end_range_s(trial)), first), last)
        return cls(m, peak, first, last, face_on_left(m.lm))

    def index(self, r_s: float) -> int:
        """The frame shown ``r_s`` seconds after the end of range (held at the ends)."""
        return min(max(self.peak + round(r_s * self.m.fps), 0), len(self.m.lm) - 1)


class _Cursor:
    """Frames of a measured video by index, in non-decreasing order, drawn on a copy."""

    def __init__(self, track: _Track) -> None:
        self.track = track
        self._frames: Iterator[np.ndarray] = track.m.frames.bgr_frames()
        self._i = -1
        self._img: np.ndarray | None = None

    def drawn(self, i: int) -> np.ndarray:
        while self._i < i:
            self._img = next(self._frames)
            self._i += 1
        assert self._img is not None
        img = self._img.copy()
        self.track.m.draw(img, i, self.track.right)
        return img


def _band(width: int, height: int, lines: list[tuple[str, str]], s: float) -> np.ndarray:
    """A dark band with ``lines`` of (text, colour) centred."""
    band = np.full((height, width, 3), 32, np.uint8)
    n = len(lines)
    for k, (text, colour) in enumerate(lines):
        scale = 0.62 * s
        (tw, th), _ = cv2.getTextSize(text, draw.FONT, scale, max(1, round(1.4 * s)))
        y = round(height * (k + 1) / (n + 1) + th / 2)
        cv2.putText(band, text, ((width - tw) // 2, y), draw.FONT, scale, draw.bgr(colour),
                    max(1, round(1.4 * s)), draw.LINE)  # fmt: skip
    return band


def _layout(tracks: list[_Track]) -> tuple[int, list[int]]:
    """The halves' shared height and each half's width (all even)."""
    height = min(MAX_HEIGHT, *(t.m.size[1] for t in tracks)) // 2 * 2
    widths = [round(t.m.size[0] * height / t.m.size[1] / 2) * 2 for t in tracks]
    return height, widths


def side_by_side(
    halves: tuple[Half, Half],
    strip: list[tuple[str, str]],
    out: Path,
    models: ModelPaths,
    settings: AnnotateSettings,
    *,
    on_step: Callable[[], None] | None = None,
) -> SideBySideResult:
    """Measure both halves' videos, then write them side by side to ``out`` (atomically);
    ``strip``: the lines (text, colour) of the bottom band."""
    tracks = []
    for half in halves:
        m = measure(
            open_source(str(half.video)),
            models,
            settings,
            trial=half.trial,
            on_step=on_step,
            budget=KEEP_BUDGET_BYTES // 2,
        )
        tracks.append(_Track.of(m, half.trial))
    fps = max(t.m.fps for t in tracks)
    before = max((t.peak - t.first) / t.m.fps for t in tracks)
    after = max((t.last - t.peak) / t.m.fps for t in tracks)
    n = round((before + after) * fps) + 1
    height, widths = _layout(tracks)
    s = max(height / 540.0, 0.6)
    head_h, strip_h = round(40 * s) // 2 * 2, round(30 * s * (len(strip) + 1)) // 2 * 2
    labels = [[(h.label, "#ffffff")] for h in halves]
    heads = [_band(w, head_h, lines, s) for w, lines in zip(widths, labels, strict=True)]
    bottom = _band(sum(widths), strip_h, strip, s)
    cursors = [_Cursor(t) for t in tracks]
    size = (sum(widths), head_h + height + strip_h)
    with AtomicVideoWriter(out, fps, size) as writer:
        for k in range(n):
            r = k / fps - before
            halves_img = [
                np.vstack([head, cv2.resize(c.drawn(c.track.index(r)), (w, height),
                                            interpolation=cv2.INTER_AREA)])
                for c, head, w in zip(cursors, heads, widths, strict=True)
            ]  # fmt: skip
            writer.write(np.vstack([np.hstack(halves_img), bottom]))
            if on_step is not None:
                on_step()
        writer.publish()
    return SideBySideResult(out, n, size[0], size[1], fps, writer.codec)


def steps(halves: tuple[Half, Half]) -> int:
    """About how many ``on_step`` calls :func:`side_by_side` makes (for a progress bar)."""
    total = 0
    for half in halves:
        source = open_source(str(half.video))
        total += max(source.info.frame_count, 0)
        length = half.trial.ended_s - half.trial.started_s + 2 * MARGIN_S
        fps = source.info.fps if math.isfinite(source.info.fps) else 30.0
        total += round(length * fps)
    return total
