"""The report draws a bound as an open circle with an arrow up, and says at least."""

from __future__ import annotations

import numpy as np

from rom_tracker.report.svg import progress_chart
from rom_tracker.store.trends import MovementProgress, Series


def test_a_bound_is_an_open_marker_with_an_arrow_up() -> None:
    series = Series(
        dates=np.array([1.7e9, 1.7e9 + 7 * 86400]),
        values=np.array([57.0, 72.0]),
        session_ids=(1, 2),
        at_least=np.array([True, False]),
    )
    mp = MovementProgress("neck_rotation", series={("left", "active", False): series})
    svg = progress_chart(mp, "left")
    assert svg.count('class="at-least"') == 1 + 1  # the point and its legend key
    assert "at least (a lower bound)" in svg
    measured = Series(series.dates, series.values, series.session_ids)
    plain = progress_chart(
        MovementProgress("neck_rotation", series={("left", "active", False): measured}), "left"
    )
    assert 'class="at-least"' not in plain
