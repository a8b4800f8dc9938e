"""The local store: profiles, sessions, trials and their series, in one SQLite file.

Each trial is committed in its own transaction the moment :meth:`Store.add_trial` is
called, so a crash (even ``kill -9``) loses at most the trial in progress. See
:mod:`rom_tracker.store.schema` for the tables and :mod:`rom_tracker.store.db` for the
connection settings.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from rom_tracker import __version__
from rom_tracker.errors import UsageError
from rom_tracker.files.outputs import json_bytes
from rom_tracker.rom.movements import MOVEMENTS
from rom_tracker.store import db, stats
from rom_tracker.store.paths import default_db_path, prepare_db_file
from rom_tracker.store.records import (
    CompareRow,
    Profile,
    ProgressRecord,
    Series,
    Session,
    StoredTrial,
    trial_fields_problem,
)
from rom_tracker.store.series import ANGLE_DTYPE, LANDMARK_DTYPE, T_DTYPE, from_blob, to_blob

if TYPE_CHECKING:  # only a type here: the store never builds trials itself
    from rom_tracker.rom.trial import TrialResult

SESSIONS_FIX = "list them with `rom-tracker sessions list`"
TRIALS_FIX = "see a session's trials with `rom-tracker sessions show ID`"


def utc_iso(when: datetime | str | None = None) -> str:
    """ISO-8601 UTC with milliseconds and ``Z``; ``when`` must carry a time zone."""
    if when is None:
        when = datetime.now(UTC)
    elif isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            raise UsageError(
                f"not an ISO-8601 time: {when!r}", "use 2026-05-09T07:35:00Z"
            ) from None
    if when.tzinfo is None:
        raise UsageError(f"time {when.isoformat()} has no time zone", "add Z or +hh:mm")
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def json_text(value: Any) -> str:
    """Compact JSON (NaN written as null, numpy values as plain numbers)."""
    return json.dumps(json.loads(json_bytes(value)), separators=(",", ":"), sort_keys=True)


def _real(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _float(value: float | None) -> float:
    return math.nan if value is None else float(value)


_TRIAL_FLOATS = ("value_deg", "sd_deg", "duration_s", "started_s", "ended_s")


def _trial(row: sqlite3.Row) -> StoredTrial:
    d = dict(row)
    n = d.pop("n")
    d.update({k: _float(d[k]) for k in _TRIAL_FLOATS})
    return StoredTrial(
        **{
            **d,
            "guided": bool(d["guided"]),
            "at_least": bool(d["at_least"]),
            "detail": json.loads(d["detail"]),
        },
        n_samples=int(n or 0),
    )


def _session(row: sqlite3.Row, trials: tuple[StoredTrial, ...] = ()) -> Session:
    d = dict(row)
    del d["profile_id"]
    for key in ("models", "settings", "calibration"):
        d[key] = None if d[key] is None else json.loads(d[key])
    return Session(**d, trials=trials)


_SESSIONS_SQL = """
SELECT s.*, p.name AS profile,
       (SELECT count(*) FROM trials t WHERE t.session_id = s.id) AS n_trials
