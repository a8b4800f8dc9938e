"""Local storage of profiles, sessions, trials and series (SQLite; numpy + stdlib only).

>>> with Store.open(tmp / "db.sqlite3") as store:  # doctest: +SKIP
...     store.add_profile("alex")
...     sid = store.start_session("alex", protocol="neck-micro-pause")
...     store.add_trial(sid, trial)          # committed at once
...     store.end_session(sid)
"""

from rom_tracker.store.paths import data_dir, default_db_path
from rom_tracker.store.records import (
    CompareRow,
    Profile,
    ProgressRecord,
    Series,
    Session,
    StoredTrial,
)
from rom_tracker.store.store import Store

__all__ = [
    "CompareRow",
    "Profile",
    "ProgressRecord",
    "Series",
    "Session",
    "Store",
    "StoredTrial",
    "data_dir",
    "default_db_path",
]
