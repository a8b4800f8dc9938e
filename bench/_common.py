"""Shared helpers for the benchmark scripts: machine description, medians, test videos.

Not a test module: plain functions used by ``bench/*.py``, run from the repository root.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FACE_VIDEOS = SHARED / "data" / "videos" / "faces"
FACE_640 = Path("/tmp/rom-tracker-bench/face_640x480.mp4")


def machine() -> str:
    """CPU model, cores, RAM, Python and mediapipe versions, one line."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        from importlib.metadata import version

        mp_version = version("mediapipe")
    except Exception:  # not installed: still describe the machine
        mp_version = "?"
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram_gib:.0f} GiB RAM, "
        f"Python {sys.version.split()[0]}, mediapipe {mp_version}; "
        f"load average {os.getloadavg()[0]:.1f} at start (a shared machine: other work runs)"
    )


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    """Resident set size of this process now, MiB (Linux /proc)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_of(fn: Callable[[], float], runs: int) -> tuple[float, list[float]]:
    values = [fn() for _ in range(runs)]
    return statistics.median(values), values


def face_video_640x480() -> Path:
    """A 640x480 copy of the shared webcam-style face video (d13: 720x1280 portrait; head
    and shoulders cropped to 3:4, scaled to 360x480 and centred on a black 640x480
    canvas), made once in /tmp."""
    if FACE_640.is_file():
        return FACE_640
    import cv2

    src = FACE_VIDEOS / "d13.mp4"
    if not src.is_file():
        sys.exit(f"{src} is missing: the benchmarks need ../shared/data")
    FACE_640.parent.mkdir(parents=True, exist_ok=True)
    tmp = FACE_640.with_suffix(".part.mp4")
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    out = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), fps, (640, 480))
    try:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            h, w = bgr.shape[:2]
            crop_h = min(w * 4 // 3, h)
            top = min(h // 12, h - crop_h)
            small = cv2.resize(bgr[top : top + crop_h], (360, 480), interpolation=cv2.INTER_AREA)
            out.write(cv2.copyMakeBorder(small, 0, 0, 140, 140, cv2.BORDER_CONSTANT))
    finally:
        cap.release()
        out.release()
    tmp.replace(FACE_640)
    return FACE_640


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    """A plain text table (Markdown pipe syntax, so it pastes into docs/performance.md)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
        for r in rows
    ]
    return "\n".join(lines)
