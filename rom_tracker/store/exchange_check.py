"""Validation of an import document: every field checked before anything is written.

:func:`check_document` returns the first problem as ``"<where>: <what>"`` (for example
``sessions[1].trials[0].reps: expected a whole number >= 0, got -1``), or None.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from rom_tracker.store.records import trial_fields_problem


class _Bad(Exception):
    pass


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _number_or_null(v: Any) -> bool:
    return v is None or _is_number(v)


def _iso_utc(v: Any) -> bool:
    if not isinstance(v, str):
        return False
    try:
        return datetime.fromisoformat(v).tzinfo is not None
    except ValueError:
        return False


Check = tuple[Callable[[Any], bool], str]
STR: Check = (lambda v: isinstance(v, str), "a string")
NAME: Check = (lambda v: isinstance(v, str) and bool(v.strip()), "a non-empty string")
STR_OR_NULL: Check = (lambda v: v is None or isinstance(v, str), "a string or null")
TIME: Check = (_iso_utc, "an ISO-8601 time with a time zone")
TIME_OR_NULL: Check = (lambda v: v is None or _iso_utc(v), "an ISO-8601 time or null")
NUMBER_OR_NULL: Check = (_number_or_null, "a number or null")
BOOL: Check = (lambda v: isinstance(v, bool), "true or false")
COUNT: Check = (
    lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "a whole number >= 0",
)
OBJECT: Check = (lambda v: isinstance(v, dict), "an object")
ANY: Check = (lambda v: True, "any JSON value")
LIST: Check = (lambda v: isinstance(v, list), "a list")

PROFILE_FIELDS = {"name": NAME, "created_at": TIME, "notes": STR}
SESSION_FIELDS = {
    "profile": NAME,
    "started_at": TIME,
    "ended_at": TIME_OR_NULL,
    "protocol": STR_OR_NULL,
    "source": STR,
    "notes": STR,
    "calibration": ANY,
    "models": OBJECT,
    "package_version": STR,
    "settings": OBJECT,
    "trials": LIST,
}
TRIAL_FIELDS = {
    "movement": STR,
    "side": STR,
    "mode": STR,
    "guided": BOOL,
    "value_deg": NUMBER_OR_NULL,
    "sd_deg": NUMBER_OR_NULL,
    "duration_s": NUMBER_OR_NULL,
    "reps": COUNT,
    "started_s": NUMBER_OR_NULL,
    "ended_s": NUMBER_OR_NULL,
    "detail": OBJECT,
    "created_at": TIME,
    "series": OBJECT,
}
#: fields a trial may have (absent from files written before they existed)
OPTIONAL_TRIAL_FIELDS = {"at_least": BOOL, "reason": STR}


def _short(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _fields(obj: Any, where: str, spec: dict[str, Check]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise _Bad(f"{where}: expected an object, got {_short(obj)}")
    for key, (ok, expected) in spec.items():
        if key not in obj:
            raise _Bad(f"{where}.{key}: missing")
        if not ok(obj[key]):
            raise _Bad(f"{where}.{key}: expected {expected}, got {_short(obj[key])}")
    return obj


def _numbers(values: Any, where: str) -> int:
    if not isinstance(values, list):
        raise _Bad(f"{where}: expected a list of numbers, got {_short(values)}")
    for i, v in enumerate(values):
        if not _number_or_null(v) or (v is not None and not math.isfinite(v)):
            raise _Bad(f"{where}[{i}]: expected a finite number or null, got {_short(v)}")
    return len(values)


def _series(series: dict[str, Any], where: str) -> None:
    n = _numbers(series.get("t_s"), f"{where}.t_s")
    m = _numbers(series.get("angle_deg"), f"{where}.angle_deg")
    if m != n:
        raise _Bad(f"{where}.angle_deg: {m} values but t_s has {n}")
    lm = series.get("landmarks")
    if lm is None:
        return
    lm = _fields(lm, f"{where}.landmarks", {"shape": LIST, "values": LIST})
    shape = lm["shape"]
    if not shape or not all(COUNT[0](d) for d in shape) or shape[0] != n:
        raise _Bad(
            f"{where}.landmarks.shape: expected [{n}, ...] of whole numbers, got {_short(shape)}"
        )
    count = _numbers(lm["values"], f"{where}.landmarks.values")
    if count != math.prod(shape):
        raise _Bad(f"{where}.landmarks.values: {count} values for shape {shape}")


MINUTE_AT: Check = (
    lambda v: (
        isinstance(v, str)
        and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z", v) is not None
        and _iso_utc(v)
    ),
    "a minute as YYYY-MM-DDTHH:MM:00Z",
)
MINUTE_FIELDS = {
    "minute_at": MINUTE_AT,
    **{
        k: NUMBER_OR_NULL
        for k in ("monitored_s", "sitting_s", "good_s", "head_down_s", "head_forward_s")
    },
    "breaks": COUNT,
    "micro_pauses": COUNT,
}


def _posture(docs: Any, names: set[str]) -> None:
    if not isinstance(docs, list):
        raise _Bad(f"posture: expected a list, got {_short(docs)}")
    for i, d in enumerate(docs):
        where = f"posture[{i}]"
        _fields(d, where, {"profile": NAME, "minutes": LIST})
        if d["profile"] not in names:
            raise _Bad(f"{where}.profile: {d['profile']!r} is not in the file's profiles")
        for j, m in enumerate(d["minutes"]):
            mw = f"{where}.minutes[{j}]"
            _fields(m, mw, MINUTE_FIELDS)
            for k in ("monitored_s", "sitting_s", "good_s", "head_down_s", "head_forward_s"):
                v = m[k]
                if v is None or not (0 <= v <= 60):
                    raise _Bad(f"{mw}.{k}: expected seconds in [0, 60], got {_short(v)}")
            if set(m) - set(MINUTE_FIELDS):
                raise _Bad(f"{mw}: unknown fields {sorted(set(m) - set(MINUTE_FIELDS))}")


def _check(doc: Any, fmt: str, version: int) -> None:
    if not isinstance(doc, dict):
        raise _Bad("top level: expected an object")
    if doc.get("format") != fmt:
        raise _Bad(
            f"format: expected {fmt!r}, got {_short(doc.get('format'))} (not a rom-tracker export)"
        )
    if doc.get("version") != version:
        raise _Bad(
            f"version: this rom-tracker reads version {version}, got {_short(doc.get('version'))}"
        )
    if doc.get("units") != "degrees":
        raise _Bad(f"units: expected 'degrees', got {_short(doc.get('units'))}")
    _fields(doc, "top level", {"profiles": LIST, "sessions": LIST})
    names = set()
    for i, p in enumerate(doc["profiles"]):
        names.add(_fields(p, f"profiles[{i}]", PROFILE_FIELDS)["name"])
    for i, s in enumerate(doc["sessions"]):
        where = f"sessions[{i}]"
        _fields(s, where, SESSION_FIELDS)
        if s["profile"] not in names:
            raise _Bad(f"{where}.profile: {s['profile']!r} is not in the file's profiles")
        for j, t in enumerate(s["trials"]):
            tw = f"{where}.trials[{j}]"
            _fields(t, tw, TRIAL_FIELDS)
            _fields(t, tw, {k: v for k, v in OPTIONAL_TRIAL_FIELDS.items() if k in t})
            if t.get("at_least", False) != bool(t.get("reason", "")):
                raise _Bad(
                    f"{tw}.reason: a bound (at_least true) needs its reason and a measured "
                    f"value has none, got at_least {t.get('at_least')} with reason "
                    f"{_short(t.get('reason', ''))}"
                )
            problem = trial_fields_problem(t["movement"], t["side"], t["mode"])
            if problem:
                raise _Bad(f"{tw}: {problem}")
            _series(t["series"], f"{tw}.series")
    if "posture" in doc:
        _posture(doc["posture"], names)


def check_document(doc: Any, fmt: str, version: int) -> str | None:
    try:
        _check(doc, fmt, version)
    except _Bad as bad:
        return str(bad)
    return None
