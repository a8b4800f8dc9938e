"""Schema creation, file permissions, default location, migrations and their backups."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rom_tracker.errors import StorageError
from rom_tracker.store import Store, default_db_path
from rom_tracker.store.db import backup_path
from rom_tracker.store.schema import SCHEMA_VERSION

TABLES = {"meta", "profiles", "sessions", "trials", "trial_series", "posture_minutes"}

# The version-1 layout, written by hand as a rom-tracker of that time would have.
V1_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE profiles (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '');
CREATE TABLE sessions (id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id),
    started_at TEXT NOT NULL, ended_at TEXT, protocol TEXT, source TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '', calibration TEXT, models TEXT NOT NULL DEFAULT '{}',
    package_version TEXT NOT NULL DEFAULT '');
CREATE INDEX sessions_profile ON sessions(profile_id, started_at);
CREATE TABLE trials (id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    movement TEXT NOT NULL, side TEXT NOT NULL, mode TEXT NOT NULL, value_deg REAL,
    sd_deg REAL, duration_s REAL, reps INTEGER NOT NULL DEFAULT 0, started_s REAL,
    ended_s REAL, created_at TEXT NOT NULL);
CREATE INDEX trials_session ON trials(session_id);
CREATE TABLE trial_series (trial_id INTEGER PRIMARY KEY
    REFERENCES trials(id) ON DELETE CASCADE,
    n INTEGER NOT NULL, t_s BLOB NOT NULL, angle_deg BLOB NOT NULL);
INSERT INTO profiles VALUES (1, 'alex', '2025-01-01T09:00:00.000Z', '');
INSERT INTO sessions (id, profile_id, started_at, protocol, models, package_version)
    VALUES (1, 1, '2025-01-02T09:00:00.000Z', 'neck', '{"face_landmarker": "ab12"}', '0.0.1');
INSERT INTO trials VALUES
    (1, 1, 'neck_rotation', 'left', 'effortless', 61.5, 0.7, 3.1, 1, 1.0, 4.1,
     '2025-01-02T09:01:00.000Z'),
    (2, 1, 'neck_rotation', 'left', 'guided-active', 75.25, NULL, NULL, 3, 5.0, 9.0,
     '2025-01-02T09:02:00.000Z');
"""


def _columns(path: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: con.execute(f"PRAGMA table_info({n})").fetchall() for n in sorted(names)}
    finally:
        con.close()


def test_fresh_database_has_schema_and_settings(store: Store, db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == TABLES
    version = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    assert int(version) == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
    conn = store._conn
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert store.integrity_check() == "ok"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_database_and_folder_are_private(db_path: Path) -> None:
    with Store.open(db_path) as s:
        s.add_profile("alex")
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists()
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700


def test_default_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROM_TRACKER_HOME", str(tmp_path / "home"))
    assert default_db_path() == tmp_path / "home" / "rom-tracker.sqlite3"
    with Store.open() as s:
        assert s.path == tmp_path / "home" / "rom-tracker.sqlite3"
    monkeypatch.delenv("ROM_TRACKER_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert default_db_path() == tmp_path / "xdg" / "rom-tracker" / "rom-tracker.sqlite3"


def test_migration_from_v1_keeps_data_and_backs_up(tmp_path: Path, db_path: Path) -> None:
    db_path.parent.mkdir()
    con = sqlite3.connect(db_path)
    con.executescript(V1_SQL)
    con.close()
    v1_columns = _columns(db_path)

    with Store.open(db_path) as s:
        session = s.session(1)
        assert [(t.mode, t.guided, t.value_deg) for t in session.trials] == [
            ("effortless", False, 61.5),
            ("active", True, 75.25),
        ]
        assert session.trials[1].detail == {}
        assert np.isnan(session.trials[1].sd_deg)
        assert session.settings == {}
        assert session.models == {"face_landmarker": "ab12"}
        assert s.integrity_check() == "ok"

    backup = backup_path(db_path, 1)
    assert backup.name == "rom-tracker.sqlite3.bak-v1"
    assert _columns(backup) == v1_columns  # the backup is the untouched v1 database
    if sys.platform != "win32":
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    fresh = tmp_path / "fresh.sqlite3"
    Store.open(fresh).close()
    assert _columns(db_path) == _columns(fresh)  # migrated == created new


def test_migration_from_v3_marks_every_old_trial_measured(tmp_path: Path, db_path: Path) -> None:
    fresh = tmp_path / "fresh.sqlite3"
    Store.open(fresh).close()
    db_path.parent.mkdir()
    con = sqlite3.connect(fresh)
    con.execute("ALTER TABLE trials DROP COLUMN reason")
    con.execute("ALTER TABLE trials DROP COLUMN at_least")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.executescript(
        "INSERT INTO profiles VALUES (1, 'alex', '2026-01-01T09:00:00.000Z', '');"
        "INSERT INTO sessions (id, profile_id, started_at) VALUES (1, 1, '2026-01-02T09:00Z');"
        "INSERT INTO trials (id, session_id, movement, side, mode, value_deg, created_at) "
        "VALUES (1, 1, 'neck_rotation', 'left', 'active', 57.0, '2026-01-02T09:01Z');"
    )
    con.commit()
    con.backup(sqlite3.connect(db_path))
    con.close()
    v3_columns = _columns(db_path)
    with Store.open(db_path) as s:
        (trial,) = s.session(1).trials
        assert (trial.value_deg, trial.at_least, trial.reason) == (57.0, False, "")
        assert s.integrity_check() == "ok"
    assert _columns(backup_path(db_path, 3)) == v3_columns  # the untouched version 3
    Store.open(tmp_path / "new.sqlite3").close()
    assert _columns(db_path) == _columns(tmp_path / "new.sqlite3")  # migrated == created new


def test_migration_rejects_bad_mode_afterwards(tmp_path: Path, db_path: Path) -> None:
    db_path.parent.mkdir()
    con = sqlite3.connect(db_path)
    con.executescript(V1_SQL)
    con.close()
    Store.open(db_path).close()
    con = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        con.execute(
            "INSERT INTO trials (session_id, movement, side, mode, created_at) "
            "VALUES (1, 'neck_rotation', 'left', 'guided-active', 'x')"
        )
    con.close()


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("CREATE TABLE other (x); INSERT INTO other VALUES (1)", "not a rom-tracker database"),
        ("CREATE TABLE meta (key TEXT, value TEXT)", "no valid schema version"),
        (
            "CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES "
            "('schema_version', '99')",
            "newer than this rom-tracker",
        ),
    ],
)
def test_foreign_or_newer_database_refused(db_path: Path, sql: str, message: str) -> None:
    db_path.parent.mkdir()
    con = sqlite3.connect(db_path)
    con.executescript(sql)
    con.close()
    with pytest.raises(StorageError, match=message) as info:
        Store.open(db_path)
    assert str(db_path) in str(info.value)
    assert info.value.exit_code == 6


def test_db_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a folder"):
        Store.open(tmp_path)


def test_store_imports_no_heavy_modules() -> None:
    code = (
        "import sys, rom_tracker.store, rom_tracker.store.exchange; "
        "print(sorted(m for m in ('cv2', 'mediapipe', 'PySide6', 'pyqtgraph', 'scipy') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
