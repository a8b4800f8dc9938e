"""The posture companion as ``rom-tracker gui --posture`` builds it (main window, real
``SystemTray``, the desktop notifier, :func:`rom_tracker.ui.app.start_in_tray`), with a
fake camera and scripted estimators, run on a real X display by the real-tray tests.

The test drives it as a user does (xdotool clicks on the tray icon and its menu) and asks
it, one JSON line on stdin per command, for what it shows; each answer is one JSON line on
stdout. Commands: ``status``, ``close_window``, ``advance`` (the companion's clock, in
seconds, then a tick), ``camera`` (``busy``: taken by another program), ``quit``.

Run: ``python tray_driver.py DIR [--sound] [--break-s S]`` (DIR: the store and settings).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import threading
from pathlib import Path

from monitor_fakes import T0, Clock, FakeCamera, fake_estimators
from PySide6.QtCore import QObject, QRect, QSettings, Signal
from PySide6.QtWidgets import QApplication

from rom_tracker.monitor.engine import PostureEngine
from rom_tracker.store import Store
from rom_tracker.store.posture_history import minutes
from rom_tracker.ui.app import start_in_tray
from rom_tracker.ui.bridge import LiveBridge
from rom_tracker.ui.main_window import MainWindow
from rom_tracker.ui.notifications import desktop_notifier
from rom_tracker.ui.posture_companion import PostureCompanion
from rom_tracker.ui.qtenv import guard_singleton_refcounts
from rom_tracker.ui.tray import SystemTray


def rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


class Driver(QObject):
    command = Signal(dict)

    def __init__(self, folder: Path, *, sound: bool, break_s: float | None) -> None:
        super().__init__()
        self.store = Store.open(folder / "db.sqlite3")
        self.store.add_profile("alex")
        self.settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        self.camera = FakeCamera()
        self.camera.gate = threading.Event()  # never set: ~100 frames a second
        self.clock = Clock()
        self.micro_pauses = 0
        notifier = desktop_notifier(sound=sound)
        self.tray = SystemTray(sound=sound, notifier=notifier)
        self.window = MainWindow(
            self.store, self.settings, LiveBridge(lambda s, c: None), source="0", profile="alex"
        )
        self.companion = PostureCompanion(
            self.store, self.settings, self.tray, self.engine, lambda: "alex", now=self.clock
        )
        if break_s is not None:
            m = self.companion.monitor
            m.settings = dataclasses.replace(m.settings, break_after_s=break_s)
        self.companion.micro_pause.connect(self._micro_pause)
        self.window.attach_companion(self.companion)
        self.command.connect(self.run)

    def engine(self, monitor, on_sample, on_error) -> PostureEngine:
        # a simulated minute every simulated second: minutes turn quickly
        return PostureEngine(
            self.camera,
            fake_estimators(self.camera),
            monitor,
            on_sample=on_sample,
            on_error=on_error,
            wall_clock=lambda t: T0 + 60.0 * t,
        )

    def _micro_pause(self) -> None:
        self.micro_pauses += 1

    def status(self) -> dict[str, object]:
        menu = self.tray.menu
        actions = {
            a.text(): rect(menu.actionGeometry(a).translated(menu.pos()))
            for a in menu.actions()
            if a.isVisible() and not a.isSeparator()
        }
        notifier = self.tray.notifier
        return {
            "available": self.tray.available,
            "protocol": self.tray.protocol,
            "kind": self.tray.status.kind,
            "text": self.tray.status.text,
            "icon": rect(self.tray.tray.geometry()),
            "icon_visible": self.tray.tray.isVisible(),
            "menu_visible": menu.isVisible(),
            "menu": rect(menu.geometry()),
            "actions": actions,
            "camera_open": self.camera.is_open,
            "opened": self.camera.opened,
            "released": self.camera.released,
            "engine_running": self.companion.engine.running,
            "active": self.companion.active,
            "window_visible": self.window.isVisible(),
            "window_status": self.window.statusBar().currentMessage(),
            "tab": self.window.tabs.currentIndex(),
            "minutes": [m.minute_at for m in minutes(self.store, "alex")],
            "notifier": notifier is not None,
            "notified": sorted(notifier.ids) if notifier is not None else [],
            "micro_pauses": self.micro_pauses,
        }

    def run(self, cmd: dict) -> None:
        name = cmd.get("cmd")
        if name == "close_window":
            self.window.close()
        elif name == "advance":
            self.clock.t += float(cmd["s"])
            self.companion.tick()
        elif name == "camera":
            self.camera.busy = bool(cmd["busy"])
        elif name == "quit":
            self.window.quit_app()
        answer = self.status() if name != "quit" else {"quit": True}
        print(json.dumps(answer), flush=True)


def read_commands(driver: Driver) -> None:  # thread
    for line in sys.stdin:
        if line.strip():
            try:
                driver.command.emit(json.loads(line))
            except RuntimeError:  # the app has quit
                return


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sound", action="store_true")
    parser.add_argument("--break-s", type=float)
    args = parser.parse_args()
    app = QApplication([sys.argv[0]])
    guard_singleton_refcounts()
    app.setApplicationName("rom-tracker")
    driver = Driver(args.folder, sound=args.sound, break_s=args.break_s)
    start_in_tray(driver.window, driver.companion)
    threading.Thread(target=read_commands, args=(driver,), daemon=True).start()
    print(json.dumps({"started": True, **driver.status()}), flush=True)
    code = app.exec()
    driver.companion.stop()
    driver.store.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
