"""Protocols as data: TOML files, validated on load with errors naming file, step and field.

Shipped protocols live in ``rom_tracker/protocols/*.toml``; user protocols are
``<user_dir>/<name>.toml`` and take precedence over a shipped one of the same name.

Schema (times in seconds, angles in degrees)::

    name = "neck_micro_pause"      # required; [a-z0-9_]+, equal to the file name
    title = "Neck Micro Pause"     # required
    description = "..."            # optional
    version = 1                    # required, integer >= 1

    [defaults]                     # optional: any numeric step field below, applied to
    hold_s = 3.0                   # the steps it applies to that do not set it

    [[step]]                       # one table per step, in order (numbered from 1)
    kind = "measure"               # "info" | "rest" | "neutral" | "setup" | "measure"
    cue = "Turn slowly to the left only as far as is effortless, then hold."
    movement = "neck_rotation"     # measure: rom_tracker.rom.movements.MOVEMENTS
    side = "left"                  # measure: a side of that movement
    mode = "effortless"            # measure: "effortless" | "active"

Step fields by kind (defaults in brackets):

* every step: ``kind``, ``cue`` (both required); ``say`` (optional): what the voice says
  when the step starts, when it should differ from the text on screen (default: the cue).
  Plain words and punctuation, at most 240 characters, no control characters or markup.
* ``info`` / ``rest``: ``duration_s`` [3]: the cue is shown this long.
* ``neutral``: ``timeout_s`` [30], ``neutral_s`` [2]: how long the angles must stay
  within ``neutral_tolerance_deg`` [10] of 0.
* ``setup``: the side set-up for one side of neck rotation (``rom_tracker.rom.side_setup``):
  ``side`` (required), ``timeout_s`` [30], ``neutral_s`` [2], ``neutral_tolerance_deg``
  [10]: ends once the face is held still (within the tolerance) for ``neutral_s``, turned
  20-60 degrees away from the camera toward the expected side; that hold is the neutral.
* ``measure``: ``movement``, ``side``, ``mode`` (required), ``timeout_s`` [30];
  effortless: ``hold_s`` [3], ``speed_threshold_deg_s`` [5], ``min_hold_deg`` [5];
  active: ``reps`` [1], ``min_amplitude_deg`` [10], ``return_fraction`` [0.5] (the step
  ends once the angle is back below this fraction of the peak). ``setup = "side"``
  (neck_rotation only) measures from the neutral of the last ``setup`` step of that side,
  which must come before it; the default is ``"front"``.

A field that does not apply to its step, an unknown field or a value of the wrong type or
range is an error (``FileFormatError``, exit code 7).
"""

from __future__ import annotations

import logging
import math
import re
import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from rom_tracker.errors import FileFormatError, InputError, UsageError, decode_text, read_file
from rom_tracker.rom.movements import MODES, MOVEMENTS
from rom_tracker.rom.side_setup import SETUPS

log = logging.getLogger(__name__)

KINDS = ("info", "rest", "neutral", "setup", "measure")
_NAME_RE = re.compile(r"[a-z0-9_]+")
_SAVE_AS_UTF8 = "save it as UTF-8 text (in a text editor: Save As, encoding UTF-8)"


@dataclass(frozen=True)
class Step:
    """One validated protocol step; fields that do not apply to its kind keep defaults."""

    kind: str
    cue: str
    movement: str = ""
    side: str = ""
    mode: str = ""
    duration_s: float = 3.0
    timeout_s: float = 30.0
    neutral_s: float = 2.0
    neutral_tolerance_deg: float = 10.0
    hold_s: float = 3.0
    speed_threshold_deg_s: float = 5.0
    min_hold_deg: float = 5.0
    reps: int = 1
    min_amplitude_deg: float = 10.0
    return_fraction: float = 0.5
    setup: str = "front"
    say: str = ""  # spoken instead of the cue when set

    @property
    def spoken(self) -> str:
        """What the voice says when the step starts: ``say`` if given, else the cue."""
        return self.say or self.cue


