"""The main window: profile and source at the top, a banner when the camera is lost or the
video has ended, and the views (live, measure, progress, posture) in tabs. It owns nothing
heavy: the live feed is a :class:`~rom_tracker.ui.bridge.LiveBridge`, the data a Store,
the measuring logic a :class:`~rom_tracker.ui.flow.MeasureFlow`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rom_tracker.errors import RomTrackerError
from rom_tracker.live.result import LiveResult
from rom_tracker.store import Store
from rom_tracker.ui.bridge import LiveBridge
from rom_tracker.ui.flow import RUNNING, MeasureFlow, Plan
from rom_tracker.ui.guided_view import GuidedView
from rom_tracker.ui.live_view import LiveView, label
from rom_tracker.ui.posture_history_view import PostureHistoryView
from rom_tracker.ui.posture_view import PostureView
from rom_tracker.ui.progress_view import ProgressView

if TYPE_CHECKING:
    from rom_tracker.ui.posture_companion import PostureCompanion

log = logging.getLogger(__name__)

VIEWS = ("live", "guided", "results", "progress", "posture")
TAB_OF = {"live": 0, "guided": 1, "results": 1, "progress": 2, "posture": 3}


class MainWindow(QMainWindow):
    def __init__(
        self,
        store: Store,
        settings: QSettings,
        bridge: LiveBridge,
        *,
        source: str,
        profile: str | None = None,
        models: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("rom-tracker")
        self.store, self.settings, self.bridge = store, settings, bridge
        self.source = source
        self.results_seen = 0
        self.flow = MeasureFlow(store, source=source, models=models or {})

        self.profiles = QComboBox()
        self.profiles.setMinimumWidth(160)
        new_profile = QPushButton("New profile…")
        new_profile.clicked.connect(self.ask_new_profile)
        self.source_label = label("", "muted")
        change_source = QPushButton("Source…")
        change_source.clicked.connect(self.ask_source)
        top = QHBoxLayout()
        top.addWidget(label("Profile", "muted"))
        top.addWidget(self.profiles)
        top.addWidget(new_profile)
        top.addStretch(1)
        top.addWidget(self.source_label)
        top.addWidget(change_source)

        self.banner = QFrame()
        self.banner.setObjectName("banner")
        bl = QHBoxLayout(self.banner)
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("primary")
        self.retry_button.clicked.connect(self.retry)
        bl.addWidget(self.banner_text, 1)
        bl.addWidget(self.retry_button)
        self.banner.setVisible(False)

        self.live = LiveView(movement=str(settings.value("live/movement", "neck_rotation")))
        self.guided = GuidedView(self.flow, self.profile)
        self.progress = ProgressView(store, self.profile)
        self.posture = PostureView(settings)
        self.posture_history = PostureHistoryView(store, self.profile)
        self.posture_tabs = QTabWidget()
        self.posture_tabs.addTab(self.posture, "Now")
        self.posture_tabs.addTab(self.posture_history, "History (14 days)")
        self.posture_tabs.currentChanged.connect(lambda _i: self._refresh_history())
        self.tabs = QTabWidget()
        self.tabs.addTab(self.live, "Live")
        self.tabs.addTab(self.guided, "Measure")
        self.tabs.addTab(self.progress, "Progress")
        self.tabs.addTab(self.posture_tabs, "Posture")
        self.tabs.currentChanged.connect(self._tab_changed)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Starting…")

        self.guided.sound.load(settings)
        self.guided.show_progress.connect(lambda: self.set_view("progress"))
        self.posture.micro_pause.connect(self._micro_pause)
        self.live.movement_changed.connect(lambda m: settings.setValue("live/movement", m))
        self.profiles.currentIndexChanged.connect(self._profile_changed)
        bridge.results.connect(self.on_results)
        bridge.failed.connect(self.on_failed)
        bridge.ended.connect(self.on_ended)
        self.reload_profiles(profile or str(settings.value("profile", "")))
        self._show_source()
        self.companion: PostureCompanion | None = None
        self._quitting = False
        self._camera_lent = False  # the monitor's camera lent to the window's feed
        self._told_tray_gone = False
        geometry = settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)

    # ------------------------------------------------------------------ profile, source

    def profile(self) -> str | None:
        return self.profiles.currentData()

    def reload_profiles(self, select: str | None = None) -> None:
        self.profiles.blockSignals(True)
        self.profiles.clear()
        for p in self.store.list_profiles():
            self.profiles.addItem(p.name, p.name)
        if self.profiles.count() == 0:
            self.profiles.addItem("(no profile yet)", None)
        index = self.profiles.findData(select) if select else -1
        self.profiles.setCurrentIndex(max(0, index))
        self.profiles.blockSignals(False)
        self._profile_changed()

    def ask_new_profile(self) -> None:
        name, ok = QInputDialog.getText(self, "New profile", "Name of the person measured:")
        if ok and name.strip():
            self.add_profile(name.strip())

    def add_profile(self, name: str) -> None:
        try:
            self.store.add_profile(name)
        except RomTrackerError as exc:
            self.statusBar().showMessage(str(exc), 8000)
        self.reload_profiles(name)

    def _profile_changed(self) -> None:
        if self.profile():
            self.settings.setValue("profile", self.profile())
        if self.tabs.currentIndex() == TAB_OF["progress"]:
            self.progress.refresh()

    def ask_source(self) -> None:
        spec, ok = QInputDialog.getText(
            self, "Source", "Camera index (0, 1, …), video file or stream URL:", text=self.source
        )
        if ok and spec.strip():
            self.start_source(spec.strip())

    def start_source(self, spec: str) -> None:
        self.source = spec
        self.flow.source = spec
        self.settings.setValue("source", spec)
        self._show_source()
        self.retry()

    def _show_source(self) -> None:
        self.source_label.setText(f"Source: {self.source}")

    # ------------------------------------------------------------------ the live feed

    def retry(self) -> None:
        """(Re)start the feed: Retry after a lost camera, Play again after a video's end.

        With the posture monitor running, its camera is lent to the window (the monitor
        pauses) until the window goes back to the tray."""
        c = self.companion
        if c is not None and c.active and c.model.paused_until != float("inf"):
            c.toggle_camera()  # camera off: released before the window's feed opens it
            self._camera_lent = True
        if self.flow.view.phase == RUNNING:
            self.flow.resume()  # the interrupted step starts again; completed trials are saved
        self.banner.setVisible(False)
        self.statusBar().showMessage(f"Opening {self.source}…")
        self.bridge.start(self.source)

    def on_results(self, results: Sequence[LiveResult]) -> None:
        self.results_seen += len(results)
        self.live.add_results(results)
        self.guided.add_results(results)
        self.posture.add_results(results)
        if results and self.statusBar().currentMessage().startswith(("Opening", "Starting")):
            self.statusBar().showMessage(f"Live: {self.source}", 5000)

    def on_failed(self, message: str) -> None:
        """The camera or stream was lost, or the source could not be read."""
        self._banner(f"The camera or video stopped: {message}.{self._paused()}", "Retry")

    def on_ended(self) -> None:
        """The video played as the camera came to its end: nothing went wrong."""
        kept = self._paused() or " Nothing is lost: what was measured stays."
        self._banner(f"The video {Path(self.source).name} has ended.{kept}", "Play again")

    def _paused(self) -> str:
        if self.flow.view.phase != RUNNING:
            return ""
        n = self.flow.view.saved_trials
        return f" The measurement is paused; {n} completed trial{'s' if n != 1 else ''} saved."

    def _banner(self, text: str, action: str) -> None:
        self.banner_text.setText(text)
        self.retry_button.setText(action)
        self.banner.setVisible(True)
        self.statusBar().showMessage("No live source", 0)

    # ------------------------------------------------------------------ views

    def set_view(self, name: str, session_id: int | None = None) -> None:
        if name not in TAB_OF:
            raise ValueError(f"unknown view {name!r}; views: {', '.join(VIEWS)}")
        self.tabs.setCurrentIndex(TAB_OF[name])
        if name == "results":
            sid = session_id
            if sid is None and self.profile():
                sessions = self.store.sessions(self.profile())
                sid = sessions[-1].id if sessions else None
            if sid is not None:
                self.guided.show_session(sid)
        elif name == "progress":
            self.progress.refresh()

    def start_plan(self, plan: Plan) -> None:
        self.set_view("guided")
        self.guided.start(plan)

    def attach_companion(self, companion: PostureCompanion) -> None:
        """The posture monitor in the tray: its menu opens this window, and closing the
        window keeps the app in the tray."""
        self.companion = companion
        companion.open_app.connect(lambda: self.bring_up("posture"))
        companion.micro_pause.connect(self._micro_pause_from_tray)
        companion.quit_requested.connect(self.quit_app)
        companion.changed.connect(self._refresh_history)
        companion.updated.connect(self._show_background)
        companion.tray.gone.connect(self._tray_gone)
        companion.tray.back.connect(self._tray_back)
        companion.tray.notified.connect(self._notified)

    def _notified(self, title: str, text: str) -> None:
        """A nudge with no tray or notification daemon to show it: in the status bar (the
        latest stays until the next message), and the taskbar entry asks for attention. Only
        the first sentence: the rest says what a click on the notification does, and the
        Posture tab's own offer bar is what is clicked here."""
        from PySide6.QtWidgets import QApplication

        first = text.split(". ", 1)[0].rstrip(".")
        self.statusBar().showMessage(f"{title} {first}.", 0)
        QApplication.alert(self)

    def _tray_gone(self) -> None:
        """The desktop's tray went away: the monitor goes on in this window (said once),
        and closing it quits."""
        from PySide6.QtWidgets import QApplication

        QApplication.setQuitOnLastWindowClosed(True)
        if not self._told_tray_gone:
            self._told_tray_gone = True
            log.warning("the system tray has gone: the posture monitor goes on in the window")
        self.bring_up("posture")
        self.statusBar().showMessage(
            "The system tray has gone: the posture monitor runs while this window is open", 0
        )

    def _tray_back(self) -> None:
        from PySide6.QtWidgets import QApplication

        QApplication.setQuitOnLastWindowClosed(False)
        log.info("the system tray is back: the posture monitor's icon is in it again")
        self.statusBar().showMessage(
            "The system tray is back: closing this window keeps the posture monitor there", 0
        )

    def _show_background(self) -> None:
        c = self.companion
        if c is not None and not self.bridge.running and self.isVisible():
            self.posture.show_background(c.monitor.state, c.tray.status.text)

    def monitor_has_camera(self) -> None:
        """Shown from the tray while the monitor runs: the window's feed is not started."""
        where = " (it runs in the tray)" if self.companion and self.companion.tray.available else ""
        self._banner(
            f"The posture monitor is using the camera{where}. The live views need it too.",
            "Use the camera here",
        )
        self.statusBar().showMessage("Posture monitor running", 0)

    def bring_up(self, view: str | None = None) -> None:
        """Show the window (from the tray)."""
        if view is not None:
            self.set_view(view)
        if not self.bridge.running and not self.banner.isVisible():
            self.monitor_has_camera()
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _micro_pause_from_tray(self) -> None:
        self.bring_up()
        self._micro_pause()

    def quit_app(self) -> None:
        """Quit from the tray: the monitor stops (its minute stored), the window closes."""
        self._quitting = True
        if self.companion is not None:
            self.companion.stop()
        self.close()
        from PySide6.QtWidgets import QApplication

        QApplication.quit()

    def _refresh_history(self) -> None:
        if self.posture_tabs.currentWidget() is self.posture_history:
            self.posture_history.refresh()

    def _micro_pause(self) -> None:
        profile = self.profile()
        if profile:
            self.start_plan(Plan(profile, protocol="neck_micro_pause"))
        else:
            self.set_view("guided")

    def _tab_changed(self, index: int) -> None:
        if index == TAB_OF["progress"]:
            self.progress.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        c = self.companion
        if c is not None and c.active and c.tray.available and not self._quitting:
            self._to_tray()
            event.ignore()
            return
        self.bridge.stop()  # releases the camera
        if self.flow.view.phase == RUNNING:
            self.flow.cancel()  # completed trials are already stored
        self.settings.setValue("geometry", self.saveGeometry())
        self.guided.sound.save(self.settings)
        self.guided.spoken.close()
        self.settings.sync()
        super().closeEvent(event)

    def _to_tray(self) -> None:
        """Closing the window with the monitor on keeps it in the tray (said once)."""
        c = self.companion
        assert c is not None
        self.bridge.stop()
        if self._camera_lent:
            self._camera_lent = False
            c.resume()
        self.hide()
        self.settings.setValue("geometry", self.saveGeometry())
        if self.settings.value("posture/told_tray", "false") != "true":
            self.settings.setValue("posture/told_tray", "true")
            c.tray.notify(
                "rom-tracker is still running",
                "The posture monitor goes on in the tray. Quit it from the tray icon's menu.",
            )
