"""Posture monitor: calibrate a good sitting posture, then a calm status, sitting time and
time in good posture, and a dismissible offer of a Micro Pause after a chosen sitting
time. Logic in :class:`~rom_tracker.monitor.posture.PostureMonitor`."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, replace

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rom_tracker.display.overlay import overlay_for
from rom_tracker.live.result import LiveResult
from rom_tracker.monitor.posture import (
    AWAY,
    CALIBRATING,
    FORWARD_HEAD,
    GOOD,
    HEAD_DOWN,
    MONITORING,
    UNCALIBRATED,
    Baseline,
    PostureMonitor,
    PostureSettings,
    PostureState,
    posture_metrics,
)
from rom_tracker.ui import theme
from rom_tracker.ui.live_view import label, panel
from rom_tracker.ui.widgets import VideoView, fmt_deg

#: Setting read by the tray monitor (ui/posture_companion.py): minutes, 0 = no reminder.
FORWARD_REMIND_KEY = "posture/forward_remind_minutes"

STATUS_TEXT = {
    GOOD: ("Good posture", theme.GOOD),
    FORWARD_HEAD: ("Head forward: let it float back over your shoulders", theme.WARN),
    HEAD_DOWN: ("Head down: bring the screen up or your eyes level", theme.WARN),
    AWAY: ("Away", theme.MUTED),
}


def hms(seconds: float) -> str:
    s = max(0, round(seconds))
    return (
        f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


class PostureView(QWidget):
    """``micro_pause`` asks the window to start a guided Micro Pause."""

    micro_pause = Signal()

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        minutes = int(settings.value("posture/break_minutes", 45))
        self.monitor = PostureMonitor(PostureSettings(break_after_s=60.0 * minutes))
        saved = settings.value("posture/baseline", "")
        if saved:
            try:
                self.monitor.set_baseline(Baseline(**json.loads(str(saved))))
            except (TypeError, ValueError):
                settings.remove("posture/baseline")
        self.last_t = math.nan

        self.video = VideoView()
        self.status = label("Calibrate first", "status")
        self.status.setWordWrap(True)
        self.detail = label("", "muted", wrap=True)
        self.calibrate_button = QPushButton("Calibrate good posture")
        self.calibrate_button.setObjectName("primary")
        self.calibrate_button.clicked.connect(self.calibrate)
        self.sitting = label("0:00", "big")
        self.good = label("–", "big")
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 180)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" min")
        self.minutes.setValue(minutes)
        self.minutes.valueChanged.connect(self._set_minutes)

        self._build_settings(settings)
        self._build_offer()

        box = panel()
        grid = QGridLayout(box)
        grid.addWidget(self.status, 0, 0, 1, 2)
        grid.addWidget(self.detail, 1, 0, 1, 2)
        grid.addWidget(label("Sitting", "muted"), 2, 0)
        grid.addWidget(label("In good posture", "muted"), 2, 1)
        grid.addWidget(self.sitting, 3, 0)
        grid.addWidget(self.good, 3, 1)
        grid.addWidget(label("Offer a Micro Pause after sitting", "muted"), 4, 0)
        grid.addWidget(self.minutes, 4, 1)
        grid.addWidget(self.calibrate_button, 5, 0, 1, 2)
        grid.addWidget(
            label(
                "Sit as you would like to sit (feet down, back supported, screen at eye "
                "level), then calibrate: hold it for a few seconds.",
                "muted",
                wrap=True,
            ),
            6,
            0,
            1,
            2,
        )
        grid.addWidget(self.autostart, 7, 0, 1, 2)
        grid.addWidget(label("Remind of a forward head after", "muted"), 8, 0)
        grid.addWidget(self.forward_remind, 8, 1)
        grid.setRowStretch(9, 1)
        box.setFixedWidth(420)
        body = QHBoxLayout()
        body.addWidget(self.video, 1)
        body.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.offer)
        layout.addLayout(body, 1)
        self._show()

    def _build_settings(self, settings: QSettings) -> None:
        """The tray monitor's settings: start with it, the head-forward reminder."""
        self.autostart = QCheckBox("Start with the posture monitor (in the tray)")
        self.autostart.setToolTip(
            "rom-tracker gui then starts in the system tray with the light posture monitor, "
            "as `rom-tracker gui --posture` does"
        )
        self.autostart.setChecked(settings.value("posture/autostart", "false") == "true")
        self.autostart.toggled.connect(
            lambda on: settings.setValue("posture/autostart", "true" if on else "false")
        )

        self.forward_remind = QSpinBox()
        self.forward_remind.setRange(0, 60)
        self.forward_remind.setSpecialValueText("off")
        self.forward_remind.setSuffix(" min")
        self.forward_remind.setToolTip(
            "The tray monitor reminds you once after this long with the head pushed forward "
            "(0: never). Takes effect the next time the monitor starts."
        )
        self.forward_remind.setValue(int(float(str(settings.value(FORWARD_REMIND_KEY, 0) or 0))))
        self.forward_remind.valueChanged.connect(
            lambda minutes: settings.setValue(FORWARD_REMIND_KEY, minutes)
        )

    def _build_offer(self) -> None:
        """The bar that offers a Micro Pause after long sitting (hidden until then)."""
        self.offer = QFrame()
        self.offer.setObjectName("offer")
        ol = QHBoxLayout(self.offer)
        self.offer_text = label("", wrap=True)
        take = QPushButton("Start a Micro Pause")
        take.setObjectName("primary")
        take.clicked.connect(self._take_break)
        later = QPushButton("Not now")
        later.clicked.connect(self._dismiss)
        ol.addWidget(self.offer_text, 1)
        ol.addWidget(take)
        ol.addWidget(later)
        self.offer.setVisible(False)

    def calibrate(self) -> None:
        self.monitor.calibrate(self.last_t if math.isfinite(self.last_t) else 0.0)
        self._show()

    def _set_minutes(self, minutes: int) -> None:
        self.settings.setValue("posture/break_minutes", minutes)
        self.monitor.settings = replace(self.monitor.settings, break_after_s=60.0 * minutes)

    def _dismiss(self) -> None:
        self.monitor.dismiss(self.last_t)
        self._show()

    def _take_break(self) -> None:
        self.monitor.break_taken(self.last_t)
        self._show()
        self.micro_pause.emit()

    def add_results(self, results: Sequence[LiveResult]) -> None:
        if results and self.isVisible() and self.monitor.state.phase == UNCALIBRATED:
            # opened for the first time: the person sits as they want to sit; calibrate
            self.monitor.calibrate(results[0].t_s)
        was = self.monitor.state.phase
        for r in results:
            if math.isfinite(self.last_t) and r.t_s <= self.last_t:
                continue  # the source started again: keep counting from here
            h, w = r.rgb.shape[:2]
            pitch, ratio = posture_metrics(
                r.angles.get("head_pitch_deg"), r.pose_xyz, r.pose_visibility, (w, h)
            )
            self.monitor.update(r.t_s, pitch, ratio)
            self.last_t = r.t_s
        if was == CALIBRATING and self.monitor.state.phase == MONITORING:
            base = self.monitor.state.baseline
            self.settings.setValue("posture/baseline", json.dumps(asdict(base)))
        if results and self.isVisible():
            r = results[-1]
            h, w = r.rgb.shape[:2]
            self.video.set_frame(
                r.rgb, overlay_for(r.face_xyz, r.pose_xyz, r.pose_visibility, (w, h))
            )
        self._show()

    def show_background(self, state: PostureState, tray_text: str) -> None:
        """The tray monitor's judgement (its camera, no picture: it stays light), shown
        while this view's own feed is not running."""
        self.video.clear(f"The posture monitor runs in the background (no picture).\n{tray_text}")
        self._show(state)

    def _show(self, state: PostureState | None = None) -> None:
        st = state if state is not None else self.monitor.state
        self.calibrate_button.setText(
            "Calibrate again" if st.phase == MONITORING else "Calibrate good posture"
        )
        if st.phase == CALIBRATING:
            self._status(f"Sit well and hold… {math.ceil(st.calibrate_left_s)}", theme.ACCENT)
            self.detail.setText("Calibrating your good posture.")
        elif st.phase == MONITORING:
            text, colour = STATUS_TEXT.get(st.status, ("…", theme.MUTED))
            self._status(text, colour)
            parts = []
            if math.isfinite(st.pitch_change_deg):
                parts.append(
                    f"head pitch {fmt_deg(st.pitch_change_deg, signed=True)} from calibration"
                )
            if math.isfinite(st.neck_ratio_change):
                parts.append(f"nose-to-shoulder height {round(100 * st.neck_ratio_change) + 0:+d}%")
            self.detail.setText(",  ".join(parts))
        else:
            self._status("Calibrate first", theme.MUTED)
            self.detail.setText("")
        self.sitting.setText(hms(st.sitting_s))
        frac = st.good_fraction
        self.good.setText(f"{100 * frac:.0f}%" if math.isfinite(frac) else "–")
        self.offer.setVisible(st.offer_break)
        self.offer_text.setText(
            f"You have been sitting for {hms(st.sitting_s)}. A two-minute Micro Pause "
            "loosens the neck and the hip flexors that long sitting shortens."
        )

    def _status(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft)
