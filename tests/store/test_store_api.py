"""Profiles, sessions, trials and series; immediate commits; locked and corrupt files."""

from __future__ import annotations

import dataclasses
import math
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from rom_tracker.errors import StorageError, UsageError
from rom_tracker.store import Store

MakeTrial = Callable[..., Any]


def test_profiles(store: Store) -> None:
    assert store.list_profiles() == []
    store.add_profile("bea", notes="physio client")
    store.add_profile("  alex ")
    assert [p.name for p in store.list_profiles()] == ["alex", "bea"]
    assert store.get_profile("bea").notes == "physio client"
    with pytest.raises(UsageError, match="already exists"):
        store.add_profile("alex")
    with pytest.raises(UsageError, match=r"profiles add carl") as info:
        store.get_profile("carl")
    assert info.value.exit_code == 2
    with pytest.raises(UsageError, match="empty"):
        store.add_profile(" ")


def test_session_lifecycle(store: Store, make_trial: MakeTrial) -> None:
    store.add_profile("alex")
    sid = store.start_session(
        "alex",
        "neck-micro-pause",
        source="webcam 0",
        models={"face_landmarker": "64184e22" * 8},
        calibration={"camera_height_m": 1.1},
        settings={"hold_s": 3.0},
        started_at="2026-03-01T10:00:00+01:00",
    )
    with pytest.raises(UsageError, match="no profile"):
        store.start_session("nobody")
    tid = store.add_trial(sid, make_trial())
    store.add_trial(sid, make_trial(mode="active", value_deg=72.0, guided=True, reps=3))
    store.end_session(sid, ended_at="2026-03-01T09:20:00Z")

    [listed] = store.sessions("alex")
    assert (listed.id, listed.n_trials, listed.trials) == (sid, 2, ())
    s = store.session(sid)
    assert s.started_at == "2026-03-01T09:00:00.000Z"  # stored as UTC
    assert s.ended_at == "2026-03-01T09:20:00.000Z"
    assert s.calibration == {"camera_height_m": 1.1}
    assert s.settings == {"hold_s": 3.0}
    assert s.package_version
    assert [(t.mode, t.guided, t.reps) for t in s.trials] == [
        ("effortless", False, 1),
        ("active", True, 3),
    ]
    assert s.trials[0].detail == {"threshold_deg_s": 5.0, "hold": [0.5, 3.7]}
    assert store.trial(tid).n_samples == 90

    store.delete_session(sid)
    assert store.sessions() == []
    with pytest.raises(UsageError, match=f"no session {sid}"):
        store.session(sid)
    with pytest.raises(UsageError, match="no trial"):
        store.trial_series(tid)  # cascaded
    with pytest.raises(UsageError, match="no session"):
        store.delete_session(sid)
    with pytest.raises(UsageError, match="no session"):
        store.add_trial(sid, make_trial())


def test_series_round_trip_exact_with_nan_and_landmarks(
    store: Store, make_trial: MakeTrial
) -> None:
    store.add_profile("alex")
    sid = store.start_session("alex")
    trial = make_trial(value_deg=math.nan, sd_deg=math.nan, n=301)
    angle = trial.angle_deg.copy()
    angle[[0, 7, 300]] = np.nan
    trial = make_trial(value_deg=math.nan, sd_deg=math.nan, n=301, angle_deg=angle)
    landmarks = np.random.default_rng(1).normal(size=(301, 33, 3)).astype(np.float32)
    tid = store.add_trial(sid, trial, landmarks)
    stored = store.trial(tid)
    assert math.isnan(stored.value_deg) and math.isnan(stored.sd_deg)
    series = store.trial_series(tid)
    assert series.t_s.dtype == np.float64 and series.angle_deg.dtype == np.float32
    np.testing.assert_array_equal(series.t_s, trial.t_s)
    np.testing.assert_array_equal(series.angle_deg, angle)
    assert series.landmarks is not None
    np.testing.assert_array_equal(series.landmarks, landmarks)
    series.angle_deg[0] = 1.0  # returned arrays are the caller's own


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"movement": "elbow_flexion"}, "unknown movement 'elbow_flexion'"),
        ({"side": "up"}, "no side 'up'"),
        ({"mode": "passive"}, "unknown mode 'passive'"),
    ],
)
def test_add_trial_rejects_unknown_fields(
    store: Store, make_trial: MakeTrial, overrides: dict[str, str], message: str
) -> None:
    store.add_profile("alex")
    sid = store.start_session("alex")
    trial = make_trial()
    fields = {f.name: getattr(trial, f.name) for f in dataclasses.fields(trial)}
    with pytest.raises(UsageError, match=message):
        # TrialResult itself refuses these; the store checks again (defence in depth)
        store.add_trial(sid, SimpleNamespace(**{**fields, **overrides}))  # type: ignore[arg-type]
    assert store.session(sid).n_trials == 0


def test_trial_committed_immediately(store: Store, db_path: Path, make_trial: MakeTrial) -> None:
    store.add_profile("alex")
    sid = store.start_session("alex")
    tid = store.add_trial(sid, make_trial())
    # the store stays open (no close, no checkpoint): another connection sees the trial
    other = sqlite3.connect(db_path)
    try:
        row = other.execute("SELECT movement, value_deg FROM trials WHERE id = ?", (tid,))
        assert row.fetchone() == ("neck_rotation", 60.0)
        n = other.execute("SELECT n FROM trial_series WHERE trial_id = ?", (tid,)).fetchone()
        assert n == (90,)
    finally:
        other.close()


def test_locked_database_message(store: Store, db_path: Path) -> None:
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with (
            Store.open(db_path, busy_timeout_s=0.1) as second,
            pytest.raises(StorageError) as info,
        ):
            second.add_profile("alex")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(info.value) == (
        f"database {db_path} is locked by another rom-tracker process - close it and retry"
    )
    assert info.value.exit_code == 6


def _valid_db(path: Path) -> None:
    with Store.open(path) as s:
        s.add_profile("alex")
        s.start_session("alex")


@pytest.mark.parametrize("damage", ["garbage", "pages"])
def test_corrupt_database_message(db_path: Path, damage: str) -> None:
    if damage == "garbage":
        db_path.parent.mkdir()
        db_path.write_bytes(os.urandom(8192))
    else:  # a valid header and schema page, then garbage
        _valid_db(db_path)
        data = bytearray(db_path.read_bytes())
        data[4096:] = b"\xa5" * (len(data) - 4096)
        db_path.write_bytes(bytes(data))
    with pytest.raises(StorageError) as info, Store.open(db_path) as s:
        s.sessions()
    text = str(info.value)
    assert f"database {db_path} is corrupt" in text
    assert "restore a backup copy" in text
    assert info.value.exit_code == 6


@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX permissions")
@pytest.mark.permissions
def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    try:
        with pytest.raises(StorageError, match="cannot create the database"):
            Store.open(folder / "db.sqlite3")
    finally:
        folder.chmod(0o700)
