"""Playback through the platform's own audio player, one clip at a time.

``paplay`` (PulseAudio or PipeWire's Pulse server), ``pw-play`` (PipeWire) or ``aplay``
(ALSA), whichever has a device to play on; each clip is written to a private temporary
WAV file and played by a child process, so nothing blocks the caller (the app's GUI
thread, the recording loop). ``stop`` ends the clip playing at once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from rom_tracker.speech.engine import Clip
from rom_tracker.speech.timeline import wav_bytes


def _pulse_socket() -> bool:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return bool(os.environ.get("PULSE_SERVER")) or (
        bool(runtime) and Path(runtime, "pulse", "native").exists()
    )


def _pipewire_socket() -> bool:
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return bool(runtime) and Path(runtime, "pipewire-0").exists()


def _alsa_card(cards: Path = Path("/proc/asound/cards")) -> bool:
    try:
        text = cards.read_text()
    except OSError:
        return False
    return bool(text.strip()) and "no soundcards" not in text


#: (program, options, whether it has somewhere to play), in order of preference
_PLAYERS = (
    ("paplay", (), _pulse_socket),
    ("pw-play", (), _pipewire_socket),
    ("aplay", ("-q",), _alsa_card),
)


class Player:
    """Plays clips with ``command`` (the program and its options; the file is appended)."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self._dir = tempfile.TemporaryDirectory(prefix="rom-tracker-speech-")
        self._proc: subprocess.Popen[bytes] | None = None
        self._n = 0

    @classmethod
    def find(cls) -> tuple[Player | None, str]:
        """A player with a device, or (None, why there is none: one line)."""
        found = []
        for program, options, has_device in _PLAYERS:
            path = shutil.which(program)
            if path is None:
                continue
            found.append(program)
            if has_device():
                return cls([path, *options]), ""
        if not found:
            return None, "no audio player found (paplay, pw-play or aplay)"
        return None, f"no sound device or server for {', '.join(found)}"

    def play(self, clip: Clip) -> None:
        """Stop what is playing and play ``clip``."""
        self.stop()
        self._n += 1
        path = Path(self._dir.name) / f"cue{self._n % 4}.wav"  # a few, reused
        path.write_bytes(wav_bytes(clip.pcm, clip.rate))
        self._proc = subprocess.Popen(
            [*self.command, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def playing(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()
