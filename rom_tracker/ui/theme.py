"""Colours, sizes and the style sheet of the app: one place. Qt-free (plain strings).
The data colours (modes, sides, face/body) come from :mod:`rom_tracker.display.palette`.

Colours are from the Tableau 10 palette (distinguishable with the common colour-vision
deficiencies) on a dark, low-glare background; text is at least 4.5:1 contrast.
"""

from __future__ import annotations

from rom_tracker.display.palette import (  # the data colours, shared with the report
    ACCENT,
    BAD,
    BODY_COLOUR,
    FACE_COLOUR,
    GOOD,
    MODE_COLOURS,
    SIDE_COLOURS,
    WARN,
)

BACKGROUND = "#1d2126"
PANEL = "#262b31"
PANEL_BORDER = "#3a4048"
TEXT = "#eceff1"
MUTED = "#a9b1ba"
CURRENT = "#eceff1"

BIG_PT = 30  # current angles
CUE_PT = 26  # guided cues
COUNTDOWN_PT = 48
DIRECTION_PT = 18  # which way to look, under the cue

STYLE = f"""
QWidget {{ background: {BACKGROUND}; color: {TEXT}; font-size: 11pt; }}
QTabWidget::pane {{ border: 1px solid {PANEL_BORDER}; }}
QTabBar::tab {{ background: {PANEL}; color: {MUTED}; padding: 8px 18px; margin-right: 2px;
  border-top-left-radius: 4px; border-top-right-radius: 4px; }}
QTabBar::tab:selected {{ background: {PANEL_BORDER}; color: {TEXT}; }}
QFrame#panel, QGroupBox {{ background: {PANEL}; border: 1px solid {PANEL_BORDER};
  border-radius: 6px; }}
QGroupBox {{ margin-top: 14px; padding-top: 6px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {MUTED}; }}
QLabel {{ background: transparent; }}
QLabel#muted {{ color: {MUTED}; }}
QLabel#cue {{ font-size: {CUE_PT}pt; font-weight: 600; }}
QLabel#status {{ font-size: 20pt; font-weight: 700; }}
QLabel#big {{ font-size: {BIG_PT}pt; font-weight: 700; }}
QLabel#big[dim="true"] {{ color: {MUTED}; }}
QLabel#note {{ color: {MUTED}; font-size: 9pt; }}
QLabel#countdown {{ font-size: {COUNTDOWN_PT}pt; font-weight: 700; color: {ACCENT}; }}
QLabel#direction {{ font-size: {DIRECTION_PT}pt; font-weight: 700; color: {ACCENT}; }}
QPushButton {{ background: {PANEL_BORDER}; border: 1px solid #4a525c; border-radius: 5px;
  padding: 6px 14px; }}
QPushButton:hover {{ background: #46505b; }}
QPushButton:disabled {{ color: #6b737c; }}
QPushButton#primary {{ background: {ACCENT}; color: #0d1117; font-weight: 600; }}
QComboBox, QSpinBox, QDoubleSpinBox, QLineEdit {{ background: {PANEL}; border: 1px solid
  {PANEL_BORDER}; border-radius: 4px; padding: 4px 6px; }}
QProgressBar {{ background: {PANEL}; border: 1px solid {PANEL_BORDER}; border-radius: 5px;
  text-align: center; height: 16px; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 4px; }}
QTableWidget {{ background: {PANEL}; gridline-color: {PANEL_BORDER}; }}
QHeaderView::section {{ background: {PANEL_BORDER}; color: {TEXT}; padding: 4px;
  border: none; }}
QFrame#banner {{ background: #4a3b12; border: 1px solid {WARN}; border-radius: 6px; }}
QFrame#offer {{ background: #173a24; border: 1px solid {GOOD}; border-radius: 6px; }}
QStatusBar {{ color: {MUTED}; }}
QMenu {{ background: {PANEL}; border: 1px solid {PANEL_BORDER}; padding: 4px 0; }}
QMenu::item {{ padding: 6px 28px 6px 14px; }}
QMenu::item:selected {{ background: {PANEL_BORDER}; }}
QMenu::item:disabled {{ color: {MUTED}; }}
QMenu::separator {{ height: 1px; background: {PANEL_BORDER}; margin: 4px 8px; }}
"""

__all__ = [
    "ACCENT",
    "BACKGROUND",
    "BAD",
    "BIG_PT",
    "BODY_COLOUR",
    "COUNTDOWN_PT",
    "CUE_PT",
    "CURRENT",
    "FACE_COLOUR",
    "GOOD",
    "MODE_COLOURS",
    "MUTED",
    "PANEL",
    "PANEL_BORDER",
    "SIDE_COLOURS",
    "STYLE",
    "TEXT",
    "WARN",
]
