"""espeak-ng through ``rom_tracker.speech.engine``: real speech, measured with numpy.

These need the ``espeak-ng`` package (Debian: ``apt install espeak-ng``; .ci/run installs
it): a failure on CI, a skip elsewhere.
"""

from __future__ import annotations

import struct

import numpy as np
import pytest

from rom_tracker.speech.engine import (
    Clip,
    Espeak,
    SpeechError,
    VoiceSettings,
    parse_wav_stream,
    tone,
)
from tests.support.ci import fail_on_ci_else_skip


@pytest.fixture(scope="module")
def espeak(espeak_engine: Espeak) -> Espeak:
    return espeak_engine


def voiced_s(clip: Clip, window_s: float = 0.02, floor: float = 0.02) -> float:
    """Seconds of the clip whose 20 ms RMS is above ``floor`` (speech, not silence)."""
    n = round(window_s * clip.rate)
    frames = clip.pcm[: clip.pcm.size // n * n].reshape(-1, n)
    return float((np.sqrt((frames**2).mean(axis=1)) > floor).sum() * window_s)


@pytest.mark.parametrize(
    ("text", "low_s", "high_s"),
    [
        ("Hold.", 0.2, 1.2),
        ("two", 0.15, 1.0),
        ("Turn slowly to the left until you feel the first stretch, then hold.", 2.0, 6.5),
    ],
)
def test_a_cue_is_audible_speech_of_a_plausible_length(
    espeak: Espeak, text: str, low_s: float, high_s: float
) -> None:
    """About 2.7 words a second at 160 words a minute, pauses included: a one-word prompt
    is under a second, a 13-word cue a few seconds."""
    clip = espeak.synthesize(text, VoiceSettings(rate_wpm=160))
    voiced = voiced_s(clip)
    print(f"{text!r}: {clip.duration_s:.2f} s long, {voiced:.2f} s voiced")
    assert clip.rate > 8000 and np.abs(clip.pcm).max() > 0.1
    assert low_s <= clip.duration_s <= high_s
    assert voiced >= 0.5 * min(clip.duration_s, low_s)


def test_rate_and_volume_act_on_the_speech(espeak: Espeak) -> None:
    text = "Come back to centre and breathe out."
    slow = espeak.synthesize(text, VoiceSettings(rate_wpm=120, volume=1.0))
    fast = espeak.synthesize(text, VoiceSettings(rate_wpm=240, volume=1.0))
    quiet = espeak.synthesize(text, VoiceSettings(rate_wpm=120, volume=0.25))
    print(f"120 wpm {slow.duration_s:.2f} s, 240 wpm {fast.duration_s:.2f} s")
    assert fast.duration_s < 0.75 * slow.duration_s
    assert np.abs(quiet.pcm).max() == pytest.approx(0.25 * np.abs(slow.pcm).max(), rel=0.01)


def test_a_text_like_an_option_is_spoken_and_a_wrong_voice_is_an_error(espeak: Espeak) -> None:
    assert espeak.synthesize("-v and --help", VoiceSettings()).duration_s > 0.3
    with pytest.raises(SpeechError, match=r"espeak-ng could not say 'hi': .*voice"):
        espeak.synthesize("hi", VoiceSettings(voice="zz"))
    assert "en-gb" in espeak.voices("en")


def test_the_wav_stream_parser_reads_espeaks_placeholder_sizes() -> None:
    samples = (np.array([0, 16384, -16384, 32767], dtype="<i2")).tobytes()
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 22050, 44100, 2, 16)
    data = b"RIFF" + struct.pack("<I", 0x7FFFF000) + b"WAVE" + fmt + b"data"
    clip = parse_wav_stream(data + struct.pack("<I", 0x7FFFF000) + samples)
    assert clip.rate == 22050
    np.testing.assert_allclose(clip.pcm, [0.0, 0.5, -0.5, 32767 / 32768])
    with pytest.raises(SpeechError, match="not a WAV"):
        parse_wav_stream(b"garbage")
    stereo = fmt.replace(struct.pack("<HH", 1, 1), struct.pack("<HH", 1, 2), 1)
    with pytest.raises(SpeechError, match="mono 16-bit"):
        parse_wav_stream(b"RIFF\0\0\0\0WAVE" + stereo + b"data\0\0\0\0")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rate_wpm": 20}, "rate_wpm: expected 80-450, got 20"),
        ({"volume": 1.5}, "volume: expected 0-1, got 1.5"),
        ({"voice": "en; rm -rf"}, "voice: expected an espeak-ng voice name"),
    ],
)
def test_voice_settings_are_checked(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        VoiceSettings(**kwargs)  # type: ignore[arg-type]


def test_a_tone_is_a_short_faded_beep() -> None:
    clip = tone(880.0, 0.2, rate=22050, volume=1.0)
    assert clip.duration_s == pytest.approx(0.2, abs=1e-4)
    assert abs(clip.pcm[0]) < 0.01 and abs(clip.pcm[-1]) < 0.01  # no click
    assert np.abs(clip.pcm).max() == pytest.approx(0.5, abs=0.01)
    spectrum = np.abs(np.fft.rfft(clip.pcm))
    assert np.fft.rfftfreq(clip.pcm.size, 1 / 22050)[spectrum.argmax()] == pytest.approx(880, abs=6)


def test_the_shipped_protocols_spoken_texts_fit_their_steps(espeak: Espeak) -> None:
    """An info or rest step's words end before the step does, and every step's words are
    at most 4.5 s at the default rate (a neutral step can end 2 s after it starts: a longer
    text would be cut by the next step's)."""
    from rom_tracker.rom.protocol import list_protocols

    for protocol in list_protocols():
        for i, step in enumerate(protocol.steps, start=1):
            said = espeak.synthesize(step.spoken, VoiceSettings()).duration_s
            where = f"{protocol.name} step {i} ({said:.2f} s): {step.spoken!r}"
            assert said <= 4.5, where
            if step.kind in ("info", "rest"):
                assert said < step.duration_s, where


def test_a_cue_is_tight_no_lead_in_and_no_long_pause(espeak: Espeak) -> None:
    clip = espeak.synthesize("Well done. Come back to centre, and carry on.", VoiceSettings())
    n = round(0.01 * clip.rate)
    rms = np.sqrt((clip.pcm[: clip.pcm.size // n * n].reshape(-1, n) ** 2).mean(axis=1))
    quiet = rms < 0.003
    assert not quiet[0] and not quiet[-1]
    runs, longest = 0, 0
    for q in quiet:
        runs = runs + 1 if q else 0
        longest = max(longest, runs)
    assert 0.05 <= longest * n / clip.rate <= 0.15  # the full stop's pause, shortened


def test_the_player_hands_a_clip_to_aplay(tmp_path: object) -> None:
    """The real player program on ALSA's null device (no sound card needed)."""
    import shutil

    from rom_tracker.speech.player import Player

    if shutil.which("aplay") is None:
        fail_on_ci_else_skip("aplay is not installed (apt install alsa-utils)")
    player = Player(["aplay", "-q", "-D", "null"])
    player.play(tone(duration_s=0.5))
    assert player._proc is not None and player._proc.wait(timeout=10) == 0
    player.close()
