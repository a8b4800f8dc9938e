"""Kinematics: ``angle_table`` for 10^6 frames at once vs a per-frame loop.

"All frames at once" is one call (``angle_table`` itself works through frames that depend
on themselves alone in chunks of ``table.CHUNK_FRAMES``, 16,384); "in chunks" is the caller
splitting the input (``--chunk``) and concatenating the tables.

The per-frame baseline calls ``angle_table`` on a one-frame ``Landmarks`` per frame (what
a naive live or replay loop does); it is timed on ``--loop-frames`` frames and scaled to
``--frames`` (running it on 10^6 frames would take about a quarter of an hour). Both are
medians of ``--runs`` runs. Peak RSS is this process's: after building the landmarks, after the chunked runs, then
after the all-at-once runs (``ru_maxrss`` only grows, so chunked runs go first).
Face image landmarks are not read by the angle maths, so they are one broadcast row
(zero-stride) rather than 5.7 GB of unused memory.

    .venv/bin/python bench/kinematics_speed.py [--frames 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import _common  # bench/ is on sys.path when a script here is run
import numpy as np

from rom_tracker.kinematics.head import rotation_from_head_angles
from rom_tracker.kinematics.table import angle_table
from rom_tracker.types import FaceTrack, ImageSize, Landmarks, PoseTrack


def synthetic(n: int, seed: int = 0) -> Landmarks:
    """``n`` frames: a turning head, a standing pose with noise, 5 % frames unseen."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 30.0
    matrix = np.zeros((n, 4, 4), np.float32)
    yaw = 40 * np.sin(t)
    matrix[:, :3, :3] = rotation_from_head_angles(yaw, 10 * np.sin(t / 3), 5 * np.cos(t / 2))
    matrix[:, 3, 3] = 1.0
    base = rng.normal(0, 0.3, (1, 33, 3)).astype(np.float32)
    world = base + rng.normal(0, 0.01, (n, 33, 3)).astype(np.float32)
    image = 0.5 + 0.3 * world
    vis = rng.uniform(0.3, 1.0, (n, 33)).astype(np.float32)
    found = rng.random(n) > 0.05
    matrix[~found] = np.nan
    face_xyz = np.broadcast_to(np.full((1, 478, 3), 0.5, np.float32), (n, 478, 3))
    return Landmarks(
        t_s=t,
        size=ImageSize(640, 480),
        face=FaceTrack(face_xyz, matrix, found.copy()),
        pose=PoseTrack(image, world, vis, np.ones(n, bool)),
    )


def per_frame(lm: Landmarks, n: int) -> dict[str, np.ndarray]:
    rows = [angle_table(lm.frames(i, i + 1)) for i in range(n)]
    return {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--loop-frames", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=65536)
    args = parser.parse_args()

    rss_before = _common.peak_rss_mib()
    lm = synthetic(args.frames)
    rss_data = _common.peak_rss_mib()
    chunk = args.chunk
    chunk_times = []
    for _ in range(args.runs):  # chunked first: ru_maxrss only ever grows
        start = time.perf_counter()
        parts = [angle_table(lm.frames(i, i + chunk)) for i in range(0, args.frames, chunk)]
        chunked = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        chunk_times.append(time.perf_counter() - start)
    rss_chunked = _common.peak_rss_mib()
    vec_times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        table = angle_table(lm)
        vec_times.append(time.perf_counter() - start)
    rss_peak = _common.peak_rss_mib()
    for name, values in chunked.items():
        np.testing.assert_array_equal(values, table[name])

    k = min(args.loop_frames, args.frames)
    loop_times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        looped = per_frame(lm, k)
        loop_times.append(time.perf_counter() - start)
    for name, values in looped.items():  # same maths, same numbers
        np.testing.assert_allclose(values, table[name][:k], rtol=1e-9, atol=1e-9, equal_nan=True)

    vec = statistics.median(vec_times)
    chunked_s = statistics.median(chunk_times)
    loop_full = statistics.median(loop_times) * args.frames / k
    ratio = loop_full / vec
    print(_common.machine())
    print(f"{args.frames:,} frames, {len(table)} angle columns, {args.runs} runs, medians")
    rows = [
        (
            "vectorised angle_table, all frames at once",
            f"{vec:.2f}",
            f"{args.frames / vec:,.0f}",
            "",
        ),
        (
            f"vectorised in chunks of {chunk:,} frames",
            f"{chunked_s:.2f}",
            f"{args.frames / chunked_s:,.0f}",
            "",
        ),
        (
            f"per-frame loop (timed on {k:,} frames, scaled)",
            f"{loop_full:.1f}",
            f"{args.frames / loop_full:,.0f}",
            "",
        ),
        (
            "speed-up (loop / vectorised)",
            "",
            "",
            f"{ratio:.0f}x ({'>=' if ratio >= 50 else '<'} 50x)",
        ),
    ]
    print(_common.table(rows, ("method", "seconds", "frames/s", "ratio")))
    print(
        f"peak RSS: {rss_before:.0f} MiB at start, {rss_data:.0f} MiB with the landmarks "
        f"({lm.pose.world_xyz.nbytes * 2 / 2**20:.0f} MiB of pose arrays), "
        f"{rss_chunked:.0f} MiB after the chunked runs, {rss_peak:.0f} MiB after all-at-once"
    )
    print(
        f"all at once, per run: {', '.join(f'{t:.2f}' for t in vec_times)} s; "
        f"load average {os.getloadavg()[0]:.1f} at the end"
    )


if __name__ == "__main__":
    main()
