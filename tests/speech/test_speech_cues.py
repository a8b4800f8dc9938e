"""What is said when (``speech.cues``), the non-overlap rule (``speech.timeline``) and the
guide that ties them (``speech.guide``), with tones and scripted events: no engine needed."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from rom_tracker.rom.protocol import (
    HOLD_PROGRESS,
    PROTOCOL_DONE,
    STEP_DONE,
    STEP_STARTED,
    Event,
    ProtocolRunner,
    Step,
    load_protocol,
)
from rom_tracker.speech.cues import HOLD, PROMPT, RETURN, STEP, Cue, CuePlanner, direction
from rom_tracker.speech.engine import Clip, tone
from rom_tracker.speech.guide import NO_ENGINE, TONES, VOICE, Guide
from rom_tracker.speech.player import Player, _alsa_card
from rom_tracker.speech.timeline import CueTimeline, read_wav, write_wav

NEUTRAL = Step("neutral", "Come back to centre.")
LEFT = Step(
    "measure", "Turn left, then hold.", movement="neck_rotation", side="left", mode="effortless"
)
SAID_LEFT = Step(
    "measure",
    "Turn slowly to the left until you feel the first stretch, then hold.",
    movement="neck_rotation",
    side="left",
    mode="effortless",
    say="Turn to your left, slowly, and rest there.",
)


def started(t: float, i: int, step: Step) -> Event:
    return Event(STEP_STARTED, t, i, step, cue=step.cue)


def progress(t: float, i: int, step: Step, p: float) -> Event:
    return Event(HOLD_PROGRESS, t, i, step, progress=p)


def done(t: float, i: int, step: Step) -> Event:
    return Event(STEP_DONE, t, i, step)


def test_a_hold_is_announced_counted_down_and_ends_with_return_said_with_the_next_step() -> None:
    planner = CuePlanner()
    said = planner.plan([started(0.0, 0, SAID_LEFT)])
    said += planner.plan([progress(t, 0, SAID_LEFT, (t - 2.0) / 3.0) for t in (2.1, 2.5, 3.0)])
    said += planner.plan([progress(t, 0, SAID_LEFT, (t - 2.0) / 3.0) for t in (3.2, 4.1, 4.6)])
    said += planner.plan(
        [progress(5.0, 0, SAID_LEFT, 1.0), done(5.0, 0, SAID_LEFT), started(5.0, 1, NEUTRAL)]
    )
    assert [(c.t_s, c.text, c.kind) for c in said] == [
        (0.0, "Turn to your left, slowly, and rest there.", STEP),  # say, not the cue
        (2.1, HOLD, PROMPT),
        (3.0, "two", PROMPT),  # 2 s left
        (4.1, "one", PROMPT),
        (5.0, f"{RETURN} Come back to centre.", STEP),  # one utterance, at the step's start
    ]


def test_a_broken_hold_is_announced_again_but_not_more_often_than_every_2_s() -> None:
    planner = CuePlanner()
    planner.plan([started(0.0, 0, LEFT)])
    holds = [progress(t, 0, LEFT, p) for t, p in ((1.0, 0.1), (1.5, 0.3), (1.8, 0.05), (3.5, 0.1))]
    said = planner.plan(holds)
    assert [(c.t_s, c.text) for c in said] == [(1.0, HOLD), (3.5, HOLD)]


def test_the_last_steps_hold_says_return_alone_and_neutral_steps_get_no_prompt() -> None:
    planner = CuePlanner()
    planner.plan([started(0.0, 0, NEUTRAL)])
    assert planner.plan([progress(0.5, 0, NEUTRAL, 0.5)]) == []
    planner.plan([started(1.0, 1, LEFT)])
    end = [progress(9.0, 1, LEFT, 1.0), done(9.0, 1, LEFT), Event(PROTOCOL_DONE, 9.0, 2)]
    assert planner.plan(end) == [Cue(9.0, RETURN, PROMPT, 1)]


@pytest.mark.parametrize(
    ("step", "words"),
    [
        (LEFT, "Turn to your left"),
        (Step("measure", "x", movement="neck_rotation", side="right", mode="active"), "right"),
        (Step("measure", "x", movement="neck_flexion", side="extension", mode="active"), "Look up"),
        (
            Step("measure", "x", movement="hip_flexion", side="left", mode="active"),
            "Lift your left",
        ),
        (NEUTRAL, "Face the screen"),
        (Step("setup", "x", side="left"), "the camera to your left"),
        (Step("info", "x"), ""),
        (None, ""),
    ],
)
def test_the_direction_shown_on_screen(step: Step | None, words: str) -> None:
    assert words in direction(step) if words else direction(step) == ""


def clip(seconds: float) -> Clip:
    return Clip(np.full(round(seconds * 100), 0.5, dtype=np.float32), 100)


def test_a_step_text_cuts_what_is_said_and_drops_waiting_prompts() -> None:
    tl = CueTimeline(gap_s=0.1, max_wait_s=1.0)
    first = tl.add(Cue(0.0, "a long step text", STEP, 0), clip(3.0))
    assert tl.add(Cue(1.0, "Hold.", PROMPT, 0), clip(0.5)) is None  # 2.1 s late: dropped
    prompt = tl.add(Cue(2.5, "Hold.", PROMPT, 0), clip(0.5))  # waits 0.6 s
    assert first is not None and prompt is not None
    assert prompt.start_s == pytest.approx(3.1) and prompt.end_s == pytest.approx(3.6)
    second = tl.add(Cue(2.8, "next step", STEP, 1), clip(1.0))
    assert second is not None
    assert [c.t_s for c in tl.dropped] == [1.0, 2.5]  # the second was still waiting
    assert first.end_s == 2.8 and first.cut and not second.cut
    assert second.start_s == pytest.approx(2.9)
    late = tl.add(Cue(3.2, "two", PROMPT, 1), clip(0.5))  # waits 0.8 s: kept
    assert late is not None and late.start_s == pytest.approx(4.0)
    assert tl.add(Cue(3.3, "one", PROMPT, 1), clip(0.5)) is None  # would wait 1.3 s
    assert tl.sounding(3.0) is second and tl.sounding(3.95) is None and tl.sounding(4.1) is late
    spans = [(s.start_s, s.end_s) for s in tl.segments]
    assert all(b[0] >= a[1] + 0.1 - 1e-9 for a, b in itertools.pairwise(spans))
    with pytest.raises(ValueError, match="comes before the last one"):
        tl.add(Cue(1.0, "back in time", STEP, 2), clip(0.1))


def test_the_rendered_track_has_each_segment_at_its_time_and_a_cut_one_faded(
    tmp_path: object,
) -> None:
    tl = CueTimeline(gap_s=0.1)
    tl.add(Cue(0.5, "a", STEP, 0), clip(2.0))
    tl.add(Cue(1.5, "b", STEP, 1), clip(0.5))
    pcm = tl.render(3.0, 100)
    assert pcm.size == 301 and pcm.dtype == np.float32
    on = np.flatnonzero(pcm > 0.01)
    assert on[0] == 50 and pcm[149] < 0.05  # faded out by the cut at 1.5 s
    assert pcm[160:210].min() == 0.5 and pcm[150:160].max() == 0.0 and pcm[210:].max() == 0.0
    path = tmp_path / "t.wav"  # type: ignore[operator]
    write_wav(path, pcm, 100)
    back, rate = read_wav(path)
    assert rate == 100 and np.abs(back - pcm).max() < 1e-4


def test_the_guide_with_tones_places_a_tone_per_step_and_off_says_nothing() -> None:
    protocol = load_protocol("neck_micro_pause")
    tones = Guide(TONES, play=False)
    runner = ProtocolRunner(protocol)
    segments = []
    for i in range(70):  # info step 4 s, then a neutral held still for 2 s
        segments += tones.feed(runner.update(i * 0.1, {c: 0.0 for c in protocol.columns}))
    assert [s.cue.kind for s in segments] == [STEP, STEP, STEP]
    assert [s.start_s for s in segments][:2] == [0.0, 4.0] and segments[2].start_s > 6.0
    assert all(s.clip.duration_s < 0.3 for s in segments)
    assert Guide("off", play=False).feed(runner.update(7.0, {})) == []


def test_no_engine_means_tones_said_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rom_tracker.speech.engine.Espeak.find", classmethod(lambda cls: None))
    guide = Guide(VOICE, play=False)
    assert guide.mode == TONES and guide.notes == [NO_ENGINE] and "\n" not in NO_ENGINE
    assert guide.clip(Cue(0.0, "Hold.", PROMPT, 0)).duration_s == tone().duration_s


def test_without_a_sound_device_nothing_is_played_and_that_is_said(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    cards = tmp_path / "cards"  # type: ignore[operator]
    cards.write_text("--- no soundcards ---\n")
    assert not _alsa_card(cards)
    cards.write_text(" 0 [PCH ]: HDA-Intel - HDA Intel PCH\n")
    assert _alsa_card(cards)
    monkeypatch.setattr(
        "rom_tracker.speech.player.Player.find",
        classmethod(lambda cls: (None, "no sound device or server for aplay")),
    )
    guide = Guide(TONES)
    assert guide.player is None
    assert guide.notes == ["nothing can be played: no sound device or server for aplay"]
    guide.tick(1.0)  # nothing to play on: no error


def test_the_player_plays_through_a_program_and_stops_it(tmp_path: object) -> None:
    """`sleep` stands in for the audio player: the clip's file is handed to it, and stop()
    ends it at once."""
    player = Player(["sleep", "5"])  # sleep 5 FILE: fails fast on the file name argument
    player.command = ["sh", "-c", 'test -s "$0" && sleep 5']
    player.play(tone())
    assert player.playing
    player.stop()
    assert not player.playing
    player.close()
