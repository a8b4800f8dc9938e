"""A 14-day posture-monitor history from the real pipeline on a real video, for the
Posture tab's screenshot (``docs/screenshots/posture_history.png``) and for trying the
``posture`` command.

Each day is a working session of 12 to 30 minutes (seeded) of simulated time on
``d13.mp4`` looped (a person at a desk), judged by the real face and pose landmarkers and
the real judgement with the adaptive sampler, summed into minutes and stored as the app
stores them. What the video cannot do is scripted, and only that: the person steps away
two or three times a day for 2.5 to 4 minutes (the camera then sees an empty frame: away,
and a break once longer than 2 minutes), and takes every other Micro Pause offered
(``--break-minutes`` of sitting; the others are let go: "Not now"). With the default
thresholds every second of d13 is "good" (the person sits well throughout): ``--strict``
judges with tighter thresholds (head down 2 deg, head forward 3 %, after 0.5 s), under
which d13's small movements count; the screenshot uses it, and says so.

To keep the script short, the video is decoded once (every other frame, at half size;
the models work at 256 px) and the sampled frame is the nearest one in time: the CPU
figures of the monitor are bench/posture_cpu.py's, not this script's.

    .venv/bin/python bench/posture_history.py --db /tmp/history.sqlite3 [--profile demo]
        [--days 14] [--strict]
"""

from __future__ import annotations

import argparse
import logging
import math
from datetime import date, datetime, time, timedelta
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run
import cv2
import numpy as np

from rom_tracker.media.models import resolve
from rom_tracker.media.nativelog import divert_native_stderr
from rom_tracker.monitor.engine import PostureEngine, Sample, model_estimators
from rom_tracker.monitor.posture import PostureMonitor, PostureSettings
from rom_tracker.monitor.summary import MinuteSummariser, PostureMinute
from rom_tracker.pipeline import ModelPaths
from rom_tracker.store import Store
from rom_tracker.store.posture_history import add_minutes, posture_days

log = logging.getLogger("posture_history")
FPS = 30.0


def load_frames(video: Path, step: int = 2, scale: float = 0.5) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(video))
    frames = []
    i = 0
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        if i % step == 0:
            small = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            frames.append(cv2.cvtColor(small, cv2.COLOR_BGR2RGB))
        i += 1
    cap.release()
    return frames


class DayGrabber:
    """A day's session: the looped video at 30 fps timestamps (the engine stops it), with
    ``away`` intervals (seconds) where the camera sees an empty room."""

    def __init__(
        self, frames: list[np.ndarray], step: int, away: list[tuple[float, float]]
    ) -> None:
        self.frames, self.step = frames, step
        self.away = away
        self.empty = np.full_like(frames[0], 40)
        self.i = -1

    def open(self) -> None:
        self.i = -1

    def grab(self) -> float | None:
        self.i += 1
        return self.i / FPS  # the engine stops at the session's end (max_t_s)

    def retrieve(self) -> np.ndarray:
        t = self.i / FPS
        if any(a <= t < b for a, b in self.away):
            return self.empty
        return self.frames[(self.i // self.step) % len(self.frames)]

    def release(self) -> None:
        pass


def run_day(
    frames: list[np.ndarray],
    models: ModelPaths,
    settings: PostureSettings,
    start: datetime,
    rng: np.random.Generator,
) -> list[PostureMinute]:
    minutes = float(rng.uniform(12, 30))
    away = []
    for _ in range(int(rng.integers(2, 4))):
        a = float(rng.uniform(60, minutes * 60 - 300))
        away.append((a, a + float(rng.uniform(150, 240))))
    monitor = PostureMonitor(settings)
    monitor.calibrate(0.0)
    summariser = MinuteSummariser()
    out: list[PostureMinute] = []
    offers = [0]

    def on_sample(s: Sample) -> None:
        if s.state.offer_break:  # the person's answer to the offer
            offers[0] += 1
            if offers[0] % 2:
                monitor.break_taken(s.t_s)
            else:
                monitor.dismiss(s.t_s)
        out.extend(summariser.add(s.wall_s, monitor.state))

    engine = PostureEngine(
        DayGrabber(frames, 2, away),
        model_estimators(models),
        monitor,
        on_sample=on_sample,
        wall_clock=lambda t: start.timestamp() + t,
    )
    engine.run(max_t_s=minutes * 60.0)
    if engine.error is not None:
        raise engine.error
    last = summariser.flush()
    return out + ([last] if last is not None else [])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--profile", default="demo")
    p.add_argument("--days", type=int, default=14)
    p.add_argument("--video", type=Path, default=_common.FACE_VIDEOS / "d13.mp4")
    p.add_argument("--break-minutes", type=float, default=5.0)
    p.add_argument("--strict", action="store_true")
    p.add_argument("--seed", type=int, default=14)
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    divert_native_stderr()
    models = ModelPaths(face=resolve("face_landmarker"), pose=resolve("pose_landmarker_lite"))
    frames = load_frames(args.video)
    strict = {"head_down_deg": 2.0, "forward_head_drop": 0.03, "min_off_s": 0.5}
    settings = PostureSettings(
        max_step_s=2.0,
        break_after_s=60.0 * args.break_minutes,
        snooze_s=300.0,
        **(strict if args.strict else {}),
    )
    rng = np.random.default_rng(args.seed)
    today = date.today()
    with Store.open(args.db) as store:
        if args.profile not in {x.name for x in store.list_profiles()}:
            store.add_profile(args.profile)
        for back in range(args.days - 1, -1, -1):
            day = today - timedelta(days=back)
            if day.weekday() >= 5 and back > 0:
                continue  # weekends off
            start = datetime.combine(day, time(9, 0)).astimezone()
            start += timedelta(minutes=float(rng.uniform(0, 90)))
            minutes = run_day(frames, models, settings, start, rng)
            add_minutes(store, args.profile, minutes)
            log.info("%s: %d minutes stored", day, len(minutes))
        for d in posture_days(store, args.profile, args.days):
            share = f"{100 * d.good_share:.0f}%" if math.isfinite(d.good_share) else "-"
            log.info(
                "%s %5.1f min sitting, good %s, %d breaks, %d Micro Pauses",
                d.day,
                d.sitting_min,
                share,
                d.breaks,
                d.micro_pauses,
            )


if __name__ == "__main__":
    main()
