"""``rom-tracker record`` end to end on rendered samples with the real models, and what the
store then shows of it (``sessions show``, ``progress --json``, ``compare``), plus the
committed sample database (``samples/sample_sessions.json``).

The videos are renders of one photo on a rotated head mesh: the face landmarker reads
about 0.8 of their turn (samples/README.md), so values are checked for presence, side and
sign and a loose range, never against the rendered angle; the measured values are printed.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rom_tracker.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
HEAD_TURN = SAMPLES / "head_turn.mp4"
SAMPLE_DB = SAMPLES / "sample_sessions.json"
SESSION = re.compile(r"^Session (\d+) for ", re.MULTILINE)
EFFORTLESS_AT = "2026-01-05T09:00:00Z"  # a past date for an older video (--started-at)

# A short guided protocol, rotation only: neutral, then effortless and active to each side.
ROTATION_TOML = """
name = "rotation_check"
title = "Rotation check"
version = 1

[defaults]
timeout_s = 12.0
"""
ROTATION_STEPS = [
    ("neutral", "", ""),
    ("measure", "left", "effortless"),
    ("neutral", "", ""),
    ("measure", "left", "active"),
    ("neutral", "", ""),
    ("measure", "right", "effortless"),
    ("neutral", "", ""),
    ("measure", "right", "active"),
]
RENDERED = {"effortless": 25.0, "active": 35.0}  # --rotation 25:35, degrees from centre


def _toml() -> str:
    steps = []
    for kind, side, mode in ROTATION_STEPS:
        step = f'\n[[step]]\nkind = "{kind}"\ncue = "{kind} {side} {mode}"\n'
        if kind == "measure":
            step += f'movement = "neck_rotation"\nside = "{side}"\nmode = "{mode}"\n'
        steps.append(step)
    return ROTATION_TOML + "".join(steps)


@pytest.fixture(autouse=True)
def _keep_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    """main() would divert the process's fd 2 (native log lines) for good: not in tests."""
    monkeypatch.setattr("rom_tracker.cli.divert_native_stderr", lambda: False)


def _quiet(*args: str) -> tuple[int, str]:
    """``rom-tracker ARGS`` in this process; (exit code, stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _session_id(output: str) -> int:
    found = SESSION.search(output)
    assert found, output
    return int(found.group(1))


@dataclass(frozen=True)
class Recorded:
    db: Path
    effortless: int  # session ids
    active: int
    guided: int
    guided_output: str


@pytest.fixture(scope="module")
def recorded(model_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """One database with three sessions of profile "alex": effortless and active neck
    rotation from samples/head_turn.mp4, and a guided rotation protocol on a short render
    made here (320x240, 15 fps)."""
    tmp = tmp_path_factory.mktemp("record")
    db = str(tmp / "rom.sqlite3")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in model_env.items():
            mp.setenv(key, value)
        mp.setattr("rom_tracker.cli.divert_native_stderr", lambda: False)
        assert _quiet("profiles", "add", "alex", "--db", db)[0] == 0
        sessions = []
        for mode in ("effortless", "active"):
            code, out = _quiet(
                "record", "--profile", "alex", "--movement", "neck_rotation", "--mode", mode,
                "--source", str(HEAD_TURN), "--db", db,
                *(["--started-at", EFFORTLESS_AT] if mode == "effortless" else []),
            )  # fmt: skip
            assert code == 0, out
            print(out)
            sessions.append(_session_id(out))
        protocol = tmp / "rotation_check.toml"
        protocol.write_text(_toml())
        video = tmp / "rotation.mp4"
        mp.syspath_prepend(str(SAMPLES))
        import make_protocol_video

        render = ["--protocol", str(protocol), "--out", str(video), "--rotation", "25:35"]
        # --patient: a missed hold would cost that one value, not put later steps out of step
        make_protocol_video.main([*render, "--patient", "neck_rotation"])
        code, out = _quiet(
            "record", "--profile", "alex", "--protocol", str(protocol), "--mode", "guided",
            "--source", str(video), "--db", db,
        )  # fmt: skip
        assert code == 0, out
        print(out)
    return Recorded(Path(db), sessions[0], sessions[1], _session_id(out), out)


def _show(capsys: pytest.CaptureFixture[str], db: Path, session: int) -> dict[str, Any]:
    code, out, err = _cli(capsys, "sessions", "show", str(session), "--json", "--db", str(db))
    assert code == 0, err
    return json.loads(out)


def _values(session: dict[str, Any]) -> dict[tuple[str, str], float]:
    return {
        (t["side"], t["mode"]): math.nan if t["value_deg"] is None else t["value_deg"]
        for t in session["trials"]
    }


@pytest.mark.real
def test_effortless_and_active_rotation_from_the_sample_video(
    recorded: Recorded, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both sides, both modes: a value each, positive in the movement's direction (a
    turn to the left and one to the right are both positive), below the rendered 40 deg
    plus the offsets of the render's rest pose."""
    effortless = _show(capsys, recorded.db, recorded.effortless)
    active = _show(capsys, recorded.db, recorded.active)
    assert effortless["started_at"] == "2026-01-05T09:00:00.000Z"  # --started-at kept
    assert effortless["ended_at"] > effortless["started_at"]
    values = {**_values(effortless), **_values(active)}
    print(f"head_turn.mp4 (rendered +-40 deg): {values}")
    assert set(values) == {(s, m) for s in ("left", "right") for m in ("effortless", "active")}
    for (side, mode), value in values.items():
        assert 15.0 < value < 50.0, f"{side} {mode}: {value}"
    for t in effortless["trials"]:
        assert t["duration_s"] >= 3.0 and t["movement"] == "neck_rotation"

    code, out, err = _cli(
        capsys, "progress", "--profile", "alex", "--json", "--db", str(recorded.db)
    )
    assert code == 0, err
    shown = {
        (r["session_id"], r["side"], r["mode"]): r["value_deg"]
        for r in json.loads(out)
        if r["movement"] == "neck_rotation"
    }
    for session, vals in ((recorded.effortless, effortless), (recorded.active, active)):
        for (side, mode), value in _values(vals).items():
            assert shown[session, side, mode] == pytest.approx(value)


