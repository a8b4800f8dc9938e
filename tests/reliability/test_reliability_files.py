"""Catalogue, files and values: malformed protocol, calibration and import files (exit 7)
and bad command-line values (exit 2), through the real CLI.

The field-by-field messages are tested at the API level in
tests/rom/test_rom_protocol_files.py and tests/store/test_store_exchange.py; here the user
sees one line, the right exit code, and a database that an import did not change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rom_tracker.store import Store
from rom_tracker.store.exchange import export_document
from tests.support.reliability import (
    Cli,
    assert_error,
    files_under,
    gradient,
    make_trial,
    write_image,
)

ROOT = Path(__file__).resolve().parents[2]
HEAD_TURN = ROOT / "samples" / "head_turn.mp4"

PROTOCOL = """\
name = "mine"
title = "Mine"
version = 1

[[step]]
kind = "measure"
movement = "neck_rotation"
side = "left"
mode = "active"
cue = "Turn left."
"""

BAD_PROTOCOLS = [
    ("not TOML", PROTOCOL.replace('title = "Mine"', "title = Mine"), ["not valid TOML"]),
    ("unknown field", PROTOCOL + "colour = 'red'\n", ["step 1: unknown field 'colour'"]),
    ("unknown movement", PROTOCOL.replace("neck_rotation", "neck_twist"), ["step 1", "movement"]),
    ("wrong type", PROTOCOL.replace("version = 1", 'version = "one"'), ["version must be"]),
    ("no steps", PROTOCOL.split("[[step]]", maxsplit=1)[0], ["no steps", "[[step]]"]),
]


@pytest.mark.parametrize(
    ("name", "text", "words"), BAD_PROTOCOLS, ids=[b[0] for b in BAD_PROTOCOLS]
)
def test_malformed_protocol(
    main_cli: Cli, tmp_path: Path, name: str, text: str, words: list[str]
) -> None:
    (tmp_path / "mine.toml").write_text(text)
    r = main_cli(
        "record", "--profile", "alex", "--protocol", "mine.toml", "--mode", "guided",
        "--source", str(HEAD_TURN),
    )  # fmt: skip
    assert_error(r, 7, "mine.toml", *words)
    assert not (tmp_path / "home").exists()  # refused before anything was created


def test_malformed_protocol_from_the_shell(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(BAD_PROTOCOLS[0][1])
    r = cli(
        "record", "--profile", "alex", "--protocol", "mine.toml", "--mode", "guided",
        "--source", str(HEAD_TURN),
    )  # fmt: skip
    assert_error(r, 7, "mine.toml", "not valid TOML")


# ---------------------------------------------------------------- text files not in UTF-8

CAMERA = '[camera]\nname = "cam\u00e9ra"\nwidth = 1280\nheight = 720\nhfov_deg = 65\n'
RECORD = ["record", "--profile", "alex", "--mode", "guided", "--source", str(HEAD_TURN)]
TEXT_FILES = {
    # kind: (file, its text with a non-ASCII character, command, words of the fix)
    "protocol": (
        "mine.toml",
        PROTOCOL.replace("Turn left.", "Tournez la t\u00eate."),
        [*RECORD, "--protocol", "mine.toml"],
        "save it as UTF-8",
    ),
    "calibration": (
        "cam.toml",
        CAMERA,
        ["analyze", "photo.png", "--camera", "cam.toml", "--out", "out"],
        "save it as UTF-8",
    ),
    "batch calibration": (
        "cam.toml",
        CAMERA,
        ["batch", "clip.mp4", "--camera", "cam.toml", "--out", "out"],
        "save it as UTF-8",
    ),
    "import": (
        "bad.json",
        '{"format": "rom-tracker-sessions",\n "notes": "caf\u00e9"}',
        ["import", "bad.json", "--db", "db.sqlite3"],
        "rom-tracker export --format json",
    ),
}
ENCODINGS = {
    # how a user ends up with it: (bytes from the text, words of the problem)
    "windows ansi": (lambda t: t.encode("cp1252"), "is not UTF-8 text (line"),
    "notepad unicode": (
        lambda t: t.encode("utf-16"),
        "is not UTF-8 text (it starts with a UTF-16 byte-order mark)",
    ),
    "binary": (lambda t: bytes(range(1, 256)), "is not UTF-8 text (line 2: byte 0x80)"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("kind", TEXT_FILES)
def test_text_file_that_is_not_utf8(
    main_cli: Cli, tmp_path: Path, kind: str, encoding: str
) -> None:
    """A protocol, calibration or import file in another encoding is a malformed file (7),
    named with the line and byte, not an unreadable input (3); refused before any model
    runs or any output is written."""
    name, text, args, fix = TEXT_FILES[kind]
    encode, problem = ENCODINGS[encoding]
    (tmp_path / name).write_bytes(encode(text))
    assert_error(main_cli(*args), 7, f"{name} {problem}", fix)
    assert not (tmp_path / "home").exists()
    assert files_under(tmp_path / "out") == []


MISSING = {
    "protocol": "no such protocol file: mine.toml",
    "calibration": "no such calibration file: cam.toml",
    "batch calibration": "no such calibration file: ",  # made absolute for the workers
    "import": "no such file to import: bad.json",
}


@pytest.mark.parametrize("kind", TEXT_FILES)
def test_missing_text_file(main_cli: Cli, tmp_path: Path, kind: str) -> None:
    """A protocol, calibration or import file that is not there is an input problem (3),
    as a missing video is, not a malformed file (7) or a usage error (2); refused before
    any model runs or any output is written."""
    name, _text, args, _fix = TEXT_FILES[kind]
    line = assert_error(main_cli(*args), 3, MISSING[kind], "check the path")
    assert line.split(" - ")[0].endswith(name)
    assert not (tmp_path / "home").exists()
    assert files_under(tmp_path / "out") == []


def test_unreadable_text_file(main_cli: Cli, tmp_path: Path) -> None:
    """Unreadable rather than absent (here a folder where the file should be): exit 3, the
    OS reason, and what to check."""
    (tmp_path / "cam.toml").mkdir()
    r = main_cli("analyze", "photo.png", "--camera", "cam.toml", "--out", "out")
    assert_error(r, 3, "cannot read calibration file cam.toml: Is a directory", "is a file")


@pytest.mark.parametrize("kind", TEXT_FILES)
def test_text_file_that_is_not_utf8_from_the_shell(cli: Cli, tmp_path: Path, kind: str) -> None:
    name, text, args, fix = TEXT_FILES[kind]
    (tmp_path / name).write_bytes(text.encode("cp1252"))
    line = assert_error(cli(*args), 7, name, "is not UTF-8 text (line", fix)
    assert ": byte 0xe" in line  # \u00e9 or \u00ea in cp1252


BAD_CALIBRATIONS = [
    ("not TOML", "[camera\nwidth = 1280\n", ["is not valid TOML"]),
    ("no camera table", "[lens]\nwidth = 1280\n", ["has no [camera] table"]),
    ("zero width", "[camera]\nwidth = 0\nheight = 720\nhfov_deg = 65\n", ["width must be"]),
    (
        "both fov and fx",
        "[camera]\nwidth = 1280\nheight = 720\nhfov_deg = 65\nfx = 1000\n",
        ["both hfov_deg and fx"],
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "words"), BAD_CALIBRATIONS, ids=[b[0] for b in BAD_CALIBRATIONS]
)
def test_malformed_calibration(
    model_cli: Cli, tmp_path: Path, name: str, text: str, words: list[str]
) -> None:
    (tmp_path / "cam.toml").write_text(text)
    write_image(tmp_path / "photo.png", gradient(64, 48))
    r = model_cli("analyze", "photo.png", "--camera", "cam.toml", "--out", "out")
    assert_error(r, 7, "cam.toml", *words)
    assert files_under(tmp_path / "out") == []


# ---------------------------------------------------------------- import files


@pytest.fixture
def exported(tmp_path: Path) -> dict[str, Any]:
    """A valid export document: one profile, one session, one trial."""
    with Store.open(tmp_path / "source.sqlite3") as store:
        store.add_profile("alex")
        sid = store.start_session("alex", None, started_at="2026-01-05T09:00:00Z")
        store.add_trial(sid, make_trial())
        store.end_session(sid)
        return export_document(store, "alex")


def _mutate(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(doc))
    keys = path.split(".")
    target: Any = doc
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[keys[-1]] = value
    return doc


BAD_IMPORTS = [
    ("format", "format", "something-else", ["format: expected 'rom-tracker-sessions'"]),
    ("version", "version", 99, ["this rom-tracker reads version 1"]),
    ("reps", "sessions.0.trials.0.reps", -1, ["sessions[0].trials[0].reps"]),
    ("movement path", "sessions.0.trials.0.movement", "../../x", ["unknown movement '../../x'"]),
    ("side path", "sessions.0.trials.0.side", "/etc/passwd", ["has no side '/etc/passwd'"]),
    ("series", "sessions.0.trials.0.series.t_s", [0, "x"], ["series.t_s[1]"]),
    ("time", "sessions.0.started_at", "yesterday", ["sessions[0].started_at"]),
]


@pytest.mark.parametrize(
    ("name", "path", "value", "words"), BAD_IMPORTS, ids=[b[0] for b in BAD_IMPORTS]
)
def test_malformed_import_changes_nothing(
    main_cli: Cli,
    tmp_path: Path,
    exported: dict[str, Any],
    name: str,
    path: str,
    value: Any,
    words: list[str],
) -> None:
    db = tmp_path / "target.sqlite3"
    with Store.open(db) as store:
        store.add_profile("bea")
    before = db.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_mutate(exported, path, value)))
    r = main_cli("import", str(bad), "--db", str(db))
    assert_error(r, 7, str(bad), *words, "rom-tracker export --format json")
    with Store.open(db) as store:
        assert [p.name for p in store.list_profiles()] == ["bea"]
        assert store.sessions() == []
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", ["is not valid JSON"]),
        (b"\xff\xfe\x00garbage", ["bad.json is not UTF-8 text", "byte-order mark"]),
        (b'{"format": "rom-tracker-sessions"', ["is not valid JSON", "line 1"]),
        (b"[1, 2, 3]", ["top level: expected an object"]),
    ],
    ids=["empty", "binary", "cut short", "a list"],
)
def test_import_file_that_is_not_an_export(
    cli: Cli, tmp_path: Path, content: bytes, words: list[str]
) -> None:
    """Through the installed command, as a user would import a wrong file."""
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    r = cli("import", str(bad), "--db", str(tmp_path / "db.sqlite3"))
    assert_error(r, 7, *words)


@pytest.mark.parametrize(
    "content",
    [None, b"", b'{"format": "rom-tracker-sessions"', b'{"format": "something-else"}'],
    ids=["missing", "empty", "cut short", "not an export"],
)
def test_rejected_import_creates_no_database(
    main_cli: Cli, tmp_path: Path, content: bytes | None
) -> None:
    """The file is checked before the database is opened: a refused import leaves no new
    database (nor its folder, nor the default home) behind."""
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_bytes(content)
    db = tmp_path / "new" / "db.sqlite3"
    r = main_cli("import", str(bad), "--db", str(db))
    assert r.code in (3, 7), str(r)
    assert not (tmp_path / "new").exists()
    r = main_cli("import", str(bad))  # the default database, under ROM_TRACKER_HOME
    assert r.code in (3, 7), str(r)
    assert not (tmp_path / "home").exists()


# ---------------------------------------------------------------- command-line values


USAGE = [
    (
        ["analyze", "x.mp4", "--what", "elbow"],
        ["argument --what: invalid choice: 'elbow'", "rom-tracker analyze --help"],
    ),
    (
        ["analyze", "x.mp4", "--min-confidence", "0"],
        ["--min-confidence must be in (0, 1], got 0.0"],
    ),
    (["analyze", "x.mp4", "--min-confidence", "-0.5"], ["--min-confidence must be in (0, 1]"]),
    (
        ["analyze", "x.mp4", "--min-confidence", "high"],
        ["argument --min-confidence: invalid float value: 'high'"],
    ),
    (["analyze", "x.mp4", "--model", "huge"], ["argument --model: invalid choice: 'huge'"]),
    (["analyze"], ["the following arguments are required: INPUT"]),
    (["analyse", "x.mp4"], ["invalid choice: 'analyse'", "rom-tracker --help"]),
    (["--frobnicate"], ["unrecognized arguments: --frobnicate"]),
    (
        [
            "record",
            "--profile",
            "a",
            "--movement",
            "neck_rotation",
            "--mode",
            "active",
            "--side",
            "up",
            "--source",
            "x.mp4",
        ],
        ["movement neck_rotation has no side 'up'", "use one of: left, right, both"],
    ),
    (
        [
            "record",
            "--profile",
            "a",
            "--protocol",
            "neck_micro_pause",
            "--mode",
            "active",
            "--source",
            "0",
        ],
        ["--protocol goes with --mode guided"],
    ),
    (
        ["export", "--profile", "a", "--out", "x", "--format", "xml"],
        ["argument --format: invalid choice: 'xml'"],
    ),
    (["sessions", "show", "abc"], ["invalid int value: 'abc'"]),
    (
        ["batch", "x.mp4", "--out", "o", "--workers", "-1"],
        ["--workers must be at least 1, got -1"],
    ),
    (
        ["batch", "x.mp4", "--out", "o", "--workers", "0"],
        ["--workers must be at least 1, got 0"],
    ),
    (
        ["batch", "x.mp4", "--out", "o", "--neutral", "sometimes"],
        [
            "--neutral: neutral: expected 'off', 'still' or 'first:<seconds>s'",
            "got 'sometimes'",
        ],
    ),
]


@pytest.mark.parametrize(("args", "words"), USAGE, ids=[" ".join(u[0])[:40] for u in USAGE])
def test_bad_command_line_value(
    main_cli: Cli, tmp_path: Path, args: list[str], words: list[str]
) -> None:
    """In-process: each case fails before any model, file or camera is touched."""
    assert_error(main_cli(*args), 2, *words)
    assert not (tmp_path / "home").exists()


def test_bad_command_line_value_from_the_shell(cli: Cli) -> None:
    r = cli("analyze", "x.mp4", "--what", "elbow")
    assert_error(r, 2, "argument --what: invalid choice: 'elbow'", "rom-tracker analyze --help")
