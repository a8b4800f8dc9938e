"""Whole-process speed of the browser-playable outputs (issue 17): ``annotate`` (H.264)
and ``compare --video`` against ``analyze`` on the same video, as ratios in one run.

The video: the head-turn render at 640x480 (``samples/make_head_turn.py --size 640x480``,
17 s, 510 frames; made once in /tmp). Setup (not timed): a profile with two sessions
recorded from it with ``record --keep-video``, so ``compare 1 2 --video`` has two kept
videos (both H.264 640x480, 510 frames). Each round runs, as separate processes, in turn:

- ``analyze V --what head``: the yardstick (one video, the head's angles);
- ``annotate V --what head``: the same video measured, drawn and encoded as H.264;
- ``compare 1 2 --video OUT``: two videos measured and drawn, one side-by-side encoded.

"speed ratio" = analyze's wall time / the command's (target: annotate >= 0.8,
compare --video >= 0.4; compare measures two videos, so 0.5 is its ideal); "CPU ratio" =
the same with the process's CPU time (user + system, all threads, from ``wait4``), which
a loaded machine disturbs less. Medians of ``--runs`` rounds, after one warm-up round.

A second table times the encoders alone in this process (the 510 frames, 640x480 BGR,
already decoded): OpenCV's mp4v (the old writer) and PyAV's libx264, ms per frame.

    ROM_TRACKER_MODEL_MIRROR=../shared/models .venv/bin/python bench/before_after_speed.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run

ROOT = Path(__file__).resolve().parents[1]
VIDEO = Path("/tmp/rom-tracker-bench/head_turn_640x480.mp4")
CLI = [sys.executable, "-m", "rom_tracker", "-q"]


def video() -> Path:
    if not VIDEO.is_file():
        VIDEO.parent.mkdir(parents=True, exist_ok=True)
        part = VIDEO.with_suffix(".part.mp4")
        subprocess.run(
            [sys.executable, str(ROOT / "samples" / "make_head_turn.py"), "--size", "640x480",
             "--out", str(part)],
            check=True, capture_output=True,
        )  # fmt: skip
        part.replace(VIDEO)
    return VIDEO


def run(args: list[str]) -> tuple[float, float]:
    """(wall s, CPU s) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen([*CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args[:2])} failed: {err.strip()}")
    return wall, usage.ru_utime + usage.ru_stime


def setup(work: Path, src: Path) -> Path:
    db = work / "db.sqlite3"
    run(["profiles", "add", "bench", "--db", str(db)])
    for k, day in enumerate(("2026-10-01", "2026-10-29")):
        run(["record", "--profile", "bench", "--movement", "neck_rotation", "--mode",
             "effortless", "--source", str(src), "--keep-video", str(work / f"kept{k}.mp4"),
             "--started-at", f"{day}T09:00:00Z", "--db", str(db)])  # fmt: skip
    return db


def encoders(src: Path) -> list[tuple[str, ...]]:
    import cv2

    from rom_tracker.annotate.encoders import H264Encoder, Mp4vEncoder

    cap = cv2.VideoCapture(str(src))
    frames = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(bgr)
    cap.release()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, kind in (("mp4v (OpenCV)", Mp4vEncoder), ("H.264 (PyAV libx264)", H264Encoder)):
            out = Path(tmp) / "e.mp4"
            times = []
            for _ in range(3):
                start = time.perf_counter()
                enc = kind(out, 30.0, (640, 480))
                for img in frames:
                    enc.write(img)
                enc.close()
                times.append(time.perf_counter() - start)
            ms = statistics.median(times) / len(frames) * 1000
            rows.append((name, f"{ms:.2f}", f"{out.stat().st_size / 1024:.0f}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    src = video()
    print(_common.machine())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = setup(work, src)
        jobs = {
            "analyze": ["analyze", str(src), "--out", str(work / "out"), "--what", "head"],
            "annotate (H.264)": ["annotate", str(src), "--out", str(work / "a.mp4"), "--what",
                                 "head"],
            "compare --video": ["compare", "1", "2", "--video", str(work / "ba.mp4"), "--side",
                                "left", "--db", str(db)],
        }  # fmt: skip
        wall: dict[str, list[float]] = {name: [] for name in jobs}
        cpu: dict[str, list[float]] = {name: [] for name in jobs}
        for job in jobs.values():  # warm-up: page cache, model cache
            run(job)
        for _ in range(args.runs):
            for name, job in jobs.items():
                w, c = run(job)
                wall[name].append(w)
                cpu[name].append(c)
    print(f"input: {src.name}, 640x480, 510 frames (17 s); {args.runs} rounds, medians\n")
    base, base_cpu = statistics.median(wall["analyze"]), statistics.median(cpu["analyze"])
    rows = [
        (
            name,
            f"{statistics.median(wall[name]):.2f}",
            f"{base / statistics.median(wall[name]):.2f}",
            f"{statistics.median(cpu[name]):.2f}",
            f"{base_cpu / statistics.median(cpu[name]):.2f}",
            " ".join(f"{v:.1f}" for v in wall[name]),
        )
        for name in jobs
    ]
    header = ("command", "median s", "speed ratio", "CPU s", "CPU ratio", "runs s")
    print(_common.table(rows, header))
    print("\nencoders alone, 510 frames 640x480, median of 3:\n")
    print(_common.table(encoders(src), ("encoder", "ms per frame", "file KiB")))


if __name__ == "__main__":
    main()
