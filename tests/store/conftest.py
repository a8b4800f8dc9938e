"""Store fixtures: a fresh database per test and trials built from plain numbers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rom_tracker.store import Store
from tests.support.trials import DATES, HISTORY, MakeTrial, build_trial


@pytest.fixture
def make_trial() -> MakeTrial:
    return build_trial


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "rom-tracker.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as s:
        yield s


@pytest.fixture
def history(store: Store) -> dict[int, int]:
    """HISTORY in ``store``; returns HISTORY's session number -> database session id."""
    store.add_profile("alex")
    store.add_profile("bea")
    ids = {k: store.start_session("alex", "neck", started_at=v) for k, v in DATES.items()}
    seed = 0
    for session, movement, side, mode, values in HISTORY:
        for value in values:
            seed += 1
            trial = build_trial(movement, side, mode, value, seed=seed, guided=mode == "active")
            store.add_trial(ids[session], trial)
    for sid in ids.values():
        store.end_session(sid)
    return ids
