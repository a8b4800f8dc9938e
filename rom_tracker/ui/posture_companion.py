"""The posture monitor as an all-day companion: the Qt glue between the light engine
(worker thread), the tray, and the store. The decisions are in Qt-free classes
(:class:`~rom_tracker.monitor.companion.Companion`,
:class:`~rom_tracker.monitor.summary.MinuteSummariser`); this only wires them.

The engine calls back on its worker thread; a queued signal brings each sample (and an
error) to the GUI thread. Every completed minute is committed to the store at once, and
the minute in progress when the monitor pauses, loses the camera or quits, so no summed
minute is lost.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import asdict

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal

from rom_tracker.errors import RomTrackerError
from rom_tracker.monitor import companion as cp
from rom_tracker.monitor.engine import PostureEngine, Sample, clock
from rom_tracker.monitor.posture import (
    CALIBRATING,
    MONITORING,
    Baseline,
    PostureMonitor,
    PostureSettings,
)
from rom_tracker.monitor.summary import MinuteSummariser, PostureMinute
from rom_tracker.store import Store
from rom_tracker.store.posture_history import add_minutes
from rom_tracker.ui.posture_view import FORWARD_REMIND_KEY
from rom_tracker.ui.tray import Tray

log = logging.getLogger(__name__)

#: engine_factory(monitor, on_sample, on_error) -> a PostureEngine (not started)
EngineFactory = Callable[
    [PostureMonitor, Callable[[Sample], None], Callable[[BaseException], None]], PostureEngine
]


def monitor_from_settings(settings: QSettings) -> PostureMonitor:
    """The judgement with the window's settings: Micro Pause minutes, saved calibration."""
    minutes = int(str(settings.value("posture/break_minutes", 45)))
    monitor = PostureMonitor(PostureSettings(break_after_s=60.0 * minutes, max_step_s=2.0))
    saved = settings.value("posture/baseline", "")
    if saved:
        try:
            monitor.set_baseline(Baseline(**json.loads(str(saved))))
        except (TypeError, ValueError):
            settings.remove("posture/baseline")
    return monitor


