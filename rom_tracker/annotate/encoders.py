"""The two encoders behind :class:`~rom_tracker.annotate.video_out.AtomicVideoWriter`.

:class:`H264Encoder` writes H.264 (libx264, yuv420p) in MP4 with ``+faststart`` (the index
at the front, so a browser plays it while it loads) through PyAV, whose wheels bundle FFmpeg
with libx264 (licences: docs/report.md). Every browser plays it inline.

:class:`Mp4vEncoder` is the fallback: OpenCV's MPEG-4 Part 2 (``mp4v``), which every OpenCV
wheel carries but which browsers do not play. :func:`open_encoder` picks H.264 and falls
back, with one warning line saying why, when PyAV or its libx264 is missing.

An odd width or height loses its last pixel column or row (yuv420p halves both sides);
OpenCV's mp4v writer does the same.

Both take BGR frames (as OpenCV decodes and draws them), in order, at a constant ``fps``;
the frame count written is the frame count given.
"""

from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

log = logging.getLogger("rom_tracker.annotate")

FOURCC = "mp4v"  # the MPEG-4 encoder every OpenCV wheel carries (no H.264 in pip wheels)
#: libx264: "veryfast" keeps encoding a few ms a frame at 640x480 on one core; CRF 23 is
#: x264's default quality (visually clean for drawn lines and text at these sizes).
X264_OPTIONS = {"preset": "veryfast", "crf": "23"}


class Encoder(Protocol):
    codec: str  # "h264" or "mpeg4"

    def write(self, bgr: np.ndarray) -> None: ...

    def close(self) -> None: ...


def h264_problem() -> str | None:
    """Why H.264 cannot be written here, or None when PyAV and its libx264 are present."""
    try:
        import av
    except ImportError:
        return "PyAV (av) is not installed"
    try:
        av.codec.Codec("libx264", "w")
    except Exception:  # PyAV raises its own UnknownCodecError (a ValueError) here
        return "PyAV's FFmpeg has no libx264 encoder"
    return None


def frame_rate(fps: float) -> Fraction:
    """``fps`` as the exact fraction a container stores (29.97 -> 30000/1001)."""
    rate = Fraction(fps).limit_denominator(1001)
    return rate if rate > 0 else Fraction(30)


class H264Encoder:
    codec = "h264"

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        import av

        self._av = av
        self._out: Any = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
        rate = frame_rate(fps)
        stream = self._out.add_stream("libx264", rate=rate, options=dict(X264_OPTIONS))
        self._w, self._h = size[0] // 2 * 2, size[1] // 2 * 2  # yuv420p: even sides
        stream.width, stream.height = self._w, self._h
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = 1 / rate
        self._stream = stream
        self._index = 0

    def write(self, bgr: np.ndarray) -> None:
        # OpenCV's BGR -> I420 is faster than PyAV's swscale for this one conversion
        yuv = cv2.cvtColor(bgr[: self._h, : self._w], cv2.COLOR_BGR2YUV_I420)
        frame = self._av.VideoFrame.from_ndarray(yuv, format="yuv420p")
        frame.pts = self._index
        frame.time_base = self._stream.codec_context.time_base
        self._index += 1
        self._out.mux(self._stream.encode(frame))

    def close(self) -> None:
        try:
            self._out.mux(self._stream.encode(None))  # flush the delayed frames
        finally:
            self._out.close()


class Mp4vEncoder:
    codec = "mpeg4"

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        self._writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*FOURCC), fps, size)
        if not self._writer.isOpened():
            raise OSError(f"OpenCV has no {FOURCC} encoder")

    def write(self, bgr: np.ndarray) -> None:
        self._writer.write(bgr)

    def close(self) -> None:
        self._writer.release()


def open_encoder(
    path: Path, fps: float, size: tuple[int, int], *, label: str, h264: bool = True
) -> Encoder:
    """H.264 where it can be written, else mp4v with one warning (naming ``label``) saying
    why."""
    if h264:
        problem = h264_problem()
        if problem is None:
            return H264Encoder(path, fps, size)
        log.warning(
            "%s: writing %s as MPEG-4 Part 2 (mp4v), which browsers do not play inline",
            problem,
            label,
        )
    return Mp4vEncoder(path, fps, size)
