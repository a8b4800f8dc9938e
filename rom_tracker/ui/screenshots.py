"""Screenshots of the app's main views for the documentation, on replayed videos.

    .venv/bin/python -m rom_tracker.ui.screenshots --out docs/screenshots \\
        --protocol-video A.mp4 --protocol-video B.mp4 --protocol-video C.mp4

1. Sessions for the results and progress views: ``--db`` (and ``--profile``) names an
   existing database, e.g. the project's sample database; otherwise each
   ``--protocol-video`` (a person doing the neck Micro Pause, e.g. rendered by
   ``samples/make_protocol_video.py`` with a different range each) is run through the
   real models and the real protocol runner (:class:`~rom_tracker.ui.flow.MeasureFlow`,
   offline, every frame) into a fresh database, one session a week apart, so the charts
   have dates. Nothing is made up: the values are what the pipeline measured.
2. ``rom-tracker gui ... --screenshot`` is started once per view, offscreen, in a
   subprocess, exactly as a user would start it: ``live`` and ``guided`` replay
   ``--video`` (a shared face video as the camera), ``posture`` replays
   ``--posture-video``, ``results`` and ``progress`` show the database of step 1.

Settings go to a temporary folder (never the user's).
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

FACES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "videos" / "faces"
PROFILE = "demo"
PROTOCOL = "neck_micro_pause"
FIRST_SESSION = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def record_session(db: Path, video: Path, started_at: datetime) -> int | None:
    """Run ``video`` through the models and the neck Micro Pause; returns the session id."""
    from rom_tracker.capture import open_source
    from rom_tracker.kinematics.table import angle_table
    from rom_tracker.pipeline import run_models
    from rom_tracker.store import Store
    from rom_tracker.ui.feed import default_models, model_hashes
    from rom_tracker.ui.flow import RUNNING, MeasureFlow, Plan

    models = default_models()
    landmarks = run_models(open_source(video), models)
    table = angle_table(landmarks, "all")
    with Store.open(db) as store:
        if PROFILE not in {p.name for p in store.list_profiles()}:
            store.add_profile(PROFILE)
        flow = MeasureFlow(store, source=str(video), models=model_hashes(models))
        flow.started_at = started_at.isoformat()
        flow.start(Plan(PROFILE, protocol=PROTOCOL))
        for i, t in enumerate(landmarks.t_s):
            flow.feed(float(t), {c: float(v[i]) for c, v in table.items()})
            if flow.view.phase != RUNNING:
                break
        else:
            flow.cancel()  # the video ended first: completed trials are kept
        log.info("%s: %s, %d trials", video.name, flow.view.phase, len(flow.trial_ids))
        return flow.session_id


def shoot(args: list[str], png: Path, env: dict[str, str]) -> None:
    cmd = [sys.executable, "-m", "rom_tracker", "gui", *args, "--screenshot", str(png)]
    log.info("%s", " ".join(cmd))
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not png.is_file():
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr[-3000:]}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    p.add_argument("--video", type=Path, default=FACES / "d12.mp4", help="live and guided")
    p.add_argument("--posture-video", type=Path, default=FACES / "d13.mp4")
    p.add_argument(
        "--protocol-video",
        type=Path,
        action="append",
        default=[],
        help="a video of the neck Micro Pause; one session each, a week apart (repeat)",
    )
    p.add_argument(
        "--db",
        type=Path,
        help="for results and progress: an existing database (e.g. the sample database) "
        "instead of recording --protocol-video sessions",
    )
    p.add_argument("--profile", default=PROFILE, help="with --db: the profile to show")
    p.add_argument("--size", default="1280x800")
    p.add_argument("--views", default="live,guided,results,progress,posture")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    views = args.views.split(",")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rom-tracker-shots-") as tmp:
        work = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
        env.update(
            QT_QPA_PLATFORM="offscreen",
            XDG_CONFIG_HOME=str(work / "config"),
            ROM_TRACKER_HOME=str(work / "home"),
        )
        db = args.db or work / "sessions.sqlite3"
        if args.db is None:
            for i, video in enumerate(args.protocol_video):
                record_session(db, video, FIRST_SESSION + timedelta(weeks=i))
        common = ["--profile", args.profile, "--size", args.size]
        live = ["--source", str(args.video), "--db", str(work / "live.sqlite3"), *common]
        plan = {
            "live": [*live, "--view", "live", "--quit-after", "8"],
            "guided": [*live, "--protocol", PROTOCOL, "--quit-after", "16"],
            "posture": [
                *common,
                "--source",
                str(args.posture_video),
                "--db",
                str(work / "posture.sqlite3"),
                "--view",
                "posture",
                "--quit-after",
                "10",
            ],
            "results": [*common, "--source", str(args.video), "--db", str(db)],
            "progress": [*common, "--source", str(args.video), "--db", str(db)],
        }
        plan["results"] += ["--view", "results", "--quit-after", "3"]
        plan["progress"] += ["--view", "progress", "--quit-after", "3"]
        for view in views:
            if view in ("results", "progress") and not (args.protocol_video or args.db):
                log.warning("skipping %s: give --db or --protocol-video", view)
                continue
            shoot(plan[view], args.out / f"{view}.png", env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
