"""SQLite connection, error translation, transactions and schema upgrades.

Settings, per connection:

- ``journal_mode=WAL``: readers (progress, the GUI) never block the recorder.
- ``synchronous=FULL``: each commit is fsynced, so a committed trial survives a power cut
  or OS crash, not only a killed process (``NORMAL`` in WAL mode survives the latter
  only). Commits are rare here (one per trial, seconds apart), so the fsync costs nothing
  that matters.
- ``foreign_keys=ON`` and a busy timeout (default 5 s) before "locked" is reported.

Transactions are explicit (``isolation_level=None`` + ``BEGIN IMMEDIATE``): a write either
commits whole or leaves nothing.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rom_tracker.errors import RomTrackerError, StorageError
from rom_tracker.store.schema import MIGRATIONS, SCHEMA_DDL, SCHEMA_VERSION

log = logging.getLogger(__name__)


def backup_path(path: Path, version: int) -> Path:
    return path.with_name(f"{path.name}.bak-v{version}")


def translate(exc: sqlite3.Error, path: Path) -> RomTrackerError:
    """A one-line StorageError for an SQLite failure on ``path``."""
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return StorageError(
            f"database {path} is locked by another rom-tracker process",
            "close it and retry",
        )
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        return StorageError(
            f"database {path} is corrupt ({exc})",
            f"restore a backup copy of it (e.g. {path.name}.bak-v* beside it, if present), "
            "or move it away to start a new database",
        )
    if "readonly" in msg or "read-only" in msg:
        return StorageError(
            f"database {path} is read-only",
            "make the file and its folder writable, or choose another file with --db",
        )
    if "full" in msg:
        return StorageError(f"disk full while writing {path}", "free some space and retry")
    return StorageError(
        f"cannot use the database {path}: {exc}",
        "check that its folder is writable and the disk is not full, or use --db",
    )


@contextmanager
def guard(path: Path) -> Iterator[None]:
    """Turn SQLite errors into StorageError; IntegrityError is left to the caller."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def connect(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=busy_timeout_s, isolation_level=None)
    try:
        with guard(path):
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("database %s: journal mode %s, not WAL", path, mode)
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.row_factory = sqlite3.Row
            ensure_schema(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _version(conn: sqlite3.Connection, path: Path) -> int | None:
    """The schema version, or None for an empty database."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    fix = "choose another file with --db"
    if "meta" not in tables:
        raise StorageError(f"{path} is an SQLite file but not a rom-tracker database", fix)
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or not str(row[0]).isdigit():
        raise StorageError(f"{path} has no valid schema version", fix)
    return int(row[0])


def _execute_script(conn: sqlite3.Connection, script: str) -> None:
    # not executescript(): it would COMMIT the surrounding transaction first
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _set_version(conn: sqlite3.Connection, version: int) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(version),),
    )


def _backup(conn: sqlite3.Connection, dest: Path) -> None:
    """Copy the database to ``dest`` (0600) with SQLite's backup API, atomically."""
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        target = sqlite3.connect(tmp)
        try:
            conn.backup(target)
        finally:
            target.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Create the schema in an empty database, or migrate an older one (after a backup)."""
    version = _version(conn, path)
    if version == SCHEMA_VERSION:
        return
    if version is None:
        with transaction(conn):
            if _version(conn, path) is None:  # not created meanwhile by another process
                _execute_script(conn, SCHEMA_DDL)
                _set_version(conn, SCHEMA_VERSION)
        return
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"database {path} has schema version {version}, newer than this rom-tracker "
            f"knows ({SCHEMA_VERSION})",
            "upgrade rom-tracker, or use another database with --db",
        )
    backup = backup_path(path, version)
    try:
        _backup(conn, backup)
    except OSError as exc:
        raise StorageError(
            f"cannot write the backup {backup} before upgrading the database: {exc.strerror}",
            "make the database folder writable and retry",
        ) from exc
    conn.execute("PRAGMA foreign_keys = OFF")  # no effect inside a transaction
    try:
        with transaction(conn):
            current = _version(conn, path)
            assert current is not None
            while current < SCHEMA_VERSION:
                MIGRATIONS[current](conn)
                current += 1
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise StorageError(
                    f"database {path}: {len(broken)} broken references after the upgrade",
                    f"nothing was changed; the backup is {backup}",
                )
            _set_version(conn, SCHEMA_VERSION)
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    log.info("database %s upgraded from schema %d to %d", path, version, SCHEMA_VERSION)