@pytest.mark.real
def test_guided_rotation_protocol_reaches_the_end_with_every_trial(
    recorded: Recorded, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "The source ended at step" not in recorded.guided_output
    guided = _show(capsys, recorded.db, recorded.guided)
    assert guided["protocol"] == "rotation_check"
    measure = [i for i, (kind, _, _) in enumerate(ROTATION_STEPS) if kind == "measure"]
    assert [t["detail"]["step"] for t in guided["trials"]] == measure
    assert not any(t["detail"]["timed_out"] for t in guided["trials"] if t["mode"] == "active")
    values = _values(guided)
    for (side, mode), value in values.items():
        print(f"guided {side} {mode}: measured {value:.1f}, rendered {RENDERED[mode]:g}")
        assert 10.0 < value < RENDERED[mode] + 10.0, f"{side} {mode}: {value}"
    for side in ("left", "right"):
        assert values[side, "active"] > values[side, "effortless"]


@pytest.mark.real
def test_compare_two_sessions(recorded: Recorded, capsys: pytest.CaptureFixture[str]) -> None:
    """Active rotation from head_turn.mp4 against the guided run: both values per side."""
    a, b = recorded.active, recorded.guided
    code, out, err = _cli(capsys, "compare", str(a), str(b), "--json", "--db", str(recorded.db))
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["session_a"]["id"], doc["session_b"]["id"]) == (a, b)
    rows = {(r["side"], r["mode"]): r for r in doc["rows"] if r["movement"] == "neck_rotation"}
    va, vb = _values(_show(capsys, recorded.db, a)), _values(_show(capsys, recorded.db, b))
    for side in ("left", "right"):
        row = rows[side, "active"]
        assert row["a_deg"] == pytest.approx(va[side, "active"])
        assert row["b_deg"] == pytest.approx(vb[side, "active"])
        assert row["change_deg"] == pytest.approx(row["b_deg"] - row["a_deg"])
    code, out, err = _cli(capsys, "compare", str(a), str(b), "--db", str(recorded.db))
    assert code == 0, err
    assert "neck_rotation" in out and "left" in out and "right" in out


def test_sample_sessions_import_and_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The committed sample database imports into a fresh store and charts real values:
    several sessions of "demo", one record per value with the documented fields."""
    db = str(tmp_path / "fresh.sqlite3")
    code, _, err = _cli(capsys, "import", str(SAMPLE_DB), "--db", db)
    assert code == 0, err
    code, out, err = _cli(capsys, "progress", "--profile", "demo", "--json", "--db", db)
    assert code == 0, err
    records = json.loads(out)
    keys = {"session_id", "date", "movement", "side", "mode", "value_deg"}
    assert records and all(keys <= set(r) for r in records)
    sessions = sorted({(r["date"], r["session_id"]) for r in records})
    assert len(sessions) >= 4
    assert {r["movement"] for r in records} >= {"neck_rotation", "neck_flexion"}
    assert {r["mode"] for r in records} == {"effortless", "active"}
    assert all(isinstance(r["value_deg"], float) and r["value_deg"] > 0 for r in records)
    first, last = sessions[0][1], sessions[-1][1]
    code, out, err = _cli(capsys, "compare", str(first), str(last), "--json", "--db", db)
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert any(r["movement"] == "neck_rotation" and r["change_deg"] > 0 for r in rows)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2026-13-01T09:00:00Z", "is not an ISO-8601 date and time"),
        ("last tuesday", "is not an ISO-8601 date and time"),
        ("2026-03-02T09:30:00", "has no time zone"),
        ("2999-01-01T00:00:00Z", "is in the future"),
    ],
)
def test_started_at_is_validated_before_anything_runs(
    value: str, problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(
        capsys, "record", "--profile", "nobody", "--movement", "neck_rotation",
        "--mode", "active", "--source", str(tmp_path / "missing.mp4"),
        "--db", str(tmp_path / "db.sqlite3"), "--started-at", value,
    )  # fmt: skip
    assert code == 2, err
    assert problem in err and "e.g. --started-at 2026-03-02T09:30:00Z" in err
    assert out == "" and not (tmp_path / "db.sqlite3").exists()
