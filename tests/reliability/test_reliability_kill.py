"""No data loss: ``rom-tracker record`` killed with SIGKILL at several moments.

A real recording (the installed CLI in a subprocess, the real models, samples/head_turn.mp4
read at its own speed with ``--realtime``) follows a guided protocol of short steps, so a
trial is committed about every 0.6 s. The test kills it at several points (before the first
trial, right after a trial was reported saved, a little later, in the middle of the next
step) and after each kill checks, with a plain SQLite connection, that the database passes
``PRAGMA integrity_check`` and ``foreign_key_check``, that the session row exists, and
that every trial the recorder had reported saved is there with its series. The rounds share
one database, so the earlier rounds' trials must survive the later kills too.

The store-level kill test (tests/store/test_store_kill.py) kills in the middle of large
commits; this one kills the whole recording pipeline (capture thread, models, protocol
runner) as a user's crash would.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rom_tracker.store import Store
from tests.support.reliability import LOG_ENV, NETGUARD

pytestmark = [
    pytest.mark.real,
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL"),
]

ROOT = Path(__file__).resolve().parents[2]
HEAD_TURN = ROOT / "samples" / "head_turn.mp4"
STEPS = 14
SAVED = re.compile(r"\[trial (\d+) saved\]")
SESSION = re.compile(r"^Session (\d+) for ")

# (trials reported saved before the kill, then seconds to wait)
KILL_POINTS = [(0, 0.4), (1, 0.0), (3, 0.05), (5, 0.3), (8, 0.0)]


def _protocol(folder: Path) -> Path:
    steps = "".join(
        f"""
[[step]]
kind = "measure"
movement = "neck_rotation"
side = "{("left", "right")[i % 2]}"
mode = "active"
cue = "Step {i + 1}: turn, then come back."
"""
        for i in range(STEPS)
    )
    path = folder / "kill_test.toml"
    path.write_text(
        f'name = "kill_test"\ntitle = "Kill test"\nversion = 1\n\n[defaults]\ntimeout_s = 0.6\n{steps}'
    )
    return path


def _record_and_kill(
    db: Path, protocol: Path, env: dict[str, str], wait_for: int, delay_s: float
) -> tuple[int, list[int], str]:
    """Start a recording, SIGKILL it once ``wait_for`` trials were reported saved (and
    ``delay_s`` more seconds); returns its session id, the trial ids reported saved, and
    its stderr."""
    args = [
        sys.executable, str(NETGUARD), "-q", "record", "--profile", "alex",
        "--protocol", str(protocol), "--mode", "guided", "--source", str(HEAD_TURN),
        "--realtime", "--db", str(db),
    ]  # fmt: skip
    with subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as child:
        assert child.stdout is not None
        session = 0
        saved: list[int] = []
        try:
            while not session or len(saved) < wait_for:
                line = child.stdout.readline()
                if not line:
                    _, err = child.communicate(timeout=60)
                    pytest.fail(f"the recording ended before the kill: {err}")
                if m := SESSION.match(line):
                    session = int(m.group(1))
                saved += [int(x) for x in SAVED.findall(line)]
            time.sleep(delay_s)
            child.send_signal(signal.SIGKILL)
            rest, err = child.communicate(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
    assert child.returncode == -signal.SIGKILL, err
    saved += [int(x) for x in SAVED.findall(rest)]  # reported before the kill landed
    return session, saved, err


def test_sigkill_during_record_loses_no_completed_trial(
    tmp_path: Path, model_env: dict[str, str]
) -> None:
    db = tmp_path / "data" / "rom-tracker.sqlite3"
    with Store.open(db) as store:
        store.add_profile("alex")
    protocol = _protocol(tmp_path)
    netlog = tmp_path / "netlog"
    env = {**os.environ, **model_env, LOG_ENV: str(netlog)}
    sessions: list[int] = []
    completed: list[int] = []
    for round_, (wait_for, delay_s) in enumerate(KILL_POINTS):
        session, saved, err = _record_and_kill(db, protocol, env, wait_for, delay_s)
        sessions.append(session)
        completed += saved
        print(f"kill {round_}: session {session}, {len(saved)} trial(s) reported saved")
        con = sqlite3.connect(db)  # a plain reader: recovers the WAL like any other
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            rows = {r[0] for r in con.execute("SELECT id FROM sessions")}
            trials = {r[0] for r in con.execute("SELECT id FROM trials")}
            series = {r[0] for r in con.execute("SELECT trial_id FROM trial_series")}
        finally:
            con.close()
        assert set(sessions) <= rows, f"kill {round_}: a session row is missing"
        lost = set(completed) - trials
        assert not lost, f"kill {round_}: completed trials lost: {sorted(lost)} ({err})"
        assert trials == series  # a trial is never stored without its series
    assert len(completed) >= sum(w for w, _ in KILL_POINTS)
    with Store.open(db) as store:
        recorded = store.sessions("alex")
        assert [s.id for s in recorded] == sorted(sessions)
        assert all(s.ended_at is None for s in recorded)  # killed: never ended, still listed
        for trial_id in completed:
            series_ = store.trial_series(trial_id)
            assert series_.t_s.size == series_.angle_deg.size > 0
            assert series_.landmarks is None  # no landmarks, let alone frames, are kept
    assert not netlog.exists(), netlog.read_text()
