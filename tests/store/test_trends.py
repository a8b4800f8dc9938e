"""Progress chart data from a store: session means, MDC band, asymmetry, effort gap."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rom_tracker.rom.trial import TrialResult
from rom_tracker.store import Store
from rom_tracker.store.trends import load_progress, measured_movements, posix, session_label


def trial(side: str, mode: str, value: float, guided: bool = False) -> TrialResult:
    return TrialResult("neck_rotation", side, mode, guided, value, 1.0, 3.0, 1, 0.0, 5.0)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "db.sqlite3")
    s.add_profile("alex")
    days = ["2026-03-01T09:00:00Z", "2026-03-08T09:00:00Z", "2026-03-15T09:00:00Z"]
    for i, day in enumerate(days):
        sid = s.start_session("alex", "neck_micro_pause", started_at=day)
        for rep in (0.0, 1.0):  # two trials per key: within-session MDC
            s.add_trial(sid, trial("left", "effortless", 40 + 5 * i + rep, guided=True))
            s.add_trial(sid, trial("right", "effortless", 30 + 5 * i + rep, guided=True))
            s.add_trial(sid, trial("left", "active", 60 + 2 * i + rep, guided=True))
        s.add_trial(sid, trial("right", "active", 50.0))
    return s


def test_series_per_side_mode_and_guided(store: Store) -> None:
    p = load_progress(store, "alex", "neck_rotation")
    left = p.get("left", "effortless", True)
    np.testing.assert_allclose(left.values, [40.5, 45.5, 50.5])
    assert left.dates[0] == posix("2026-03-01T09:00:00Z")
    assert np.all(np.diff(left.dates) == 7 * 86400)
    assert p.get("right", "active", False).values.tolist() == [50.0, 50.0, 50.0]
    assert p.get("right", "active", True).values.size == 0
    assert p.sides == ("left", "right")


def test_band_asymmetry_and_gap(store: Store) -> None:
    p = load_progress(store, "alex", "neck_rotation")
    band = p.bands[("left", "effortless")]
    assert band.centre_deg == pytest.approx(40.5)
    assert band.source == "within-session"
    assert band.mdc_deg == pytest.approx(1.96 * np.sqrt(2) * np.sqrt(0.5))
    np.testing.assert_allclose(p.asymmetry["effortless"].values, [10.0, 10.0, 10.0])
    np.testing.assert_allclose(p.effort_gap["left"].values, [20.0, 17.0, 14.0])
    assert "right" in p.effort_gap


def test_labels_and_movements(store: Store) -> None:
    (first, *_) = store.sessions("alex")
    assert session_label(first).startswith(f"#{first.id}  2026-03-0")
    assert measured_movements(store.progress("alex")) == ["neck_rotation"]


def test_empty_profile(store: Store) -> None:
    store.add_profile("sam")
    p = load_progress(store, "sam", "neck_rotation")
    assert p.series == {} and p.sides == ()
