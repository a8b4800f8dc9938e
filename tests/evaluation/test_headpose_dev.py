"""The pair-span figure of the side set-up (evaluation.headpose_dev), on known arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rom_tracker.evaluation import headpose_dev as hd

# photos: true yaw and reading error; near band 25-55 holds 0-3, far band 35-55 holds 1-3
TRUTH = np.array([30.0, 40.0, -40.0, -50.0, 10.0, 60.0, -20.0])
ERROR = np.array([1.0, -2.0, 3.0, 0.0, 5.0, 7.0, -9.0])
# ordered pairs (A near, B far, opposite sides): (0,2) (0,3) (1,2) (1,3) (2,1) (3,1);
# span error = error A - error B: -2, 1, -5, -2, 5, 2; along the true span (A - B > 0 for
# the first four): -2, 1, -5, -2, -5, -2


def test_pair_spans_known_answer() -> None:
    got = hd.pair_spans(TRUTH, TRUTH + ERROR)
    assert got.pairs == 6 and got.both_read == 1.0
    assert got.mae == pytest.approx(17 / 6)
    assert got.signed == pytest.approx(-15 / 6)


def test_a_constant_offset_cancels_and_a_gain_does_not() -> None:
    exact = hd.pair_spans(TRUTH, TRUTH + 12.0)
    assert exact.mae == pytest.approx(0.0, abs=1e-12)
    short = hd.pair_spans(TRUTH, 0.9 * TRUTH)  # under-read by 10 %: spans 70-90 -> -7..-9
    assert short.mae == pytest.approx(np.mean([7, 8, 8, 9, 8, 9]))
    assert short.signed == pytest.approx(-short.mae)


def test_unread_photos_and_groups() -> None:
    reading = TRUTH + ERROR
    reading[3] = np.nan  # drops pairs (0,3) (1,3) (3,1)
    got = hd.pair_spans(TRUTH, reading)
    assert got.pairs == 6 and got.both_read == 0.5
    assert got.mae == pytest.approx((2 + 5 + 5) / 3)
    groups = np.array([1, 1, 2, 1, 1, 1, 1])  # photo 2 alone: only (0,3) (1,3) (3,1) remain
    grouped = hd.pair_spans(TRUTH, TRUTH + ERROR, groups=groups)
    assert grouped.pairs == 3 and grouped.mae == pytest.approx((1 + 2 + 2) / 3)


def test_no_pairs_and_bad_shapes() -> None:
    none = hd.pair_spans(np.array([10.0, -10.0]), np.array([10.0, -10.0]))
    assert none.pairs == 0 and math.isnan(none.both_read) and math.isnan(none.mae)
    with pytest.raises(ValueError, match=r"reading: expected shape \(7,\)"):
        hd.pair_spans(TRUTH, TRUTH[:3])
    with pytest.raises(ValueError, match=r"groups: expected shape \(7,\)"):
        hd.pair_spans(TRUTH, TRUTH, groups=np.zeros(2))
