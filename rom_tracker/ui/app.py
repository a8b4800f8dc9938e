"""Start-up of the desktop app: the Qt environment fix, QApplication, store, settings, the
live feed and the main window; the headless screenshot and ``--quit-after`` options."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rom_tracker.errors import DesktopError, UsageError
from rom_tracker.ui.platform_check import check_platform_plugin
from rom_tracker.ui.qtenv import clean_qt_environment, guard_singleton_refcounts

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from rom_tracker.pipeline import ModelPaths
    from rom_tracker.store import Store
    from rom_tracker.ui.main_window import MainWindow
    from rom_tracker.ui.posture_companion import PostureCompanion

log = logging.getLogger(__name__)

ORGANIZATION = APPLICATION = "rom-tracker"
SCREENSHOT_DEFAULT_S = 3.0


def parse_size(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageError(
            f"--size must be WIDTHxHEIGHT, got {text!r}", "e.g. --size 1280x800"
        ) from None
    if w < 320 or h < 240:
        raise UsageError(f"--size {text} is too small", "use at least 320x240")
    return w, h


def check_display(environ: Mapping[str, str] = os.environ) -> None:
    """On Linux without a display, say so (Qt would abort the process)."""
    if not sys.platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return
    if not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        raise DesktopError(
            "no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set)",
            "run it in a desktop session, or set QT_QPA_PLATFORM=offscreen for --screenshot",
        )


def run_app(args: argparse.Namespace) -> int:
    """Run the app until its window is closed; returns the exit code."""
    size = parse_size(getattr(args, "size", None))
    check_display()
    clean_qt_environment()  # before Qt reads QT_QPA_PLATFORM_PLUGIN_PATH (see qtenv)
    check_platform_plugin()  # one line naming a missing system library, not Qt's abort
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    guard_singleton_refcounts()  # PySide6 6.12.0 on Python 3.11 (see qtenv)

    from rom_tracker.store import Store
    from rom_tracker.ui import theme
    from rom_tracker.ui.bridge import LiveBridge
    from rom_tracker.ui.feed import Callbacks, default_models, model_hashes, start_live
    from rom_tracker.ui.flow import Plan
    from rom_tracker.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setStyleSheet(theme.STYLE)
    settings = QSettings()
    models = default_models()  # resolved once, here: a missing model fails before any window
    loop = not args.no_loop

    def factory(spec: str, callbacks: Callbacks) -> object:
        return start_live(spec, callbacks, models=models, loop=loop)

    source = str(args.source if args.source is not None else settings.value("source", "0"))
    with Store.open(args.db) as store:
        if args.profile and args.profile not in {p.name for p in store.list_profiles()}:
            store.add_profile(args.profile)
        bridge = LiveBridge(factory)  # type: ignore[arg-type]
        window = MainWindow(
            store,
            settings,
            bridge,
            source=source,
            profile=args.profile,
            models=model_hashes(models),
        )
        posture = bool(getattr(args, "posture", False))
        posture = posture or settings.value("posture/autostart", "false") == "true"
        companion = None
        if posture:
            companion = start_companion(store, settings, source, models, window.profile)
            window.attach_companion(companion)
        if args.source is not None:
            settings.setValue("source", source)
        if size is not None or args.screenshot is not None:
            window.resize(*(size or (1280, 800)))
        if companion is not None:
            start_in_tray(window, companion, window_wanted=args.screenshot is not None)
        else:
            window.show()
            window.retry()  # starts the feed
        if args.protocol:
            window.start_plan(Plan(args.profile, protocol=args.protocol))
        elif args.view:
            window.set_view(args.view, args.session)
        quit_after = args.quit_after
        if args.screenshot is not None and quit_after is None:
            quit_after = SCREENSHOT_DEFAULT_S
        if quit_after is not None:
            done = partial(_finish, window, args.screenshot)
            QTimer.singleShot(round(1000 * quit_after), done)
        code = app.exec()
        if companion is not None:
            companion.stop()  # camera released, the minute in progress stored
        bridge.stop()  # workers joined, camera released (closeEvent did it already)
        # Delete the Qt objects while Qt and Python are both fully alive, not during
        # interpreter shutdown (where PySide6 can crash collecting pyqtgraph items).
        window.deleteLater()
        del window
        app.processEvents()
        gc.collect()
    return int(code)


def start_companion(
    store: Store,
    settings: QSettings,
    source: str,
    models: ModelPaths,
    profile: Callable[[], str | None],
) -> PostureCompanion:
    """The tray (or its stand-in without one) and the light posture monitor on ``source``."""
    from rom_tracker.monitor.engine import PostureEngine, Sample, model_estimators
    from rom_tracker.monitor.grabber import CvGrabber
    from rom_tracker.monitor.posture import PostureMonitor
    from rom_tracker.ui.notifications import desktop_notifier
    from rom_tracker.ui.posture_companion import PostureCompanion
    from rom_tracker.ui.tray import SystemTray, Tray, WindowlessTray

    sound = settings.value("sound", "false") == "true"
    tray: Tray = WindowlessTray()
    if SystemTray.supported():
        tray = SystemTray(sound=sound, notifier=desktop_notifier(sound=sound))

    def engine(
        monitor: PostureMonitor,
        on_sample: Callable[[Sample], None],
        on_error: Callable[[BaseException], None],
    ) -> PostureEngine:
        return PostureEngine(
            CvGrabber(source),
            model_estimators(models),
            monitor,
            on_sample=on_sample,
            on_error=on_error,
        )

    return PostureCompanion(store, settings, tray, engine, profile)


def start_in_tray(
    window: MainWindow, companion: PostureCompanion, *, window_wanted: bool = False
) -> None:
    """Start the monitor minimised to the tray; without a tray (or ``window_wanted``, for a
    screenshot) it runs in the window, which then quits the app when closed."""
    from PySide6.QtWidgets import QApplication

    companion.start()
    if companion.tray.available and not window_wanted:
        QApplication.setQuitOnLastWindowClosed(False)  # minimised to the tray
        return
    window.bring_up("posture")
    if not companion.tray.available:
        log.warning("no system tray on this desktop: the posture monitor runs in the window")
        window.statusBar().showMessage(
            "No system tray here: the posture monitor runs while this window is open", 0
        )


def _finish(window: object, screenshot: Path | None) -> None:
    from rom_tracker.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(screenshot), "PNG"):
            log.error("could not write the screenshot %s", screenshot)
        else:
            log.info("screenshot written to %s", screenshot)
    window.quit_app()  # also from the tray (closing the window would keep the app there)
