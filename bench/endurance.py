"""Endurance: an hour of live frames at 30 fps through the measuring path, faster than real
time, with memory and open file handles sampled every simulated minute.

The path is the GUI's and the recorder's: a frame source (its own thread) -> the
latest-frame reader -> :class:`~rom_tracker.live.processor.LiveProcessor` (face and pose concurrently,
``angle_table`` on each frame) -> a guided :class:`~rom_tracker.rom.protocol.ProtocolRunner`
(neck_micro_pause, started again each time it ends, one store session per round) -> each
finished step committed with ``Store.add_trial``. The source waits until the previous frame
was measured (no frame dropped), so an hour of frames runs as fast as the machine allows.

Estimators:

* default: scripted ones (a head turning, nodding and tilting on 20/26/34 s cycles, a
  standing body): the Python side of the path, an hour in a few minutes;
* ``--real``: MediaPipe's face and pose (lite) models on samples/head_turn.mp4 looped
  (timestamps continue across loops); about real time on a laptop CPU, so use it with
  ``--minutes 5`` or so.

Columns: simulated minute, frames measured, trials saved, RSS (MiB, /proc/self/statm),
open file descriptors (/proc/self/fd), Python objects tracked by the garbage collector,
database size (MiB; it grows with the trials, as it should), wall seconds. The last lines
give the growth of RSS, descriptors and objects after the first simulated minute.

    .venv/bin/python bench/endurance.py [--minutes 60] [--real] [--db PATH]
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import queue
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rom_tracker.kinematics.head import rotation_from_head_angles
from rom_tracker.live.processor import LiveProcessor
from rom_tracker.live.result import LiveResult
from rom_tracker.media.capture import Frame, SourceInfo, open_source
from rom_tracker.rom.protocol import STEP_DONE, ProtocolRunner, load_protocol
from rom_tracker.store import Store

FPS = 30.0
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "head_turn.mp4"


# ---------------------------------------------------------------- scripted estimators


def _cycle(t: np.ndarray, period: float, amplitude: float) -> np.ndarray:
    """Rest, turn, hold, back, rest, turn the other way, hold, back (one ``period``)."""
    x = (t % period) / period * 8.0  # eight phases
    ramp = np.clip(x - np.floor(x), 0, 1)
    phase = np.floor(x).astype(int)
    shape = np.select(
        [phase == 1, phase == 2, phase == 3, phase == 5, phase == 6, phase == 7],
        [ramp, 1.0, 1.0 - ramp, -ramp, -1.0, ramp - 1.0],
        0.0,
    )
    return amplitude * shape


def _body() -> tuple[np.ndarray, np.ndarray]:
    """A standing person: world (33, 3) in metres (y down), image (33, 3) normalised."""
    world = np.zeros((33, 3), np.float32)
    world[:11] = [0.0, -0.65, -0.05]
    for i, (x, y) in {11: (0.18, -0.45), 13: (0.22, -0.2), 15: (0.24, 0.05), 23: (0.1, 0.0),
                      25: (0.1, 0.42), 27: (0.1, 0.85), 29: (0.1, 0.9), 31: (0.1, 0.92)}.items():  # fmt: skip
        world[i], world[i + 1] = [x, y, 0.0], [-x, y, 0.0]
    for i in (17, 19, 21):
        world[i], world[i + 1] = world[15], world[16]
    image = (world * np.float32(0.45) + np.float32([0.5, 0.5, 0.0])).astype(np.float32)
    return world, image


WORLD, IMAGE = _body()
VISIBLE = np.ones(33, np.float32)
FACE_POINTS = np.full((478, 3), 0.5, np.float32)


def scripted_face(rgb: np.ndarray, t_s: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.array([t_s])
    m = np.eye(4, dtype=np.float32)
    m[:3, :3] = rotation_from_head_angles(
        _cycle(t, 20.0, 50.0), _cycle(t, 26.0, 35.0), _cycle(t, 34.0, 30.0)
    )[0]
    m[:3, 3] = [0.0, 0.0, -50.0]
    return FACE_POINTS.copy(), m


def scripted_pose(rgb: np.ndarray, t_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return IMAGE.copy(), WORLD.copy(), VISIBLE.copy()


# ---------------------------------------------------------------- sources


class PacedSource:
    """``frames`` frames at 30 fps; each waits until the previous one was measured."""

    def __init__(self, frames: int, make_rgb: Callable[[int], np.ndarray]) -> None:
        self.frames = frames
        self.make_rgb = make_rgb
        self.measured = threading.Semaphore(1)
        self.info = SourceInfo("video", "endurance", "endurance", FPS, frames, 64, 48)

    def __iter__(self) -> Iterator[Frame]:
        for i in range(self.frames):
            while not self.measured.acquire(timeout=0.5):
                pass
            yield Frame(index=i, t_s=i / FPS, rgb=self.make_rgb(i))


def synthetic_rgb(i: int) -> np.ndarray:
    rgb = np.zeros((48, 64, 3), np.uint8)  # a fresh array per frame, like a camera's
    rgb[0, 0, 0] = i % 256
    return rgb


class LoopedVideo:
    """The frames of a video, decoded once and handed out in a loop (copies)."""

    def __init__(self, path: Path) -> None:
        self.frames = [f.rgb for f in open_source(path)]

    def __call__(self, i: int) -> np.ndarray:
        return self.frames[i % len(self.frames)].copy()


# ---------------------------------------------------------------- the run


@dataclass(frozen=True)
class Sample:
    minute: float
    frames: int
    trials: int
    rss_mib: float
    fds: int
    objects: int
    db_mib: float
    wall_s: float


def rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def open_fds() -> int:
    return sum(1 for _ in Path("/proc/self/fd").iterdir())


def simulate(
    minutes: float,
    db_path: Path,
    *,
    real: bool = False,
    on_sample: Callable[[Sample], None] | None = None,
) -> list[Sample]:
    """Run ``minutes`` simulated minutes; a sample before the first frame and after each
    simulated minute."""
    frames = round(minutes * 60 * FPS)
    source = PacedSource(frames, LoopedVideo(SAMPLE) if real else synthetic_rgb)
    if real:
        from rom_tracker.media.models import resolve
        from rom_tracker.pipeline import ModelPaths

        models = ModelPaths(resolve("face_landmarker"), resolve("pose_landmarker_lite"))
        live = LiveProcessor(source, models, what="head", realtime=False, stall_timeout_s=60)
    else:
        live = LiveProcessor(
            source,
            what="head",
            realtime=False,
            stall_timeout_s=60,
            face=scripted_face,
            pose=scripted_pose,
        )
    results: queue.Queue[LiveResult | None] = queue.Queue()
    live.on_result = results.put
    live.on_finished = lambda: results.put(None)
    protocol = load_protocol("neck_micro_pause")
    samples: list[Sample] = []
    start = time.perf_counter()
    with Store.open(db_path) as store:
        if "endurance" not in {p.name for p in store.list_profiles()}:
            store.add_profile("endurance")
        session = store.start_session("endurance", protocol.name)
        runner = ProtocolRunner(protocol)
        trials = measured = 0

        def sample() -> None:
            gc.collect()
            s = Sample(
                minute=measured / FPS / 60,
                frames=measured,
                trials=trials,
                rss_mib=rss_mib(),
                fds=open_fds(),
                objects=len(gc.get_objects()),
                db_mib=sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*"))
                / 2**20,
                wall_s=time.perf_counter() - start,
            )
            samples.append(s)
            if on_sample is not None:
                on_sample(s)

        sample()
        with live:
            while (result := results.get()) is not None:
                measured += 1
                t = measured / FPS  # the runner's clock continues across protocol rounds
                for event in runner.update(t, result.angles):
                    if event.kind == STEP_DONE and event.result is not None:
                        store.add_trial(session, event.result)
                        trials += 1
                if runner.done:
                    store.end_session(session)
                    session = store.start_session("endurance", protocol.name)
                    runner = ProtocolRunner(protocol)
                if measured % round(60 * FPS) == 0:
                    sample()
                source.measured.release()
        store.end_session(session)
        assert store.integrity_check() == "ok"
    if live.error is not None:
        raise live.error
    if samples[-1].frames != measured:
        sample()
    return samples


def growth(samples: list[Sample]) -> tuple[float, int, int]:
    """RSS (MiB), descriptors and objects at the end minus after the first minute."""
    base = samples[1] if len(samples) > 2 else samples[0]
    last = samples[-1]
    return last.rss_mib - base.rss_mib, last.fds - base.fds, last.objects - base.objects


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import _common

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="simulated minutes (60)")
    parser.add_argument("--real", action="store_true", help="MediaPipe models on a looped video")
    parser.add_argument("--db", type=Path, help="database (default: a temporary one)")
    args = parser.parse_args()
    print(_common.machine())
    print(
        f"{args.minutes:g} simulated minutes at {FPS:g} fps, {'real models' if args.real else 'scripted estimators'}"
    )
    header = ("minute", "frames", "trials", "RSS MiB", "fds", "objects", "DB MiB", "wall s")
    rows: list[tuple[str, ...]] = []

    def show(s: Sample) -> None:
        row = (f"{s.minute:.0f}", str(s.frames), str(s.trials), f"{s.rss_mib:.1f}", str(s.fds),
               str(s.objects), f"{s.db_mib:.2f}", f"{s.wall_s:.0f}")  # fmt: skip
        rows.append(row)
        print("  ".join(f"{c:>8}" for c in row), flush=True)

    print("  ".join(f"{c:>8}" for c in header))
    with tempfile.TemporaryDirectory() as tmp:
        samples = simulate(
            args.minutes, args.db or Path(tmp) / "endurance.sqlite3", real=args.real, on_sample=show
        )
    d_rss, d_fds, d_obj = growth(samples)
    last = samples[-1]
    print()
    print(
        _common.table(
            [
                r
                for i, r in enumerate(rows)
                if i in (0, 1, 2, 5) or i % 10 == 0 or i == len(rows) - 1
            ],
            header,
        )
    )
    print(
        f"\nafter minute 1: RSS {d_rss:+.1f} MiB, file descriptors {d_fds:+d}, "
        f"Python objects {d_obj:+d}; {last.frames} frames, {last.trials} trials in "
        f"{last.wall_s:.0f} s ({last.frames / max(last.wall_s, 1e-9):.0f} frames/s, "
        f"{last.minute * 60 / max(last.wall_s, 1e-9):.1f}x real time)"
    )
    return 0 if math.isfinite(d_rss) else 1


if __name__ == "__main__":
    sys.exit(main())
