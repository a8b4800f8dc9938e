"""RingBuffer: order, wrap-around, gaps and contracts."""

from __future__ import annotations

import numpy as np
import pytest

from rom_tracker.ui.ringbuffer import RingBuffer


def test_keeps_the_newest_samples_in_time_order() -> None:
    buf = RingBuffer(4, gap_s=10)
    for i in range(6):
        buf.append(float(i), i * 10.0)
    t, v = buf.arrays()
    np.testing.assert_array_equal(t, [2, 3, 4, 5])
    np.testing.assert_array_equal(v[:, 0], [20, 30, 40, 50])
    assert len(buf) == 4
    assert buf.last_t == 5.0


def test_partial_buffer_and_window() -> None:
    buf = RingBuffer(10, 2)
    for i in range(5):
        buf.append(i * 0.1, [i, -i])
    t, v = buf.window(0.25)
    np.testing.assert_allclose(t, [0.2, 0.3, 0.4])
    np.testing.assert_array_equal(v, [[2, -2], [3, -3], [4, -4]])


def test_nan_is_kept_and_a_time_jump_becomes_a_gap() -> None:
    buf = RingBuffer(10, gap_s=0.5)
    buf.append(0.0, 1.0)
    buf.append(0.1, np.nan)
    buf.append(0.2, 2.0)
    buf.append(2.0, 3.0)  # 1.8 s without frames: a NaN sample goes in between
    t, v = buf.arrays()
    assert t.size == 5
    assert np.isnan(v[1, 0]) and np.isnan(v[3, 0])
    assert 0.2 < t[3] < 2.0


def test_clear_empties() -> None:
    buf = RingBuffer(3)
    buf.append(0.0, 1.0)
    buf.clear()
    assert len(buf) == 0
    assert buf.arrays()[0].size == 0
    assert np.isnan(buf.last_t)


@pytest.mark.parametrize(
    ("args", "message"),
    [((1,), "capacity"), ((4, 0), "channels")],
)
def test_bad_construction(args: tuple[int, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RingBuffer(*args)


def test_bad_samples_are_refused() -> None:
    buf = RingBuffer(4, 2)
    with pytest.raises(ValueError, match="2 channel"):
        buf.append(0.0, [1.0])
    buf.append(1.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="back in time"):
        buf.append(0.5, [1.0, 2.0])
