"""Text to speech with espeak-ng, called as a subprocess; tones for the "tones" setting.

espeak-ng is the engine chosen (docs/gui.md, "Sound": measured against Qt's QTextToSpeech,
pyttsx3 and pre-synthesised clips): it is local, small, fast (the first sample of a cue in
tens of milliseconds) and, called as a program, keeps its GPL licence out of this process.
Its ``--stdout`` output is a WAV stream (mono, 16 bit, 22,050 Hz) whose header gives no
length (it is written before the speech is), so the samples are taken after the ``data``
tag.

A clip is then **tightened**: its leading and trailing silence removed and every pause
inside it (between words, after a comma or a full stop) kept to at most ``MAX_PAUSE_S``.
Cues stay brisk, the sound starts when the cue is due, and a cue is one sound: a silence
longer than ``MAX_PAUSE_S`` only ever lies between two cues (the timeline keeps them at
least ``gap_s`` = 0.22 s apart), so the cues can be told apart and timed in the track.
"""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
from dataclasses import dataclass

import numpy as np

#: the programs tried, in order (``espeak`` is the older engine with the same options)
PROGRAMS = ("espeak-ng", "espeak")
RATES_WPM = (80, 450)  # what espeak-ng accepts
_TIMEOUT_S = 20.0
MAX_PAUSE_S = 0.14
SILENCE_RMS = 0.003  # about -50 dB of full scale over 10 ms: silence
_WINDOW_S = 0.01


