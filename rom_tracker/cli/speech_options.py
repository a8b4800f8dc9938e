"""``record --speak``: its options, their checks, and the spoken guide of one recording
(:class:`~rom_tracker.speech.guide.Guide`), whose one-line notes (no engine: tones; no
sound device: nothing played) are printed once, on stderr."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rom_tracker.errors import UsageError
from rom_tracker.speech.engine import RATES_WPM, VoiceSettings
from rom_tracker.speech.guide import RATE, VOICE, Guide
from rom_tracker.speech.timeline import write_wav

_LAST_CUE_WAIT_S = 10.0  # at most this long for the last cue to finish playing


def add_speech_options(p: argparse.ArgumentParser) -> None:
    speech = p.add_argument_group("spoken cues (--mode guided)")
    speech.add_argument(
        "--speak",
        action="store_true",
        help="say the cues aloud (espeak-ng; tones if it is not installed), so you can "
        "follow them with your head turned away from the screen",
    )
    speech.add_argument(
        "--speech-out",
        type=Path,
        metavar="CUES.wav",
        help="with --speak: also write what was said as one WAV on the recording's time "
        "(silence between cues), e.g. for `annotate --audio`",
    )
    speech.add_argument("--voice", default="en-gb", help="an espeak-ng voice (default en-gb)")
    speech.add_argument(
        "--rate", type=int, default=160, metavar="WPM", help="words a minute (default 160)"
    )
    speech.add_argument(
        "--volume", type=float, default=0.8, metavar="0-1", help="loudness (default 0.8)"
    )


def check_speech_options(args: argparse.Namespace) -> None:
    """UsageError (one line) for options that do not go together; sets
    ``args.voice_settings``."""
    if args.speech_out is not None and not args.speak:
        raise UsageError("--speech-out keeps what --speak says", "add --speak")
    if args.speak and args.mode != "guided":
        raise UsageError("--speak says the cues of a guided protocol", "use --mode guided")
    if args.speech_out is not None and args.speech_out.suffix.lower() != ".wav":
        raise UsageError(f"--speech-out {args.speech_out}: the cues are a .wav", "e.g. cues.wav")
    try:
        args.voice_settings = VoiceSettings(args.voice, args.rate, args.volume)
    except ValueError:
        lo, hi = RATES_WPM
        raise UsageError(
            f"--voice {args.voice!r} --rate {args.rate} --volume {args.volume}: out of range",
            f"a voice name from `espeak-ng --voices`, --rate {lo}-{hi}, --volume 0-1",
        ) from None


def _say_notes(guide: Guide) -> None:
    for note in guide.new_notes():
        print(f"Speech: {note}.", file=sys.stderr, flush=True)


def open_guide(args: argparse.Namespace) -> Guide | None:
    """The spoken guide of ``--speak`` (its notes said), or None without it."""
    if not args.speak:
        return None
    guide = Guide(VOICE, args.voice_settings)
    _say_notes(guide)
    return guide


def close_guide(guide: Guide, args: argparse.Namespace, last_t_s: float) -> None:
    """The recording ended at ``last_t_s`` (source time): let the last cue finish playing,
    say any new note, write ``--speech-out`` (the source's time, 0 to ``last_t_s``)."""
    if guide.player is not None and guide.player.playing:
        end = max((s.end_s for s in guide.timeline.segments), default=0.0)
        time.sleep(min(max(0.0, end - last_t_s), _LAST_CUE_WAIT_S))
    guide.close()
    _say_notes(guide)
    out = args.speech_out
    if out is not None:
        write_wav(out, guide.track(last_t_s), RATE)
        print(f"Speech kept: {out} ({len(guide.timeline.segments)} cues, {guide.mode})")
