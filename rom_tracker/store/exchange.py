"""Export sessions to JSON, CSV or OpenSim ``.mot``; import rom-tracker's own JSON export.

JSON (``rom-tracker-sessions`` version 1): a header (format, version, units, the
conventions document, sign notes per movement), the profiles, then the sessions with
their trials and each trial's series as lists of numbers (``null`` = not measured).
Exporting a profile also writes its posture-monitor history (``posture``: the profile's
minutes; absent from files of older versions and from exports of chosen sessions).
Every trial carries ``at_least`` (true: ``value_deg`` is a lower bound, not a measurement)
and ``reason`` (why; ``""`` when measured); files without them import as measured values.
Database ids are not part of it, so export -> import -> export gives the same bytes.

Import validates the whole file before writing anything, then writes it in one
transaction: a malformed file changes nothing. A session already in the database (same
profile and start time) is skipped. Import writes no file, so no path in an imported
file can ever be written to.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rom_tracker import __version__
from rom_tracker.errors import FileFormatError, UsageError, decode_text, read_file
from rom_tracker.files.mot import mot_text
from rom_tracker.files.outputs import OutputSet, atomic_write_bytes, csv_bytes, json_bytes
from rom_tracker.rom.movements import MOVEMENTS
from rom_tracker.store import posture_history
from rom_tracker.store.exchange_check import check_document
from rom_tracker.store.records import Session, StoredTrial
from rom_tracker.store.store import Store

if TYPE_CHECKING:
    from rom_tracker.rom.trial import TrialResult

FORMAT = "rom-tracker-sessions"
FORMAT_VERSION = 1
CONVENTIONS = "docs/conventions.md"
FORMATS = ("json", "csv", "mot")
_TRIAL_FLOATS = ("value_deg", "sd_deg", "duration_s", "started_s", "ended_s")


def sign_notes() -> dict[str, dict[str, str]]:
    """Per movement and side: how the stored value relates to the signed angle column."""
    return {
        m.name: {
            s.side: f"value_deg = {'+' if s.sign > 0 else '-'}{s.column} ({s.cue})" for s in m.sides
        }
        for m in MOVEMENTS.values()
    }


def header() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "package_version": __version__,
        "units": "degrees",
        "time_units": "seconds",
        "conventions": CONVENTIONS,
        "notes": (
            "value_deg is positive in the direction of the movement for every side; "
            "null = not measured; *_s times are seconds from the start of the recording; "
            "*_at times are ISO-8601 UTC"
        ),
        "sign_notes": sign_notes(),
    }


def _selected(store: Store, what: str | Sequence[int]) -> list[Session]:
    if isinstance(what, str):
        chosen = store.sessions(what)
    else:
        ids = list(dict.fromkeys(int(i) for i in what))
        if not ids:
            raise UsageError("no sessions to export", "give --profile NAME or --session ID")
        chosen = [store.session(i) for i in ids]
        chosen.sort(key=lambda s: (s.started_at, s.id))
    return [store.session(s.id) for s in chosen]


def _floats(values: np.ndarray) -> list[float | None]:
    return [v if math.isfinite(v) else None for v in np.asarray(values, np.float64).tolist()]


def _trial_doc(store: Store, t: StoredTrial) -> dict[str, Any]:
    series = store.trial_series(t.id)
    landmarks = None
    if series.landmarks is not None:
        landmarks = {
            "shape": list(series.landmarks.shape),
            "values": _floats(series.landmarks.ravel()),
        }
    doc = t.to_dict()
    for key in ("id", "session_id", "n_samples"):
        del doc[key]
    doc["series"] = {
        "t_s": _floats(series.t_s),
        "angle_deg": _floats(series.angle_deg),
        "landmarks": landmarks,
    }
    return doc


def _session_doc(store: Store, s: Session) -> dict[str, Any]:
    doc = s.to_dict()
    for key in ("id", "n_trials"):
        del doc[key]
    doc["trials"] = [_trial_doc(store, t) for t in s.trials]
    return doc


def export_document(store: Store, what: str | Sequence[int]) -> dict[str, Any]:
    """The JSON export of a profile's sessions (``what`` a name) or of session ids."""
    sessions = _selected(store, what)
    names = sorted({s.profile for s in sessions} | ({what} if isinstance(what, str) else set()))
    profiles = [store.get_profile(n) for n in names]
    return {
        **header(),
        "profiles": [
            {"name": p.name, "created_at": p.created_at, "notes": p.notes} for p in profiles
        ],
        "sessions": [_session_doc(store, s) for s in sessions],
        **({"posture": _posture_doc(store, names)} if isinstance(what, str) else {}),
    }


