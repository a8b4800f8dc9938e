"""Reading videos: today's OpenCV reader against PyAV, for speed and timestamps (issue 17:
measure before switching).

Speed: every frame decoded to a BGR array (what the pipeline needs), ms per frame, median of
``--runs``, for the shared face videos d13 (720x1280 H.264) and d12 (512x512 H.264), the
640x480 mp4v copy of d13 and the VP9 sports2d clip. Timestamps: a variable-frame-rate H.264
file written here with PyAV (30 fps nominal, frame gaps drawn from 20-60 ms, as a phone
writes when the light changes), read by both; each reader's times compared with the pts
written. Decoding threads: both readers' defaults (OpenCV's FFmpeg backend and PyAV with
``thread_type = "AUTO"``).

    .venv/bin/python bench/read_speed.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run
import av
import cv2
import numpy as np


def cv2_read(path: Path) -> list[float]:
    cap = cv2.VideoCapture(str(path))
    times = []
    while True:
        ok, _ = cap.read()
        if not ok:
            break
        times.append(cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0)
    cap.release()
    return times


def av_read(path: Path) -> list[float]:
    with av.open(str(path)) as box:
        stream = box.streams.video[0]
        stream.thread_type = "AUTO"
        times = []
        for frame in box.decode(stream):
            frame.to_ndarray(format="bgr24")
            times.append(float(frame.time))
    return times


def speed(path: Path, runs: int) -> tuple[str, ...]:
    out = []
    n = 0
    for read in (cv2_read, av_read):
        values = []
        for _ in range(runs):
            start = time.perf_counter()
            n = len(read(path))
            values.append(time.perf_counter() - start)
        out.append(statistics.median(values) / n * 1000)
    return (path.name, str(n), f"{out[0]:.2f}", f"{out[1]:.2f}", f"{out[0] / out[1]:.2f}")


def vfr_video(path: Path, n: int = 300) -> np.ndarray:
    """An H.264 file whose frames are 20-60 ms apart (seeded); the true times (s)."""
    rng = np.random.default_rng(17)
    gaps_ms = rng.integers(20, 61, n - 1)
    pts_ms = np.concatenate([[0], np.cumsum(gaps_ms)])
    with av.open(str(path), "w", format="mp4") as box:
        stream = box.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        for i, pts in enumerate(pts_ms):
            img = np.full((240, 320, 3), (i * 7) % 255, np.uint8)
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            frame.pts, frame.time_base = int(pts), Fraction(1, 1000)
            box.mux(stream.encode(frame))
        box.mux(stream.encode(None))
    return pts_ms / 1000.0


def timestamps() -> list[tuple[str, ...]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vfr.mp4"
        truth = vfr_video(path)
        for name, read in (("OpenCV CAP_PROP_POS_MSEC", cv2_read), ("PyAV frame.time", av_read)):
            got = np.asarray(read(path))
            err = np.abs(got[: len(truth)] - truth[: len(got)]) * 1000
            rows.append((name, f"{len(got)} of {len(truth)}", f"{np.median(err):.1f}",
                         f"{err.max():.1f}"))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(_common.machine(), "\n")
    videos = [
        _common.FACE_VIDEOS / "d13.mp4",
        _common.FACE_VIDEOS / "d12.mp4",
        _common.face_video_640x480(),
        _common.SHARED / "data" / "videos" / "sports2d" / "demo_multi_person.mp4",
    ]
    rows = [speed(v, args.runs) for v in videos]
    header = ("video", "frames", "OpenCV ms/frame", "PyAV ms/frame", "OpenCV / PyAV")
    print(_common.table(rows, header))
    print("\nvariable frame rate (H.264, 300 frames 20-60 ms apart), error against the pts:\n")
    print(_common.table(timestamps(), ("reader", "frames", "median ms", "max ms")))


if __name__ == "__main__":
    main()
