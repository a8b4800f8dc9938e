"""Cues placed on the stream's time by one rule, so speech never talks over itself.

The rule (``CueTimeline.add``):

* A **step's text** is never delayed by a prompt and never waits for an older text: when
  it arrives while something is being said, that is cut short (faded out) at once and the
  step's text starts ``gap_s`` later; prompts still waiting are dropped. The screen has
  moved on to the new step, so the voice does too.
* A **prompt** ("Hold", a count-down number) waits for what is being said, ``gap_s``
  after it ends; a prompt that would start more than ``max_wait_s`` late is dropped (a
  late count-down misleads).

So no two segments overlap, and every segment is separated from the next by at least
``gap_s`` of silence. ``render`` gives the whole timeline as one PCM track (silence between
cues); ``write_wav`` saves it.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rom_tracker.files.outputs import atomic_write_bytes
from rom_tracker.speech.cues import STEP, Cue
from rom_tracker.speech.engine import Clip

FADE_S = 0.02  # a cut segment fades out over this, no click


@dataclass
class Segment:
    """A clip said from ``start_s`` to ``end_s`` (stream time; ``end_s`` is earlier than
    ``start_s + clip.duration_s`` when a step's text cut it short)."""

    cue: Cue
    clip: Clip
    start_s: float
    end_s: float

    @property
    def cut(self) -> bool:
        return self.end_s < self.start_s + self.clip.duration_s - 1e-9


class CueTimeline:
    """The segments said so far, by the module's rule."""

    def __init__(self, *, gap_s: float = 0.22, max_wait_s: float = 1.0) -> None:
        self.gap_s = float(gap_s)
        self.max_wait_s = float(max_wait_s)
        self.segments: list[Segment] = []
        self.dropped: list[Cue] = []

    def add(self, cue: Cue, clip: Clip) -> Segment | None:
        """Place ``cue`` (said as ``clip``); None when the rule drops it. Cues must come in
        time order."""
        t = cue.t_s
        if self.segments and t < self.segments[-1].cue.t_s:
            raise ValueError(f"cue at {t} s comes before the last one ({self.segments[-1].cue})")
        if cue.kind == STEP:
            while self.segments and self.segments[-1].start_s > t:  # waiting prompts
                self.dropped.append(self.segments.pop().cue)
            last = self.segments[-1] if self.segments else None
            start = t
            if last is not None and last.end_s > t - self.gap_s:
                last.end_s = min(last.end_s, t)  # cut short: the step moved on
                start = last.end_s + self.gap_s
        else:
            last = self.segments[-1] if self.segments else None
            start = t if last is None else max(t, last.end_s + self.gap_s)
            if start - t > self.max_wait_s:
                self.dropped.append(cue)
                return None
        segment = Segment(cue, clip, start, start + clip.duration_s)
        self.segments.append(segment)
        return segment

    def sounding(self, t_s: float) -> Segment | None:
        """The segment being said at ``t_s``, if any."""
        for s in reversed(self.segments):
            if s.start_s <= t_s < s.end_s:
                return s
        return None

    def render(self, duration_s: float, rate: int) -> np.ndarray:
        """The timeline from 0 to ``duration_s`` (at least to the last segment's end) as
        (N,) float32 PCM at ``rate``: the segments, cut ones faded, silence between."""
        end = max([duration_s, *(s.end_s for s in self.segments)])
        out = np.zeros(round(end * rate) + 1, dtype=np.float32)
        for s in self.segments:
            if s.clip.rate != rate:
                raise ValueError(f"a clip at {s.clip.rate} Hz in a {rate} Hz timeline")
            n = max(0, min(s.clip.pcm.size, round((s.end_s - s.start_s) * rate)))
            pcm = s.clip.pcm[:n].copy()
            if s.cut:
                fade = min(n, round(FADE_S * rate))
                if fade:
                    pcm[n - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
            i = round(s.start_s * rate)
            out[i : i + n] = pcm[: out.size - i]
        return out


def wav_bytes(pcm: np.ndarray, rate: int) -> bytes:
    """(N,) float32 PCM as a mono 16-bit WAV file."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(pcm, -1.0, 1.0) * 32767.0).astype("<i2").tobytes())
    return buf.getvalue()


def write_wav(path: Path, pcm: np.ndarray, rate: int) -> None:
    """Write the WAV atomically (a temp file beside it, then renamed): never half-written."""
    atomic_write_bytes(Path(path), wav_bytes(pcm, rate), mode=0o644)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A mono 16-bit WAV (as ``write_wav`` writes) as ((N,) float32, rate)."""
    with wave.open(str(path), "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected a mono 16-bit WAV")
        data = w.readframes(w.getnframes())
        return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0, w.getframerate()
