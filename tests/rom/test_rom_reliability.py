"""SEM, MDC95 and real change: known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rom_tracker.rom.reliability import Measurement, change_exceeds_mdc, mdc95, sem


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10.0, 12.0, 14.0], 2.0),  # one person, three trials: SD of the trials
        ([50.0, 50.0], 0.0),
        ([10.0, np.nan, 12.0, 14.0], 2.0),  # a trial without a value is left out
        ([[10.0, 12.0], [20.0, 21.0], [30.0, 30.0]], 1.0 / math.sqrt(2.0)),  # SD_diff/sqrt2
        ([[10.0, 15.0], [20.0, 25.0], [30.0, 35.0]], 0.0),  # a constant shift is not noise
        ([[1.0, 2.0, 3.0], [10.0, 10.0, 13.0]], math.sqrt((1.0 + 3.0) / 2)),  # pooled
        ([[1.0, 2.0, 3.0], [10.0, np.nan, 13.0]], math.sqrt((1.0 + 4.5) / 2)),  # NaN left out
        ([5.0], math.nan),
        ([], math.nan),
        ([[1.0, 2.0]], math.nan),
    ],
)
def test_sem_known_answers(values: list, expected: float) -> None:
    got = sem(values)
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, abs=1e-12)


def test_sem_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match=r"expected shape \(n,\) or \(n, k>=2\)"):
        sem(np.zeros((3, 1)))
    with pytest.raises(ValueError, match="got"):
        sem(np.zeros((2, 2, 2)))


def test_mdc95_known_answer() -> None:
    assert mdc95(2.0) == pytest.approx(1.96 * math.sqrt(2.0) * 2.0)
    assert mdc95(2.0) == pytest.approx(5.5437, abs=1e-4)
    assert math.isnan(mdc95(math.nan))


@pytest.mark.parametrize(
    ("a", "b", "mdc", "expected"),
    [
        (40.0, 50.0, 5.5, True),
        (50.0, 40.0, 5.5, True),  # a loss counts as much as a gain
        (40.0, 44.0, 5.5, False),
        (40.0, 45.5, 5.5, False),  # equal to the MDC is not beyond it
        (40.0, math.nan, 5.5, False),
        (40.0, 60.0, math.nan, False),  # unknown MDC: cannot call it real
    ],
)
def test_change_exceeds_mdc(a: float, b: float, mdc: float, expected: bool) -> None:
    assert change_exceeds_mdc(a, b, mdc) is expected


def test_measurement_from_trials() -> None:
    m = Measurement.from_trials([60.0, 62.0, 64.0, math.nan])
    assert m.value_deg == pytest.approx(62.0)
    assert m.n == 3
    assert m.sd_deg == pytest.approx(2.0)
    assert m.sem_deg == pytest.approx(2.0)
    assert m.mdc95_deg == pytest.approx(mdc95(2.0))
    assert set(m.to_dict()) == {"value_deg", "sd_deg", "n", "sem_deg", "mdc95_deg"}
    single = Measurement.from_trials([55.0])
    assert single.value_deg == 55.0 and single.n == 1 and math.isnan(single.mdc95_deg)
    empty = Measurement.from_trials([])
    assert math.isnan(empty.value_deg) and empty.n == 0
