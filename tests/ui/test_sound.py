"""The guided view's sound (``ui/sound.py``): the screen is the same whether the cues are
silent or spoken, the voice says every step's text in order, the direction is on screen,
and a missing engine falls back to tones with one line saying so.

The voice test synthesises with espeak-ng (a failure on CI without it, a skip elsewhere);
playback goes to a recording stand-in for the platform's player.
"""

from __future__ import annotations

import itertools

import pytest
from ui_streams import fake_result

from rom_tracker.rom.movements import movement
from rom_tracker.rom.protocol import load_protocol
from rom_tracker.speech.engine import Clip
from rom_tracker.store import Store

pytestmark = pytest.mark.gui
FPS = 15.0


class RecordingPlayer:
    """Stands in for ``speech.player.Player``: keeps what it was asked to play."""

    def __init__(self) -> None:
        self.played: list[Clip] = []
        self.stops = 0

    def play(self, clip: Clip) -> None:
        self.played.append(clip)

    def stop(self) -> None:
        self.stops += 1

    @property
    def playing(self) -> bool:
        return False

    def close(self) -> None:
        pass


def angles_for(step: object, dt: float) -> dict[str, float]:
    """A person doing what ``step`` asks, ``dt`` seconds into it (still at neutral, a slow
    move to 30 deg and a hold, or out to 50 deg and back)."""
    out = {"neck_rotation_deg": 0.0, "head_pitch_deg": 0.0, "head_roll_deg": 0.0}
    out["head_yaw_deg"] = 0.0
    if getattr(step, "kind", "") != "measure":
        return out
    side = movement(step.movement).side(step.side)  # type: ignore[attr-defined]
    if step.mode == "effortless":  # type: ignore[attr-defined]
        value = 30.0 * min(1.0, dt / 2.0)
    else:
        value = 50.0 * max(0.0, 1.0 - abs(dt - 1.5) / 1.5)
    out[side.column] += side.sign * value
    return out


def run_micro_pause(qtbot, store: Store, mode: str) -> tuple[list[tuple], object]:
    """The neck Micro Pause in a GuidedView with sound ``mode``; what the screen showed
    after every batch of frames, and the view."""
    from rom_tracker.ui.flow import RESULTS, MeasureFlow, Plan
    from rom_tracker.ui.guided_view import GuidedView

    view = GuidedView(MeasureFlow(store), lambda: "alex")
    qtbot.addWidget(view)
    view.sound.set_mode(mode)
    view.spoken.player = RecordingPlayer()  # type: ignore[assignment]
    view.start(Plan("alex", protocol="neck_micro_pause"))
    shown: list[tuple] = []
    t, i, step_t0, index = 0.0, 0, 0.0, -1
    while view.flow.view.phase != RESULTS and t < 400.0:
        batch = []
        for _ in range(8):
            v = view.flow.view
            if v.step_index != index:
                index, step_t0 = v.step_index, t
            batch.append(fake_result(i, t, angles_for(v.step, t - step_t0)))
            t, i = t + 1.0 / FPS, i + 1
        view.add_results(batch)
        shown.append(
            (
                view.stack.currentIndex(),
                view.step_label.text(),
                view.cue.text(),
                view.direction.text(),
                view.countdown.text(),
                view.progress.value(),
                view.saved_label.text(),
            )
        )
    assert view.flow.view.phase == RESULTS
    return shown, view


def test_the_screen_is_the_same_silent_or_spoken_and_the_voice_says_every_step(
    qtbot, store: Store, espeak_engine: object
) -> None:
    silent, off_view = run_micro_pause(qtbot, store, "off")
    spoken, voice_view = run_micro_pause(qtbot, store, "voice")
    assert silent == spoken  # page, step, cue, direction, count-down, progress, saved
    assert off_view.spoken.guide is None and not off_view.spoken.player.played

    protocol = load_protocol("neck_micro_pause")
    finished = voice_view.spoken._finishing  # the run ended: its last cue may finish
    said = [s.cue.text for s in finished.timeline.segments if s.cue.kind == "step"]
    assert len(said) == len(protocol.steps)
    for text, step in zip(said, protocol.steps, strict=True):
        assert text.endswith(step.spoken)  # an "And slowly return." may come first
    assert "And slowly return." in " ".join(said)
    prompts = [s.cue.text for s in finished.timeline.segments if s.cue.kind == "prompt"]
    assert "Hold." in prompts and "one" in prompts
    assert len(voice_view.spoken.player.played) >= len(protocol.steps)
    spans = [(s.start_s, s.end_s) for s in finished.timeline.segments]
    assert all(b[0] > a[1] for a, b in itertools.pairwise(spans))

    directions = {row[3] for row in silent}
    assert {"Turn to your left", "Turn to your right", "Look up"} <= directions
    rotation_left = next(r for r in silent if "to the left only as far as is effortless" in r[2])
    assert rotation_left[3] == "Turn to your left"


def test_no_engine_means_tones_said_once_under_the_settings(
    qtbot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rom_tracker.ui.flow import MeasureFlow, Plan
    from rom_tracker.ui.guided_view import GuidedView

    monkeypatch.setattr("rom_tracker.speech.engine.Espeak.find", classmethod(lambda cls: None))
    view = GuidedView(MeasureFlow(store), lambda: "alex")
    qtbot.addWidget(view)
    view.sound.set_mode("voice")
    view.start(Plan("alex", protocol="neck_micro_pause"))
    assert view.sound.mode() == "tones" and view.spoken.guide is None
    note = view.sound.note.text()
    assert note.startswith("No speech engine (espeak-ng) found: the cues are tones")
    view.flow.cancel()
    view.sound.set_mode("voice")
    view.start(Plan("alex", protocol="neck_micro_pause"))
    assert view.sound.note.text().count("No speech engine") == 1
