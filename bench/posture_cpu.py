"""The posture monitor's cost: the real capture + model + judgement path, no window.

A video (default ``../shared/data/videos/faces/d13.mp4``, 30 fps) stands in for the
camera, looped for ``--minutes`` of *simulated* time: every frame is grabbed at its
30 fps timestamp (OpenCV ``grab``, which for a compressed video decodes it: a camera's
``grab`` only takes a buffer, so this over-counts what a camera costs), and only the
frames the adaptive sampler asks for are converted to RGB and run through the face and
pose landmarkers and the judgement. Nothing sleeps: the hour takes what the work takes.

CPU is this process's own CPU time (``time.process_time()``: all its threads, user +
system), not wall-clock time, so other work on the machine does not count; it is divided
by the simulated minutes. Included: decoding every frame, RGB conversion and models on
the sampled ones, the judgement, the minute summaries. Not included: the Qt tray and the
window (idle while minimised), the SQLite commit once a minute (``--db`` adds it), the
model loading at start-up (reported apart).

Memory: resident set size once per simulated minute; "flat" compares the last minute
with the fifth (after warm-up). Agreement: the same video is also run with every frame
processed for ``--agree-minutes``; per second, the posture status (good, head forward,
head down, away) of the low-rate run is compared with the full-rate one.

    .venv/bin/python bench/posture_cpu.py [--minutes 60] [--agree-minutes 5]
        [--video PATH] [--db PATH --profile NAME]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run

from rom_tracker.media.models import resolve
from rom_tracker.media.nativelog import divert_native_stderr
from rom_tracker.monitor.engine import PostureEngine, Sample, model_estimators
from rom_tracker.monitor.grabber import CvGrabber
from rom_tracker.monitor.posture import CALIBRATING, PostureMonitor, PostureSettings
from rom_tracker.monitor.sampler import AdaptiveSampler, status_agreement
from rom_tracker.monitor.summary import MinuteSummariser, PostureMinute
from rom_tracker.pipeline import ModelPaths

START_EPOCH = 1_796_371_200.0  # 2026-12-04T08:00:00Z: minutes of the simulated hour


def run(
    video: str,
    models: ModelPaths,
    minutes: float,
    *,
    full_rate: bool = False,
    start_epoch: float = START_EPOCH,
    settings: PostureSettings | None = None,
) -> dict[str, object]:
    """Monitor ``video`` looped for ``minutes`` of simulated time; figures and results."""
    monitor = PostureMonitor(settings or PostureSettings(max_step_s=2.0))
    monitor.calibrate(0.0)
    per_second: dict[int, str] = {}
    summariser = MinuteSummariser()
    done: list[PostureMinute] = []
    rss: list[float] = []
    cpu_marks: list[float] = []

    def on_sample(s: Sample) -> None:
        if s.state.phase != CALIBRATING:
            per_second[int(s.t_s)] = s.state.status
        done.extend(summariser.add(s.wall_s, s.state))
        if s.t_s >= 60.0 * (len(rss) + 1):
            rss.append(_common.current_rss_mib())
            cpu_marks.append(time.process_time())

    engine = PostureEngine(
        CvGrabber(video, simulated=True),
        model_estimators(models),
        monitor,
        sampler=AdaptiveSampler(full_rate=full_rate),
        on_sample=on_sample,
        wall_clock=lambda t: start_epoch + t,
    )
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    engine.run(max_t_s=60.0 * minutes)
    cpu = time.process_time() - cpu0
    if engine.error is not None:
        raise engine.error
    last = summariser.flush()
    if last is not None:
        done.append(last)
    return {
        "cpu_s": cpu,
        "wall_s": time.perf_counter() - wall0,
        "grabbed": engine.grabbed,
        "sampled": engine.sampler.sampled,
        "rss": rss,
        "cpu_marks": [m - cpu0 for m in cpu_marks],
        "per_second": per_second,
        "minutes": done,
        "state": monitor.state,
    }


def _agree(
    video: str,
    models: ModelPaths,
    n_min: float,
    low_part: dict[int, str] | None,
    settings: PostureSettings | None,
) -> dict[str, object]:
    """Low rate vs every frame, per second, over ``n_min`` simulated minutes."""
    if low_part is None:
        low_part = run(video, models, n_min, settings=settings)["per_second"]  # type: ignore[assignment]
    full = run(video, models, n_min, full_rate=True, settings=settings)
    full_ps: dict[int, str] = full["per_second"]  # type: ignore[assignment]
    share, n = status_agreement(low_part, full_ps)
    counts = {s: list(full_ps.values()).count(s) for s in sorted(set(full_ps.values()))}
    return {
        "share": round(share, 4),
        "seconds": n,
        "minutes": n_min,
        "settings": "default" if settings is None else repr(settings),
        "full_rate_status_seconds": counts,
        "full_rate_cpu_pct_one_core": round(100 * float(full["cpu_s"]) / (60 * n_min), 1),  # type: ignore[arg-type]
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--video", default=str(_common.FACE_VIDEOS / "d13.mp4"))
    p.add_argument("--minutes", type=float, default=60.0)
    p.add_argument("--agree-minutes", type=float, default=5.0)
    p.add_argument("--db", type=Path, help="also store the minutes (needs --profile)")
    p.add_argument("--profile", default="bench")
    p.add_argument("--json", type=Path, help="write the figures here")
    args = p.parse_args()
    divert_native_stderr()
    models = ModelPaths(face=resolve("face_landmarker"), pose=resolve("pose_landmarker_lite"))
    print(_common.machine())
    t0 = time.process_time()
    low = run(args.video, models, args.minutes)
    rss = low["rss"]
    marks = low["cpu_marks"]
    assert isinstance(rss, list) and isinstance(marks, list)
    minutes = args.minutes
    cpu_per_min = float(low["cpu_s"]) / minutes  # type: ignore[arg-type]
    steady = (marks[-1] - marks[0]) / (len(marks) - 1) if len(marks) > 1 else math.nan
    warm = rss[min(4, len(rss) - 1)] if rss else math.nan
    figures: dict[str, object] = {
        "video": args.video,
        "simulated_minutes": minutes,
        "frames_grabbed": low["grabbed"],
        "frames_processed": low["sampled"],
        "processed_per_s": round(int(low["sampled"]) / (60 * minutes), 2),  # type: ignore[call-overload]
        "cpu_s_total": round(float(low["cpu_s"]), 1),  # type: ignore[arg-type]
        "cpu_s_per_min": round(cpu_per_min, 2),
        "cpu_pct_one_core": round(100 * cpu_per_min / 60.0, 2),
        "cpu_pct_after_minute_1": round(100 * steady / 60.0, 2),
        "wall_s": round(float(low["wall_s"]), 1),  # type: ignore[arg-type]
        "rss_mib_minute_5": round(warm, 1),
        "rss_mib_final": round(_common.current_rss_mib(), 1),
        "rss_mib_growth_after_warmup": round((rss[-1] - warm) if rss else math.nan, 2),
        "rss_mib_max_over_warmup": round(max(rss[4:], default=warm) - warm, 2),
        "peak_rss_mib": round(_common.peak_rss_mib(), 1),
        "minutes_summed": len(low["minutes"]),  # type: ignore[arg-type]
    }
    if args.agree_minutes > 0:
        n_min = min(args.agree_minutes, minutes)
        low_part = {k: v for k, v in low["per_second"].items() if k < 60 * n_min}  # type: ignore[attr-defined]
        figures["agreement_default"] = _agree(args.video, models, n_min, low_part, None)
        # d13 is a person sitting well: with the default thresholds every second is "good".
        # Thresholds this tight make the judgement flip often: a harder test of sampling.
        tight = PostureSettings(
            max_step_s=2.0, head_down_deg=1.0, forward_head_drop=0.02, min_off_s=1.0
        )
        figures["agreement_tight_thresholds"] = _agree(args.video, models, n_min, None, tight)
    figures["bench_cpu_s"] = round(time.process_time() - t0, 1)
    if args.db is not None:
        from rom_tracker.store import Store
        from rom_tracker.store.posture_history import add_minutes

        with Store.open(args.db) as store:
            if args.profile not in {p.name for p in store.list_profiles()}:
                store.add_profile(args.profile)
            add_minutes(store, args.profile, low["minutes"])  # type: ignore[arg-type]
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
