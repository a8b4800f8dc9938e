"""The spoken guide: the runner's events in, sound out (played live, kept as one track).

``Guide(mode)`` with mode ``off``, ``tones`` or ``voice``. Feed it the runner's events
(``feed``) and the stream's clock (``tick``, every frame): it plans the cues
(:mod:`~rom_tracker.speech.cues`), synthesises them (espeak-ng; a clip per distinct text,
kept), places them by the non-overlap rule (:mod:`~rom_tracker.speech.timeline`) and plays
the one due now (:mod:`~rom_tracker.speech.player`). ``track`` gives everything said as one
PCM track on the stream's time, for ``--speech-out``.

Without espeak-ng the voice falls back to tones; without a sound device nothing is
played but the track is still made. Each is said once, in one line, in ``notes``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence

import numpy as np

from rom_tracker.rom.protocol import Event
from rom_tracker.speech.cues import STEP, Cue, CuePlanner
from rom_tracker.speech.engine import Clip, Espeak, SpeechError, VoiceSettings, tone
from rom_tracker.speech.player import Player
from rom_tracker.speech.timeline import CueTimeline, Segment

log = logging.getLogger(__name__)

OFF, TONES, VOICE = "off", "tones", "voice"
SOUND_MODES = (OFF, TONES, VOICE)
RATE = 22050  # espeak-ng's rate; tones are made at it too
_STEP_TONE, _PROMPT_TONE = 880.0, 660.0

NO_ENGINE = (
    "no speech engine (espeak-ng) found: the cues are tones "
    "(install espeak-ng, e.g. apt install espeak-ng, for a voice)"
)


class Guide:
    """Spoken (or toned) cues for one guided run; see the module's docstring."""

    def __init__(
        self,
        mode: str,
        settings: VoiceSettings | None = None,
        *,
        engine: Espeak | None = None,
        player: Player | None = None,
        play: bool = True,
    ) -> None:
        if mode not in SOUND_MODES:
            raise ValueError(f"mode: expected one of {', '.join(SOUND_MODES)}, got {mode!r}")
        self.settings = settings or VoiceSettings()
        self.notes: list[str] = []
        self.engine = engine if engine is not None else Espeak.find() if mode == VOICE else None
        if mode == VOICE and self.engine is None:
            mode = TONES
            self.notes.append(NO_ENGINE)
        self.mode = mode
        self.player = player
        if play and mode != OFF and player is None:
            self.player, why = Player.find()
            if self.player is None:
                self.notes.append(f"nothing can be played: {why}")
        self.planner = CuePlanner()
        self.timeline = CueTimeline()
        self._clips: dict[str, Clip] = {}
        self._lock = threading.Lock()
        self._playing: Segment | None = None
        self._told = 0  # notes already handed out by new_notes

    def new_notes(self) -> list[str]:
        """The notes not handed out before (each is said once)."""
        new, self._told = self.notes[self._told :], len(self.notes)
        return new

    # ------------------------------------------------------------------ synthesis

    def clip(self, cue: Cue) -> Clip:
        """The sound of ``cue``: its speech (kept per text), or a tone."""
        if self.mode == TONES or self.engine is None:
            return tone(_STEP_TONE if cue.kind == STEP else _PROMPT_TONE, rate=RATE)
        with self._lock:
            known = self._clips.get(cue.text)
        if known is not None:
            return known
        try:
            made = self.engine.synthesize(cue.text, self.settings)
        except (SpeechError, OSError) as exc:  # said once; tones from now on
            self.notes.append(f"{exc}: the cues are tones from now on")
            self.mode = TONES
            return self.clip(cue)
        if made.rate != RATE:  # another espeak build: resampled to the track's rate
            n = round(made.pcm.size * RATE / made.rate)
            x = np.linspace(0.0, made.pcm.size - 1, n)
            made = Clip(np.interp(x, np.arange(made.pcm.size), made.pcm).astype(np.float32), RATE)
        with self._lock:
            self._clips[cue.text] = made
        return made

    def prepare(self, texts: Iterable[str]) -> threading.Thread | None:
        """Synthesise ``texts`` (a protocol's step texts) in a background thread, so the
        first cue of each step is ready when it is due."""
        if self.mode != VOICE or self.engine is None:
            return None
        todo = list(dict.fromkeys(texts))

        def work() -> None:
            for text in todo:
                try:
                    self.clip(Cue(0.0, text, STEP, -1))
                except Exception:
                    log.debug("prefetch of %r failed", text, exc_info=True)

        thread = threading.Thread(target=work, name="speech-prepare", daemon=True)
        thread.start()
        return thread

    # ------------------------------------------------------------------ driving

    def feed(self, events: Sequence[Event]) -> list[Segment]:
        """The runner's events: the segments they add to the timeline."""
        if self.mode == OFF:
            return []
        placed = []
        for cue in self.planner.plan(events):
            segment = self.timeline.add(cue, self.clip(cue))
            if segment is not None:
                placed.append(segment)
        return placed

    def tick(self, t_s: float) -> None:
        """The stream's clock: start the segment due at ``t_s``, stop one cut short."""
        if self.player is None:
            return
        due = self.timeline.sounding(t_s)
        if due is self._playing:
            return
        if due is None:
            if self._playing is not None and self._playing.cut:
                self.player.stop()
        else:
            self.player.play(due.clip)
        self._playing = due

    def track(self, duration_s: float) -> np.ndarray:
        """Everything said, from 0 to ``duration_s`` of the stream, as (N,) float32 PCM at
        ``RATE`` (silence between cues)."""
        return self.timeline.render(duration_s, RATE)

    def close(self) -> None:
        if self.player is not None:
            self.player.close()