@dataclass(frozen=True)
class Clip:
    """``pcm``: (N,) float32 in [-1, 1], mono, at ``rate`` samples per second."""

    pcm: np.ndarray
    rate: int

    def __post_init__(self) -> None:
        if self.pcm.ndim != 1 or self.pcm.dtype != np.float32:
            raise ValueError(f"pcm: expected (N,) float32, got {self.pcm.shape} {self.pcm.dtype}")
        if self.rate <= 0:
            raise ValueError(f"rate: expected > 0, got {self.rate}")

    @property
    def duration_s(self) -> float:
        return self.pcm.size / self.rate

    def int16(self) -> bytes:
        """The samples as 16-bit little-endian PCM."""
        return (np.clip(self.pcm, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


@dataclass(frozen=True)
class VoiceSettings:
    """``voice``: an espeak-ng voice name (``espeak-ng --voices``); ``rate_wpm``: words a
    minute (80-450; 160 is calm); ``volume``: 0-1 of full scale."""

    voice: str = "en-gb"
    rate_wpm: int = 160
    volume: float = 0.8

    def __post_init__(self) -> None:
        lo, hi = RATES_WPM
        if not lo <= self.rate_wpm <= hi:
            raise ValueError(f"rate_wpm: expected {lo}-{hi}, got {self.rate_wpm}")
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"volume: expected 0-1, got {self.volume}")
        if not self.voice or not all(c.isalnum() or c in "-_+" for c in self.voice):
            raise ValueError(f"voice: expected an espeak-ng voice name, got {self.voice!r}")


class SpeechError(RuntimeError):
    """The engine ran but gave no speech (a wrong voice name, a broken install)."""


class Espeak:
    """espeak-ng at ``program`` (a path)."""

    def __init__(self, program: str) -> None:
        self.program = program

    @classmethod
    def find(cls) -> Espeak | None:
        """The engine on PATH, or None (then the cues fall back to tones)."""
        for name in PROGRAMS:
            path = shutil.which(name)
            if path:
                return cls(path)
        return None

    def command(self, text: str, settings: VoiceSettings) -> list[str]:
        """The command line that writes ``text`` as a WAV stream to stdout. The text goes
        after ``--`` so a text starting with "-" is never read as an option."""
        return [
            self.program,
            "--stdout",
            "-v",
            settings.voice,
            "-s",
            str(settings.rate_wpm),
            "-a",
            "100",  # full scale here; the volume is applied to the samples
            "--",
            text,
        ]

    def synthesize(self, text: str, settings: VoiceSettings) -> Clip:
        """``text`` spoken, as a clip. SpeechError if espeak-ng fails or says nothing."""
        run = subprocess.run(
            self.command(text, settings), capture_output=True, timeout=_TIMEOUT_S, check=False
        )
        problem = run.stderr.decode(errors="replace").strip().splitlines()
        if run.returncode != 0 or problem:
            why = problem[0] if problem else f"exit code {run.returncode}"
            raise SpeechError(f"espeak-ng could not say {text[:40]!r}: {why}")
        clip = tighten(parse_wav_stream(run.stdout))
        return Clip((clip.pcm * settings.volume).astype(np.float32), clip.rate)

    def voices(self, language: str = "en") -> list[str]:
        """The voice names espeak-ng offers for ``language``."""
        run = subprocess.run(
            [self.program, f"--voices={language}"],
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
        names = [
            cols[1]
            for cols in (line.split() for line in run.stdout.splitlines()[1:])
            if len(cols) > 4 and not cols[4].startswith("mb/")  # MBROLA voices: extra packages
        ]
        return list(dict.fromkeys(names))


def parse_wav_stream(data: bytes) -> Clip:
    """A mono 16-bit PCM WAV as espeak-ng streams it (its sizes may be placeholders)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SpeechError("the engine's output is not a WAV stream")
    fmt = data.find(b"fmt ")
    at = data.find(b"data")
    if fmt < 0 or at < 0:
        raise SpeechError("the engine's WAV stream has no fmt or data chunk")
    _tag, channels, rate, _bps, _align, bits = struct.unpack("<HHIIHH", data[fmt + 8 : fmt + 24])
    if channels != 1 or bits != 16:
        raise SpeechError(f"expected mono 16-bit speech, got {channels} channels, {bits} bits")
    body = data[at + 8 :]
    samples = np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2")
    return Clip((samples / 32768.0).astype(np.float32), int(rate))


def tighten(clip: Clip, max_pause_s: float = MAX_PAUSE_S) -> Clip:
    """``clip`` without leading or trailing silence and with every inner pause (10 ms
    windows under ``SILENCE_RMS``) shortened to ``max_pause_s``."""
    n = max(1, round(_WINDOW_S * clip.rate))
    windows = clip.pcm.size // n
    if windows == 0:
        return clip
    rms = np.sqrt((clip.pcm[: windows * n].reshape(windows, n) ** 2).mean(axis=1))
    loud = np.flatnonzero(rms >= SILENCE_RMS)
    if loud.size == 0:
        return Clip(np.zeros(0, np.float32), clip.rate)
    keep = np.zeros(windows, dtype=bool)
    keep[loud[0] : loud[-1] + 1] = True
    longest = round(max_pause_s / _WINDOW_S)
    quiet = ~(rms >= SILENCE_RMS) & keep
    run = 0
    for i in range(loud[0], loud[-1] + 1):  # a few hundred windows a cue
        run = run + 1 if quiet[i] else 0
        if run > longest:
            keep[i] = False
    return Clip(clip.pcm[: windows * n].reshape(windows, n)[keep].reshape(-1), clip.rate)


def tone(
    freq_hz: float = 880.0, duration_s: float = 0.18, rate: int = 22050, volume: float = 0.8
) -> Clip:
    """A soft sine beep (10 ms fades, no click): the "tones" setting and the fallback."""
    n = max(1, round(duration_s * rate))
    t = np.arange(n) / rate
    ramp = min(n // 2, round(0.01 * rate))
    env = np.ones(n)
    if ramp:
        env[:ramp] = np.linspace(0.0, 1.0, ramp)
        env[-ramp:] = np.linspace(1.0, 0.0, ramp)
    pcm = 0.5 * volume * env * np.sin(2.0 * math.pi * freq_hz * t)
    return Clip(pcm.astype(np.float32), rate)
