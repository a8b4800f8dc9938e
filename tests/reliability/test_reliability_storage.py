"""Catalogue, storage: a database locked by another process, corrupt, in a folder that
cannot be created or written, or on a full disk; output folders that are files or cannot
be written. Each ends in one line and exit 6, with nothing half-written.

The store's own tests cover the API side (tests/store/test_store_api.py: locked and
corrupt messages, read-only folder; test_store_schema.py: backup before a migration).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rom_tracker.errors import StorageError
from rom_tracker.files import outputs
from rom_tracker.files.outputs import OutputSet, atomic_write_bytes
from rom_tracker.store import Store
from tests.support.reliability import (
    Cli,
    assert_error,
    files_under,
    make_trial,
    needs_permissions,
    store_with_trials,
    video_frames,
    write_image,
)

ROOT = Path(__file__).resolve().parents[2]
HEAD_TURN = ROOT / "samples" / "head_turn.mp4"


# ---------------------------------------------------------------- the database


HOLD_LOCK = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()  # until the test closes our stdin
con.execute("ROLLBACK")
"""


def test_database_locked_by_another_process(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "rom.sqlite3"
    Store.open(db).close()
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        try:
            r = cli("profiles", "add", "alex", "--db", str(db))  # waits the 5 s busy timeout
        finally:
            holder.communicate("", timeout=30)
    assert_error(r, 6, f"database {db} is locked by another rom-tracker process", "retry")
    with Store.open(db) as store:
        assert store.list_profiles() == []
        assert store.integrity_check() == "ok"


def test_database_that_is_not_a_database(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "rom.sqlite3"
    db.write_bytes(np.random.default_rng(0).bytes(8192))
    before = db.read_bytes()
    r = cli("profiles", "list", "--db", str(db))
    assert_error(r, 6, f"database {db} is corrupt", "restore a backup", ".bak-v")
    assert db.read_bytes() == before  # left as it was, for recovery


def test_data_folder_that_cannot_be_created(cli: Cli, tmp_path: Path) -> None:
    """``ROM_TRACKER_HOME`` below a regular file: the folder cannot exist (as root too)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    home = blocker / "rom-tracker"
    r = cli("profiles", "add", "alex", ROM_TRACKER_HOME=str(home))
    assert_error(r, 6, f"cannot create the database {home}", "ROM_TRACKER_HOME")


@needs_permissions
def test_read_only_data_folder(cli: Cli, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)
    try:
        r = cli("profiles", "add", "alex", ROM_TRACKER_HOME=str(home))
    finally:
        home.chmod(0o700)
    assert_error(r, 6, "cannot create the database", "writable")


@needs_permissions
def test_read_only_database_file(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "rom.sqlite3"
    Store.open(db).close()
    db.chmod(0o400)
    try:
        r = cli("profiles", "add", "alex", "--db", str(db))
    finally:
        db.chmod(0o600)
    assert_error(r, 6, "read-only")


def test_full_disk_keeps_the_committed_trials(tmp_path: Path) -> None:
    """The database file may not grow (SQLite's max_page_count stands in for a full disk):
    the trial being added fails with one storage error, the earlier ones stay intact."""
    db = tmp_path / "rom.sqlite3"
    with Store.open(db) as store:
        store.add_profile("alex")
        sid = store.start_session("alex", None)
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages + 8}")
        kept = []
        with pytest.raises(StorageError) as info:
            for i in range(100):
                kept.append(store.add_trial(sid, make_trial(value=30.0 + i, n=300)))
        assert info.value.exit_code == 6
        assert str(info.value).startswith(f"disk full while writing {db} - free some space")
        assert kept, "the limit left no room for a single trial"
    with Store.open(db) as store:
        assert store.integrity_check() == "ok"
        stored = [t.id for t in store.session(sid).trials]
        assert stored == kept
        assert store.trial_series(kept[-1]).t_s.shape == (300,)


# ---------------------------------------------------------------- output folders


@pytest.fixture(scope="module")
def person_photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first frame of samples/head_turn.mp4: one person, head and shoulders."""
    frame = video_frames(HEAD_TURN, {0})[0]
    return write_image(tmp_path_factory.mktemp("photo") / "person.png", frame)


@pytest.mark.parametrize("out", ["a-file", "a-file/sub"], ids=["is a file", "below a file"])
def test_output_folder_that_is_a_file(
    model_cli: Cli, tmp_path: Path, person_photo: Path, out: str
) -> None:
    (tmp_path / "a-file").write_text("in the way")
    r = model_cli("-q", "analyze", str(person_photo), "--out", out, "--what", "head")
    assert_error(r, 6, "a-file", "is a file", "choose another --out folder")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("a-file")) == ["a-file"]
    assert (tmp_path / "a-file").read_text() == "in the way"


@needs_permissions
def test_output_folder_not_writable(model_cli: Cli, tmp_path: Path, person_photo: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        r = model_cli("-q", "analyze", str(person_photo), "--out", str(out), "--what", "head")
    finally:
        out.chmod(0o700)
    assert_error(r, 6, "Permission denied", "permissions")
    assert files_under(out) == []


def test_export_below_a_file(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "rom.sqlite3"
    store_with_trials(db, make_trial())
    (tmp_path / "a-file").write_text("in the way")
    r = cli("export", "--profile", "alex", "--out", "a-file/x.json", "--db", str(db))
    assert_error(r, 6, "a-file is a file")


def _fail_fsync_on(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.fsync

    def fsync(fd: int) -> None:
        if Path(f"/proc/self/fd/{fd}").readlink().name.startswith(f".{name}."):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(outputs.os, "fsync", fsync)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_disk_full_while_writing_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while the second of three outputs is written: none of the three
    is left, nor any temporary file; the error names the file and the fix."""
    _fail_fsync_on("x.npz", monkeypatch)
    out = tmp_path / "out"
    with pytest.raises(StorageError) as info, OutputSet() as staged:
        staged.add(out / "x.csv", b"a,b\n")
        staged.add(out / "x.npz", b"data")
        staged.add(out / "x.json", b"{}")
    assert info.value.exit_code == 6
    assert str(info.value) == (
        f"cannot write {out / 'x.npz'}: No space left on device - choose another --out "
        "folder, or free some space / fix its permissions"
    )
    assert files_under(out) == []
    atomic_write_bytes(out / "y.csv", b"ok\n")  # the folder itself is fine
    assert files_under(out) == ["y.csv"]


def test_existing_output_survives_a_failed_rewrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-running into the same folder: a failure leaves the previous file untouched."""
    path = tmp_path / "x.csv"
    atomic_write_bytes(path, b"first run\n")
    _fail_fsync_on("x.csv", monkeypatch)
    with pytest.raises(StorageError):
        atomic_write_bytes(path, b"second run, cut short\n")
    assert path.read_bytes() == b"first run\n"
    assert files_under(tmp_path) == ["x.csv"]


def test_inputs_with_dots_in_their_names_keep_their_own_outputs(
    model_cli: Cli, tmp_path: Path, person_photo: Path
) -> None:
    for name in ("a.1.png", "a.2.png"):
        (tmp_path / name).write_bytes(person_photo.read_bytes())
    r = model_cli("-q", "analyze", "a.1.png", "a.2.png", "--out", "out", "--what", "hip")
    assert r.code in (0, 2), str(r)  # two sets of outputs, or a usage error like same stems
    assert r.code == 2 or len(files_under(tmp_path / "out")) == 6, files_under(tmp_path / "out")
