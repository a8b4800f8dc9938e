"""Live mode: the 640x480 face video played as if live at 30 fps, both models.

Per run: processed frames per second (results / play time), capture-to-result latency
(``t_inferred - t_capture``: median and 95th percentile), frames dropped as stale, and the
share of frames processed, and how much the resident memory grew from the 30th result to
the end (flat: no per-frame accumulation). Figures are medians over ``--runs`` runs; peak RSS is this
process's after all runs.

    .venv/bin/python bench/live_speed.py [--runs 3] [--video PATH] [--what all|head|hip]
"""

from __future__ import annotations

import argparse
import statistics
import time

import _common  # bench/ is on sys.path when a script here is run
import numpy as np

from rom_tracker.live.processor import LiveProcessor
from rom_tracker.live.result import LiveResult
from rom_tracker.media.capture import open_source
from rom_tracker.media.models import resolve
from rom_tracker.media.nativelog import divert_native_stderr
from rom_tracker.pipeline import ModelPaths


def one_run(video: str, models: ModelPaths, what: str) -> dict[str, float]:
    source = open_source(video)
    times: list[tuple[float, float]] = []  # (t_capture, t_inferred): frames are not kept
    rss: list[float] = []

    def record(result: LiveResult) -> None:
        times.append((result.t_capture, result.t_inferred))
        if len(times) in (30, source.info.frame_count // 2):
            rss.append(_common.current_rss_mib())

    proc = LiveProcessor(source, models, what, record, realtime=True)  # type: ignore[arg-type]
    with proc:
        proc.wait(600)
    if proc.error is not None:
        raise proc.error
    rss.append(_common.current_rss_mib())
    t = np.array(times)
    latency = (t[:, 1] - t[:, 0]) * 1000
    total = source.info.frame_count
    return {
        "fps": (len(t) - 1) / (t[-1, 1] - t[0, 0]),
        "rss_growth_mib": rss[-1] - rss[0],
        "latency_median_ms": float(np.median(latency)),
        "latency_p95_ms": float(np.percentile(latency, 95)),
        "dropped": float(proc.dropped),
        "processed_share": len(t) / total,
        "frames": float(total),
        "source_fps": source.info.fps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--video", default=None)
    parser.add_argument("--what", default="all", choices=("all", "head", "hip"))
    args = parser.parse_args()
    divert_native_stderr()
    video = str(args.video or _common.face_video_640x480())
    models = ModelPaths(
        face=resolve("face_landmarker") if args.what != "hip" else None,
        pose=resolve("pose_landmarker_lite"),
    )
    runs = []
    for _ in range(args.runs):
        runs.append(one_run(video, models, args.what))
        time.sleep(0.5)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    def spread(key: str, fmt: str) -> str:
        return ", ".join(format(r[key], fmt) for r in runs)

    print(_common.machine())
    print(
        f"video: {video} ({med('frames'):.0f} frames played at {med('source_fps'):.0f} fps), "
        f"--what {args.what}, {args.runs} runs, medians"
    )
    rows = [
        ("processed fps", f"{med('fps'):.1f}", spread("fps", ".1f"), ">= 30"),
        (
            "latency median, ms",
            f"{med('latency_median_ms'):.1f}",
            spread("latency_median_ms", ".1f"),
            "< 50",
        ),
        ("latency p95, ms", f"{med('latency_p95_ms'):.1f}", spread("latency_p95_ms", ".1f"), ""),
        ("dropped frames", f"{med('dropped'):.0f}", spread("dropped", ".0f"), "reported"),
        ("frames processed", f"{med('processed_share'):.1%}", spread("processed_share", ".1%"), ""),
        (
            "RSS growth frame 30 -> end, MiB",
            f"{med('rss_growth_mib'):.1f}",
            spread("rss_growth_mib", ".1f"),
            "flat",
        ),
    ]
    print(_common.table(rows, ("measure", "median", "per run", "target")))
    print(f"peak RSS: {_common.peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