@dataclass(frozen=True)
class Protocol:
    """A validated protocol; ``source`` is the file it came from."""

    name: str
    title: str
    description: str
    version: int
    steps: tuple[Step, ...]
    source: str

    @property
    def columns(self) -> tuple[str, ...]:
        """Angle columns its measure steps use, in order of first use."""
        cols = [MOVEMENTS[s.movement].side(s.side).column for s in self.steps if s.movement]
        return tuple(dict.fromkeys(cols))


# number fields: (type, lowest, lowest allowed, highest) -> checked in _number
_NUMBERS: dict[str, tuple[type, float, bool, float]] = {
    "duration_s": (float, 0.0, False, math.inf),
    "timeout_s": (float, 0.0, False, math.inf),
    "neutral_s": (float, 0.0, False, math.inf),
    "neutral_tolerance_deg": (float, 0.0, False, math.inf),
    "hold_s": (float, 0.0, False, math.inf),
    "speed_threshold_deg_s": (float, 0.0, False, math.inf),
    "min_hold_deg": (float, 0.0, True, math.inf),
    "reps": (int, 1.0, True, math.inf),
    "min_amplitude_deg": (float, 0.0, False, math.inf),
    "return_fraction": (float, 0.0, True, 1.0),
}
_EFFORTLESS = frozenset({"hold_s", "speed_threshold_deg_s", "min_hold_deg"})
_ACTIVE = frozenset({"reps", "min_amplitude_deg", "return_fraction"})
_APPLIES: dict[str, frozenset[str]] = {
    "info": frozenset({"duration_s"}),
    "rest": frozenset({"duration_s"}),
    "neutral": frozenset({"timeout_s", "neutral_s", "neutral_tolerance_deg"}),
    "setup": frozenset({"side", "timeout_s", "neutral_s", "neutral_tolerance_deg"}),
    "measure": frozenset({"movement", "side", "mode", "timeout_s", "setup"})
    | _EFFORTLESS
    | _ACTIVE,
}
_STEP_FIELDS = frozenset(f.name for f in fields(Step))
_COMMON = frozenset({"kind", "cue", "say"})
SAY_MAX = 240
#: what a spoken text may not hold: control characters and markup a speech engine reads
_UNSPEAKABLE = re.compile(r"[\x00-\x1f\x7f<>{}\[\]\\|]")
_TOP = ("name", "title", "description", "version", "defaults", "step")


class _Checker:
    """Raises FileFormatError prefixed with the file name (and step number)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.where = label

    def fail(self, problem: str, fix: str) -> FileFormatError:
        return FileFormatError(f"{self.where}: {problem}", fix)

    def text(self, table: dict[str, Any], key: str, *, required: bool = True) -> str:
        if key not in table:
            if required:
                raise self.fail(f"missing field '{key}'", f'add {key} = "..."')
            return ""
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(
                f"field '{key}' must be a non-empty text, got {value!r}", f'write {key} = "..."'
            )
        return value.strip()

    def number(self, key: str, value: Any) -> float | int:
        kind, low, low_ok, high = _NUMBERS[key]
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if kind is int and not is_int:
            raise self.fail(
                f"field '{key}' must be a whole number, got {value!r}", f"e.g. {key} = 3"
            )
        if not (is_int or isinstance(value, float)) or not math.isfinite(value):
            raise self.fail(f"field '{key}' must be a number, got {value!r}", f"e.g. {key} = 3.0")
        above = value >= low if low_ok else value > low
        if not above or value > high:
            lo = f">= {low:g}" if low_ok else f"> {low:g}"
            rng = lo if math.isinf(high) else f"{lo} and <= {high:g}"
            raise self.fail(f"field '{key}' is {value!r}", f"use a value {rng}")
        return int(value) if kind is int else float(value)

    def choice(self, key: str, value: str, options: tuple[str, ...] | list[str]) -> str:
        if value not in options:
            raise self.fail(f"unknown {key} '{value}'", f"use one of {', '.join(options)}")
        return value


def _say(chk: _Checker, raw: dict[str, Any]) -> str:
    """The step's spoken text: words a voice can read, short enough to say in a step."""
    say = " ".join(chk.text(raw, "say").split())
    bad = _UNSPEAKABLE.search(say)
    if bad:
        raise chk.fail(
            f"field 'say' holds {bad.group()!r}, which a voice cannot read",
            "write plain words and punctuation",
        )
    if not re.search(r"[^\W\d_]", say):
        raise chk.fail(f"field 'say' has no words to speak ({say!r})", "write the words to say")
    if len(say) > SAY_MAX:
        raise chk.fail(
            f"field 'say' is {len(say)} characters long (at most {SAY_MAX})",
            "say less: the screen shows the full cue",
        )
    return say


