"""The conventions table: complete, consistent with docs/conventions.md; kinematics stays pure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rom_tracker.kinematics.body import body_angles
from rom_tracker.kinematics.conventions import (
    BY_NAME,
    CONVENTIONS,
    CONVENTIONS_DOC,
    TABLE_BEGIN,
    TABLE_END,
    csv_header_notes,
    markdown_table,
)
from rom_tracker.kinematics.head import head_angles
from rom_tracker.kinematics.table import columns_for

ROOT = Path(__file__).resolve().parents[2]
ALL_COLUMNS = set(columns_for("all", details=True))
SIDES = ("left", "right")


def test_docs_hold_exactly_the_generated_table() -> None:
    text = (ROOT / CONVENTIONS_DOC).read_text(encoding="utf-8")
    assert text.count(TABLE_BEGIN) == 1
    assert text.count(TABLE_END) == 1
    table = text.split(TABLE_BEGIN + "\n", 1)[1].split(TABLE_END, 1)[0]
    assert table == markdown_table(), (
        "docs/conventions.md is out of date: regenerate its table with "
        "`python -m rom_tracker.kinematics.conventions`"
    )


def test_every_output_column_has_one_convention_and_no_more() -> None:
    names = [c.name for c in CONVENTIONS]
    assert len(names) == len(set(names))
    assert tuple(names) == columns_for("all", details=True)  # same columns, same order
    computed = set(head_angles(np.zeros((1, 4, 4)))) | set(body_angles(np.zeros((1, 33, 3))))
    assert computed <= ALL_COLUMNS | {
        f"{a}_{s}_deg" for a in ("hip_flexion", "hip_abduction", "knee_flexion") for s in SIDES
    }


@pytest.mark.parametrize("convention", CONVENTIONS, ids=lambda c: c.name)
def test_each_row_is_complete(convention: object) -> None:
    c = BY_NAME[convention.name]  # type: ignore[attr-defined]
    assert c is convention
    if c.name == "head_confidence":
        assert (c.unit, c.range) == ("1", "[0, 1]")
    else:
        assert c.name.endswith("_deg")
        assert c.unit == "deg"
        assert c.range in {"(-180, 180]", "[0, 180]", "[-90, 90]"}
    for text in (c.zero, c.positive, c.source):
        assert text.strip() == text
        assert len(text) > 5
        assert "\n" not in text


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("head_yaw_deg", ["own left", "image right"]),
        ("head_pitch_deg", ["chin down", "extension"]),
        ("head_roll_deg", ["left ear toward left shoulder", "image right"]),
        ("trunk_yaw_deg", ["own left"]),
        ("hip_flexion_left_deg", ["forward", "extension"]),
        ("hip_abduction_right_deg", ["away from the midline", "adduction"]),
        ("knee_flexion_left_deg", ["unsigned"]),
    ],
)
def test_sign_words(name: str, words: list[str]) -> None:
    for word in words:
        assert word in BY_NAME[name].positive


def test_markdown_table_shape() -> None:
    lines = markdown_table().splitlines()
    assert len(lines) == 2 + len(CONVENTIONS)
    assert all(line.count(" | ") == 5 for line in lines if not line.startswith("|---"))


def test_csv_header_notes() -> None:
    notes = csv_header_notes(["frame", "head_yaw_deg", "knee_flexion_left_deg"])
    assert len(notes) == 2
    assert notes[0].startswith("head_yaw_deg: deg; 0 = facing the camera")
    assert "range (-180, 180]" in notes[0]
    assert len(csv_header_notes()) == len(CONVENTIONS)


def test_kinematics_imports_no_cv2_mediapipe_or_qt() -> None:
    code = (
        "import sys\n"
        "import rom_tracker.kinematics.head, rom_tracker.kinematics.body\n"
        "import rom_tracker.kinematics.conventions, rom_tracker.kinematics.geometry\n"
        "import rom_tracker.kinematics.table, rom_tracker.kinematics.fusion\n"
        "import rom_tracker.kinematics.camera, rom_tracker.kinematics.neutral\n"
        "import rom_tracker.kinematics.views\n"
        "bad = sorted(m for m in sys.modules\n"
        "             if m.split('.')[0] in {'cv2', 'mediapipe', 'PySide6', 'pyqtgraph'})\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == ""
