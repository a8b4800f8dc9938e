"""Whole-process speed: ``rom-tracker analyze`` as a user runs it vs a minimal raw loop.

Each side is a fresh process, started the same way (``python -m ...``), so start-up counts:
Python, imports (MediaPipe imports matplotlib and its audio tasks; rom-tracker numpy, scipy,
OpenCV), model resolution and hashing, landmarker creation, decoding, both models, and for
``analyze`` the angles, filters and the CSV/NPZ/JSON it writes. The raw side is
``bench/replay_speed.py``'s loop (decode + face + pose lite in two threads, results
discarded) run as ``python bench/startup_speed.py --raw VIDEO FACE POSE``.

Rows, medians of ``--runs`` alternating runs in this one run of the script:

* wall time of each side, and the ratio raw / analyze (the share of the raw loop's speed
  that ``analyze`` keeps; target >= 0.92 on a 12 s 640x480 video);
* CPU time (user + system of the child, all threads): less disturbed by other work on a
  shared machine than wall time;
* ``rom-tracker --version`` (target < 0.2 s).

    .venv/bin/python bench/startup_speed.py [--runs 5] [--video PATH]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run

HERE = Path(__file__).resolve()


def run_child(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + sys of the child and its threads) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--video", type=Path, default=None)
    parser.add_argument("--raw", nargs=3, metavar=("VIDEO", "FACE", "POSE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw:  # the raw side, in its own process
        from replay_speed import raw_loop

        raw_loop(*(Path(p) for p in args.raw))
        return

    from rom_tracker.media.models import resolve

    video = args.video or _common.face_video_640x480()
    face, pose = resolve("face_landmarker"), resolve("pose_landmarker_lite")
    py = sys.executable
    raw_cmd = [py, str(HERE), "--raw", str(video), str(face), str(pose)]
    with tempfile.TemporaryDirectory() as out:
        ours_cmd = [py, "-m", "rom_tracker", "-q", "analyze", str(video), "--out", out]
        version_cmd = [py, "-m", "rom_tracker", "--version"]
        run_child(raw_cmd)  # warm-up: page cache, first-load costs
        run_child(ours_cmd)
        sides: dict[str, list[tuple[float, float]]] = {"raw": [], "ours": [], "version": []}
        for _ in range(args.runs):  # alternate, so slow spells hit both sides
            sides["raw"].append(run_child(raw_cmd))
            sides["ours"].append(run_child(ours_cmd))
            sides["version"].append(run_child(version_cmd))

    def med(name: str, i: int) -> float:
        return statistics.median(v[i] for v in sides[name])

    ratios = [r[0] / o[0] for r, o in zip(sides["raw"], sides["ours"], strict=True)]
    rows = [
        (
            "analyze (head+hip) vs raw loop, whole process",
            f"{med('raw', 0):.2f}",
            f"{med('ours', 0):.2f}",
            f"{med('raw', 0) / med('ours', 0):.3f}",
            f"{min(ratios):.2f}-{max(ratios):.2f}",
            f"{med('raw', 1):.2f} / {med('ours', 1):.2f} = {med('raw', 1) / med('ours', 1):.3f}",
            "yes" if med("raw", 0) / med("ours", 0) >= 0.92 else "NO",
        ),
        ("rom-tracker --version", "", f"{med('version', 0):.3f}", "", "", "",
         "yes" if med("version", 0) < 0.2 else "NO"),
    ]  # fmt: skip
    print(_common.machine())
    print(
        f"video: {video} ({args.runs} alternating runs, medians; load {os.getloadavg()[0]:.1f} at end)"
    )
    header = ("whole process", "raw s", "ours s", "ratio", "per-run", "CPU s raw / ours", "target")
    print(_common.table(rows, header))


if __name__ == "__main__":
    main()
