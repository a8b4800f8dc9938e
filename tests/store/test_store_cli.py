"""profiles, sessions, progress, compare, export and import through rom_tracker.cli.main."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from rom_tracker.cli import main
from rom_tracker.store import Store
from rom_tracker.store.text import BLOCKS


@pytest.fixture(autouse=True)
def _plain_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    # keep fd 2 as it is, so that capsys sees the error lines
    monkeypatch.setattr("rom_tracker.cli.divert_native_stderr", lambda: False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_profiles(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    db = ("--db", str(db_path))
    code, out, _ = run(capsys, "profiles", "list", *db)
    assert (code, out) == (0, "no profiles yet - add one with `rom-tracker profiles add NAME`\n")
    assert run(capsys, "profiles", "add", "alex", "--notes", "neck", *db)[1] == (
        "added profile alex (id 1)\n"
    )
    code, _, err = run(capsys, "profiles", "add", "alex", *db)
    assert code == 2 and "profile 'alex' already exists" in err
    code, out, _ = run(capsys, "profiles", "list", *db)
    assert out.splitlines()[0].split() == ["name", "created", "(UTC)", "sessions", "notes"]
    assert out.splitlines()[2].split()[0] == "alex"
    code, out, _ = run(capsys, "profiles", "list", "--json", *db)
    [profile] = json.loads(out)
    assert (profile["name"], profile["notes"], profile["n_sessions"]) == ("alex", "neck", 0)


def test_sessions_empty_and_unknown(capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    code, out, _ = run(capsys, "sessions", "list", "--db", str(db_path))
    assert code == 0 and out.startswith("no sessions yet - record one with `rom-tracker record")
    code, out, err = run(capsys, "sessions", "show", "7", "--db", str(db_path))
    assert code == 2 and out == ""
    assert err == (
        "rom-tracker: error: no session 7 - list them with `rom-tracker sessions list`\n"
    )


def test_sessions_list_show_delete(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    db_path: Path,
    history: dict[int, int],
) -> None:
    db = ("--db", str(db_path))
    code, out, _ = run(capsys, "sessions", "list", "--profile", "alex", *db)
    lines = out.splitlines()
    assert lines[0].split() == ["id", "profile", "started", "(UTC)", "protocol", "trials", "source"]
    assert lines[2].split()[:4] == ["1", "alex", "2026-01-05", "09:00"]
    listed = json.loads(run(capsys, "sessions", "list", "--json", *db)[1])
    assert [s["n_trials"] for s in listed] == [7, 6, 1]

    code, out, _ = run(capsys, "sessions", "show", str(history[1]), *db)
    assert code == 0
    assert "angles in degrees" in out
    assert "effort gap" in out  # neck rotation has both modes in session 1
    gap_line = next(line for line in out.splitlines() if line.startswith("neck_rotation  left"))
    assert gap_line.split()[-3:] == ["51.0", "70.0", "+19.0"]
    shown = json.loads(run(capsys, "sessions", "show", str(history[1]), "--json", *db)[1])
    assert len(shown["trials"]) == 7
    assert shown["trials"][6]["value_deg"] is None
    assert shown["effort_gaps"][0]["gap_deg"] == 19.0

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "sessions", "delete", str(history[3]), *db)
    assert code == 2 and "add --yes" in err
    assert run(capsys, "sessions", "delete", str(history[3]), "--yes", *db)[1] == (
        "deleted session 3 (1 trials)\n"
    )
    assert len(json.loads(run(capsys, "sessions", "list", "--json", *db)[1])) == 2


def test_progress(
    capsys: pytest.CaptureFixture[str], db_path: Path, history: dict[int, int]
) -> None:
    db = ("--db", str(db_path))
    code, out, _ = run(capsys, "progress", "--profile", "alex", "--movement", "neck_rotation", *db)
    assert code == 0
    rows = {tuple(line.split()[:3]): line for line in out.splitlines()[3:]}
    left_active = rows[("neck_rotation", "left", "active")]
    assert left_active.split()[3:9] == ["3", "2026-01-05", "2026-03-05", "70.0", "75.0", "+5.0"]
    assert left_active.split()[-3:] == ["70.0", "71.0", "75.0"]
    assert any(block in left_active for block in BLOCKS)
    assert ("hip_flexion", "left", "effortless") not in rows

    records = json.loads(run(capsys, "progress", "--profile", "alex", "--json", *db)[1])
    assert len(records) == 13
    for key in ("session_id", "date", "movement", "side", "mode", "value_deg"):
        assert key in records[0]
    assert records[0]["date"] == "2026-01-05T09:00:00.000Z"

    code, out, _ = run(capsys, "progress", "--profile", "bea", *db)
    assert out.startswith("no measurements for bea yet - record one with")
    code, _, err = run(capsys, "progress", "--profile", "zoe", *db)
    assert code == 2 and "rom-tracker profiles add zoe" in err


def test_compare(
    capsys: pytest.CaptureFixture[str], db_path: Path, history: dict[int, int]
) -> None:
    db = ("--db", str(db_path))
    code, out, _ = run(capsys, "compare", str(history[1]), str(history[2]), *db)
    assert code == 0
    flags = {tuple(line.split()[:3]): line.split()[-1] for line in out.splitlines()[3:-1]}
    assert flags[("neck_rotation", "left", "effortless")] == "yes"
    assert flags[("neck_rotation", "left", "active")] == "no"
    assert flags[("neck_rotation", "right", "active")] == "unknown"
    assert "MDC95" in out.splitlines()[-1]

    doc = json.loads(run(capsys, "compare", str(history[1]), str(history[2]), "--json", *db)[1])
    assert doc["profile"] == "alex" and doc["units"] == "degrees"
    row = doc["rows"][0]
    assert (row["movement"], row["side"], row["mode"]) == ("neck_rotation", "left", "effortless")
    assert (row["a_deg"], row["b_deg"], row["change_deg"]) == (51.0, 59.0, 8.0)
    assert (row["exceeds_mdc"], row["beyond_noise"]) == (True, "yes")
    unknown = next(r for r in doc["rows"] if r["beyond_noise"] == "unknown")
    assert unknown["mdc95_deg"] is None and unknown["exceeds_mdc"] is None


def test_export_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_path: Path, history: dict[int, int]
) -> None:
    db = ("--db", str(db_path))
    out_json = tmp_path / "out" / "alex.json"
    assert run(capsys, "export", "--profile", "alex", "--out", str(out_json), *db)[1] == (
        f"wrote {out_json}\n"
    )
    out_csv = tmp_path / "out" / "two.csv"
    code, _, _ = run(capsys, "export", "--session", "1", "2", "--out", str(out_csv), *db)
    assert code == 0 and out_csv.read_text().startswith("# format: rom-tracker-sessions-csv")
    code, out, _ = run(
        capsys, "export", "--session", "3", "--out", str(tmp_path / "mot"), "--format", "mot", *db
    )
    assert out == f"wrote 1 .mot file(s) to {tmp_path / 'mot'}\n"

    other = ("--db", str(tmp_path / "other.sqlite3"))
    code, out, _ = run(capsys, "import", str(out_json), *other)
    assert (code, out) == (0, "imported 3 session(s) with 14 trial(s), 1 new profile(s)\n")
    code, out, _ = run(capsys, "import", str(out_json), *other)
    assert out.endswith("; skipped 3 already in the database\n")

    bad = tmp_path / "bad.json"
    bad.write_text(out_json.read_text().replace('"reps": 1', '"reps": "one"', 1))
    code, out, err = run(capsys, "import", str(bad), "--db", str(tmp_path / "third.sqlite3"))
    assert code == 7
    assert err.count("\n") == 1 and f"{bad}: sessions[0].trials[0].reps" in err
    with Store.open(tmp_path / "third.sqlite3") as third:
        assert third.list_profiles() == []


def test_locked_database_from_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    Store.open(db_path).close()
    original = Store.open.__func__  # type: ignore[attr-defined]

    def quick_open(cls: type[Store], path: object = None, **kw: object) -> Store:
        return original(cls, path, busy_timeout_s=0.05)

    monkeypatch.setattr(Store, "open", classmethod(quick_open))
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, _, err = run(capsys, "profiles", "add", "alex", "--db", str(db_path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 6
    assert err == (
        f"rom-tracker: error: database {db_path} is locked by another rom-tracker process "
        "- close it and retry\n"
    )
