"""The live view says where the head reading came from and greys out an unsure one."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from ui_streams import fake_result

from rom_tracker.ui.head_reading import head_reading

pytestmark = pytest.mark.gui

# (source, confidence) -> the line under the big number, and whether the number is dimmed
READINGS = [
    ("face", 1.0, "from the face", False),
    ("face", 0.62, "from the face, confidence 0.6", False),
    ("fused", 0.7, "from face + body landmarks, confidence 0.7", False),
    ("fused", 0.97, "from face + body landmarks", False),
    ("pose", 0.4, "from body landmarks (face out of view), confidence 0.4", True),
    ("pose", 0.49, "from body landmarks (face out of view), confidence 0.4", True),
    ("pose", 0.5, "from body landmarks (face out of view), confidence 0.5", False),
    ("", 0.0, "", False),
    ("", math.nan, "", False),
]


@pytest.mark.parametrize(("source", "confidence", "text", "dim"), READINGS)
def test_head_reading_in_plain_words(source: str, confidence: float, text: str, dim: bool) -> None:
    reading = head_reading(source, confidence)
    assert (reading.text, reading.dim) == (text, dim)


def test_live_view_shows_the_head_source_and_dims_an_unsure_number(qtbot) -> None:
    from PySide6.QtGui import QPalette

    from rom_tracker.ui import theme
    from rom_tracker.ui.live_view import LiveView

    view = LiveView(movement="neck_rotation")
    view.setStyleSheet(theme.STYLE)  # as the app sets it on the QApplication
    qtbot.addWidget(view)
    view.show()

    def feed(i: int, yaw: float, source: str, confidence: float) -> None:
        angles = {"neck_rotation_deg": yaw, "head_yaw_deg": yaw, "hip_flexion_left_deg": 80.0}
        result = fake_result(i, i / 30, angles)
        view.add_results([replace(result, head_source=source, head_confidence=confidence)])

    def colour() -> str:
        return view.now.palette().color(QPalette.ColorRole.WindowText).name()

    feed(0, 20.0, "face", 1.0)
    assert view.now_source.text() == "from the face"
    assert view.now.property("dim") is False and colour() == theme.TEXT
    feed(1, 55.0, "fused", 0.7)
    assert view.now_source.text() == "from face + body landmarks, confidence 0.7"
    assert view.now.property("dim") is False
    feed(2, 80.0, "pose", 0.4)
    assert view.now_source.text() == "from body landmarks (face out of view), confidence 0.4"
    assert view.now.property("dim") is True and colour() == theme.MUTED
    feed(3, math.nan, "", 0.0)  # head not seen: nothing said, nothing dimmed
    assert view.now_side.text() == "not seen"
    assert view.now_source.text() == ""
    assert view.now.property("dim") is False and colour() == theme.TEXT

    # a hip movement is not measured from the head yaw: no note
    view.set_movement("hip_flexion")
    feed(4, 80.0, "pose", 0.4)
    assert view.now.text() != "–"
    assert view.now_source.text() == "" and view.now.property("dim") is False
