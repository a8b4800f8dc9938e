"""Fuzzing the importers: random mutations of valid files only ever give a
:class:`~rom_tracker.errors.RomTrackerError` (a one-line message and an exit code), never
another exception, and a refused import changes nothing.

Files: the store's JSON import (structural and byte-level mutations, imported into a fresh
database), protocol TOML (line-level mutations parsed, byte-level mutations loaded from a
file), calibration TOML, and OpenSim ``.mot`` files. Mutations are in tests/support/fuzzing.py.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given

from rom_tracker.errors import RomTrackerError
from rom_tracker.files import calibration
from rom_tracker.files.mot import mot_text, read_mot
from rom_tracker.rom.protocol import load_protocol, parse_protocol
from rom_tracker.rom.trial import TrialResult
from rom_tracker.store import Store
from rom_tracker.store.exchange import export_document, import_sessions
from tests.support.fuzzing import FUZZ, TOML_VALUES, mutated_bytes, mutated_json, mutated_lines

PROTOCOL = (
    Path(__file__).resolve().parents[2] / "rom_tracker" / "protocols" / "neck_micro_pause.toml"
).read_text(encoding="utf-8")


@contextmanager
def folder() -> Iterator[Path]:
    """A fresh temporary folder per example (hypothesis cannot use function fixtures)."""
    with tempfile.TemporaryDirectory(prefix="rom-fuzz-") as name:
        yield Path(name)


def only_our_errors(call: Callable[[], object]) -> RomTrackerError | None:
    """Run ``call``: returns None if it worked, the RomTrackerError if it refused; any
    other exception fails the test (it is a bug: a traceback for the user)."""
    try:
        call()
    except RomTrackerError as exc:
        message = str(exc)
        assert message and "\n" not in message, repr(message)
        assert exc.exit_code in (2, 3, 7), (exc.exit_code, message)
        return exc
    return None


def _export() -> dict[str, Any]:
    with folder() as tmp, Store.open(tmp / "db.sqlite3") as store:
        store.add_profile("alex", "notes")
        sid = store.start_session("alex", "neck_micro_pause", started_at="2026-01-05T09:00:00Z")
        t = np.arange(6) / 30.0
        for side, mode in (("left", "active"), ("right", "effortless")):
            trial = TrialResult(
                "neck_rotation", side, mode, True, 40.0, 1.0, 0.2, 1, 0.0, 0.2, {"k": [1, 2]},
                t, np.array([0, 10, np.nan, 30, 20, 5], np.float32),
            )  # fmt: skip
            store.add_trial(sid, trial, np.zeros((6, 2, 3), np.float32))
        store.end_session(sid)
        return export_document(store, "alex")


EXPORT = _export()
EXPORT_TEXT = json.dumps(EXPORT, indent=1).encode()


def _import(doc_bytes: bytes) -> RomTrackerError | None:
    """Import ``doc_bytes`` into a database holding profile bea: None if it imported, the
    one-line error if it was refused (the database then is as it was)."""
    with folder() as tmp:
        path = tmp / "in.json"
        path.write_bytes(doc_bytes)
        with Store.open(tmp / "db.sqlite3") as store:
            store.add_profile("bea")
            error = only_our_errors(lambda: import_sessions(store, path))
            if error is not None:  # refused: the database is as it was
                assert [p.name for p in store.list_profiles()] == ["bea"]
                assert store.sessions() == []
            assert store.integrity_check() == "ok"
            return error


def test_the_valid_export_imports() -> None:
    """The unmutated export imports, all of it (were it refused, every mutation would be a
    refusal and the fuzz tests would prove nothing)."""
    assert _import(EXPORT_TEXT) is None
    with folder() as tmp, Store.open(tmp / "db.sqlite3") as store:
        (tmp / "in.json").write_bytes(EXPORT_TEXT)
        import_sessions(store, tmp / "in.json")
        (session,) = store.sessions()
        assert [p.name for p in store.list_profiles()] == ["alex"]
        assert len(store.session(session.id).trials) == 2


@FUZZ
@given(doc=mutated_json(EXPORT))
def test_import_structural_mutations(doc: Any) -> None:
    _import(json.dumps(doc).encode())


@FUZZ
@given(data=mutated_bytes(EXPORT_TEXT))
def test_import_byte_mutations(data: bytes) -> None:
    _import(data)


@FUZZ
@given(text=mutated_lines(PROTOCOL, TOML_VALUES))
def test_protocol_line_mutations(text: str) -> None:
    only_our_errors(lambda: parse_protocol(text, "neck_micro_pause.toml"))


@FUZZ
@given(data=mutated_bytes(PROTOCOL.encode()))
def test_protocol_file_byte_mutations(data: bytes) -> None:
    with folder() as tmp:
        path = tmp / "neck_micro_pause.toml"
        path.write_bytes(data)
        only_our_errors(lambda: load_protocol(path))


MOT = mot_text(
    np.arange(5) / 60.0,
    {"hip_flexion_r": np.array([1.0, 2.0, np.nan, 4.0, 5.0]), "knee_angle_r": np.arange(5.0)},
    "fuzz",
).encode()


def test_mot_ending_at_its_header(tmp_path: Path) -> None:
    path = tmp_path / "in.mot"
    path.write_bytes(MOT.split(b"endheader")[0] + b"endheader\n")
    only_our_errors(lambda: read_mot(path))


@FUZZ
@given(data=mutated_bytes(MOT))
def test_mot_byte_mutations(data: bytes) -> None:
    with folder() as tmp:
        path = tmp / "in.mot"
        path.write_bytes(data)
        only_our_errors(lambda: read_mot(path))


CALIBRATION = """\
[camera]
name = "laptop webcam"
width = 1280
height = 720
fx = 1004.0
fy = 1004.0
cx = 640.0
cy = 360.0
"""


@FUZZ
@given(text=mutated_lines(CALIBRATION, TOML_VALUES))
def test_calibration_line_mutations(text: str) -> None:
    only_our_errors(lambda: calibration.parse_calibration(text, Path("cam.toml")))


@FUZZ
@given(data=mutated_bytes(CALIBRATION.encode()))
def test_calibration_file_byte_mutations(data: bytes) -> None:
    with folder() as tmp:
        path = tmp / "cam.toml"
        path.write_bytes(data)
        only_our_errors(lambda: calibration.load_calibration(path))
