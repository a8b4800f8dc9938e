"""Export to JSON/CSV/.mot and import of the JSON export: exact round trip, strict checks."""

from __future__ import annotations

import copy
import csv
import io
import json
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rom_tracker.errors import FileFormatError
from rom_tracker.files.mot import read_mot
from rom_tracker.store import Store
from rom_tracker.store.exchange import (
    export_document,
    export_mot,
    export_sessions,
    import_sessions,
)

MakeTrial = Callable[..., Any]


@pytest.fixture
def full(store: Store, history: dict[int, int], make_trial: MakeTrial) -> Store:
    """The history plus a session with calibration, settings, models and landmarks."""
    sid = store.start_session(
        "alex",
        None,
        source="/home/alex/videos/../lunge.mp4",
        notes="after treatment; ünïcode",
        models={"pose_landmarker_lite": "0" * 64},
        calibration={"fov_deg": 62.5, "mirror": False},
        settings={"hold_speed_deg_s": 5.0, "hold_min_s": 3.0},
        started_at="2026-04-01T17:30:00.123Z",
    )
    lm = np.random.default_rng(3).normal(size=(50, 33, 3)).astype(np.float32)
    lm[4] = np.nan
    store.add_trial(sid, make_trial("hip_extension", "right", "active", 12.345678, n=50), lm)
    return store


def test_json_round_trip_is_exact(full: Store, tmp_path: Path) -> None:
    first = tmp_path / "export1.json"
    export_sessions(full, "alex", first)
    with Store.open(tmp_path / "fresh.sqlite3") as fresh:
        result = import_sessions(fresh, first)
        assert (result.sessions_added, result.trials_added, result.profiles_added) == (4, 15, 1)
        second = tmp_path / "export2.json"
        export_sessions(fresh, "alex", second)
        assert second.read_bytes() == first.read_bytes()
        # and the arrays themselves, in their dtypes
        for a, b in zip(full.sessions("alex"), fresh.sessions("alex"), strict=True):
            for ta, tb in zip(full.session(a.id).trials, fresh.session(b.id).trials, strict=True):
                sa, sb = full.trial_series(ta.id), fresh.trial_series(tb.id)
                np.testing.assert_array_equal(sa.t_s, sb.t_s)
                np.testing.assert_array_equal(sa.angle_deg, sb.angle_deg)
                assert sb.angle_deg.dtype == np.float32
                assert (sa.landmarks is None) == (sb.landmarks is None)
                if sa.landmarks is not None:
                    np.testing.assert_array_equal(sa.landmarks, sb.landmarks)
        # importing again adds nothing
        again = import_sessions(fresh, first)
        assert (again.sessions_added, again.sessions_skipped) == (0, 4)
        assert len(fresh.sessions()) == 4


def test_json_header_states_units_and_conventions(full: Store, tmp_path: Path) -> None:
    export_sessions(full, "alex", tmp_path / "e.json")
    doc = json.loads((tmp_path / "e.json").read_text())
    assert (doc["format"], doc["version"], doc["units"]) == ("rom-tracker-sessions", 1, "degrees")
    assert doc["conventions"] == "docs/conventions.md"
    assert doc["sign_notes"]["neck_rotation"]["right"].startswith("value_deg = -neck_rotation_deg")
    assert "id" not in doc["sessions"][0]
    nan_trial = next(t for s in doc["sessions"] for t in s["trials"] if t["value_deg"] is None)
    assert nan_trial["movement"] == "neck_lateral_flexion"


def test_export_selected_sessions_and_private_files(
    full: Store, history: dict[int, int], tmp_path: Path
) -> None:
    out = tmp_path / "two.json"
    export_sessions(full, [history[3], history[1], history[3]], out)
    doc = json.loads(out.read_text())
    assert [s["started_at"][:10] for s in doc["sessions"]] == ["2026-01-05", "2026-03-05"]
    if sys.platform != "win32":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_csv_export(full: Store, tmp_path: Path) -> None:
    out = tmp_path / "trials.csv"
    export_sessions(full, "alex", out, fmt="csv")
    text = out.read_text()
    head = [line for line in text.splitlines() if line.startswith("#")]
    assert any("degrees" in line for line in head)
    assert any("docs/conventions.md" in line for line in head)
    assert any("neck_rotation/right: value_deg = -neck_rotation_deg" in line for line in head)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 15
    assert rows[0]["movement"] == "neck_rotation" and rows[0]["value_deg"] == "50.000"
    assert sum(r["value_deg"] == "nan" for r in rows) == 1


def test_mot_export(full: Store, tmp_path: Path) -> None:
    trial = full.session(full.sessions("alex")[-1].id).trials[0]
    path = export_mot(full, trial.id, tmp_path / "t.mot")
    cols = read_mot(path)
    series = full.trial_series(trial.id)
    assert list(cols) == ["time", "hip_extension_right"]
    np.testing.assert_allclose(cols["time"], series.t_s, atol=1e-6)
    np.testing.assert_allclose(cols["hip_extension_right"], series.angle_deg, atol=1e-5)
    written = export_sessions(full, "alex", tmp_path / "mot", fmt="mot")
    assert len(written) == 15
    assert all(p.parent == tmp_path / "mot" and p.suffix == ".mot" for p in written)