class PostureCompanion(QObject):
    """Runs the monitor, keeps the tray up to date, stores the minutes.

    ``open_app`` and ``micro_pause`` ask the window to show itself (and start a Micro
    Pause); ``quit_requested`` to quit the app.
    """

    open_app = Signal()
    micro_pause = Signal()
    quit_requested = Signal()
    changed = Signal()  # minutes were stored
    updated = Signal()  # the state or the tray's status changed
    _sample = Signal(object)
    _error = Signal(str)

    def __init__(
        self,
        store: Store,
        settings: QSettings,
        tray: Tray,
        engine_factory: EngineFactory,
        profile: Callable[[], str | None],
        *,
        now: Callable[[], float] = clock,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.settings, self.tray, self.profile = store, settings, tray, profile
        self.now = now
        self.monitor = monitor_from_settings(settings)
        remind = float(str(settings.value(FORWARD_REMIND_KEY, 0) or 0))
        remind_s = 60.0 * remind if remind > 0 else None
        self.model = cp.Companion(self.monitor, forward_remind_s=remind_s)
        self.summary = MinuteSummariser()
        self.engine = engine_factory(self.monitor, self._on_worker_sample, self._on_worker_error)
        self.minutes_saved = 0
        self.active = False
        self._sample.connect(self._on_sample, Qt.ConnectionType.QueuedConnection)
        self._error.connect(self._on_error, Qt.ConnectionType.QueuedConnection)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)
        tray.pause.connect(self.pause)
        tray.camera_toggled.connect(self.toggle_camera)
        tray.micro_pause.connect(self.take_micro_pause)
        tray.not_now.connect(self.not_now)
        tray.message_clicked.connect(self._message_clicked)
        tray.open_app.connect(self.open_app.emit)
        tray.quit.connect(self.quit_requested.emit)
        self._last_nudge = ""
        self._told_no_profile = False

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        self.active = True
        if self.monitor.state.phase not in (MONITORING, CALIBRATING):
            # not calibrated yet: the first seconds are taken as the good posture (as the
            # Posture tab does when first opened); it restarts at the first frames' time
            with self.engine.lock:
                self.monitor.calibrate(0.0)
        self.tray.show()
        self.timer.start()
        self.tick()

    def stop(self) -> None:
        """Quit: the camera released, the minute in progress stored."""
        self.active = False
        self.timer.stop()
        self._stop_engine()
        self.tray.hide()

    # -- the tray's commands ------------------------------------------------------------------

    def pause(self, minutes: int) -> None:
        self._act(self.model.pause(minutes, self.now()))

    def toggle_camera(self) -> None:
        if self.model.paused_until == math.inf:
            self._act(self.model.resume())
        else:
            self._act(self.model.camera_off())

    def resume(self) -> None:
        self._act(self.model.resume())

    def take_micro_pause(self) -> None:
        with self.engine.lock:
            self.model.micro_pause_taken()
        self.micro_pause.emit()
        self._show()

    def not_now(self) -> None:
        with self.engine.lock:
            self.model.not_now()
        self._show()

    def _message_clicked(self) -> None:
        if self._last_nudge == "micro_pause":
            self.take_micro_pause()
        else:
            self.open_app.emit()

    # -- timer, engine events ---------------------------------------------------------------

    def tick(self) -> None:
        if self.active:
            self._act(self.model.tick(self.now()))

    def _act(self, action: str) -> None:
        if action == cp.STOP:
            self._stop_engine()
        elif action == cp.START and not self.engine.running:
            self.model.running = True
            self.engine.start()
        elif action == cp.RESTART:
            log.info("posture monitor: restarting the camera after a sleep")
            self._stop_engine()
            self.model.running = True
            self.engine.start()
        self._show()

    def _stop_engine(self) -> None:
        self.engine.stop()  # joins the worker: camera and models released
        self.model.running = False
        self._flush()

    def _on_worker_sample(self, s: Sample) -> None:  # worker thread
        try:
            self._sample.emit(s)
        except RuntimeError:  # the companion is gone (the app is quitting)
            log.debug("posture sample after the companion was deleted")

    def _on_worker_error(self, exc: BaseException) -> None:  # worker thread
        text = exc.problem if isinstance(exc, RomTrackerError) else f"{type(exc).__name__}: {exc}"
        try:
            self._error.emit(text)
        except RuntimeError:
            log.debug("posture error after the companion was deleted: %s", text)

    def _on_error(self, reason: str) -> None:
        log.warning("posture monitor: %s", reason)
        self.engine.stop()
        self._flush()
        self.model.camera_failed(reason, self.now())
        self._show()

    def _on_sample(self, s: Sample) -> None:
        if not self.active or not self.model.running:
            return  # a sample queued before a pause
        self.model.camera_ok()
        self._save(self.summary.add(s.wall_s, s.state))
        if s.state.phase == MONITORING and s.state.baseline is not None:
            base = json.dumps(asdict(s.state.baseline))
            if self.settings.value("posture/baseline", "") != base:
                self.settings.setValue("posture/baseline", base)
        with self.engine.lock:
            nudges = self.model.observe(s.state, s.t_s, self.now())
        for nudge in nudges:
            self._last_nudge = nudge.kind
            self.tray.notify(nudge.title, nudge.text)
        self._show()

    # -- history ----------------------------------------------------------------------------

    def _flush(self) -> None:
        last = self.summary.flush()
        if last is not None:
            self._save([last])

    def _save(self, minutes: list[PostureMinute]) -> None:
        profile = self.profile()
        if not minutes:
            return
        if not profile:
            if not self._told_no_profile:
                self._told_no_profile = True
                log.warning("no profile chosen: the posture minutes are not stored")
            return
        try:
            self.minutes_saved += add_minutes(self.store, profile, minutes)
        except RomTrackerError as exc:  # a locked or full disk: say so, keep monitoring
            log.error("posture minutes not stored: %s", exc)
        else:
            self.changed.emit()

    def _show(self) -> None:
        st = self.monitor.state
        self.tray.show_status(
            self.model.status(self.now()),
            camera_off=self.model.paused_until == math.inf,
            offer=st.offer_break,
        )
        self.updated.emit()
