"""The posture monitor's minutes in the store: summed per minute, per day, exported,
imported, migrated in from schema version 2, and printed by ``rom-tracker posture``."""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import UTC, date, timedelta, timezone
from pathlib import Path

import pytest

from rom_tracker.cli import main
from rom_tracker.errors import FileFormatError
from rom_tracker.monitor.summary import PostureMinute
from rom_tracker.store import Store
from rom_tracker.store.db import backup_path
from rom_tracker.store.exchange import export_sessions, import_sessions
from rom_tracker.store.posture_history import add_minutes, minutes, posture_days

TODAY = date(2026, 12, 4)


def _minute(at: str, good: float = 50.0, **kw: float) -> PostureMinute:
    fields = {"monitored_s": 60.0, "sitting_s": 60.0, "good_s": good} | kw
    return PostureMinute(at, **fields)  # type: ignore[arg-type]


@pytest.fixture
def alex(store: Store) -> Store:
    store.add_profile("alex")
    return store


def test_minutes_are_stored_summed_and_capped(alex: Store) -> None:
    add_minutes(alex, "alex", [_minute("2026-12-04T09:00:00Z"), _minute("2026-12-04T09:01:00Z")])
    # the same minute again (a pause and resume inside it): summed, capped at 60 s
    add_minutes(alex, "alex", [PostureMinute("2026-12-04T09:01:00Z", 20.0, 20.0, 5.0, breaks=1)])
    got = minutes(alex, "alex")
    assert [m.minute_at for m in got] == ["2026-12-04T09:00:00Z", "2026-12-04T09:01:00Z"]
    assert (got[1].monitored_s, got[1].good_s, got[1].breaks) == (60.0, 55.0, 1)
    assert minutes(alex, "alex", since="2026-12-04T09:01:00Z") == got[1:]


def test_days_summary_in_local_time(alex: Store) -> None:
    plus2 = timezone(timedelta(hours=2))
    add_minutes(
        alex,
        "alex",
        [
            _minute("2026-12-03T21:59:00Z", good=30.0, head_down_s=30.0),  # 23:59 local, Dec 3
            _minute("2026-12-03T22:00:00Z", good=60.0),  # 00:00 local, Dec 4
            PostureMinute("2026-12-04T08:00:00Z", 40.0, 40.0, 10.0, 0.0, 30.0, 1, 1),
        ],
    )
    days = posture_days(alex, "alex", 3, today=TODAY, tz=plus2)
    assert [d.day for d in days] == ["2026-12-02", "2026-12-03", "2026-12-04"]
    assert math.isnan(days[0].good_share) and days[0].monitored_min == 0
    assert days[1].good_share == 0.5 and days[1].head_down_min == 0.5
    assert days[2].monitored_min == pytest.approx(100 / 60, abs=0.01)
    assert days[2].good_share == pytest.approx(70 / 100)
    assert (days[2].head_forward_min, days[2].breaks, days[2].micro_pauses) == (0.5, 1, 1)
    assert days[0].to_dict()["good_share"] is None
    with pytest.raises(ValueError, match="days"):
        posture_days(alex, "alex", 0)


def test_minute_values_are_checked() -> None:
    with pytest.raises(ValueError, match="good_s"):
        PostureMinute("2026-12-04T09:00:00Z", 60.0, 60.0, 61.0)


def test_export_import_round_trip_with_posture(alex: Store, tmp_path: Path) -> None:
    add_minutes(alex, "alex", [_minute(f"2026-12-04T09:{i:02d}:00Z", good=i) for i in range(5)])
    first = tmp_path / "a.json"
    export_sessions(alex, "alex", first)
    doc = json.loads(first.read_text())
    assert [len(p["minutes"]) for p in doc["posture"]] == [5]
    with Store.open(tmp_path / "fresh.sqlite3") as fresh:
        result = import_sessions(fresh, first)
        assert result.posture_minutes_added == 5
        second = tmp_path / "b.json"
        export_sessions(fresh, "alex", second)
        assert second.read_bytes() == first.read_bytes()
        assert import_sessions(fresh, first).posture_minutes_added == 0  # nothing twice
        assert minutes(fresh, "alex") == minutes(alex, "alex")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda m: m.update(good_s=61), r"posture\[0\].minutes\[0\].good_s"),
        (lambda m: m.update(minute_at="2026-12-04T09:00:30Z"), "minute_at"),
        (lambda m: m.update(breaks=-1), "breaks"),
        (lambda m: m.update(extra=1), "unknown fields"),
    ],
)
def test_bad_posture_minutes_refused(alex: Store, tmp_path: Path, change, expected) -> None:
    add_minutes(alex, "alex", [_minute("2026-12-04T09:00:00Z")])
    path = tmp_path / "a.json"
    export_sessions(alex, "alex", path)
    doc = json.loads(path.read_text())
    change(doc["posture"][0]["minutes"][0])
    path.write_text(json.dumps(doc))
    with Store.open(tmp_path / "fresh.sqlite3") as fresh:
        with pytest.raises(FileFormatError, match=expected):
            import_sessions(fresh, path)
        assert fresh.list_profiles() == []  # nothing written


def test_migration_from_v2_adds_the_history_table(tmp_path: Path, db_path: Path) -> None:
    fresh = tmp_path / "fresh.sqlite3"
    Store.open(fresh).close()
    db_path.parent.mkdir()
    con = sqlite3.connect(fresh)
    con.execute("DROP TABLE posture_minutes")
    con.execute("ALTER TABLE trials DROP COLUMN reason")  # version 4's columns
    con.execute("ALTER TABLE trials DROP COLUMN at_least")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.execute("INSERT INTO profiles (name, created_at) VALUES ('alex', '2026-01-01T00:00:00Z')")
    con.commit()
    con.backup(sqlite3.connect(db_path))
    con.close()
    with Store.open(db_path) as s:
        add_minutes(s, "alex", [_minute("2026-12-04T09:00:00Z")])
        assert len(minutes(s, "alex")) == 1
    assert backup_path(db_path, 2).exists()
    con = sqlite3.connect(backup_path(db_path, 2))
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    assert "posture_minutes" not in tables


def test_posture_command(alex: Store, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    now = __import__("datetime").datetime.now(UTC).replace(second=0, microsecond=0)
    add_minutes(alex, "alex", [_minute(now.strftime("%Y-%m-%dT%H:%M:00Z"), good=45.0)])
    assert main(["posture", "--profile", "alex", "--days", "3", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "75%" in out and "Micro Pauses" in out
    assert main(["posture", "--profile", "alex", "--json", "--db", str(db_path)]) == 0
    days = json.loads(capsys.readouterr().out)
    assert len(days) == 14 and sum(d["monitored_min"] for d in days) == 1.0
    alex.add_profile("sam")
    assert main(["posture", "--profile", "sam", "--db", str(db_path)]) == 0
    assert "no posture monitoring for sam" in capsys.readouterr().out
