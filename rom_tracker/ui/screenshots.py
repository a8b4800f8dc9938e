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

3. ``tray`` renders the tray's menu (the ``QMenu`` widget, as the desktop would show it
   under the tray icon, with the four state icons beside it); ``posture_history``
   renders the Posture tab's 14-day history of ``--history-db`` (made by
   ``bench/posture_history.py`` with the real pipeline on d13).

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
    from rom_tracker.kinematics.table import angle_table
    from rom_tracker.media.capture import open_source
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


def _qt_app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from rom_tracker.ui import theme
    from rom_tracker.ui.qtenv import guard_singleton_refcounts

    guard_singleton_refcounts()
    app = QApplication.instance() or QApplication(["screenshots"])
    app.setStyleSheet(theme.STYLE)  # type: ignore[union-attr]
    return app


def shoot_tray_menu(png: Path) -> None:
    """The tray menu while the monitor offers a Micro Pause, and the state icons."""
    _qt_app()
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QColor, QPainter, QPixmap

    from rom_tracker.monitor import companion as cp
    from rom_tracker.ui import theme
    from rom_tracker.ui.live_view import label
    from rom_tracker.ui.tray import WindowlessTray, state_icon

    tray = WindowlessTray()
    status = cp.TrayStatus(cp.GOOD_KIND, "Posture good (sitting 52 min)")
    tray.show_status(status, camera_off=False, offer=True)
    menu = tray.menu
    menu.ensurePolished()
    menu.adjustSize()
    shot = menu.grab()
    icons = [
        (cp.GOOD_KIND, "good"),
        (cp.OFF, "off"),
        (cp.PAUSED, "paused"),
        (cp.NO_CAMERA, "no camera"),
    ]
    pad, icon = 16, 32
    width = shot.width() + 3 * pad + 130
    out = QPixmap(width, max(shot.height(), len(icons) * (icon + 12)) + 2 * pad)
    out.fill(QColor(theme.BACKGROUND))
    p = QPainter(out)
    p.drawPixmap(QPoint(pad, pad), shot)
    x = shot.width() + 2 * pad
    for i, (kind, text) in enumerate(icons):
        y = pad + i * (icon + 12)
        p.drawPixmap(x, y, state_icon(kind).pixmap(icon, icon))
        tag = label(text, "muted")
        tag.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        tag.adjustSize()
        p.drawPixmap(x + icon + 8, y + (icon - tag.height()) // 2, tag.grab())
    p.end()
    out.save(str(png), "PNG")


def shoot_posture_history(png: Path, db: Path, profile: str, size: tuple[int, int]) -> None:
    """The Posture tab's history view of ``profile`` in ``db``."""
    _qt_app()
    from rom_tracker.store import Store
    from rom_tracker.ui.posture_history_view import PostureHistoryView

    with Store.open(db) as store:
        view = PostureHistoryView(store, lambda: profile)
        view.resize(*size)
        view.refresh()
        view.show()
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        view.grab().save(str(png), "PNG")
        view.close()


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
    p.add_argument("--history-db", type=Path, help="for posture_history: a database")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    views = args.views.split(",")
    args.out.mkdir(parents=True, exist_ok=True)
    if "tray" in views:
        views.remove("tray")
        shoot_tray_menu(args.out / "tray_menu.png")
    if "posture_history" in views:
        views.remove("posture_history")
        if args.history_db is None:
            raise SystemExit("posture_history needs --history-db (bench/posture_history.py)")
        w = int(args.size.split("x")[0])
        shoot_posture_history(
            args.out / "posture_history.png", args.history_db, args.profile, (w, 560)
        )
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