FROM sessions s JOIN profiles p ON p.id = s.profile_id
"""
_TRIALS_SQL = """
SELECT t.*, ts.n FROM trials t LEFT JOIN trial_series ts ON ts.trial_id = t.id
WHERE t.session_id = ? ORDER BY t.id
"""


class Store:
    """One open database. Use ``with Store.open(path) as store:``."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._depth = 0  # nesting of transaction()

    @classmethod
    def open(cls, path: Path | str | None = None, *, busy_timeout_s: float = 5.0) -> Store:
        """Open (creating if needed, migrating if old) ``path`` or the default database."""
        resolved = Path(path).expanduser() if path is not None else default_db_path()
        prepare_db_file(resolved)
        with db.guard(resolved):
            conn = db.connect(resolved, busy_timeout_s)
        return cls(conn, resolved)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes in one transaction: all of them are kept, or none.

        Inside it, ``add_profile``, ``start_session``, ``add_trial`` ... join the outer
        transaction instead of committing one by one (used by import).
        """
        with self._write():
            yield

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self._depth:
            yield self._conn
            return
        with db.guard(self.path), db.transaction(self._conn) as conn:
            self._depth += 1
            try:
                yield conn
            finally:
                self._depth -= 1

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with db.guard(self.path):
            return self._conn.execute(sql, params).fetchall()

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check``: ``"ok"`` or the problems found."""
        return "\n".join(str(r[0]) for r in self._read("PRAGMA integrity_check"))

    # -- profiles ------------------------------------------------------------------------

    def add_profile(self, name: str, notes: str = "", *, created_at: str | None = None) -> int:
        name = name.strip()
        if not name:
            raise UsageError("a profile name cannot be empty", "give a name, e.g. alex")
        try:
            with self._write() as conn:
                cur = conn.execute(
                    "INSERT INTO profiles (name, created_at, notes) VALUES (?, ?, ?)",
                    (name, utc_iso(created_at), notes),
                )
        except sqlite3.IntegrityError:
            raise UsageError(
                f"profile {name!r} already exists", "list them with `rom-tracker profiles list`"
            ) from None
        assert cur.lastrowid is not None
        return cur.lastrowid

    def get_profile(self, name: str) -> Profile:
        rows = self._read("SELECT * FROM profiles WHERE name = ?", (name,))
        if not rows:
            raise UsageError(
                f"no profile named {name!r}", f"create it with `rom-tracker profiles add {name}`"
            )
        return Profile(**dict(rows[0]))

    def list_profiles(self) -> list[Profile]:
        return [Profile(**dict(r)) for r in self._read("SELECT * FROM profiles ORDER BY name")]

    # -- sessions ------------------------------------------------------------------------

    def start_session(
        self,
        profile: str,
        protocol: str | None = None,
        *,
        source: str = "",
        notes: str = "",
        models: Mapping[str, Any] | None = None,
        calibration: Any = None,
        settings: Mapping[str, Any] | None = None,
        started_at: datetime | str | None = None,
        package_version: str = __version__,
    ) -> int:
        """A new session of ``profile`` (which must exist); returns its id.

        ``models`` maps model names to their SHA-256; ``settings`` are the analysis
        settings that produced the angles; ``started_at`` defaults to now.
        """
        pid = self.get_profile(profile).id
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (profile_id, started_at, protocol, source, notes, "
                "calibration, models, package_version, settings) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pid,
                    utc_iso(started_at),
                    protocol,
                    source,
                    notes,
                    None if calibration is None else json_text(calibration),
                    json_text(dict(models or {})),
                    package_version,
                    json_text(dict(settings or {})),
                ),
            )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def end_session(self, session_id: int, *, ended_at: datetime | str | None = None) -> None:
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE sessions SET ended_at = ? WHERE id = ?", (utc_iso(ended_at), session_id)
            )
            if cur.rowcount == 0:
                raise UsageError(f"no session {session_id}", SESSIONS_FIX)

    def sessions(self, profile: str | None = None) -> list[Session]:
        """Sessions (without their trials), oldest first; of one profile if given."""
        if profile is None:
            rows = self._read(_SESSIONS_SQL + " ORDER BY s.started_at, s.id")
        else:
            pid = self.get_profile(profile).id
            rows = self._read(
                _SESSIONS_SQL + " WHERE s.profile_id = ? ORDER BY s.started_at, s.id", (pid,)
            )
        return [_session(r) for r in rows]

    def session(self, session_id: int) -> Session:
        """One session with its trials (their series via :meth:`trial_series`)."""
        rows = self._read(_SESSIONS_SQL + " WHERE s.id = ?", (session_id,))
        if not rows:
            raise UsageError(f"no session {session_id}", SESSIONS_FIX)
        trials = tuple(_trial(r) for r in self._read(_TRIALS_SQL, (session_id,)))
        return _session(rows[0], trials)

    def delete_session(self, session_id: int) -> None:
        """Delete a session with its trials and series (one transaction)."""
        with self._write() as conn:
            cur = conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            if cur.rowcount == 0:
                raise UsageError(f"no session {session_id}", SESSIONS_FIX)

    # -- trials --------------------------------------------------------------------------

    def add_trial(
        self,
        session_id: int,
        trial: TrialResult,
        landmarks: np.ndarray | None = None,
        *,
        created_at: str | None = None,
    ) -> int:
        """Store ``trial`` (and its series) in one committed transaction; returns its id.

        ``landmarks`` optionally keeps the raw landmarks the angles came from (float32,
        first axis the same T as ``trial.t_s``).
        """
        problem = trial_fields_problem(trial.movement, trial.side, trial.mode)
        if problem:
            raise UsageError(f"cannot store the trial: {problem}", "check the movement table")
        t = np.asarray(trial.t_s, dtype=np.float64)
        angle = np.asarray(trial.angle_deg, dtype=np.float32)
        if t.ndim != 1 or angle.shape != t.shape:
            raise ValueError(
                f"t_s and angle_deg must both be (T,), got {t.shape} and {angle.shape}"
            )
        lm_blob = lm_shape = None
        if landmarks is not None:
            lm = np.asarray(landmarks, dtype=np.float32)
            if lm.ndim < 1 or lm.shape[0] != t.shape[0]:
                raise ValueError(f"landmarks must be ({t.shape[0]}, ...), got {lm.shape}")
            lm_blob, lm_shape = to_blob(lm, LANDMARK_DTYPE), json.dumps(list(lm.shape))
        with self._write() as conn:
            if (
                conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
                is None
            ):
                raise UsageError(f"no session {session_id}", SESSIONS_FIX)
            trial_id = self._insert_trial(conn, session_id, trial, utc_iso(created_at))
            conn.execute(
                "INSERT INTO trial_series (trial_id, n, t_s, angle_deg, landmarks, "
                "landmarks_shape) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    trial_id,
                    t.size,
                    to_blob(t, T_DTYPE),
                    to_blob(angle, ANGLE_DTYPE),
                    lm_blob,
                    lm_shape,
                ),
            )
        return trial_id

    @staticmethod
    def _insert_trial(
        conn: sqlite3.Connection, session_id: int, trial: TrialResult, created_at: str
    ) -> int:
        cur = conn.execute(
            "INSERT INTO trials (session_id, movement, side, mode, guided, value_deg, sd_deg, "
            "duration_s, reps, started_s, ended_s, detail, created_at, at_least, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                trial.movement,
                trial.side,
                trial.mode,
                int(bool(trial.guided)),
                _real(trial.value_deg),
                _real(trial.sd_deg),
                _real(trial.duration_s),
                int(trial.reps),
                _real(trial.started_s),
                _real(trial.ended_s),
                json_text(dict(trial.detail)),
                created_at,
                int(bool(trial.at_least)),
                str(trial.reason),
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def trial(self, trial_id: int) -> StoredTrial:
        rows = self._read(
            "SELECT t.*, ts.n FROM trials t LEFT JOIN trial_series ts ON ts.trial_id = t.id "
            "WHERE t.id = ?",
            (trial_id,),
        )
        if not rows:
            raise UsageError(f"no trial {trial_id}", TRIALS_FIX)
        return _trial(rows[0])

    def trial_series(self, trial_id: int) -> Series:
        rows = self._read("SELECT * FROM trial_series WHERE trial_id = ?", (trial_id,))
        if not rows:
            raise UsageError(f"no trial {trial_id}", TRIALS_FIX)
        row = rows[0]
        n = int(row["n"])
        landmarks = None
        if row["landmarks"] is not None:
            shape = tuple(json.loads(row["landmarks_shape"]))
            flat = from_blob(row["landmarks"], LANDMARK_DTYPE, math.prod(shape), "landmarks")
            landmarks = flat.reshape(shape)
        return Series(
            t_s=from_blob(row["t_s"], T_DTYPE, n, "t_s"),
            angle_deg=from_blob(row["angle_deg"], ANGLE_DTYPE, n, "angle_deg"),
            landmarks=landmarks,
        )

    # -- progress and comparison -----------------------------------------------------------

    def progress(self, profile: str, movement: str | None = None) -> list[ProgressRecord]:
        """One record per measured value (NaN values skipped), oldest session first."""
        pid = self.get_profile(profile).id
        sql = (
            "SELECT s.id AS session_id, t.id AS trial_id, s.started_at AS date, t.movement, "
            "t.side, t.mode, t.guided, t.value_deg, t.sd_deg, t.at_least, t.reason "
            "FROM trials t JOIN sessions s ON s.id = t.session_id "
            "WHERE s.profile_id = ? AND t.value_deg IS NOT NULL"
        )
        params: list[Any] = [pid]
        if movement is not None:
            if movement not in MOVEMENTS:
                raise UsageError(
                    f"unknown movement {movement!r}", f"use one of: {', '.join(MOVEMENTS)}"
                )
            sql += " AND t.movement = ?"
            params.append(movement)
        rows = self._read(sql + " ORDER BY s.started_at, s.id, t.id", params)
        return [
            ProgressRecord(
                **{
                    **dict(r),
                    "guided": bool(r["guided"]),
                    "sd_deg": _float(r["sd_deg"]),
                    "at_least": bool(r["at_least"]),
                }
            )
            for r in rows
        ]

    def compare(
        self,
        session_a: int,
        session_b: int,
        mdc_by_key: Mapping[tuple[str, str, str], float] | None = None,
    ) -> list[CompareRow]:
        """Per movement/side/mode: values in A and B, B - A, and whether it exceeds MDC95.

        The MDC comes from ``mdc_by_key`` ((movement, side, mode) -> degrees) when given,
        else from the profile's whole history (:func:`rom_tracker.store.stats.mdc95`).
        """
        a, b = self.session(session_a), self.session(session_b)
        if a.profile != b.profile:
            raise UsageError(
                f"session {session_a} is {a.profile}'s and session {session_b} is {b.profile}'s",
                "compare two sessions of the same profile",
            )
        history = self.progress(a.profile)
        return stats.compare(a.trials, b.trials, history, mdc_by_key)
