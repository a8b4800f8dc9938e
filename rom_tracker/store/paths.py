"""Where the database lives: ``$ROM_TRACKER_HOME``, else the platform user data folder.

=========  ==========================================================================
Linux      ``$XDG_DATA_HOME/rom-tracker`` or ``~/.local/share/rom-tracker``
macOS      ``~/Library/Application Support/rom-tracker``
Windows    ``%APPDATA%\\rom-tracker``
=========  ==========================================================================

The file is ``rom-tracker.sqlite3`` in that folder; ``--db PATH`` (``Store.open(path)``)
names another file. The folder is created readable by the user only (0700) and the
database file 0600 (SQLite gives its ``-wal``/``-shm`` files the database's mode).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rom_tracker.errors import StorageError

HOME_ENV = "ROM_TRACKER_HOME"
DB_NAME = "rom-tracker.sqlite3"


def data_dir() -> Path:
    """The rom-tracker user data folder (not created)."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("APPDATA")
        return (Path(base) if base else Path.home() / "AppData" / "Roaming") / "rom-tracker"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "rom-tracker"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "rom-tracker"


def default_db_path() -> Path:
    return data_dir() / DB_NAME


def prepare_db_file(path: Path) -> bool:
    """Create the folder (0700) and an empty database file (0600) if missing.

    Returns True when the file was created here. Creating the file ourselves, with
    ``O_EXCL`` and mode 0600, is what keeps SQLite from creating it world-readable
    under a permissive umask.
    """
    if path.is_dir():
        raise StorageError(f"database path {path} is a folder", "give --db a file name")
    folder = path.parent
    try:
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
            os.chmod(folder, 0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StorageError(
            f"cannot create the database {path}: {exc.strerror or exc}",
            f"make {folder} writable, or choose another file with --db (or set {HOME_ENV})",
        ) from exc
    os.close(fd)
    os.chmod(path, 0o600)
    return True
