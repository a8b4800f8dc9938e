"""Live view: the camera with its landmarks, the current angles in large numbers, frame
rate and latency, a scrolling plot of the measured angle and the range gauge per side."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rom_tracker.display.overlay import overlay_for
from rom_tracker.live.result import LiveResult
from rom_tracker.rom.movements import MOVEMENTS, Movement
from rom_tracker.ui import theme
from rom_tracker.ui.head_reading import NOTHING, YAW_COLUMNS, HeadReading, head_reading
from rom_tracker.ui.ranges import RangeTracker
from rom_tracker.ui.widgets import LivePlot, RangeGauge, VideoView, fmt_deg

#: movements the live view can follow (the posture baseline has its own view)
LIVE_MOVEMENTS = tuple(m for m in MOVEMENTS if m != "posture")
#: gauge scale per movement, degrees (grows if a peak goes past it)
SCALES = {
    "neck_rotation": 90.0,
    "neck_flexion": 60.0,
    "neck_lateral_flexion": 60.0,
    "hip_flexion": 120.0,
    "hip_extension": 30.0,
    "hip_abduction": 60.0,
}
#: the small table of other angles: (label, column)
OTHER_ANGLES = (
    ("head yaw", "head_yaw_deg"),
    ("head pitch", "head_pitch_deg"),
    ("head roll", "head_roll_deg"),
    ("trunk lean", "trunk_lean_deg"),
    ("hip flex. L", "hip_flexion_left_deg"),
    ("hip flex. R", "hip_flexion_right_deg"),
)


def panel() -> QFrame:
    frame = QFrame()
    frame.setObjectName("panel")
    return frame


def label(text: str = "", name: str = "", *, wrap: bool = False) -> QLabel:
    w = QLabel(text)
    if name:
        w.setObjectName(name)
    w.setWordWrap(wrap)
    return w


def plot_setup(m: Movement) -> tuple[list[str], list[str], list[str], str]:
    """Columns, curve names, colours and y label of the plot for movement ``m``."""
    columns = list(dict.fromkeys(s.column for s in m.sides))
    if len(columns) == 1:
        pos = next(s.side for s in m.sides if s.sign > 0)
        neg = next((s.side for s in m.sides if s.sign < 0), "")
        y = f"degrees (+ {pos}, − {neg})" if neg else "degrees"
        return columns, [m.title], [theme.CURRENT], y
    names = [s.side for s in m.sides]
    return columns, names, [theme.SIDE_COLOURS.get(s, theme.ACCENT) for s in names], "degrees"


class LiveView(QWidget):
    """Everything is fed by :meth:`add_results` (all results, in order) on the GUI thread;
    only the newest frame is drawn."""

    movement_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, movement: str = "neck_rotation") -> None:
        super().__init__(parent)
        self.video = VideoView()
        self.plot = LivePlot()
        self.gauge = RangeGauge()
        self.tracker = RangeTracker(movement)
        self.movement = self.tracker.movement

        self.choice = QComboBox()
        for name in LIVE_MOVEMENTS:
            self.choice.addItem(MOVEMENTS[name].title, name)
        self.reset_button = QPushButton("New trial")
        self.reset_button.setToolTip("Forget this trial's peak and hold and start again")
        self.reset_button.clicked.connect(self.new_trial)
        self.now = label("–", "big")
        self.now.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.now.setProperty("dim", False)  # greyed out when the head reading is unsure
        self.now_side = label("", "muted")
        self.now_side.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.now_source = label("", "note")  # where the head reading came from, how sure
        self.now_source.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stats = label("fps –   latency –", "muted")
        self.others: dict[str, QLabel] = {}

        right = panel()
        rl = QVBoxLayout(right)
        rl.addWidget(label("Movement", "muted"))
        top = QHBoxLayout()
        top.addWidget(self.choice, 1)
        top.addWidget(self.reset_button)
        rl.addLayout(top)
        rl.addSpacing(8)
        rl.addWidget(self.now)
        rl.addWidget(self.now_side)
        rl.addWidget(self.now_source)
        rl.addSpacing(8)
        rl.addWidget(self.gauge)
        rl.addSpacing(8)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setColumnMinimumWidth(2, 90)
        for i, (text, column) in enumerate(OTHER_ANGLES):
            value = label("–")
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.others[column] = value
            grid.addWidget(label(text, "muted"), i // 2, (i % 2) * 2)
            grid.addWidget(value, i // 2, (i % 2) * 2 + 1)
        rl.addLayout(grid)
        rl.addStretch(1)
        rl.addWidget(self.stats)
        right.setFixedWidth(380)

        left = QVBoxLayout()
        left.addWidget(self.video, 3)
        left.addWidget(self.plot, 2)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(right)

        self.choice.currentIndexChanged.connect(
            lambda _: self.set_movement(self.choice.currentData())
        )
        self.set_movement(movement)

    def set_movement(self, name: str) -> None:
        if name not in LIVE_MOVEMENTS:
            name = "neck_rotation"
        index = self.choice.findData(name)
        if self.choice.currentIndex() != index:
            self.choice.setCurrentIndex(index)  # calls back here
            return
        self.tracker = RangeTracker(name)
        self.movement = self.tracker.movement
        columns, names, colours, y_label = plot_setup(self.movement)
        self.plot.configure(columns, names, colours, y_label=y_label)
        self.gauge.set_ranges(self.tracker.sides, SCALES.get(name, 90.0))
        self.movement_changed.emit(name)

    def new_trial(self) -> None:
        self.tracker.reset()
        self.gauge.set_ranges(self.tracker.sides, SCALES.get(self.movement.name, 90.0))

    def add_results(self, results: Sequence[LiveResult]) -> None:
        for r in results:
            angles = r.display_angles
            self.plot.append(r.t_s, angles)
            self.tracker.update(r.t_s, angles)
        if results:
            self.show_latest(results[-1])

    def show_latest(self, r: LiveResult) -> None:
        h, w = r.rgb.shape[:2]
        if self.isVisible():
            self.video.set_frame(
                r.rgb, overlay_for(r.face_xyz, r.pose_xyz, r.pose_visibility, (w, h))
            )
        sides = self.tracker.sides
        self.gauge.set_ranges(sides)
        for s in self.movement.sides:
            hold = sides[s.side].hold_deg
            self.plot.set_mark(f"hold {s.side}", s.sign * hold, theme.MODE_COLOURS["effortless"])
        value = self._show_now(sides)
        uses_yaw = any(s.column in YAW_COLUMNS for s in self.movement.sides)
        seen = uses_yaw and math.isfinite(value)
        self._show_reading(head_reading(r.head_source, r.head_confidence) if seen else NOTHING)
        angles = r.display_angles
        for column, widget in self.others.items():
            widget.setText(fmt_deg(angles.get(column, math.nan), signed=True))
        fps = f"{r.fps:.1f}" if math.isfinite(r.fps) else "–"
        self.stats.setText(
            f"fps {fps}   latency {1000 * r.latency_s:.0f} ms   dropped {r.dropped_frames_total}"
        )

    def _show_reading(self, reading: HeadReading) -> None:
        """The head reading's source under the big number; the number greyed when unsure."""
        self.now_source.setText(reading.text)
        if self.now.property("dim") != reading.dim:
            self.now.setProperty("dim", reading.dim)
            self.now.style().unpolish(self.now)  # the style sheet's [dim="true"] rule
            self.now.style().polish(self.now)

    def _show_now(self, sides: dict) -> float:
        """Shows the current value(s); returns the one shown (NaN: several, or not seen)."""
        m = self.movement
        shared = len({s.column for s in m.sides}) == 1
        if shared:
            best = max(
                m.sides,
                key=lambda s: (
                    sides[s.side].current_deg if math.isfinite(sides[s.side].current_deg) else -1e9
                ),
            )
            value = sides[best.side].current_deg
            self.now.setText(fmt_deg(value))
            self.now_side.setText(
                f"{m.title.lower()}, {best.side}" if math.isfinite(value) else "not seen"
            )
            return float(value)
        else:
            parts = [f"{s.side[0].upper()} {fmt_deg(sides[s.side].current_deg)}" for s in m.sides]
            self.now.setText("   ".join(parts))
            self.now_side.setText(m.title.lower())
            return math.nan
