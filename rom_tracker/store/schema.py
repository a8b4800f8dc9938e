"""The database schema, its version, and the forward migrations from older versions.

Schema version history (``meta.schema_version``):

1. First layout. ``trials.mode`` held ``effortless``, ``active``, ``guided-effortless`` or
   ``guided-active``; trials had no ``guided`` flag and no ``detail``; sessions had no
   ``settings``; series had no landmarks.
2. ``trials.guided`` (0/1) is separate from ``mode`` (now only ``effortless``/``active``,
   checked); ``trials.detail`` (JSON); ``sessions.settings`` (JSON);
   ``trial_series.landmarks`` + ``landmarks_shape`` (optional raw landmarks).
3. ``posture_minutes``: one row per profile and minute monitored by the posture monitor
   (sums of seconds and counts, never frames; see :mod:`rom_tracker.store.posture_history`).
4. ``trials.at_least`` (0/1): the value is a lower bound, not a measurement (the turn went
   beyond what the camera reads reliably), and ``trials.reason``: why (``''`` when
   measured; :mod:`rom_tracker.rom.bounds`). Older trials are measured values.

A migration ``n -> n+1`` is a function of the connection, run inside one transaction
with foreign keys off (SQLite's table-rebuild procedure), followed by
``PRAGMA foreign_key_check``. The database is copied to ``<db>.bak-v<old>`` before.
After migrating, the tables have exactly the columns of a fresh database (tested).

Units: angles in degrees, times in seconds (``*_s`` relative to the recording start),
wall-clock times ISO-8601 UTC. A value that was not measured (NaN) is stored as NULL.
Series are compact little-endian arrays: ``t_s`` float64, ``angle_deg`` float32, ``n``
samples each; ``landmarks`` float32 of shape ``landmarks_shape`` (JSON list).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

SCHEMA_VERSION = 4

# the trials table as version 2 made it (migration 1 -> 2 rebuilds it so)
_TRIALS_COLUMNS_V2 = """(
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    movement TEXT NOT NULL,
    side TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('effortless', 'active')),
    guided INTEGER NOT NULL DEFAULT 0 CHECK (guided IN (0, 1)),
    value_deg REAL,
    sd_deg REAL,
    duration_s REAL,
    reps INTEGER NOT NULL DEFAULT 0,
    started_s REAL,
    ended_s REAL,
    detail TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
)"""
# version 4 adds the bound: the same columns as ``_migrate_3_to_4`` appends
_AT_LEAST = "at_least INTEGER NOT NULL DEFAULT 0 CHECK (at_least IN (0, 1))"
_REASON = "reason TEXT NOT NULL DEFAULT ''"
_TRIALS_COLUMNS = f"{_TRIALS_COLUMNS_V2[:-2]},\n    {_AT_LEAST},\n    {_REASON}\n)"
_TRIALS_INDEX = "CREATE INDEX trials_session ON trials(session_id)"

# minute_at: start of the minute, ISO-8601 UTC ("2026-12-04T09:31:00Z"); seconds in it
_POSTURE_MINUTES = """
CREATE TABLE posture_minutes (
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    minute_at TEXT NOT NULL,
    monitored_s REAL NOT NULL CHECK (monitored_s >= 0),
    sitting_s REAL NOT NULL CHECK (sitting_s >= 0),
    good_s REAL NOT NULL CHECK (good_s >= 0),
    head_down_s REAL NOT NULL CHECK (head_down_s >= 0),
    head_forward_s REAL NOT NULL CHECK (head_forward_s >= 0),
    breaks INTEGER NOT NULL DEFAULT 0 CHECK (breaks >= 0),
    micro_pauses INTEGER NOT NULL DEFAULT 0 CHECK (micro_pauses >= 0),
    PRIMARY KEY (profile_id, minute_at)
);
"""

SCHEMA_DDL = (
    """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT ''
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    protocol TEXT,
    source TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    calibration TEXT,
    models TEXT NOT NULL DEFAULT '{}',
    package_version TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX sessions_profile ON sessions(profile_id, started_at);
"""
    + f"CREATE TABLE trials {_TRIALS_COLUMNS};\n{_TRIALS_INDEX};\n"
    + """
CREATE TABLE trial_series (
    trial_id INTEGER PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    t_s BLOB NOT NULL,
    angle_deg BLOB NOT NULL,
    landmarks BLOB,
    landmarks_shape TEXT
);
"""
    + _POSTURE_MINUTES
)


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE sessions ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'")
    conn.execute("ALTER TABLE trial_series ADD COLUMN landmarks BLOB")
    conn.execute("ALTER TABLE trial_series ADD COLUMN landmarks_shape TEXT")
    # trials gains a CHECK on mode: rebuild it (a CHECK cannot be added by ALTER TABLE),
    # following SQLite's procedure: create new, copy, drop old, rename new (foreign keys
    # are off, so dropping the old table does not cascade to trial_series).
    conn.execute(f"CREATE TABLE trials_new {_TRIALS_COLUMNS_V2}")
    conn.execute(
        """
        INSERT INTO trials_new (id, session_id, movement, side, mode, guided, value_deg, sd_deg,
                            duration_s, reps, started_s, ended_s, detail, created_at)
        SELECT id, session_id, movement, side,
               CASE WHEN mode LIKE 'guided-%' THEN substr(mode, 8) ELSE mode END,
               CASE WHEN mode LIKE 'guided-%' THEN 1 ELSE 0 END,
               value_deg, sd_deg, duration_s, reps, started_s, ended_s, '{}', created_at
        FROM trials
        """
    )
    conn.execute("DROP TABLE trials")
    conn.execute("ALTER TABLE trials_new RENAME TO trials")
    conn.execute(_TRIALS_INDEX)


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    conn.execute(_POSTURE_MINUTES)


def _migrate_3_to_4(conn: sqlite3.Connection) -> None:
    conn.execute(f"ALTER TABLE trials ADD COLUMN {_AT_LEAST}")
    conn.execute(f"ALTER TABLE trials ADD COLUMN {_REASON}")


# MIGRATIONS[n] turns a version-n database into version n+1.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
}
