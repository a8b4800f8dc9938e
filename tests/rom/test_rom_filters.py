"""One Euro and zero-phase smoothing: convergence, lag, outliers, amplitude, NaN gaps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rom_tracker.rom.filters import (
    OneEuroFilter,
    fill_short_gaps,
    hampel_mask,
    smooth_series,
)

FPS = 30.0


def _t(seconds: float, fps: float = FPS) -> np.ndarray:
    return np.arange(round(seconds * fps)) / fps


# ----------------------------------------------------------------------------- One Euro


def test_one_euro_passes_a_constant_through_exactly() -> None:
    t = _t(2.0)
    out = OneEuroFilter().filter_series(t, np.full(t.size, 12.5))
    np.testing.assert_allclose(out, 12.5)


def test_one_euro_converges_on_a_noisy_constant() -> None:
    rng = np.random.default_rng(0)
    t = _t(10.0)
    x = 20.0 + rng.normal(0.0, 1.0, t.size)
    out = OneEuroFilter().filter_series(t, x)
    tail = out[-90:]
    assert abs(tail.mean() - 20.0) < 0.3
    assert tail.std() < 0.5 * x[-90:].std()  # smoothed, not just passed through


def test_one_euro_lags_less_with_larger_beta() -> None:
    t = _t(3.0)
    ramp = 60.0 * t  # 60 deg/s head turn
    lags = [ramp[-1] - OneEuroFilter(beta=b).filter_series(t, ramp)[-1] for b in (0.0, 0.02, 0.2)]
    assert lags[0] > lags[1] > lags[2] > 0.0


def test_one_euro_nan_gives_nan_and_keeps_state() -> None:
    f = OneEuroFilter()
    f.update(0.0, 10.0)
    f.update(1 / 30, 10.0)
    assert math.isnan(float(f.update(2 / 30, math.nan)))
    after = float(f.update(3 / 30, 14.0))
    assert 10.0 < after < 14.0  # continued from the kept state, not restarted


def test_one_euro_restarts_after_a_long_gap() -> None:
    f = OneEuroFilter(reset_after_s=0.5)
    for i in range(10):
        f.update(i / 30, 10.0)
    assert float(f.update(2.0, 40.0)) == 40.0


def test_one_euro_channels_are_independent() -> None:
    rng = np.random.default_rng(1)
    t = np.cumsum(rng.uniform(0.02, 0.05, 120))
    x = rng.normal(0.0, 5.0, (120, 2, 3))
    x[10:15, 1, 2] = np.nan
    f = OneEuroFilter()
    together = f.filter_series(t, x)
    for i in range(2):
        for j in range(3):
            alone = OneEuroFilter().filter_series(t, x[:, i, j])
            np.testing.assert_allclose(together[:, i, j], alone)
    assert np.isnan(together[10:15, 1, 2]).all()


def test_one_euro_uses_real_timestamps() -> None:
    # on a steady ramp the lag settles at speed x time constant, whatever the frame rate
    lags = []
    for fps in (15.0, 29.97, 60.0):
        t = _t(4.0, fps)
        lags.append(30.0 * t[-1] - OneEuroFilter().filter_series(t, 30.0 * t)[-1])
    np.testing.assert_allclose(lags, lags[-1], rtol=0.02)


def test_one_euro_time_rules() -> None:
    f = OneEuroFilter()
    first = f.update(1.0, [1.0, 2.0])
    np.testing.assert_array_equal(f.update(1.0, [5.0, 5.0]), first)  # repeated timestamp
    with pytest.raises(ValueError, match="goes back in time"):
        f.update(0.5, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"expected shape \(2,\)"):
        f.update(2.0, [1.0, 2.0, 3.0])


def test_one_euro_filter_series_leaves_streaming_state_alone() -> None:
    f = OneEuroFilter()
    f.update(0.0, 1.0)
    f.filter_series(_t(1.0) + 10.0, np.zeros(30))
    assert 1.0 < float(f.update(1 / 30, 2.0)) < 2.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"min_cutoff": 0.0}, "min_cutoff"), ({"beta": -1.0}, "beta"), ({"d_cutoff": -1}, "d_cutoff")],
)
def test_one_euro_rejects_bad_settings(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OneEuroFilter(**kwargs)


# ----------------------------------------------------------------------------- smoothing


def test_smooth_series_removes_a_spike() -> None:
    # glitches of the models come at the end of the range, where the angle changes slowly
    rng = np.random.default_rng(4)
    t = _t(10.0)
    clean = 30.0 * np.sin(2 * np.pi * 0.25 * t)  # peaks at 1 s and 5 s
    noisy = clean + rng.normal(0.0, 0.3, t.size)
    x = noisy.copy()
    x[30] += 40.0  # a one-frame spike at the peak
    x[150:152] -= 35.0  # a two-frame glitch at the trough
    out = smooth_series(t, x)
    without = smooth_series(t, noisy)
    print(f"largest trace of the spikes: {np.max(np.abs(out - without)):.3f} deg")
    assert np.max(np.abs(out - without)) < 0.3
    assert np.max(np.abs(out - clean)) < 0.8


def test_smooth_series_keeps_a_sine_amplitude() -> None:
    t = _t(20.0)
    x = 40.0 * np.sin(2 * np.pi * 1.0 * t)
    out = smooth_series(t, x)
    mid = slice(60, -60)
    amplitude = 0.5 * (out[mid].max() - out[mid].min())
    assert abs(amplitude / 40.0 - 1.0) < 0.02


def test_smooth_series_reduces_noise() -> None:
    rng = np.random.default_rng(2)
    t = _t(20.0)
    clean = 25.0 * np.sin(2 * np.pi * 0.3 * t)
    out = smooth_series(t, clean + rng.normal(0.0, 1.0, t.size))
    err = np.sqrt(np.mean((out - clean) ** 2))
    print(f"smooth_series RMS error on 1 deg noise: {err:.3f} deg")
    assert err < 0.75  # 6 Hz of a 15 Hz band: about sqrt(0.4) of white noise


def test_smooth_series_gaps() -> None:
    t = _t(10.0)
    x = 10.0 + 5.0 * np.sin(t)
    x[:5] = np.nan  # leading: stays NaN
    x[100:104] = np.nan  # 0.13 s between neighbours' timestamps: filled
    x[200:240] = np.nan  # 1.3 s: stays NaN
    x[-3:] = np.nan  # trailing: stays NaN
    raw = x.copy()
    out = smooth_series(t, x)
    np.testing.assert_array_equal(x, raw)  # the input is not modified
    assert np.isnan(out[:5]).all() and np.isnan(out[-3:]).all()
    assert np.isnan(out[200:240]).all()
    assert np.isfinite(out[5:200]).all() and np.isfinite(out[240:-3]).all()
    truth = 10.0 + 5.0 * np.sin(t[100:104])
    np.testing.assert_allclose(out[100:104], truth, atol=0.05)


def test_smooth_series_leaves_short_runs_as_they_are() -> None:
    t = _t(6.0)
    x = np.full(t.size, np.nan)
    x[60:66] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]  # 6 samples: too short for filtfilt
    out = smooth_series(t, x)
    np.testing.assert_array_equal(out[60:66], x[60:66])


def test_smooth_series_irregular_timestamps() -> None:
    rng = np.random.default_rng(3)
    t = np.cumsum(rng.uniform(0.8, 1.2, 600) / FPS)
    t = np.delete(t, rng.choice(600, 60, replace=False))  # dropped frames
    clean = 30.0 * np.sin(2 * np.pi * 0.5 * t)
    out = smooth_series(t, clean + rng.normal(0.0, 0.5, t.size))
    err = np.sqrt(np.mean((out - clean)[20:-20] ** 2))
    print(f"smooth_series RMS error, irregular timestamps: {err:.3f} deg")
    assert err < 0.4


def test_smooth_series_channels() -> None:
    t = _t(5.0)
    x = np.stack([np.sin(t * k) for k in range(1, 7)], axis=1).reshape(t.size, 2, 3)
    out = smooth_series(t, x)
    assert out.shape == x.shape
    np.testing.assert_allclose(out[:, 1, 2], smooth_series(t, x[:, 1, 2]))


@pytest.mark.parametrize(
    ("t", "x", "message"),
    [
        (np.zeros((3, 1)), np.zeros(3), r"t: expected shape \(T,\)"),
        (np.array([0.0, 1.0, 1.0]), np.zeros(3), "increase strictly"),
        (np.array([0.0, 1.0, 2.0]), np.zeros(4), r"x: expected shape \(3, \.\.\.\)"),
        (np.array([0.0, np.nan, 2.0]), np.zeros(3), "finite"),
    ],
)
def test_smooth_series_rejects_bad_input(t: np.ndarray, x: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        smooth_series(t, x)


def test_hampel_flags_only_the_outlier() -> None:
    x = np.array([1.0, 1.1, 0.9, 1.0, 9.0, 1.05, 0.95, 1.0, 1.1])[:, None]
    mask = hampel_mask(x, 3, 3.0)
    assert mask[:, 0].tolist() == [i == 4 for i in range(9)]


def test_fill_short_gaps_uses_time_not_frames() -> None:
    t = np.array([0.0, 0.1, 0.2, 0.6, 0.7])  # the samples after 0.2 come late
    x = np.array([0.0, np.nan, 2.0, np.nan, 7.0])
    out = fill_short_gaps(t, x, max_gap_s=0.25)
    assert out[1] == pytest.approx(1.0)
    assert math.isnan(out[3])  # 0.5 s between its neighbours


@settings(max_examples=40, deadline=None)
@given(
    level=st.floats(-80, 80),
    gaps=st.lists(st.tuples(st.integers(0, 280), st.integers(1, 40)), max_size=5),
)
def test_smooth_series_constant_with_gaps(level: float, gaps: list[tuple[int, int]]) -> None:
    t = _t(10.0)
    x = np.full(t.size, level)
    for start, length in gaps:
        x[start : start + length] = np.nan
    out = smooth_series(t, x)
    finite = np.isfinite(out)
    np.testing.assert_allclose(out[finite], level, atol=1e-9)
    # NaN stays NaN unless the gap was short and inside the observed data
    assert np.array_equal(finite, np.isfinite(fill_short_gaps(t, x)))
    assert finite[np.isfinite(x)].all()


def test_low_pass_keeps_a_ramp_with_irregular_timestamps() -> None:
    """A zero-phase low-pass keeps a straight line; on irregular timestamps the series is
    filtered on a regular grid covering just it and read back: measured within 0.034 deg
    of the ramp to its last sample (3 deg/s, 200 samples 25-42 ms apart, from t = 5 s)."""
    rng = np.random.default_rng(1)
    t = 5.0 + np.cumsum(rng.uniform(0.025, 0.042, 200))
    ramp = 10.0 + 3.0 * t
    np.testing.assert_allclose(smooth_series(t, ramp, hampel_k=None), ramp, atol=0.04)
