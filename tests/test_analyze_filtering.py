"""analyze's derived outputs: filtered columns and repetition uncertainty (no models)."""

from __future__ import annotations

import math

import numpy as np

from rom_tracker.analyze import (
    FILTERED_SUFFIX,
    filter_columns,
    repetition_uncertainty,
    summarise_angles,
)


def test_filtered_columns_follow_a_turn_across_180_without_a_jump() -> None:
    t = np.arange(300) / 30.0
    yaw = 170.0 + 20.0 * np.sin(2 * np.pi * 0.2 * t)  # crosses +-180
    wrapped = (yaw + 180.0) % 360.0 - 180.0
    noisy = wrapped + np.random.default_rng(0).normal(0, 0.5, t.size)
    noisy[50] = np.nan
    table = {"head_yaw_deg": noisy, "head_confidence": np.ones(t.size)}
    out = filter_columns(t, table)
    assert list(out) == ["head_yaw_deg" + FILTERED_SUFFIX]  # only angle columns
    filt = out["head_yaw_deg_filt"]
    diff = (filt - wrapped + 180.0) % 360.0 - 180.0
    assert np.nanmax(np.abs(diff)) < 1.0
    assert np.isfinite(filt[50])  # a one-frame gap is filled
    assert np.isnan(table["head_yaw_deg"][50])  # the raw column is untouched
    summary = summarise_angles({**table, **out})
    assert summary["head_yaw_deg"]["filtered"]["frames"] == t.size


def test_repetitions_carry_their_uncertainty() -> None:
    t = np.arange(600) / 30.0  # 20 s
    peaks = [60.0, 64.0, 62.0]
    value = np.zeros(t.size)
    for k, p in enumerate(peaks):  # three turns to the left, one to the right
        value += p * np.exp(-(((t - 3.0 - 5.0 * k) / 0.6) ** 2))
    value -= 50.0 * np.exp(-(((t - 18.0) / 0.6) ** 2))
    out = repetition_uncertainty(t, value)
    left, right = out["max"], out["min"]
    assert left["n"] == 3 and right["n"] == 1
    np.testing.assert_allclose(left["peaks_deg"], peaks, atol=1.0)
    assert left["sem_deg"] == np.std(left["peaks_deg"], ddof=1)
    assert left["mdc95_deg"] == 1.96 * math.sqrt(2.0) * left["sem_deg"]
    assert right["value_deg"] < -45.0 and math.isnan(right["sem_deg"])
    assert repetition_uncertainty(t, np.zeros(t.size)) == {}
