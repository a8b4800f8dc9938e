"""Spoken cues end to end: ``record --mode guided --speak --speech-out`` with the shipped
neck Micro Pause on a rendered video that follows it, the WAV measured with numpy; then
``annotate --audio`` muxing that WAV into an annotated video.

Needs espeak-ng (``apt install espeak-ng``), ../shared/models and the renderer's face
model: a failure on CI, a skip elsewhere. The video is rendered quickly (25 deg/s slow
moves, 45 deg/s fast ones, short pauses: about 84 s for the 28 steps).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from rom_tracker.annotate.audio_mux import AAC_RATE, mux_audio
from rom_tracker.speech.timeline import read_wav

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
STEP = re.compile(r"^\[\s*([\d.]+)s\] step (\d+): ", re.MULTILINE)
KEPT = re.compile(r"^Speech kept: .* \((\d+) cues, (\w+)\)$", re.MULTILINE)
SPLIT_S = 0.18  # longer silence: between cues (a cue's own pauses are at most 0.14 s)
RMS_FLOOR = 0.003  # about -50 dB of full scale: silence below


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rom_tracker", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        timeout=900,
        check=False,
    )


def sound_segments(pcm: np.ndarray, rate: int) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of sound, split at silences >= SPLIT_S."""
    n = round(0.01 * rate)
    win = n / rate
    rms = np.sqrt((pcm[: pcm.size // n * n].reshape(-1, n) ** 2).mean(axis=1))
    loud = np.flatnonzero(rms >= RMS_FLOOR)
    if loud.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(loud) - 1 >= SPLIT_S / win)
    starts = np.concatenate([[loud[0]], loud[breaks + 1]])
    ends = np.concatenate([loud[breaks], [loud[-1]]]) + 1
    return [(float(a * win), float(b * win)) for a, b in zip(starts, ends, strict=True)]


def decoded_sound(video: Path) -> np.ndarray:
    """The video's sound track, decoded: (N,) float32 mono."""
    with av.open(str(video)) as box:
        frames = [f.to_ndarray().reshape(-1) for f in box.decode(box.streams.audio[0])]
    return np.concatenate(frames).astype(np.float32)


@dataclass(frozen=True)
class Spoken:
    video: Path
    wav: Path
    out: str
    db: Path
    session_trials: list[dict[str, object]]


@pytest.fixture(scope="module")
def spoken(
    model_env: dict[str, str], espeak_engine: object, tmp_path_factory: pytest.TempPathFactory
) -> Spoken:
    tmp = tmp_path_factory.mktemp("speak")
    video, wav, db = tmp / "neck.mp4", tmp / "cues.wav", tmp / "rom.sqlite3"
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(SAMPLES))
        import make_protocol_video

        fast = ["--slow", "25", "--fast", "45", "--pause", "0.3", "--settle", "0.4"]
        make_protocol_video.main(["--out", str(video), *fast])
    assert cli("profiles", "add", "sam", "--db", str(db), env=model_env).returncode == 0
    run = cli(
        "record", "--profile", "sam", "--protocol", "neck_micro_pause", "--mode", "guided",
        "--source", str(video), "--speak", "--speech-out", str(wav), "--db", str(db),
        env=model_env,
    )  # fmt: skip
    print(run.stdout, run.stderr)
    assert run.returncode == 0, run.stderr
    session = int(re.search(r"^Session (\d+) for ", run.stdout, re.MULTILINE).group(1))  # type: ignore[union-attr]
    shown = cli("sessions", "show", str(session), "--json", "--db", str(db), env=model_env)
    assert shown.returncode == 0, shown.stderr
    return Spoken(video, wav, run.stdout, db, json.loads(shown.stdout)["trials"])


@pytest.mark.real
def test_the_wav_has_one_sound_per_cue_at_each_steps_start(spoken: Spoken) -> None:
    pcm, rate = read_wav(spoken.wav)
    with av.open(str(spoken.video)) as box:
        stream = box.streams.video[0]
        length = float(stream.duration * stream.time_base)
    steps = [(float(t), int(i)) for t, i in STEP.findall(spoken.out)]
    # the video's time, from its start to the frame where the protocol ended
    assert steps[-1][0] < pcm.size / rate < length + 0.1
    segments = sound_segments(pcm, rate)
    kept = KEPT.search(spoken.out)
    assert kept is not None and kept.group(2) == "voice", spoken.out
    onsets = np.array([a for a, _ in segments])
    print(f"{len(segments)} sounds for {kept.group(1)} cues; onsets {np.round(onsets, 2)}")
    assert len(segments) == int(kept.group(1))  # one sound per cue: none merged, none split
    assert [i for _, i in steps] == list(range(1, 29)), "every step of the protocol started"
    for t, i in steps:  # printed to 0.1 s
        gap = np.abs(onsets - t).min()
        assert gap <= 0.3 + 0.05, f"step {i} at {t} s: nearest cue {gap:.2f} s away"
    for trial in spoken.session_trials:  # a trial starts on its step's first frame
        started = float(trial["started_s"])  # type: ignore[arg-type]
        late = onsets[onsets <= started + 0.3]
        assert late.size and started - late.max() <= 0.3, f"trial at {started} s: no cue"
    for (a0, a1), (b0, _) in itertools.pairwise(segments):
        assert a1 < b0 and 0.2 < a1 - a0 < 6.0  # apart; a plausible length for a cue


@pytest.mark.real
def test_annotate_adds_the_cues_as_the_videos_sound(
    spoken: Spoken, model_env: dict[str, str], tmp_path: Path
) -> None:
    """The cues' WAV muxed into an annotated copy of the first 12 s of the recording: the
    video stream is copied, the sound is AAC on the same time, its onsets where the WAV's
    are (within one AAC frame and the encoder's delay)."""
    clip = tmp_path / "first.mp4"
    with av.open(str(spoken.video)) as src, av.open(str(clip), "w") as out:
        v_in = src.streams.video[0]
        v_out = out.add_stream_from_template(v_in)
        for packet in src.demux(v_in):
            if packet.dts is None or float(packet.dts * packet.time_base) >= 12.0:
                continue
            packet.stream = v_out
            out.mux(packet)
    annotated = tmp_path / "annotated.mp4"
    run = cli(
        "annotate", str(clip), "--out", str(annotated), "--what", "head",
        "--audio", str(spoken.wav), env=model_env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"Sound: {spoken.wav}" in run.stdout
    with av.open(str(annotated)) as box:
        length = float(box.streams.video[0].duration * box.streams.video[0].time_base)
    sound = decoded_sound(annotated)
    assert sound.size / AAC_RATE == pytest.approx(length, abs=0.1)  # cut to the video
    pcm, rate = read_wav(spoken.wav)
    want = [a for a, _ in sound_segments(pcm, rate) if a < length - 0.5]
    got = [a for a, _ in sound_segments(sound, AAC_RATE)]
    print(f"WAV onsets {np.round(want, 2)}; in the video {np.round(got, 2)}")
    assert len(got) == len(want)
    assert np.abs(np.array(got) - np.array(want)).max() < 0.05


def test_muxing_keeps_the_video_and_errors_are_one_line(tmp_path: Path) -> None:
    """A tone track into a copy of the sample video (no models, no engine); a missing or
    soundless --audio is a one-line error before anything is written."""
    from rom_tracker.errors import InputError
    from rom_tracker.speech.engine import tone
    from rom_tracker.speech.timeline import write_wav

    video = tmp_path / "v.mp4"
    video.write_bytes((SAMPLES / "head_turn.mp4").read_bytes())
    track = np.zeros(22050 * 3, np.float32)
    track[22050 : 22050 + 3969] = tone(duration_s=0.18).pcm
    write_wav(tmp_path / "t.wav", track, 22050)
    assert mux_audio(video, tmp_path / "t.wav") == pytest.approx(3.0, abs=0.01)
    with av.open(str(video)) as box:
        frames = sum(1 for _ in box.decode(box.streams.video[0]))
    sound = decoded_sound(video)
    assert frames == 510  # every frame of the sample, copied
    (onset, end), *rest = sound_segments(sound, AAC_RATE)
    assert rest == [] and onset == pytest.approx(1.0, abs=0.03) and end - onset < 0.3
    assert not list(tmp_path.glob(".*tmp*"))
    with pytest.raises(InputError, match=r"--audio .*nope.wav: no such file"):
        mux_audio(video, tmp_path / "nope.wav")
    with pytest.raises(InputError, match="is not a sound file FFmpeg reads"):
        mux_audio(video, SAMPLES / "README.md")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--speech-out", "c.wav"], "--speech-out keeps what --speak says - add --speak"),
        (["--speak", "--speech-out", "c.mp3"], "--speech-out c.mp3: the cues are a .wav"),
        (["--speak", "--rate", "20"], "--rate 20 --volume 0.8: out of range - a voice name"),
    ],
)
def test_speech_options_are_checked_in_one_line(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    run = cli(
        "record", "--profile", "sam", "--protocol", "neck_micro_pause", "--mode", "guided",
        "--source", str(SAMPLES / "head_turn.mp4"), "--db", str(tmp_path / "db.sqlite3"),
        *extra, env={},
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], run.stderr
    assert not (tmp_path / "c.wav").exists()


def test_speak_goes_with_a_guided_protocol(tmp_path: Path) -> None:
    run = cli(
        "record", "--profile", "sam", "--movement", "neck_rotation", "--mode", "active",
        "--source", str(SAMPLES / "head_turn.mp4"), "--speak", env={},
    )  # fmt: skip
    assert run.returncode == 2 and "--speak says the cues of a guided protocol" in run.stderr


def test_a_protocol_with_bad_spoken_text_stops_record_in_one_line(tmp_path: Path) -> None:
    toml = tmp_path / "mine.toml"
    toml.write_text(
        'name = "mine"\ntitle = "Mine"\nversion = 1\n\n[[step]]\nkind = "info"\n'
        'cue = "Sit."\nsay = "<speak>Sit.</speak>"\n',
        encoding="utf-8",
    )
    run = cli(
        "record", "--profile", "sam", "--protocol", str(toml), "--mode", "guided",
        "--source", str(SAMPLES / "head_turn.mp4"), "--speak", env={},
    )  # fmt: skip
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 7 and len(lines) == 1, run.stderr
    assert "mine.toml step 1: field 'say' holds '<', which a voice cannot read" in lines[0]
