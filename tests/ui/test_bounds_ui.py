"""What the app shows for bounds ("at least") and the side set-up, on plain classes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rom_tracker.rom.bounds import RELIABLE_YAW_DEG
from rom_tracker.ui import theme
from rom_tracker.ui.flow import Plan
from rom_tracker.ui.ranges import RangeTracker
from rom_tracker.ui.side_setup_view import setup_state
from rom_tracker.ui.summary import SummaryRow
from rom_tracker.ui.widgets import fmt_deg


def test_a_bound_reads_at_least_everywhere_a_value_is_formatted() -> None:
    assert fmt_deg(57.2, at_least=True) == "≥ 57°"
    assert fmt_deg(57.2) == "57°"
    assert fmt_deg(math.nan, at_least=True) == "–"


def test_the_live_gauge_marks_a_peak_beyond_the_reliable_range() -> None:
    tracker = RangeTracker("neck_rotation", check_every_s=0.0)
    t = np.arange(0.0, 6.0, 1 / 30)
    yaw = 70.0 * np.sin(np.pi * t / 6.0)  # to 70 degrees to the left and back
    for ti, y in zip(t, yaw, strict=True):
        sides = tracker.update(float(ti), {"neck_rotation_deg": y, "head_yaw_deg": y})
    left = sides["left"]
    assert left.peak_deg > RELIABLE_YAW_DEG and left.peak_at_least
    assert not sides["right"].peak_at_least


def test_a_change_with_a_bound_is_judged_only_when_provable() -> None:
    row = SummaryRow(
        "neck_rotation", "left", active_deg=70.0, last_active_deg=60.0, mdc_active_deg=5.0
    )
    assert row.exceeds_mdc("active") is True
    bound_before = SummaryRow(
        "neck_rotation",
        "left",
        active_deg=70.0,
        last_active_deg=60.0,
        mdc_active_deg=5.0,
        last_active_at_least=True,
    )
    assert bound_before.exceeds_mdc("active") is None  # the before went further: unknown
    gap = SummaryRow("neck_rotation", "left", effortless_deg=40.0, active_deg=60.0)
    assert gap.gap_deg == pytest.approx(20.0)
    no_gap = SummaryRow(
        "neck_rotation", "left", effortless_deg=40.0, active_deg=60.0, active_at_least=True
    )
    assert math.isnan(no_gap.gap_deg)


def test_a_side_setup_plan_has_a_setup_step_before_each_side() -> None:
    protocol = Plan("alex", movement="neck_rotation", mode="active", setup="side").build()
    assert [s.kind for s in protocol.steps] == ["setup", "measure", "setup", "measure"]
    assert [s.setup for s in protocol.steps if s.kind == "measure"] == ["side", "side"]
    with pytest.raises(ValueError, match="side set-up measures neck_rotation"):
        Plan("alex", movement="hip_flexion", setup="side")


@pytest.mark.parametrize(
    ("yaw", "progress", "starts", "colour"),
    [
        (math.nan, 0.0, "No face seen", theme.MUTED),
        (-5.0, 0.0, "Turn your chair further to your right", theme.WARN),
        (-75.0, 0.0, "Turn your chair a little back", theme.WARN),
        (-40.0, 0.5, "hold still", theme.GOOD),
        (-40.0, 1.0, "Ready", theme.GOOD),
    ],
)
def test_the_setup_step_says_what_to_do(
    yaw: float, progress: float, starts: str, colour: str
) -> None:
    status, got = setup_state("left", yaw, progress)
    assert status.startswith(starts) and got == colour
