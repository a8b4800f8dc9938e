"""Progress records, session comparison and MDC95 on a constructed history."""

from __future__ import annotations

import math

import pytest

from rom_tracker.errors import UsageError
from rom_tracker.store import CompareRow, Store
from rom_tracker.store.stats import MDC_FACTOR, mdc95

SQRT2 = math.sqrt(2.0)


def test_progress_records(store: Store, history: dict[int, int]) -> None:
    records = store.progress("alex")
    assert len(records) == 13  # 14 trials, one without a value
    assert [r.date for r in records] == sorted(r.date for r in records)
    assert all(math.isfinite(r.value_deg) for r in records)
    rot = store.progress("alex", "neck_rotation")
    assert {r.movement for r in rot} == {"neck_rotation"}
    left_eff = [
        (r.session_id, r.value_deg) for r in rot if (r.side, r.mode) == ("left", "effortless")
    ]
    assert left_eff == [
        (history[1], 50.0),
        (history[1], 52.0),
        (history[2], 60.0),
        (history[2], 58.0),
    ]
    assert all(r.guided == (r.mode == "active") for r in records)
    assert store.progress("bea") == []
    with pytest.raises(UsageError, match="unknown movement"):
        store.progress("alex", "elbow")


def test_mdc_estimates(store: Store, history: dict[int, int]) -> None:
    mdc = mdc95(store.progress("alex"))
    # left effortless: repeats within sessions, SD = sqrt((2 + 2) / 2)
    assert mdc[("neck_rotation", "left", "effortless")] == pytest.approx(
        (MDC_FACTOR * SQRT2, "within-session")
    )
    # right effortless: one session with repeats (50, 54): SD = sqrt(8 / 1)
    assert mdc[("neck_rotation", "right", "effortless")][0] == pytest.approx(
        1.96 * SQRT2 * math.sqrt(8.0)
    )
    # left active: one value in each of 3 sessions: SD across sessions of 70, 71, 75
    value, source = mdc[("neck_rotation", "left", "active")]
    assert source == "across-sessions"
    assert value == pytest.approx(1.96 * SQRT2 * math.sqrt(7.0))
    # right active: one value in only two sessions, hip flexion once: unknown
    assert ("neck_rotation", "right", "active") not in mdc
    assert ("hip_flexion", "left", "effortless") not in mdc


def _by_key(rows: list[CompareRow]) -> dict[tuple[str, str, str], CompareRow]:
    return {(r.movement, r.side, r.mode): r for r in rows}


def test_compare_values_and_flags(store: Store, history: dict[int, int]) -> None:
    rows = store.compare(history[1], history[2])
    assert [(r.movement, r.side, r.mode) for r in rows] == [
        ("neck_rotation", "left", "effortless"),
        ("neck_rotation", "left", "active"),
        ("neck_rotation", "right", "effortless"),
        ("neck_rotation", "right", "active"),
        ("neck_lateral_flexion", "left", "active"),
        ("hip_flexion", "left", "effortless"),
    ]
    by = _by_key(rows)
    r = by[("neck_rotation", "left", "effortless")]
    assert (r.a_deg, r.b_deg, r.change_deg, r.n_a, r.n_b) == (51.0, 59.0, 8.0, 2, 2)
    assert r.mdc95_deg == pytest.approx(3.92)
    assert (r.exceeds_mdc, r.mdc_source) == (True, "within-session")

    r = by[("neck_rotation", "right", "effortless")]
    assert (r.change_deg, r.exceeds_mdc) == (0.0, False)

    r = by[("neck_rotation", "left", "active")]
    assert (r.change_deg, r.exceeds_mdc, r.mdc_source) == (1.0, False, "across-sessions")

    r = by[("neck_rotation", "right", "active")]
    assert r.change_deg == 15.0
    assert math.isnan(r.mdc95_deg)
    assert (r.exceeds_mdc, r.mdc_source) == (None, None)

    r = by[("neck_lateral_flexion", "left", "active")]  # a trial without a value
    assert (r.n_a, r.n_b, r.exceeds_mdc) == (0, 0, None)
    assert math.isnan(r.a_deg) and math.isnan(r.change_deg)

    r = by[("hip_flexion", "left", "effortless")]  # only in B
    assert math.isnan(r.a_deg) and r.b_deg == 95.0 and r.exceeds_mdc is None


def test_compare_with_given_mdc(store: Store, history: dict[int, int]) -> None:
    given = {
        ("neck_rotation", "right", "active"): 10.0,
        ("neck_rotation", "left", "effortless"): 9.0,
    }
    by = _by_key(store.compare(history[1], history[2], mdc_by_key=given))
    r = by[("neck_rotation", "right", "active")]
    assert (r.mdc95_deg, r.mdc_source, r.exceeds_mdc) == (10.0, "given", True)
    r = by[("neck_rotation", "left", "effortless")]
    assert (r.mdc95_deg, r.exceeds_mdc) == (9.0, False)


def test_compare_refuses_two_profiles(store: Store, history: dict[int, int]) -> None:
    other = store.start_session("bea")
    with pytest.raises(UsageError, match="same profile"):
        store.compare(history[1], other)
    with pytest.raises(UsageError, match="no session 999"):
        store.compare(history[1], 999)
