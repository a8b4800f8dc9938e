"""UI fixtures: a temporary store and settings location, a window without a camera."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rom_tracker.store import Store


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("ROM_TRACKER_HOME", str(tmp_path / "home"))
    with Store.open(tmp_path / "db.sqlite3") as s:
        s.add_profile("alex")
        yield s


@pytest.fixture
def settings(tmp_path: Path):  # QSettings (Qt imported lazily)
    """Settings in a temporary INI file, never the user's."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture(scope="session", autouse=True)
def _pyside_refcount_guard() -> None:
    """The app's start-up guard against PySide6 6.12.0's lost references on Python 3.11
    (``rom_tracker.ui.qtenv``), applied once to this test process as ``rom-tracker gui``
    applies it to its own."""
    from rom_tracker.ui.qtenv import guard_singleton_refcounts

    guard_singleton_refcounts()