# -- malformed imports: (change to a valid export, text expected in the error) ----------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        obj: Any = doc
        for key in parents:
            obj = obj[int(key)] if isinstance(obj, list) else obj[key]
        if value is _DELETE:
            del obj[int(last) if isinstance(obj, list) else last]
        elif isinstance(obj, list):
            obj[int(last)] = value
        else:
            obj[last] = value

    return change


_DELETE = object()
T = "sessions/1/trials/0"
MALFORMED = [
    (_set("format", "something-else"), "format: expected 'rom-tracker-sessions'"),
    (_set("version", 2), "version: this rom-tracker reads version 1, got 2"),
    (_set("units", "radians"), "units: expected 'degrees'"),
    (_set("sessions", _DELETE), "top level.sessions: missing"),
    (_set("profiles/0/name", ""), "profiles[0].name: expected a non-empty string"),
    (_set("sessions/1/profile", "zoe"), "sessions[1].profile: 'zoe' is not in the file"),
    (_set("sessions/1/started_at", "yesterday"), "sessions[1].started_at: expected an ISO"),
    (_set("sessions/1/started_at", "2026-01-05T09:00:00"), "with a time zone"),
    (_set("sessions/1/models", ["a"]), "sessions[1].models: expected an object"),
    (_set(f"{T}/movement", "elbow"), "sessions[1].trials[0]: unknown movement 'elbow'"),
    (_set(f"{T}/side", "middle"), "has no side 'middle'"),
    (_set(f"{T}/mode", "guided"), "unknown mode 'guided'"),
    (_set(f"{T}/guided", 1), "sessions[1].trials[0].guided: expected true or false"),
    (_set(f"{T}/reps", -1), "reps: expected a whole number >= 0, got -1"),
    (_set(f"{T}/reps", 2.5), "reps: expected a whole number"),
    (_set(f"{T}/value_deg", "61"), "value_deg: expected a number or null, got '61'"),
    (_set(f"{T}/value_deg", True), "value_deg: expected a number or null, got True"),
    (_set(f"{T}/detail", _DELETE), "sessions[1].trials[0].detail: missing"),
    (_set(f"{T}/series/t_s", "1,2,3"), "series.t_s: expected a list of numbers"),
    (_set(f"{T}/series/t_s/3", "x"), "series.t_s[3]: expected a finite number or null"),
    (_set(f"{T}/series/angle_deg", [1.0, 2.0]), "series.angle_deg: 2 values but t_s has 90"),
    (_set("sessions/3/trials/0/series/landmarks/shape", [50, 33, 2]), "landmarks.values: 4950"),
    (_set("sessions/3/trials/0/series/landmarks/shape", [49, 33, 3]), "landmarks.shape"),
]


@pytest.mark.parametrize(("change", "expected"), MALFORMED)
def test_malformed_import_rejected_and_nothing_written(
    full: Store, tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    doc = export_document(full, "alex")
    bad = copy.deepcopy(doc)
    change(bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with Store.open(tmp_path / "target.sqlite3") as target:
        target.add_profile("someone")
        with pytest.raises(FileFormatError) as info:
            import_sessions(target, path)
        assert [p.name for p in target.list_profiles()] == ["someone"]
        assert target.sessions() == []
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert info.value.exit_code == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is not valid JSON (line 1, column 1"),
        ('{"format": "rom-tracker-sessions", ', "is not valid JSON"),
        ("[1, 2]", "top level: expected an object"),
        ('"hello"', "top level: expected an object"),
    ],
)
def test_not_an_export(tmp_path: Path, store: Store, text: str, expected: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    with pytest.raises(FileFormatError, match=r"x\.json") as info:
        import_sessions(store, path)
    assert expected in str(info.value)


def test_failure_while_writing_leaves_nothing(
    full: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "all.json"
    export_sessions(full, "alex", path)
    with Store.open(tmp_path / "target.sqlite3") as target:
        calls = 0
        real_add_trial = target.add_trial

        def failing_add_trial(*args: Any, **kwargs: Any) -> int:
            nonlocal calls
            calls += 1
            if calls == 10:
                raise OSError("disk on fire")
            return real_add_trial(*args, **kwargs)

        monkeypatch.setattr(target, "add_trial", failing_add_trial)
        with pytest.raises(OSError, match="disk on fire"):
            import_sessions(target, path)
        assert target.list_profiles() == []
        assert target.sessions() == []
        assert target.integrity_check() == "ok"


def test_import_writes_no_files_named_in_the_file(full: Store, tmp_path: Path) -> None:
    doc = export_document(full, "alex")
    doc["sessions"][0]["source"] = str(tmp_path / "evil" / "x.txt")
    doc["sessions"][0]["notes"] = "../../../etc/passwd"
    path = tmp_path / "in" / "export.json"
    path.parent.mkdir()
    path.write_text(json.dumps(doc))
    before = sorted(p for p in tmp_path.rglob("*") if "data" not in p.parts)
    with Store.open(tmp_path / "data" / "target.sqlite3") as target:
        import_sessions(target, path)
        assert target.sessions()[0].source == str(tmp_path / "evil" / "x.txt")
    after = sorted(p for p in tmp_path.rglob("*") if "data" not in p.parts)
    assert after == before