def _step(chk: _Checker, raw: Any, defaults: dict[str, Any]) -> Step:
    if not isinstance(raw, dict):
        raise chk.fail("is not a table", "write each step as a [[step]] table")
    kind = chk.choice("kind", chk.text(raw, "kind"), KINDS)
    applies = _APPLIES[kind]
    for key in raw:
        if key in _COMMON:
            continue
        if key not in _STEP_FIELDS:
            known = ", ".join(sorted(applies | _COMMON))
            raise chk.fail(f"unknown field '{key}'", f"fields of a {kind} step: {known}")
        if key not in applies:
            raise chk.fail(
                f"field '{key}' does not apply to a {kind} step",
                f"remove it (it applies to: {', '.join(k for k in KINDS if key in _APPLIES[k])})",
            )
    values: dict[str, Any] = {"kind": kind, "cue": chk.text(raw, "cue")}
    if "say" in raw:
        values["say"] = _say(chk, raw)
    if kind == "setup":
        values["side"] = chk.choice("side", chk.text(raw, "side"), ("left", "right"))
    if kind == "measure" and "setup" in raw:
        values["setup"] = chk.choice("setup", chk.text(raw, "setup"), SETUPS)
    if kind == "measure":
        name = chk.choice("movement", chk.text(raw, "movement"), list(MOVEMENTS))
        values["movement"] = name
        values["side"] = chk.choice("side", chk.text(raw, "side"), MOVEMENTS[name].side_names)
        values["mode"] = mode = chk.choice("mode", chk.text(raw, "mode"), MODES)
        other = _ACTIVE if mode == "effortless" else _EFFORTLESS
        wrong = sorted(other & raw.keys())
        if wrong:
            key = wrong[0]
            raise chk.fail(
                f"field '{key}' does not apply to an {mode} measure step",
                f"remove it (it applies to {'active' if mode == 'effortless' else 'effortless'}"
                " steps)",
            )
        applies = applies - other
    for key in sorted(applies & _NUMBERS.keys()):
        if key in raw:
            values[key] = chk.number(key, raw[key])
        elif key in defaults:
            values[key] = defaults[key]
    step = Step(**values)
    if step.setup == "side" and step.movement != "neck_rotation":
        raise chk.fail(f"setup 'side' measures neck_rotation, not {step.movement}", "remove setup")
    if kind in ("neutral", "setup") and step.timeout_s <= step.neutral_s:
        raise chk.fail(
            f"timeout_s ({step.timeout_s:g}) is not longer than neutral_s ({step.neutral_s:g})",
            "make timeout_s longer",
        )
    if kind == "measure" and step.mode == "effortless" and step.timeout_s <= step.hold_s:
        raise chk.fail(
            f"timeout_s ({step.timeout_s:g}) is not longer than hold_s ({step.hold_s:g})",
            "make timeout_s longer",
        )
    return step


