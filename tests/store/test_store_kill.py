"""kill -9 while trials are being added: the database stays sound, no committed trial lost.

A child process adds trials (with their series and landmarks, so commits take a while) in
a loop and prints each trial id once ``add_trial`` has returned. The parent kills it with
SIGKILL at several points, then checks ``PRAGMA integrity_check`` and that every printed
trial is present with its series. The rounds share one database, so earlier rounds' trials
must survive later kills too.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rom_tracker.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

CHILD = textwrap.dedent(
    """
    import sys
    from types import SimpleNamespace
    import numpy as np
    from rom_tracker.errors import UsageError
    from rom_tracker.store import Store

    n = 600
    rng = np.random.default_rng(int(sys.argv[2]))
    with Store.open(sys.argv[1]) as store:
        try:
            store.add_profile("alex")
        except UsageError:
            pass
        sid = store.start_session("alex", "kill-test")
        while True:
            angle = rng.normal(40, 5, n).astype(np.float32)
            # TrialResult's fields; a namespace keeps scipy (imported by rom.trial) out
            trial = SimpleNamespace(
                movement="neck_rotation", side="left", mode="active", guided=False,
                value_deg=float(angle.max()), sd_deg=1.0, duration_s=4.0, reps=2,
                started_s=0.0, ended_s=4.0, detail={"i": 1}, t_s=np.arange(n) / 30.0,
                angle_deg=angle, at_least=False, reason="",
            )
            landmarks = rng.normal(size=(n, 33, 3)).astype(np.float32)
            tid = store.add_trial(sid, trial, landmarks)
            print(tid, flush=True)
    """
)

# (trials to wait for, extra delay before the kill in seconds)
KILL_POINTS = [(1, 0.0), (2, 0.003), (5, 0.0), (8, 0.011), (13, 0.0), (20, 0.007)]


def _run_and_kill(db: Path, wait_for: int, delay_s: float, seed: int) -> list[int]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as child:
        assert child.stdout is not None
        ids: list[int] = []
        try:
            while len(ids) < wait_for:
                line = child.stdout.readline()
                if not line:
                    _, err = child.communicate(timeout=30)
                    pytest.fail(f"child ended early: {err}")
                ids.append(int(line))
            time.sleep(delay_s)
            child.send_signal(signal.SIGKILL)
            rest, _ = child.communicate(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
    assert child.returncode == -signal.SIGKILL
    # a trial whose id got printed before the kill landed counts as completed
    ids += [int(x) for x in rest.split()]
    return ids


def test_sigkill_loses_no_completed_trial(tmp_path: Path) -> None:
    db = tmp_path / "kill.sqlite3"
    completed: list[int] = []
    for seed, (wait_for, delay_s) in enumerate(KILL_POINTS):
        completed += _run_and_kill(db, wait_for, delay_s, seed)
        con = sqlite3.connect(db)  # a plain connection: recovers the WAL like any reader
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            stored = {r[0] for r in con.execute("SELECT trial_id FROM trial_series")}
            trials = {r[0] for r in con.execute("SELECT id FROM trials")}
        finally:
            con.close()
        missing = set(completed) - stored
        assert not missing, f"after kill {seed}: completed trials lost: {sorted(missing)}"
        assert trials == stored  # never a trial without its series (one transaction)
    with Store.open(db) as store:
        sessions = store.sessions("alex")
        assert len(sessions) == len(KILL_POINTS)
        assert sum(s.n_trials for s in sessions) >= len(completed)
        last = store.trial_series(max(completed))
        assert last.t_s.shape == last.angle_deg.shape == (600,)
        assert last.landmarks is not None and last.landmarks.shape == (600, 33, 3)
