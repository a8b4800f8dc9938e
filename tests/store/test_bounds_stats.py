"""Statistics are honest about bounds: a change is real only when it is provable."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rom_tracker.errors import FileFormatError
from rom_tracker.rom.bounds import BEYOND
from rom_tracker.store import Store
from rom_tracker.store.exchange import export_sessions, import_sessions
from rom_tracker.store.stats import effort_gaps, judge, mdc95


@pytest.mark.parametrize(
    ("a", "a_bound", "b", "b_bound", "mdc", "exceeds", "starts"),
    [
        (50.0, False, 60.0, False, 5.0, True, "real gain"),
        (50.0, False, 53.0, False, 5.0, False, "within noise"),
        (60.0, False, 50.0, False, 5.0, True, "real loss"),
        (50.0, False, 57.0, True, 5.0, True, "real gain"),  # after >= 57, provably +7
        (50.0, False, 53.0, True, 5.0, None, "cannot judge"),  # after >= 53: unknown
        (55.0, False, 45.0, True, 5.0, None, "cannot judge"),  # a lower bound proves no loss
        (57.0, True, 50.0, False, 5.0, True, "real loss"),  # before >= 57, after 50
        (57.0, True, 60.0, False, 5.0, None, "cannot judge"),
        (57.0, True, 70.0, True, 5.0, None, "cannot judge: both"),
        (50.0, False, 70.0, False, math.nan, None, "MDC unknown"),
        (math.nan, False, 70.0, True, 5.0, None, "not measured"),
    ],
)
def test_judge(
    a: float, a_bound: bool, b: float, b_bound: bool, mdc: float, exceeds: bool | None, starts: str
) -> None:
    got, verdict = judge(a, a_bound, b, b_bound, mdc)
    assert got is exceeds
    assert verdict.startswith(starts), verdict


def test_a_bound_travels_through_store_progress_and_export(
    store: Store, make_trial: Callable[..., Any], tmp_path: Path
) -> None:
    store.add_profile("alex")
    a = store.start_session("alex", None, started_at="2026-01-05T09:00:00Z")
    b = store.start_session("alex", None, started_at="2026-02-05T09:00:00Z")
    for v in (50.0, 52.0):  # before: measured twice (a within-session SD of 1.4)
        store.add_trial(a, make_trial("neck_rotation", "left", "active", v))
    store.add_trial(b, make_trial("neck_rotation", "left", "active", 57.0))  # measured
    bound = make_trial("neck_rotation", "left", "active", 80.0, at_least=True, reason=BEYOND)
    tid = store.add_trial(b, bound)

    stored = store.trial(tid)
    assert (stored.at_least, stored.reason) == (True, BEYOND)
    records = store.progress("alex")
    assert [r.at_least for r in records] == [False, False, False, True]
    # the MDC uses the measured values only: session b's 57 and >= 80 are no pair
    ((mdc, source),) = mdc95(records).values()
    assert source == "within-session" and mdc == pytest.approx(1.96 * math.sqrt(2) * math.sqrt(2))
    (row,) = store.compare(a, b)
    assert (row.a_at_least, row.b_at_least) == (False, True)
    assert row.b_deg == pytest.approx(68.5) and row.exceeds_mdc is True  # >= 68.5 vs 51

    path = tmp_path / "alex.json"
    export_sessions(store, "alex", path)
    doc = json.loads(path.read_text())
    flags = [(t["at_least"], t["reason"]) for s in doc["sessions"] for t in s["trials"]]
    assert flags == [(False, ""), (False, ""), (False, ""), (True, BEYOND)]
    with Store.open(tmp_path / "fresh.sqlite3") as fresh:
        import_sessions(fresh, path)
        again = tmp_path / "again.json"
        export_sessions(fresh, "alex", again)
        assert again.read_bytes() == path.read_bytes()


def test_an_import_with_a_bound_and_no_reason_is_refused(
    store: Store, make_trial: Callable[..., Any], tmp_path: Path
) -> None:
    store.add_profile("alex")
    sid = store.start_session("alex", None, started_at="2026-01-05T09:00:00Z")
    store.add_trial(sid, make_trial("neck_rotation", "left", "active", 50.0))
    path = tmp_path / "alex.json"
    export_sessions(store, "alex", path)
    doc = json.loads(path.read_text())
    doc["sessions"][0]["trials"][0]["at_least"] = True
    path.write_text(json.dumps(doc))
    with Store.open(tmp_path / "fresh.sqlite3") as fresh:
        with pytest.raises(FileFormatError, match=r"trials\[0\]\.reason"):
            import_sessions(fresh, path)
        assert fresh.list_profiles() == []


def test_effort_gap_uses_measured_values_only(make_trial: Callable[..., Any]) -> None:
    from rom_tracker.store.records import StoredTrial

    def stored(mode: str, value: float, at_least: bool) -> StoredTrial:
        t = make_trial("neck_rotation", "left", mode, value)
        return StoredTrial(
            id=1,
            session_id=1,
            movement=t.movement,
            side=t.side,
            mode=mode,
            guided=False,
            value_deg=value,
            sd_deg=math.nan,
            duration_s=math.nan,
            reps=1,
            started_s=0.0,
            ended_s=1.0,
            detail={},
            created_at="2026-01-05T09:00:00Z",
            at_least=at_least,
            reason=BEYOND if at_least else "",
            n_samples=0,
        )

    assert effort_gaps([stored("effortless", 40.0, False), stored("active", 60.0, True)]) == []
    (gap,) = effort_gaps([stored("effortless", 40.0, False), stored("active", 55.0, False)])
    assert gap["gap_deg"] == pytest.approx(15.0)
