"""Batch: 2 local workers vs 1 on the same videos, and a Dask LocalCluster vs the local pool.

The set: the shared face videos d12 and d20 (about 7 s each) and two copies of the 640x480
face video (11.7 s), analysed with head+hip, ``force`` on every run so nothing is
skipped. Each run times the three runners one after the other (so a busy spell of a shared
machine hits all of them); figures are medians of ``--runs`` runs in this one process run.
"CPU busy" is user+system CPU time of the work divided by its wall time, in cores. The Dask
runner is ``LocalCluster(processes=True, n_workers=2, threads_per_worker=1)`` on loopback,
started once before the runs (its start-up is reported separately).

    .venv/bin/python bench/batch_speed.py [--runs 3] [--no-dask]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run

from rom_tracker.analyze import AnalyzeSettings
from rom_tracker.batch import ModelRequest, make_jobs, run_batch
from rom_tracker.media.models import resolve
from rom_tracker.media.nativelog import divert_native_stderr


def cpu_s() -> float:
    """CPU seconds of this process and of its reaped children (the pool's workers)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        use = resource.getrusage(who)
        total += use.ru_utime + use.ru_stime
    return total


def timed_batch(inputs: list[str], **kwargs: object) -> tuple[float, float]:
    """(wall seconds, CPU cores busy) of one forced batch over ``inputs``."""
    settings = AnalyzeSettings(what="all")
    with tempfile.TemporaryDirectory() as out:
        jobs = make_jobs(
            inputs, Path(out), settings, ModelRequest.for_settings(settings), force=True
        )
        cpu0, start = cpu_s(), time.perf_counter()
        summary = run_batch(jobs, **kwargs)  # type: ignore[arg-type]
        wall = time.perf_counter() - start
        cpu = cpu_s() - cpu0
    if summary.count("done") != len(jobs):
        raise SystemExit(f"batch failed: {[o.detail for o in summary.outcomes]}")
    return wall, cpu / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    divert_native_stderr()
    resolve("face_landmarker")
    resolve("pose_landmarker_lite")
    face640 = _common.face_video_640x480()
    copy = face640.with_name("face_640x480_copy.mp4")
    if not copy.is_file():
        shutil.copyfile(face640, copy)
    videos = [str(_common.FACE_VIDEOS / "d12.mp4"), str(_common.FACE_VIDEOS / "d20.mp4")]
    videos += [str(face640), str(copy)]

    runners: dict[str, dict[str, object]] = {
        "1 worker (in process)": {"workers": 1},
        "2 local workers (spawn pool)": {"workers": 2},
    }
    startup = float("nan")
    with ExitStack() as stack:
        if not args.no_dask:
            from distributed import LocalCluster

            start = time.perf_counter()
            cluster = stack.enter_context(
                LocalCluster(
                    processes=True,
                    n_workers=2,
                    threads_per_worker=1,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
            )
            startup = time.perf_counter() - start
            runners["Dask LocalCluster, 2 workers"] = {"scheduler": cluster.scheduler_address}
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in runners}
        for _ in range(args.runs):
            for name, kwargs in runners.items():
                results[name].append(timed_batch(videos, **kwargs))

    wall = {name: statistics.median(w for w, _ in r) for name, r in results.items()}
    one, two = wall["1 worker (in process)"], wall["2 local workers (spawn pool)"]
    rows = []
    for name, r in results.items():
        per_run = ", ".join(f"{w:.1f}" for w, _ in r)
        busy = statistics.median(c for _, c in r)
        if name.startswith("1 "):
            ratio = ""
        elif name.startswith("2 "):
            ratio = f"{one / two:.2f}x faster than 1 worker"
        else:
            ratio = f"{wall[name] / two - 1:+.1%} vs the local pool"
        cores = f"{busy:.2f}" if not name.startswith("Dask") else "n/a (not our children)"
        rows.append((name, f"{wall[name]:.1f}", per_run, cores, ratio))
    print(_common.machine())
    print(
        f"{len(videos)} videos (head+hip, force), {args.runs} runs, median wall seconds; "
        f"Dask cluster start-up {startup:.1f} s (not included)"
    )
    print(_common.table(rows, ("runner", "seconds", "per run", "CPU busy (cores)", "ratio")))


if __name__ == "__main__":
    main()
