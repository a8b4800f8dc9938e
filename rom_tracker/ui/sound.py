"""The sound of the guided steps: the settings row (off / tones / voice; voice, rate,
volume) and the spoken guide of one run, a thin Qt layer over
:class:`~rom_tracker.speech.guide.Guide` (Qt-free).

* ``off``: silent; the screen alone leads (the flow is the same in every setting).
* ``tones``: the system beep on a new step and at the end of a hold, as before.
* ``voice``: every step's spoken text, "Hold", the count-down and "and slowly return"
  (:mod:`rom_tracker.speech.cues`), synthesised by espeak-ng and played by the platform's
  player. Without espeak-ng: tones, said once in one line under the settings; without a
  sound device: said once likewise.

Settings are kept in QSettings: ``cues/sound``, ``cues/voice``, ``cues/rate``,
``cues/volume``; ``sound`` ("true"/"false", read by the tray for its notifications) stays
true when the cues make any sound. An older ``sound = true`` (the former "Sound cues"
box) reads as tones.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rom_tracker.rom.protocol import Event, Protocol
from rom_tracker.speech.cues import STEP, Cue
from rom_tracker.speech.engine import RATES_WPM, Espeak, VoiceSettings
from rom_tracker.speech.guide import OFF, TONES, VOICE, Guide
from rom_tracker.speech.player import Player
from rom_tracker.ui.live_view import label

MODES = ((OFF, "Off"), (TONES, "Tones"), (VOICE, "Voice"))
SAMPLE = "Turn slowly to your left. Hold. Two. One. And slowly return."
DEFAULT = VoiceSettings()


class SoundSettings(QWidget):
    """Sound: [Off | Tones | Voice]  voice [en-gb]  rate [160]  volume [----]  [Try]"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = Espeak.find()
        self.mode_box = QComboBox()
        for mode, text in MODES:
            self.mode_box.addItem(text, mode)
        self.voice = QComboBox()
        self.voice.setEditable(True)  # any espeak-ng voice name
        self.voice.addItem(DEFAULT.voice)
        self.rate = QSpinBox()
        self.rate.setRange(RATES_WPM[0], 300)
        self.rate.setSuffix(" words/min")
        self.rate.setValue(DEFAULT.rate_wpm)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setValue(round(100 * DEFAULT.volume))
        self.volume.setFixedWidth(110)
        self.try_button = QPushButton("Try")
        self.try_button.clicked.connect(self.try_voice)
        self.note = label("", "muted", wrap=True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label("Sound", "muted"))
        row.addWidget(self.mode_box)
        for w in (self.voice, self.rate, label("volume", "muted"), self.volume, self.try_button):
            row.addWidget(w)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.note)
        self._sample: Guide | None = None
        self.mode_box.currentIndexChanged.connect(self._mode_changed)
        self._mode_changed()

    def mode(self) -> str:
        return str(self.mode_box.currentData())

    def set_mode(self, mode: str) -> None:
        self.mode_box.setCurrentIndex(max(0, self.mode_box.findData(mode)))

    def voice_settings(self) -> VoiceSettings:
        try:
            return VoiceSettings(
                self.voice.currentText().strip(), self.rate.value(), self.volume.value() / 100
            )
        except ValueError:  # a voice name typed wrong: the default voice, same rate
            return VoiceSettings(DEFAULT.voice, self.rate.value(), self.volume.value() / 100)

    def _mode_changed(self) -> None:
        voice = self.mode() == VOICE
        for w in (self.voice, self.rate, self.volume, self.try_button):
            w.setEnabled(voice)
        if voice and self.voice.count() <= 1 and self.engine is not None:
            current = self.voice.currentText()
            self.voice.clear()
            self.voice.addItems(self.engine.voices("en") or [DEFAULT.voice])
            self.voice.setCurrentText(current)
        self.note.setText("")

    def say_notes(self, notes: Sequence[str]) -> None:
        """The guide's one-line notes (no engine, no sound device), shown once."""
        shown = self.note.text()
        new = [n for n in notes if n not in shown]
        if new:
            self.note.setText(
                " ".join(filter(None, [shown, *(n[0].upper() + n[1:] + "." for n in new)]))
            )

    def try_voice(self) -> None:
        """Say a sample with the chosen voice, rate and volume."""
        if self._sample is not None:
            self._sample.close()
        self._sample = Guide(VOICE, self.voice_settings())
        self.say_notes(self._sample.notes)
        if self._sample.player is not None:
            self._sample.player.play(self._sample.clip(Cue(0.0, SAMPLE, STEP, -1)))

    # ------------------------------------------------------------------ persistence

    def load(self, settings: QSettings) -> None:
        old = "tones" if settings.value("sound", "false") == "true" else OFF
        self.set_mode(str(settings.value("cues/sound", old)))
        self.voice.setCurrentText(str(settings.value("cues/voice", DEFAULT.voice)))
        self.rate.setValue(_int(settings.value("cues/rate"), DEFAULT.rate_wpm))
        self.volume.setValue(_int(settings.value("cues/volume"), round(100 * DEFAULT.volume)))
        self.note.setText("")

    def save(self, settings: QSettings) -> None:
        settings.setValue("cues/sound", self.mode())
        settings.setValue("cues/voice", self.voice.currentText().strip())
        settings.setValue("cues/rate", self.rate.value())
        settings.setValue("cues/volume", self.volume.value())
        settings.setValue("sound", "true" if self.mode() != OFF else "false")

    def close_sample(self) -> None:
        if self._sample is not None:
            self._sample.close()
            self._sample = None


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default


class SpokenRun:
    """The voice of one guided run: started with the run, fed the runner's events and the
    flow's clock, ended with it (the last cue may finish; a cancel stops it at once)."""

    def __init__(self, settings: SoundSettings, player: Player | None = None) -> None:
        self.settings = settings
        self.player = player  # None: the platform's (Player.find)
        self.guide: Guide | None = None
        self._finishing: Guide | None = None  # ended, its last cue left to finish

    def begin(self, protocol: Protocol | None) -> None:
        self.close_run()
        if protocol is None or self.settings.mode() != VOICE:
            return
        guide = Guide(VOICE, self.settings.voice_settings(), player=self.player)
        if guide.mode != VOICE:
            self.settings.set_mode(TONES)  # no engine: the beeps instead
        self.settings.say_notes(guide.notes)
        if guide.mode != VOICE or guide.player is None:
            guide.close()  # no engine, or nothing to play on
            return
        guide.prepare(s.spoken for s in protocol.steps)
        self.guide = guide

    def feed(self, events: Sequence[Event]) -> None:
        if self.guide is not None:
            self.guide.feed(events)

    def tick(self, t_s: float) -> None:
        if self.guide is not None:
            self.guide.tick(t_s)

    def end(self, *, stop: bool) -> None:
        """The run ended: ``stop`` (cancelled) silences the voice at once; else the last
        cue is left to finish (stopped with the next run or the window)."""
        guide, self.guide = self.guide, None
        if guide is None:
            return
        if stop:
            guide.close()
        else:
            self._finishing = guide

    def close_run(self) -> None:
        self.end(stop=True)
        finishing, self._finishing = self._finishing, None
        if finishing is not None:
            finishing.close()

    def close(self) -> None:
        self.close_run()
        self.settings.close_sample()


def beep_for(mode: str, kinds: Sequence[str]) -> None:
    """The tones setting: the system beep on a new step or a finished hold."""
    if mode == TONES and any(k in ("step", "hold_done") for k in kinds):
        QApplication.beep()
