"""A sound track added to a finished video: ``annotate --audio cues.wav``.

A post-step, after the annotated video is published, independent of how it was encoded:
the video stream is copied packet by packet (not decoded, not re-encoded) and the audio
(any file FFmpeg reads, e.g. the WAV of ``record --speak --speech-out``) is encoded as AAC,
48 kHz mono, cut or padded with silence to the video's length, both starting at 0 (the
cues' WAV is on the recording's time, which is the video's). Written to a temporary file
beside the video and renamed onto it: the video is never left half-written.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from rom_tracker.errors import InputError, StorageError
from rom_tracker.files.outputs import temp_beside

AAC_RATE = 48000
_FRAME = 1024  # AAC's frame size


def check_audio(path: Path) -> None:
    """InputError (one line, with the fix) unless ``path`` is a file with a sound track."""
    if not path.is_file():
        raise InputError(f"--audio {path}: no such file", "give the WAV of record --speech-out")
    try:
        with av.open(str(path)) as box:
            if not box.streams.audio:
                raise InputError(f"--audio {path} has no sound", "give a WAV file")
    except av.error.FFmpegError as exc:
        raise InputError(
            f"--audio {path} is not a sound file FFmpeg reads ({exc.strerror})",
            "give the WAV of record --speech-out",
        ) from None


def _samples(path: Path) -> np.ndarray:
    """The whole sound track, mono float32 at ``AAC_RATE``."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=AAC_RATE)
    parts: list[np.ndarray] = []
    with av.open(str(path)) as box:
        for frame in box.decode(box.streams.audio[0]):
            parts += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    parts += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)


def _aac_packets(stream: av.AudioStream, pcm: np.ndarray) -> Iterator[av.Packet]:
    """``pcm`` (mono float32) encoded by ``stream``'s AAC encoder, frame by frame."""
    for start in range(0, pcm.size, _FRAME):
        chunk = np.zeros((1, _FRAME), dtype=np.float32)
        part = pcm[start : start + _FRAME]
        chunk[0, : part.size] = part
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
        frame.sample_rate = AAC_RATE
        frame.pts = start
        frame.time_base = Fraction(1, AAC_RATE)
        yield from stream.encode(frame)
    yield from stream.encode(None)


def _video_length_s(stream: av.VideoStream, container: av.container.InputContainer) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return math.nan


def mux_audio(video: Path, audio: Path) -> float:
    """Give ``video`` (an MP4) the sound of ``audio``; returns the seconds of sound the
    input had (before it was cut or padded to the video's length)."""
    check_audio(audio)
    pcm = _samples(audio)
    tmp = temp_beside(video, ".tmp.mp4")
    try:
        with (
            av.open(str(video)) as src,
            av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out,
        ):
            v_in = src.streams.video[0]
            length = _video_length_s(v_in, src)
            n = pcm.size if not math.isfinite(length) else round(length * AAC_RATE)
            track = np.zeros(n, dtype=np.float32)
            track[: min(n, pcm.size)] = pcm[:n]
            v_out = out.add_stream_from_template(v_in)
            a_out = out.add_stream("aac", rate=AAC_RATE, layout="mono")
            sound = list(_aac_packets(a_out, track))
            a_tb = a_out.time_base or Fraction(1, AAC_RATE)
            i = 0
            for packet in src.demux(v_in):
                if packet.dts is None:  # the demuxer's end-of-stream marker
                    continue
                at = float(packet.dts * packet.time_base)
                while i < len(sound) and sound[i].pts is not None and sound[i].pts * a_tb <= at:
                    out.mux(sound[i])
                    i += 1
                packet.stream = v_out
                out.mux(packet)
            for rest in sound[i:]:
                out.mux(rest)
        os.replace(tmp, video)
    except OSError as exc:
        raise StorageError(f"could not add the sound to {video}: {exc}", "check the disk") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return pcm.size / AAC_RATE
