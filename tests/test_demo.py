"""``rom-tracker demo``: the README's first command, on the bundled sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rom_tracker.cli import main

pytestmark = pytest.mark.real


def test_demo_measures_the_sample_turn_both_ways(
    tmp_path: Path, use_models: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["-q", "demo", "--out", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "head_turn.json").read_text())
    yaw = summary["angles"]["head_yaw_deg"]
    print(f"demo yaw {yaw['min']:.1f}..{yaw['max']:.1f} (rendered -40..40, under-read)")
    assert yaw["frames"] == summary["frames"]  # the face is found in every frame
    assert yaw["max"] > 25 and yaw["min"] < -25  # turns both ways, sign as documented
    assert summary["settings"]["neutral"] == "first:1s"
    out = capsys.readouterr().out
    assert "head_yaw_deg" in out and "rendered truth" in out