def _posture_doc(store: Store, names: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {"profile": n, "minutes": [m.to_dict() for m in posture_history.minutes(store, n)]}
        for n in names
    ]


def _csv(store: Store, sessions: list[Session]) -> bytes:
    trials = [(s, t) for s in sessions for t in s.trials]
    columns: dict[str, list[Any]] = {
        "profile": [s.profile for s, _ in trials],
        "session_id": [s.id for s, _ in trials],
        "session_started_at": [s.started_at for s, _ in trials],
        "protocol": [s.protocol or "" for s, _ in trials],
        "trial_id": [t.id for _, t in trials],
        "movement": [t.movement for _, t in trials],
        "side": [t.side for _, t in trials],
        "mode": [t.mode for _, t in trials],
        "guided": [t.guided for _, t in trials],
        **{name: [float(getattr(t, name)) for _, t in trials] for name in _TRIAL_FLOATS},
        "at_least": [t.at_least for _, t in trials],
        "reason": [t.reason for _, t in trials],
        "reps": [t.reps for _, t in trials],
        "n_samples": [t.n_samples for _, t in trials],
    }
    notes = [
        f"sign {m}/{side}: {text}"
        for m, sides in sign_notes().items()
        for side, text in sides.items()
    ]
    head = [
        f"format: {FORMAT}-csv version {FORMAT_VERSION}, rom-tracker {__version__}",
        "one row per trial; units: value_deg and sd_deg in degrees, *_s in seconds",
        "at_least True: value_deg is a lower bound, not a measurement (reason says why)",
        f"conventions: {CONVENTIONS}; nan = not measured; times *_at are ISO-8601 UTC",
        *notes,
    ]
    return csv_bytes(columns, head)


def mot_name(session_id: int, t: StoredTrial) -> str:
    return f"session{session_id}_trial{t.id}_{t.movement}_{t.side}_{t.mode}.mot"


def _mot(store: Store, t: StoredTrial) -> bytes:
    series = store.trial_series(t.id)
    title = f"rom-tracker session {t.session_id} trial {t.id} {t.mode}"
    return mot_text(series.t_s, {f"{t.movement}_{t.side}": series.angle_deg}, title).encode()


def export_mot(store: Store, trial_id: int, path: Path) -> Path:
    """One trial's angle series as an OpenSim ``.mot`` file (degrees), written atomically."""
    atomic_write_bytes(path, _mot(store, store.trial(trial_id)))
    return path


def export_sessions(
    store: Store, what: str | Sequence[int], out_path: Path, fmt: str = "json"
) -> list[Path]:
    """Export a profile's sessions (``what`` a name) or the given session ids.

    ``json`` and ``csv`` write the file ``out_path``; ``mot`` writes one file per trial in
    the folder ``out_path``, all or none. Returns the files written.
    """
    if fmt == "json":
        atomic_write_bytes(out_path, json_bytes(export_document(store, what)))
        return [out_path]
    sessions = _selected(store, what)
    if fmt == "csv":
        atomic_write_bytes(out_path, _csv(store, sessions))
        return [out_path]
    if fmt == "mot":
        if out_path.exists() and not out_path.is_dir():
            raise UsageError(f"{out_path} is a file", "with --format mot, --out names a folder")
        written = []
        with OutputSet() as outputs:
            for s in sessions:
                for t in s.trials:
                    written.append(out_path / mot_name(s.id, t))
                    outputs.add(written[-1], _mot(store, t))
        return written
    raise UsageError(f"unknown export format {fmt!r}", f"use one of: {', '.join(FORMATS)}")


