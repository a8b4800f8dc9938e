"""Measuring: choose what to measure, follow the guided steps, see the results.

A thin screen over :class:`~rom_tracker.ui.flow.MeasureFlow`: buttons call the flow, the
flow's :class:`~rom_tracker.ui.flow.FlowView` is drawn. Pages: setup, running, results.

Why one module of about 490 lines: the three pages are one screen driven by one render of
the flow's view, and share its widgets (the gauge, the side set-up view, the table); what
they show is computed elsewhere, Qt-free (``flow``, ``summary``, ``ranges``) or drawn by
its own widget (``side_setup_view``, ``widgets``). Splitting the pages would split that
one render across modules.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rom_tracker.annotate.video_out import VideoKeeper
from rom_tracker.display.overlay import overlay_for
from rom_tracker.live.result import LiveResult
from rom_tracker.media.capture import Frame
from rom_tracker.rom.movements import MODES, MOVEMENTS
from rom_tracker.rom.protocol import list_protocols
from rom_tracker.rom.side_setup import HEAD_YAW, SHOULDER_YAW
from rom_tracker.speech.cues import direction
from rom_tracker.store import data_dir
from rom_tracker.ui import theme
from rom_tracker.ui.flow import (
    CANCELLED,
    RESULTS,
    RUNNING,
    FlowView,
    MeasureFlow,
    Notice,
    Plan,
)
from rom_tracker.ui.live_view import LIVE_MOVEMENTS, SCALES, label, panel
from rom_tracker.ui.ranges import RangeTracker, SideRange
from rom_tracker.ui.side_setup_view import SideSetupView
from rom_tracker.ui.sound import SoundSettings, SpokenRun, beep_for
from rom_tracker.ui.summary import SummaryRow, summarize
from rom_tracker.ui.widgets import RangeGauge, VideoView, fmt_deg

SETUP_PAGE, RUNNING_PAGE, RESULTS_PAGE = 0, 1, 2
RESULT_COLUMNS = (
    "Movement",
    "Side",
    "Effortless",
    "Active",
    "Effort gap",
    "Last effortless",
    "Change",
    "Last active",
    "Change",
)


def change_text(change: float, exceeds: bool | None, bound: bool = False) -> str:
    """``+7°  real``; with a bound on either side ``≥ +7°  real`` when provable, else
    ``?  (at least)``: a change with a bound is not read off as a number."""
    if not math.isfinite(change):
        return "–"
    if bound and exceeds is None:
        return "?  (at least)"
    mark = {True: "  real", False: "  noise", None: ""}[exceeds]
    return f"{'≥ ' if bound and change > 0 else ''}{change:+.0f}°{mark}"


class GuidedView(QWidget):
    """``show_progress`` asks the window to open the progress view."""

    show_progress = Signal()

    def __init__(
        self, flow: MeasureFlow, profile: Callable[[], str | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.flow = flow
        self.profile = profile
        self.sound = SoundSettings()
        self.spoken = SpokenRun(self.sound)
        flow.on_events = self.spoken.feed
        self.keep_video = QCheckBox("Keep the video of this session (to annotate it later)")
        self.keep_video.setToolTip(
            "Off by default: no camera frame is stored. When on, the frames measured are "
            "saved as an .mp4 in the data folder's videos/ (readable by you only), for "
            "`rom-tracker annotate`."
        )
        self.keeper: VideoKeeper | None = None
        self.kept_path: Path | None = None
        self.tracker: RangeTracker | None = None
        self._tracker_step = -1  # the step the tracker was started for
        self.stack = QStackedWidget()
        self.stack.addWidget(self._setup_page())
        self.stack.addWidget(self._running_page())
        self.stack.addWidget(self._results_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        flow.on_change = self.render

    # ------------------------------------------------------------------ pages

    def _setup_page(self) -> QWidget:
        page = QWidget()
        box = panel()
        grid = QGridLayout(box)
        grid.setVerticalSpacing(12)
        self.by_protocol = QRadioButton("Guided Micro Pause")
        self.by_movement = QRadioButton("One movement")
        group = QButtonGroup(page)
        group.addButton(self.by_protocol)
        group.addButton(self.by_movement)
        self.by_protocol.setChecked(True)
        self.protocols = QComboBox()
        for p in list_protocols(data_dir() / "protocols"):
            self.protocols.addItem(p.title, p.name)
        self.description = label("", "muted", wrap=True)
        self.movements = QComboBox()
        for name in LIVE_MOVEMENTS:
            self.movements.addItem(MOVEMENTS[name].title, name)
        self.modes = QComboBox()
        for mode in MODES:
            self.modes.addItem(mode, mode)
        self.side_setup_box = QCheckBox("Side set-up: measure the end of a neck turn")
        self.side_setup_box.setToolTip(
            "From the front the camera cannot see the end of a 70-90° turn (it reads a lower "
            "bound, 'at least'). Turn your chair 45° away from the camera for each side and "
            "the whole turn stays where the camera reads it well. Neck rotation only."
        )
        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self.start)
        self.setup_message = label("", "muted", wrap=True)
        grid.addWidget(label("What to measure", "cue"), 0, 0, 1, 3)
        grid.addWidget(self.by_protocol, 1, 0)
        grid.addWidget(self.protocols, 1, 1, 1, 2)
        grid.addWidget(self.description, 2, 1, 1, 2)
        grid.addWidget(self.by_movement, 3, 0)
        grid.addWidget(self.movements, 3, 1)
        grid.addWidget(self.modes, 3, 2)
        grid.addWidget(self.side_setup_box, 4, 1, 1, 2)
        grid.addWidget(
            label(
                "Effortless: move slowly, only as far as you feel no stretch, pull or tension, "
                "and rest there. Active: as far as is comfortable, and back. Never into pain.",
                "muted",
                wrap=True,
            ),
            5,
            1,
            1,
            2,
        )
        grid.addWidget(self.sound, 6, 1, 1, 2)
        grid.addWidget(self.keep_video, 7, 1, 1, 2)
        grid.addWidget(self.start_button, 8, 1)
        grid.addWidget(self.setup_message, 9, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self.protocols.currentIndexChanged.connect(self._describe)
        self._describe()
        layout = QVBoxLayout(page)
        layout.addWidget(box)
        layout.addStretch(1)
        return page

    def _running_page(self) -> QWidget:
        page = QWidget()
        self.title = label("", "muted")
        self.step_label = label("", "muted")
        self.saved_label = label("", "muted")
        self.cue = label("", "cue", wrap=True)
        self.cue.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cue.setMinimumHeight(110)
        self.direction = label("", "direction")  # which way to look: also when not looking
        self.direction.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = label("", "countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.video = VideoView()
        self.gauge = RangeGauge()
        self.side_setup = SideSetupView()
        self.side_setup.setVisible(False)
        self.skip_button = QPushButton("Skip step")
        self.redo_button = QPushButton("Redo step")
        self.cancel_button = QPushButton("Stop")
        self.skip_button.clicked.connect(lambda: self._after(self.flow.skip()))
        self.redo_button.clicked.connect(lambda: self._after(self.flow.redo()))
        self.cancel_button.clicked.connect(lambda: self._after(self.flow.cancel()))

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.step_label)
        head.addSpacing(16)
        head.addWidget(self.saved_label)
        cue_box = panel()
        cl = QVBoxLayout(cue_box)
        cl.addWidget(self.cue)
        cl.addWidget(self.direction)
        cl.addWidget(self.countdown)
        cl.addWidget(self.progress)
        side = panel()
        sl = QVBoxLayout(side)
        self.measuring_label = label("", "muted", wrap=True)
        sl.addWidget(self.measuring_label)
        sl.addWidget(self.gauge)
        sl.addWidget(self.side_setup)
        sl.addStretch(1)
        buttons = QHBoxLayout()
        for b in (self.skip_button, self.redo_button, self.cancel_button):
            buttons.addWidget(b)
        sl.addLayout(buttons)
        side.setFixedWidth(380)
        body = QHBoxLayout()
        body.addWidget(self.video, 1)
        body.addWidget(side)
        layout = QVBoxLayout(page)
        layout.addLayout(head)
        layout.addWidget(cue_box)
        layout.addLayout(body, 1)
        return page

    def _results_page(self) -> QWidget:
        page = QWidget()
        self.results_title = label("", "cue", wrap=True)
        self.results_message = label("", "muted", wrap=True)
        self.table = QTableWidget(0, len(RESULT_COLUMNS))
        self.table.setHorizontalHeaderLabels(RESULT_COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for j in (0, 6, 8):  # movement and the change columns: never clipped
            header.setSectionResizeMode(j, QHeaderView.ResizeMode.ResizeToContents)
        again = QPushButton("Measure again")
        again.setObjectName("primary")
        again.clicked.connect(lambda: self._after(self.flow.restart()))
        new = QPushButton("Something else")
        new.clicked.connect(self.flow.reset)
        progress = QPushButton("Show progress")
        progress.clicked.connect(self.show_progress.emit)
        buttons = QHBoxLayout()
        for b in (again, new, progress):
            buttons.addWidget(b)
        buttons.addStretch(1)
        note = label(
            "Effort gap = active − effortless. Change = this session − the last one: 'real' "
            "when larger than your own measurement noise (MDC95, from repeated trials), "
            "'noise' when not. ≥: at least, a lower bound: the turn went beyond what the "
            "camera reads reliably from the front (measure it with the side set-up); a "
            "change from or to a bound is '?' unless it is provably real.",
            "muted",
            wrap=True,
        )
        layout = QVBoxLayout(page)
        layout.addWidget(self.results_title)
        layout.addWidget(self.results_message)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(buttons)
        return page

    # ------------------------------------------------------------------ commands

    def _describe(self) -> None:
        name = self.protocols.currentData()
        for p in list_protocols(data_dir() / "protocols"):
            if p.name == name:
                self.description.setText(" ".join(p.description.split()))

    def plan(self) -> Plan | None:
        profile = self.profile()
        if not profile:
            return None
        if self.by_protocol.isChecked():
            return Plan(profile, protocol=self.protocols.currentData())
        movement = self.movements.currentData()
        side = self.side_setup_box.isChecked() and movement == "neck_rotation"
        return Plan(
            profile,
            movement=movement,
            mode=self.modes.currentData(),
            setup="side" if side else "front",
        )

    def start(self, plan: Plan | None = None) -> None:
        plan = plan or self.plan()
        if plan is None:
            self.setup_message.setText("Choose or create a profile first (at the top).")
            return
        self._close_video()
        self.flow.settings.pop("kept_video", None)
        if self.keep_video.isChecked():
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            self.kept_path = data_dir() / "videos" / f"{plan.profile}-{stamp}.mp4"
            self.keeper = VideoKeeper(self.kept_path, math.nan)  # fps: 30, a camera's rate
            # stored with the session, as `record --keep-video` does, for `annotate`
            self.flow.settings["kept_video"] = str(self.kept_path)
        notices = self.flow.start(plan)
        self.spoken.begin(self.flow.runner.protocol if self.flow.runner else None)
        self._after(notices)

    def _after(self, notices: Sequence[Notice]) -> None:
        beep_for(self.sound.mode(), [n.kind for n in notices])

    def add_results(self, results: Sequence[LiveResult]) -> None:
        """Feed the flow (raw angles, every frame) and draw the newest frame."""
        notices: list[Notice] = []
        for r in results:
            if self.keeper is not None and self.flow.view.phase == RUNNING:
                self.keeper.add(Frame(index=r.index, t_s=r.t_s, rgb=r.rgb))
            notices += self.flow.feed(r.t_s, {**r.angles, SHOULDER_YAW: r.shoulder_yaw_deg})
            self.spoken.tick(self.flow.clock)
            if self.tracker is not None:
                self.tracker.update(r.t_s, self._gauge_angles(r.display_angles))
        self._after(notices)
        if results and self.stack.currentIndex() == RUNNING_PAGE and self.isVisible():
            r = results[-1]
            h, w = r.rgb.shape[:2]
            self.video.set_frame(
                r.rgb, overlay_for(r.face_xyz, r.pose_xyz, r.pose_visibility, (w, h))
            )
        if self.tracker is not None:
            self.gauge.set_ranges(self._gauge_sides())
        step = self.flow.view.step
        if results and step is not None and step.kind == "setup":
            yaw = results[-1].angles.get(HEAD_YAW, math.nan)
            self.side_setup.set_state(step.side, yaw, self.flow.view.progress)

    def _gauge_sides(self) -> dict[str, SideRange]:
        """The sides the gauge shows: all, or only the one a side set-up step measures."""
        assert self.tracker is not None
        sides = self.tracker.sides
        step = self.flow.view.step
        if step is not None and step.setup == "side" and step.side in sides:
            return {step.side: sides[step.side]}
        return sides

    def _gauge_angles(self, angles: dict[str, float]) -> dict[str, float]:
        """What the gauge follows: in a side set-up measure step, the head's change since
        that side's neutral (what is measured), not the rotation seen from the front."""
        step, runner = self.flow.view.step, self.flow.runner
        if step is None or step.setup != "side" or runner is None:
            return angles
        neutral = runner.neutrals.get(step.side)
        if neutral is None:
            return angles
        change = angles.get(HEAD_YAW, math.nan) - neutral.head_yaw_deg
        return {**angles, "neck_rotation_deg": change}

    def show_session(self, session_id: int) -> None:
        """Show the results page for a stored session."""
        session = self.flow.store.session(session_id)
        self._fill_results(summarize(self.flow.store, session_id))
        titles = {p.name: p.title for p in list_protocols(data_dir() / "protocols")}
        name = titles.get(session.protocol or "", session.protocol or "session")
        self.results_title.setText(f"Results: {name} (session {session.id})")
        self.results_message.setText(
            f"{session.profile}, {session.started_at[:16].replace('T', ' ')} UTC"
        )
        self.stack.setCurrentIndex(RESULTS_PAGE)

    # ------------------------------------------------------------------ drawing

    def _close_video(self) -> str:
        """Publish the kept video (if any); a sentence saying where it is, or ""."""
        keeper, self.keeper = self.keeper, None
        if keeper is None:
            return ""
        with keeper:
            if keeper.publish():
                return f" Video kept: {self.kept_path}."
        return ""

    def render(self, v: FlowView) -> None:
        if v.phase != RUNNING and self.keeper is not None:
            v.message = v.message + self._close_video()
        if v.phase != RUNNING:
            self.spoken.end(stop=v.phase != RESULTS)  # the last words may finish
        if v.phase == RUNNING:
            self.stack.setCurrentIndex(RUNNING_PAGE)
            self.title.setText(v.title)
            self.step_label.setText(f"step {v.step_index + 1} of {v.n_steps}")
            self.saved_label.setText(f"{v.saved_trials} saved")
            self.cue.setText(v.cue)
            self.direction.setText(direction(v.step))
            self._show_measured(v)
            self.countdown.setText(
                f"{math.ceil(v.countdown_s)}" if math.isfinite(v.countdown_s) else ""
            )
            self.progress.setValue(round(1000 * v.progress))
        elif v.phase == RESULTS:
            self._fill_results(v.summary)
            self.results_title.setText(f"Results: {v.title}")
            self.results_message.setText(f"{v.message} {v.saved_trials} trials in the store.")
            self.stack.setCurrentIndex(RESULTS_PAGE)
        elif v.phase == CANCELLED:
            self.setup_message.setText(v.message)
            self.stack.setCurrentIndex(SETUP_PAGE)
        else:
            self.stack.setCurrentIndex(SETUP_PAGE)

    def _show_measured(self, v: FlowView) -> None:
        """The gauge follows the movement of this step, or of the next measure step; a side
        set-up step shows its picture and the face's angle to the camera instead."""
        setting_up = v.step is not None and v.step.kind == "setup"
        self.side_setup.setVisible(setting_up)
        self.gauge.setVisible(not setting_up)
        if setting_up:
            assert v.step is not None
            self.side_setup.set_state(v.step.side, self.side_setup.yaw_deg, v.progress)
            self.measuring_label.setText(f"Set-up: the camera 45° to your {v.step.side}")
            return
        runner = self.flow.runner
        steps = runner.protocol.steps[v.step_index :] if runner is not None else ()
        step = next((s for s in steps if s.kind == "measure"), None)
        if step is None:
            self.measuring_label.setText("")
            return
        title = MOVEMENTS[step.movement].title
        now = v.step is step
        self.measuring_label.setText(
            f"{'Now' if now else 'Next'}: {title.lower()}, {step.side} ({step.mode})"
        )
        # a side set-up measure starts afresh from its own neutral
        fresh = step.setup == "side" and now and self._tracker_step != v.step_index
        if self.tracker is None or self.tracker.movement.name != step.movement or fresh:
            self.tracker = RangeTracker(step.movement)
            self._tracker_step = v.step_index
            self.gauge.set_ranges(self._gauge_sides(), SCALES.get(step.movement, 90.0))

    def _fill_results(self, rows: Sequence[SummaryRow]) -> None:
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = (
                MOVEMENTS[r.movement].title,
                r.side,
                fmt_deg(r.effortless_deg, at_least=r.effortless_at_least),
                fmt_deg(r.active_deg, at_least=r.active_at_least),
                fmt_deg(r.gap_deg),
                fmt_deg(r.last_effortless_deg, at_least=r.last_effortless_at_least),
                change_text(
                    r.change_effortless_deg,
                    r.exceeds_mdc("effortless"),
                    r.effortless_at_least or r.last_effortless_at_least,
                ),
                fmt_deg(r.last_active_deg, at_least=r.last_active_at_least),
                change_text(
                    r.change_active_deg,
                    r.exceeds_mdc("active"),
                    r.active_at_least or r.last_active_at_least,
                ),
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if j == 2:
                    item.setForeground(_colour(theme.MODE_COLOURS["effortless"]))
                if j == 3:
                    item.setForeground(_colour(theme.MODE_COLOURS["active"]))
                self.table.setItem(i, j, item)


def _colour(hex_colour: str) -> QBrush:
    return QBrush(QColor(hex_colour))
