"""Protocol files: the shipped ones load; malformed ones fail with messages naming the fix."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from rom_tracker.errors import FileFormatError, UsageError
from rom_tracker.rom.movements import MOVEMENTS
from rom_tracker.rom.protocol import list_protocols, load_protocol

VALID = """\
name = "neck"
title = "Neck"
version = 1

[defaults]
hold_s = 3.0

[[step]]
kind = "info"
cue = "Sit comfortably."
duration_s = 2.0

[[step]]
kind = "neutral"
cue = "Look at the screen."

[[step]]
kind = "measure"
movement = "neck_rotation"
side = "left"
mode = "effortless"
cue = "Turn slowly to the left until you feel the first stretch, then hold."

[[step]]
kind = "measure"
movement = "neck_rotation"
side = "left"
mode = "active"
cue = "Now as far as is comfortable."
"""


def _write(tmp_path: Path, text: str, name: str = "neck.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["neck_micro_pause", "lower_back_micro_pause"])
def test_shipped_protocols_load(name: str) -> None:
    p = load_protocol(name)
    assert p.name == name and p.version >= 1 and p.title and p.description
    measured = [(s.movement, s.side, s.mode) for s in p.steps if s.kind == "measure"]
    # every side measured effortless, then active
    for i in range(0, len(measured), 2):
        assert measured[i][2] == "effortless" and measured[i + 1][2] == "active"
        assert measured[i][:2] == measured[i + 1][:2]
    assert p.steps[-1].kind == "info"


def test_neck_micro_pause_content() -> None:
    p = load_protocol("neck_micro_pause")
    sides = {(s.movement, s.side) for s in p.steps if s.kind == "measure"}
    assert sides == {
        (m, s) for m in ("neck_rotation", "neck_lateral_flexion") for s in ("left", "right")
    } | {("neck_flexion", "flexion"), ("neck_flexion", "extension")}
    cues = " ".join(s.cue.lower() for s in p.steps)
    assert (
        "turn slowly to the left only as far as is effortless (no stretch, pull or tension)" in cues
    )
    assert "feel the first stretch" not in cues  # effortless ends before any stretch
    assert "as far as is comfortable" in cues and "come back to centre" in cues
    assert p.columns == ("neck_rotation_deg", "head_pitch_deg", "head_roll_deg")


def test_lower_back_micro_pause_content() -> None:
    p = load_protocol("lower_back_micro_pause")
    sides = {(s.movement, s.side) for s in p.steps if s.kind == "measure"}
    assert sides == {(m, s) for m in ("hip_extension", "hip_flexion") for s in ("left", "right")}
    assert "iliopsoas" in p.description.lower()
    assert any("lunge" in s.cue.lower() for s in p.steps)


def test_list_protocols_with_user_override_and_broken_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shipped = {p.name for p in list_protocols()}
    assert {"neck_micro_pause", "lower_back_micro_pause"} <= shipped
    _write(tmp_path, VALID)
    _write(
        tmp_path,
        VALID.replace('title = "Neck"', 'title = "Mine"').replace(
            'name = "neck"', 'name = "neck_micro_pause"'
        ),
        "neck_micro_pause.toml",
    )
    _write(tmp_path, "name = ", "broken.toml")
    with caplog.at_level(logging.WARNING):
        found = {p.name: p for p in list_protocols(tmp_path)}
    assert found["neck"].source == str(tmp_path / "neck.toml")
    assert found["neck_micro_pause"].title == "Mine"  # the user's replaces the shipped one
    assert "broken" not in found
    assert "broken.toml: not valid TOML" in caplog.text
    assert load_protocol("neck", user_dir=tmp_path).title == "Neck"


def test_load_by_path_and_unknown_name(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID)
    p = load_protocol(path)
    assert [s.kind for s in p.steps] == ["info", "neutral", "measure", "measure"]
    assert p.steps[2].hold_s == 3.0 and p.steps[1].neutral_s == 2.0
    assert load_protocol(str(path)).steps == p.steps
    with pytest.raises(UsageError, match=r"no protocol named 'neckk' - use one of .*neck_micro"):
        load_protocol("neckk")


def _step3(old: str, new: str) -> str:
    """VALID with ``old`` replaced by ``new`` in step 3 (the effortless measure step)."""
    parts = VALID.split("[[step]]")
    assert old in parts[3]
    parts[3] = parts[3].replace(old, new, 1)
    return "[[step]]".join(parts)


KNOWN_MOVEMENTS = ", ".join(MOVEMENTS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _step3('movement = "neck_rotation"', 'movement = "nek_rotation"'),
            f"neck.toml step 3: unknown movement 'nek_rotation' - use one of {KNOWN_MOVEMENTS}",
        ),
        (
            _step3('side = "left"', 'side = "up"'),
            "neck.toml step 3: unknown side 'up' - use one of left, right",
        ),
        (
            _step3('mode = "eff', 'mode = "passive"\n#'),
            "neck.toml step 3: unknown mode 'passive' - use one of effortless, active",
        ),
        (
            VALID.replace('kind = "info"', 'kind = "pause"'),
            "neck.toml step 1: unknown kind 'pause' - use one of info, rest, neutral, setup, measure",
        ),
        (
            VALID.replace('cue = "Sit comfortably."', ""),
            "neck.toml step 1: missing field 'cue' - add cue = \"...\"",
        ),
        (
            VALID.replace('cue = "Sit comfortably."', 'cue = ""'),
            "neck.toml step 1: field 'cue' must be a non-empty text, got ''",
        ),
        (
            _step3('mode = "effortless"\n', 'mode = "effortless"\nhold_s = "three"\n'),
            "neck.toml step 3: field 'hold_s' must be a number, got 'three' - e.g. hold_s = 3.0",
        ),
        (
            _step3('mode = "effortless"\n', 'mode = "effortless"\nhold_s = -1\n'),
            "neck.toml step 3: field 'hold_s' is -1 - use a value > 0",
        ),
        (
            _step3('mode = "effortless"\n', 'mode = "effortless"\nreps = 2\n'),
            "neck.toml step 3: field 'reps' does not apply to an effortless measure step - "
            "remove it (it applies to active steps)",
        ),
        (
            _step3('mode = "effortless"\n', 'mode = "effortless"\nduration_s = 2\n'),
            "neck.toml step 3: field 'duration_s' does not apply to a measure step - "
            "remove it (it applies to: info, rest)",
        ),
        (
            _step3('mode = "effortless"\n', 'mode = "effortless"\nhodl_s = 2\n'),
            "neck.toml step 3: unknown field 'hodl_s' - fields of a measure step: cue, hold_s,",
        ),
        (
            _step3('mode = "effortless"\n', 'mode = "effortless"\ntimeout_s = 2.5\n'),
            "neck.toml step 3: timeout_s (2.5) is not longer than hold_s (3) - make timeout_s",
        ),
        (
            VALID + "reps = 1.5\n",
            "neck.toml step 4: field 'reps' must be a whole number, got 1.5 - e.g. reps = 3",
        ),
        (
            VALID + "return_fraction = 1.5\n",
            "neck.toml step 4: field 'return_fraction' is 1.5 - use a value >= 0 and <= 1",
        ),
        (
            VALID + "reps = true\n",
            "neck.toml step 4: field 'reps' must be a whole number, got True",
        ),
        (
            VALID.replace(
                'kind = "measure"\nmovement = "neck_rotation"\nside = "left"\nmode = "a',
                'kind = "measure"\nside = "left"\nmode = "a',
            ),
            "neck.toml step 4: missing field 'movement'",
        ),
        (
            VALID.replace("hold_s = 3.0", "hold = 3.0"),
            "neck.toml [defaults]: unknown field 'hold' - defaults can set duration_s,",
        ),
        (
            VALID.replace("hold_s = 3.0", "hold_s = 0"),
            "neck.toml [defaults]: field 'hold_s' is 0 - use a value > 0",
        ),
        (VALID.replace('name = "neck"', 'name = "neck'), "neck.toml: not valid TOML ("),
        (VALID.replace('name = "neck"\n', ""), "neck.toml: missing field 'name'"),
        (
            VALID.replace('name = "neck"', 'name = "shoulder"'),
            "neck.toml: name 'shoulder' differs from the file name - rename the file shoulder.toml",
        ),
        (
            VALID.replace('name = "neck"', 'name = "Neck!"'),
            "neck.toml: name 'Neck!' is not lower-case letters, digits and _",
        ),
        (
            VALID.replace("version = 1", "version = 0"),
            "neck.toml: version must be a whole number >= 1, got 0",
        ),
        (VALID.replace("version = 1", 'version = "1"'), "neck.toml: version must be a whole"),
        (
            VALID.split("[[step]]", maxsplit=1)[0],
            "neck.toml: no steps - add at least one [[step]] table",
        ),
        (
            VALID.replace("[defaults]", "step = 3\n[defaults]").split("[[step]]", maxsplit=1)[0],
            "no steps",
        ),
        (VALID.replace("version = 1", "version = 1\nauthor = 'me'"), "unknown field 'author'"),
        (VALID.replace("[defaults]\nhold_s = 3.0", "defaults = 3"), "'defaults' is not a table"),
        # the spoken text (say): words a voice can read
        (_step3("cue =", 'say = ""\ncue ='), "neck.toml step 3: field 'say' must be a non-empty"),
        (_step3("cue =", "say = 3\ncue ="), "neck.toml step 3: field 'say' must be a non-empty"),
        (
            _step3("cue =", 'say = "Turn <prosody>left</prosody>"\ncue ='),
            "neck.toml step 3: field 'say' holds '<', which a voice cannot read - write plain",
        ),
        (
            _step3("cue =", 'say = "Turn\\u0007 left"\ncue ='),
            "neck.toml step 3: field 'say' holds '\\x07', which a voice cannot read",
        ),
        (_step3("cue =", 'say = "3, 2, 1 ..."\ncue ='), "field 'say' has no words to speak"),
        (
            _step3("cue =", f'say = "{"turn " * 60}"\ncue ='),
            "neck.toml step 3: field 'say' is 299 characters long (at most 240) - say less",
        ),
    ],
)
def test_malformed_protocols(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(FileFormatError) as info:
        load_protocol(path)
    assert message in str(info.value)
    assert info.value.exit_code == 7


def test_the_valid_base_text_loads(tmp_path: Path) -> None:
    assert load_protocol(_write(tmp_path, VALID)).name == "neck"


def test_say_is_spoken_instead_of_the_cue_and_defaults_to_it(tmp_path: Path) -> None:
    text = _step3("cue =", 'say = "  Turn   left,  and hold. "\ncue =')
    steps = load_protocol(_write(tmp_path, text)).steps
    assert steps[2].say == "Turn left, and hold." and steps[2].spoken == "Turn left, and hold."
    assert steps[2].cue.startswith("Turn slowly to the left")  # the screen keeps its text
    assert steps[1].say == "" and steps[1].spoken == "Look at the screen."


def test_utf8_with_a_byte_order_mark_loads_and_other_encodings_are_malformed(
    tmp_path: Path,
) -> None:
    text = VALID.replace("Turn slowly", "Drehen Sie den Kopf langsam (\u00fcben)", 1)
    assert text != VALID
    path = tmp_path / "neck.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())  # as Windows editors save UTF-8
    assert "\u00fcben" in "".join(s.cue for s in load_protocol(path).steps)
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(FileFormatError, match=r"neck.toml is not UTF-8 text \(line \d+: byte 0xfc"):
        load_protocol(path)


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("reps", "1", True),  # the lowest allowed, inclusive
        ("reps", "0", False),
        ("return_fraction", "0.0", True),  # both ends inclusive
        ("return_fraction", "1.0", True),
        ("return_fraction", "1.01", False),
        ("min_amplitude_deg", "0.01", True),  # above 0, exclusive
        ("min_amplitude_deg", "0.0", False),
    ],
)
def test_number_limits_of_the_active_step(tmp_path: Path, field: str, value: str, ok: bool) -> None:
    """The edges of each field's allowed range, on the active measure step."""
    path = _write(tmp_path, VALID + f"{field} = {value}\n")
    if ok:
        step = load_protocol(path).steps[-1]
        assert getattr(step, field) == float(value)
    else:
        with pytest.raises(FileFormatError, match=f"field '{field}' is {value}"):
            load_protocol(path)
