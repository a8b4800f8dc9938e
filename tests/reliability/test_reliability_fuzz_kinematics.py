"""Fuzzing the kinematics: random and degenerate landmarks never crash, never warn, and
give each column finite values within its documented range, or NaN.

Inputs mix plausible poses with NaN, +-inf, float32 extremes, subnormals, all points at
one place (zero-length segments), collinear and planar point sets, and singular, scaled or
NaN face matrices (see tests/support/fuzzing.py). ``filterwarnings = error`` turns any numpy warning
(overflow, invalid value, division by zero) into a failure. The ranges come from the
conventions table (docs/conventions.md), so a new column is checked as soon as it is
documented.
"""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from rom_tracker.kinematics.body import body_angles
from rom_tracker.kinematics.conventions import CONVENTIONS
from rom_tracker.kinematics.head import head_angles
from rom_tracker.kinematics.table import angle_table
from rom_tracker.types import N_POSE_LANDMARKS, Landmarks
from tests.support.fuzzing import FUZZ, landmarks, matrices, point_sets

_RANGE = re.compile(r"^([\[(])\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*([\])])$")


def _ranges() -> dict[str, tuple[float, float, bool, bool]]:
    """column -> (low, high, low included, high included), from the conventions table."""
    out = {}
    for c in CONVENTIONS:
        m = _RANGE.match(c.range.strip())
        if m:
            out[c.name] = (float(m[2]), float(m[3]), m[1] == "[", m[4] == "]")
    return out


RANGES = _ranges()


def check_columns(columns: dict[str, np.ndarray], frames: int) -> None:
    for name, column in columns.items():
        values = np.asarray(column)
        assert values.shape == (frames,), f"{name}: shape {values.shape}, expected ({frames},)"
        assert values.dtype.kind == "f", f"{name}: dtype {values.dtype}"
        assert not np.isinf(values).any(), f"{name}: infinite values {values}"
        if name not in RANGES:
            continue
        lo, hi, lo_in, hi_in = RANGES[name]
        v = values[np.isfinite(values)]
        ok_lo = v >= lo if lo_in else v > lo
        ok_hi = v <= hi if hi_in else v < hi
        bad = v[~(ok_lo & ok_hi)]
        assert bad.size == 0, f"{name}: {bad} outside {lo}..{hi}"


def test_ranges_are_read_from_the_conventions() -> None:
    assert RANGES["head_pitch_deg"] == (-90.0, 90.0, True, True)
    assert RANGES["head_yaw_deg"] == (-180.0, 180.0, False, True)


@FUZZ
@given(lm=landmarks(), what=st.sampled_from(["head", "hip", "all"]))
def test_angle_table_never_crashes_or_warns(lm: Landmarks, what: str) -> None:
    columns = angle_table(lm, what)  # type: ignore[arg-type]
    assert columns
    check_columns(columns, len(lm))


@FUZZ
@given(data=st.data(), frames=st.integers(1, 4))
def test_body_angles_never_crash_or_warn(data: st.DataObject, frames: int) -> None:
    world = data.draw(point_sets(frames, N_POSE_LANDMARKS))
    image = data.draw(point_sets(frames, N_POSE_LANDMARKS))
    size = (data.draw(st.integers(1, 10_000)), data.draw(st.integers(1, 10_000)))
    check_columns(body_angles(world, image, size), frames)


@FUZZ
@given(data=st.data(), frames=st.integers(1, 4))
def test_head_angles_never_crash_or_warn(data: st.DataObject, frames: int) -> None:
    check_columns(head_angles(data.draw(matrices(frames))), frames)


def test_nan_in_nan_out() -> None:
    """Landmarks not seen give NaN angles: never a number made up from nothing."""
    nan = np.full((2, N_POSE_LANDMARKS, 3), np.nan, np.float32)
    assert all(np.isnan(v).all() for v in body_angles(nan, nan, (640, 480)).values())
    assert all(np.isnan(v).all() for v in head_angles(np.full((2, 4, 4), np.nan)).values())
