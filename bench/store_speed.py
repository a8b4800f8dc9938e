"""Store: an hour of a simulated 30 fps live session written as it would be recorded.

108,000 frames, committed trial by trial (a trial every ``--trial-s`` seconds, as
``record`` commits each trial when it ends), each with its angle series and the raw pose
landmarks ``(T, 33, 3)`` float32. Reports the per-commit time (median, p95, max), the
write capacity in frames per second against the 30 fps a live session needs, the
database size, and resident memory after the first 10 % of the hour and at the end (flat:
nothing accumulates per frame). Medians over ``--runs`` simulated hours, each into a fresh
database.

    .venv/bin/python bench/store_speed.py [--runs 3] [--trial-s 30] [--landmarks pose|face|none]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run
import numpy as np

from rom_tracker.rom.trial import TrialResult
from rom_tracker.store import Store

FPS = 30.0
HOUR_S = 3600.0
LANDMARKS = {"pose": (33, 3), "face": (478, 3), "none": None}


def one_hour(db: Path, trial_s: float, landmark_shape: tuple[int, int] | None) -> dict[str, float]:
    rng = np.random.default_rng(1)
    per_trial = round(trial_s * FPS)
    n_trials = round(HOUR_S / trial_s)
    commits: list[float] = []
    rss: list[float] = []
    with Store.open(db) as store:
        store.add_profile("bench")
        sid = store.start_session("bench", source="simulated 30 fps")
        for k in range(n_trials):
            t = (k * per_trial + np.arange(per_trial)) / FPS
            angle = (40 * np.sin(t) + rng.normal(0, 1, per_trial)).astype(np.float32)
            trial = TrialResult(
                movement="neck_rotation",
                side="left" if k % 2 else "right",
                mode="active",
                guided=False,
                value_deg=float(np.nanmax(angle)),
                sd_deg=1.0,
                duration_s=trial_s,
                reps=3,
                started_s=float(t[0]),
                ended_s=float(t[-1]),
                detail={"simulated": True},
                t_s=t,
                angle_deg=angle,
            )
            lms = (
                rng.random((per_trial, *landmark_shape), dtype=np.float32)
                if landmark_shape
                else None
            )
            start = time.perf_counter()
            store.add_trial(sid, trial, lms)
            commits.append(time.perf_counter() - start)
            if k + 1 in (max(n_trials // 10, 1), n_trials):
                rss.append(_common.current_rss_mib())
        store.end_session(sid)
    c = np.array(commits)
    return {
        "commit_median_ms": float(np.median(c) * 1000),
        "commit_p95_ms": float(np.percentile(c, 95) * 1000),
        "commit_max_ms": float(c.max() * 1000),
        "capacity_fps": per_trial * n_trials / float(c.sum()),
        "db_mib": db.stat().st_size / 2**20,
        "rss_10pct_mib": rss[0],
        "rss_end_mib": rss[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--trial-s", type=float, default=30.0)
    parser.add_argument("--landmarks", choices=tuple(LANDMARKS), default="pose")
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(
                one_hour(Path(tmp) / "bench.sqlite3", args.trial_s, LANDMARKS[args.landmarks])
            )

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    def per_run(key: str) -> str:
        return ", ".join(f"{r[key]:.1f}" for r in runs)

    capacity = med("capacity_fps")
    growth = med("rss_end_mib") - med("rss_10pct_mib")
    rows = [
        (
            "commit per trial, median ms",
            f"{med('commit_median_ms'):.1f}",
            per_run("commit_median_ms"),
            "",
        ),
        ("commit per trial, p95 ms", f"{med('commit_p95_ms'):.1f}", per_run("commit_p95_ms"), ""),
        ("commit per trial, max ms", f"{med('commit_max_ms'):.1f}", per_run("commit_max_ms"), ""),
        (
            "write capacity, frames/s",
            f"{capacity:,.0f}",
            per_run("capacity_fps"),
            f"{capacity / FPS:,.0f}x the 30 fps needed",
        ),
        ("database size, MiB", f"{med('db_mib'):.1f}", per_run("db_mib"), ""),
        (
            "RSS after 10 % of the hour, MiB",
            f"{med('rss_10pct_mib'):.1f}",
            per_run("rss_10pct_mib"),
            "",
        ),
        (
            "RSS at the end, MiB",
            f"{med('rss_end_mib'):.1f}",
            per_run("rss_end_mib"),
            f"growth {growth:+.1f} MiB",
        ),
    ]
    print(_common.machine())
    print(
        f"1 h at 30 fps = {HOUR_S * FPS:,.0f} frames, a trial every {args.trial_s:g} s, "
        f"landmarks: {args.landmarks}; {args.runs} runs, medians"
    )
    print(_common.table(rows, ("measure", "median", "per run", "note")))


if __name__ == "__main__":
    main()