def parse_protocol(text: str, label: str, source: str = "") -> Protocol:
    """Validate the TOML ``text`` of a protocol file; ``label`` names the file in errors and
    its stem must equal the protocol's name; ``source`` (default: label) is recorded."""
    chk = _Checker(label)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise chk.fail(f"not valid TOML ({exc})", "fix the line it names") from None
    for key in data:
        if key not in _TOP:
            raise chk.fail(f"unknown field '{key}'", f"top-level fields: {', '.join(_TOP)}")
    name = chk.text(data, "name")
    if not _NAME_RE.fullmatch(name):
        raise chk.fail(f"name '{name}' is not lower-case letters, digits and _", "rename it")
    stem = Path(label).stem
    if name != stem:
        raise chk.fail(f"name '{name}' differs from the file name", f"rename the file {name}.toml")
    title = chk.text(data, "title")
    description = chk.text(data, "description", required=False)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise chk.fail(f"version must be a whole number >= 1, got {version!r}", "e.g. version = 1")
    raw_defaults = data.get("defaults", {})
    if not isinstance(raw_defaults, dict):
        raise chk.fail("'defaults' is not a table", "write it as a [defaults] table")
    chk.where = f"{label} [defaults]"
    defaults = {}
    for key, value in raw_defaults.items():
        if key not in _NUMBERS:
            raise chk.fail(f"unknown field '{key}'", f"defaults can set {', '.join(_NUMBERS)}")
        defaults[key] = chk.number(key, value)
    raw_steps = data.get("step")
    chk.where = label
    if not isinstance(raw_steps, list) or not raw_steps:
        raise chk.fail("no steps", "add at least one [[step]] table")
    steps = []
    set_up: set[str] = set()
    for i, raw in enumerate(raw_steps, start=1):
        chk.where = f"{label} step {i}"
        step = _step(chk, raw, defaults)
        if step.kind == "setup":
            set_up.add(step.side)
        if step.setup == "side" and step.side not in set_up:
            raise chk.fail(
                f"a side set-up measure of the {step.side} side comes before its setup step",
                f'add a [[step]] kind = "setup", side = "{step.side}" before it',
            )
        steps.append(step)
    return Protocol(name, title, description, version, tuple(steps), source or label)


def _shipped() -> dict[str, Any]:
    folder = resources.files("rom_tracker").joinpath("protocols")
    return {p.name[:-5]: p for p in folder.iterdir() if p.name.endswith(".toml")}


def _user(user_dir: str | Path | None) -> dict[str, Path]:
    if user_dir is None or not Path(user_dir).is_dir():
        return {}
    return {p.stem: p for p in sorted(Path(user_dir).glob("*.toml"))}


def _read(path: Any, label: str) -> str:
    """The text of a protocol file: InputError if it cannot be read, FileFormatError if it
    is not UTF-8 text."""
    return decode_text(read_file(path, "protocol file", label), label, _SAVE_AS_UTF8)


def load_protocol(name_or_path: str | Path, user_dir: str | Path | None = None) -> Protocol:
    """Load and validate a protocol: a path to a ``.toml`` file, or a name looked up in
    ``user_dir`` first, then among the shipped protocols.

    Raises FileFormatError for a malformed file (naming the file, step number and field),
    UsageError for an unknown name, InputError for an unreadable file.
    """
    given = str(name_or_path)
    if isinstance(name_or_path, Path) or given.endswith(".toml") or "/" in given:
        path = Path(name_or_path)
        return parse_protocol(_read(path, str(path)), path.name, str(path))
    found: Any = _user(user_dir).get(given) or _shipped().get(given)
    if found is None:
        names = sorted(_shipped().keys() | _user(user_dir).keys())
        raise UsageError(f"no protocol named {given!r}", f"use one of {', '.join(names)}")
    return parse_protocol(_read(found, found.name), found.name, str(found))


def list_protocols(user_dir: str | Path | None = None) -> list[Protocol]:
    """All valid protocols, shipped and user ones (a user one replaces a shipped one of the
    same name), sorted by name. A malformed file is skipped with a logged warning."""
    files: dict[str, Any] = {**_shipped(), **_user(user_dir)}
    out = []
    for name in sorted(files):
        try:
            f = files[name]
            out.append(parse_protocol(_read(f, f.name), f.name, str(f)))
        except (FileFormatError, InputError) as exc:
            log.warning("skipping protocol %s: %s", name, exc)
    return out