@dataclass(frozen=True)
class ImportResult:
    sessions_added: int
    trials_added: int
    sessions_skipped: int
    profiles_added: int
    posture_minutes_added: int = 0


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _array(values: list[float | None], dtype: type) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=dtype)


def _to_trial(doc: dict[str, Any]) -> tuple[TrialResult, np.ndarray | None]:
    """A validated trial document as a TrialResult, and its landmarks (or None)."""
    from rom_tracker.rom.trial import TrialResult

    series = doc["series"]
    landmarks = None
    if series.get("landmarks") is not None:
        lm = series["landmarks"]
        landmarks = _array(lm["values"], np.float32).reshape(lm["shape"])
    fields: dict[str, Any] = {
        k: doc[k] for k in ("movement", "side", "mode", "guided", "reps", "detail")
    }
    fields.update({k: _number(doc[k]) for k in _TRIAL_FLOATS})
    fields.update(at_least=bool(doc.get("at_least", False)), reason=str(doc.get("reason", "")))
    trial = TrialResult(
        **fields,
        t_s=_array(series["t_s"], np.float64),
        angle_deg=_array(series["angle_deg"], np.float32),
    )
    return trial, landmarks


def read_document(path: Path) -> dict[str, Any]:
    """Parse and fully validate an export file; FileFormatError names the file and field
    (InputError if there is no such file)."""
    fix = "import only files written by `rom-tracker export --format json`"
    text = decode_text(read_file(path, "file to import"), str(path), fix)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})", fix
        ) from None
    problem = check_document(doc, FORMAT, FORMAT_VERSION)
    if problem:
        raise FileFormatError(f"{path}: {problem}", fix)
    return doc


_SESSION_ARGS = (
    "profile",
    "protocol",
    "source",
    "notes",
    "models",
    "calibration",
    "settings",
    "started_at",
    "package_version",
)


def import_sessions(store: Store, path: Path) -> ImportResult:
    """Import a JSON export (validated first; all sessions in one transaction)."""
    return import_document(store, read_document(path))


def import_document(store: Store, doc: dict[str, Any]) -> ImportResult:
    """Import a document checked by :func:`read_document`, in one transaction."""
    known = {p.name for p in store.list_profiles()}
    added = skipped = trials = profiles = 0
    with store.transaction():
        for p in doc["profiles"]:
            if p["name"] not in known:
                store.add_profile(p["name"], p["notes"], created_at=p["created_at"])
                profiles += 1
        existing = {(s.profile, s.started_at) for s in store.sessions()}
        for s in doc["sessions"]:
            if (s["profile"], s["started_at"]) in existing:
                skipped += 1
                continue
            sid = store.start_session(**{k: s[k] for k in _SESSION_ARGS})
            existing.add((s["profile"], s["started_at"]))
            if s["ended_at"] is not None:
                store.end_session(sid, ended_at=s["ended_at"])
            for t in s["trials"]:
                trial, landmarks = _to_trial(t)
                store.add_trial(sid, trial, landmarks, created_at=t["created_at"])
                trials += 1
            added += 1
        minutes = _import_posture(store, doc.get("posture", []))
    return ImportResult(added, trials, skipped, profiles, minutes)


def _import_posture(store: Store, docs: list[dict[str, Any]]) -> int:
    """Posture minutes not already in the store (same profile and minute) are added."""
    added = 0
    for d in docs:
        have = {m.minute_at for m in posture_history.minutes(store, d["profile"])}
        new = [
            posture_history.PostureMinute(**m) for m in d["minutes"] if m["minute_at"] not in have
        ]
        added += posture_history.add_minutes(store, d["profile"], new)
    return added
