"""The app's live feed, Qt-free: one time line across feeds started one after another."""

from __future__ import annotations

import pytest
from ui_streams import fake_result

from rom_tracker.ui.feed import ContinuousClock


def result(t_s: float, t_capture: float):
    from dataclasses import replace

    return replace(fake_result(0, t_s, {}), t_capture=t_capture)


def test_first_feed_keeps_its_times() -> None:
    clock = ContinuousClock()
    assert [clock(result(t, 100.0 + t)).t_s for t in (0.0, 0.5, 1.0)] == [0.0, 0.5, 1.0]


@pytest.mark.parametrize(
    ("pause_s", "expected_gap_s"),
    [
        (5.0, 5.0),  # played again 5 s after the last frame: a 5 s gap
        (0.0, 1.0 / 30.0),  # no time passed (clock resolution): one frame later
    ],
)
def test_a_new_feed_follows_the_last_result_after_the_real_pause(
    pause_s: float, expected_gap_s: float
) -> None:
    clock = ContinuousClock()
    for t in (0.0, 1.0, 7.3):  # a video to its end
        clock(result(t, 100.0 + t))
    clock.restart()
    resumed = [clock(result(t, 107.3 + pause_s + t)) for t in (0.0, 0.04, 1.0)]
    assert resumed[0].t_s == pytest.approx(7.3 + expected_gap_s)
    assert [r.t_s - resumed[0].t_s for r in resumed] == pytest.approx([0.0, 0.04, 1.0])
    clock.restart()  # and again: each feed follows the one before
    again = clock(result(0.0, 107.3 + pause_s + 1.0 + 2.0))
    assert again.t_s == pytest.approx(resumed[-1].t_s + 2.0)


def test_a_restart_before_any_result_changes_nothing() -> None:
    clock = ContinuousClock()
    clock.restart()
    assert clock(result(3.0, 50.0)).t_s == 3.0
