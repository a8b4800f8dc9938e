"""The side set-up on synthetic series: neutral found and checked, rotation since it, the
trunk flagged, and the same through a guided protocol."""

from __future__ import annotations

import numpy as np
import pytest

from rom_tracker.rom.protocol import STEP_DONE, ProtocolRunner, parse_protocol
from rom_tracker.rom.side_setup import (
    HEAD_YAW,
    SHOULDER_YAW,
    TRUNK_FLAG_DEG,
    Neutral,
    find_neutral,
    neutral_problem,
    side_rotation,
)

FPS = 30.0


def left_turn(neutral: float = -45.0, turn: float = 90.0) -> tuple[np.ndarray, np.ndarray]:
    """Hold at ``neutral`` for 3 s, turn left by ``turn`` over 3 s, hold 2 s, come back."""
    t = np.arange(0.0, 11.0, 1.0 / FPS)
    ramp = np.clip((t - 3.0) / 3.0, 0.0, 1.0) - np.clip((t - 8.0) / 2.0, 0.0, 1.0)
    return t, neutral + turn * ramp


def test_neutral_is_the_first_still_hold_and_fits_the_band() -> None:
    t, head = left_turn()
    n = find_neutral(t, head)
    assert n is not None
    assert n.head_yaw_deg == pytest.approx(-45.0, abs=0.1)
    assert n.start_s < 0.5 and 2.5 < n.end_s <= 3.1
    assert neutral_problem(n, "left") is None
    problem, fix = neutral_problem(n, "right")  # the camera on the wrong side
    assert "your left of the camera" in problem and "reads 45 deg to your right" in problem
    assert "turn your chair" in fix or "back toward the camera" in fix


def test_a_frontal_neutral_is_refused_with_the_fix() -> None:
    t, head = left_turn(neutral=2.0)
    n = find_neutral(t, head)
    assert n is not None
    problem, fix = neutral_problem(n, "left")
    assert "straight at the camera" in problem
    assert "turn your chair about 45 deg to your right" in fix


@pytest.mark.parametrize("follow", [0.0, 0.3, 1.0])
def test_a_still_body_gives_the_heads_change_however_the_shoulders_follow(follow: float) -> None:
    """The pose model's shoulders follow a head turn on a still body (up to all of it on
    the Pointing'04 dev videos): the rotation is the head's change, within 2 degrees."""
    t, head = left_turn()
    shoulder = 5.0 + follow * (head - head[0])  # the body still; its shoulder line follows
    n = find_neutral(t, head, shoulder)
    assert n is not None
    turn = side_rotation(t, head, shoulder, n)
    np.testing.assert_allclose(turn.rotation, head - n.head_yaw_deg, atol=1e-9)
    assert abs(np.nanmax(turn.rotation) - 90.0) <= 2.0
    note = turn.trunk_note()
    assert note["flagged"] == (follow * 90.0 >= TRUNK_FLAG_DEG)  # reported, never hidden


@pytest.mark.parametrize(("trunk_turn", "flagged"), [(10.0, False), (15.0, True), (40.0, True)])
def test_a_real_trunk_turn_since_the_neutral_is_flagged(trunk_turn: float, flagged: bool) -> None:
    t, head = left_turn()
    ramp = (head - head[0]) / 90.0
    shoulder = -40.0 + trunk_turn * ramp  # the trunk turns with the head
    n = find_neutral(t, head, shoulder)
    assert n is not None
    note = side_rotation(t, head, shoulder, n).trunk_note()
    assert note["flagged"] is flagged
    assert note["trunk_change_deg"] == pytest.approx(trunk_turn, abs=0.1)


PROTOCOL = """
name = "side"
title = "Side"
version = 1
[[step]]
kind = "setup"
side = "left"
cue = "Turn your chair 45 degrees to your right, look ahead and hold still."
[[step]]
kind = "measure"
movement = "neck_rotation"
side = "left"
mode = "active"
setup = "side"
cue = "Turn to your left as far as is comfortable, and back."
"""


def test_a_guided_side_setup_measures_from_its_neutral() -> None:
    runner = ProtocolRunner(parse_protocol(PROTOCOL, "side.toml"))
    t, head = left_turn()
    done = []
    for ti, h in zip(t, head, strict=True):
        # from the front the neck rotation column would read the camera yaw: never used
        angles = {HEAD_YAW: h, SHOULDER_YAW: 5.0, "neck_rotation_deg": h}
        done += [e for e in runner.update(ti, angles) if e.kind == STEP_DONE]
    assert runner.neutrals["left"].head_yaw_deg == pytest.approx(-45.0, abs=0.5)
    (result,) = [e.result for e in done if e.result is not None]
    assert result.value_deg == pytest.approx(90.0, abs=2.0)
    assert (result.at_least, result.detail["setup"]) == (False, "side")
    assert result.detail["trunk"]["flagged"] is False


def test_a_side_measure_before_its_setup_is_refused_on_load() -> None:
    text = PROTOCOL.replace('kind = "setup"\nside = "left"', 'kind = "setup"\nside = "right"')
    from rom_tracker.errors import FileFormatError

    with pytest.raises(FileFormatError, match="comes before its setup step"):
        parse_protocol(text, "side.toml")


@pytest.mark.parametrize(
    ("yaw", "fits"),
    [(-20.0, True), (-60.0, True), (-19.5, False), (-60.5, False), (20.0, False)],
)
def test_the_neutral_band_is_20_to_60_degrees_inclusive(yaw: float, fits: bool) -> None:
    """Measuring the left side, the face must appear turned 20 to 60 deg to the right."""
    neutral = Neutral(0.0, 2.0, yaw, 0.0)
    assert (neutral_problem(neutral, "left") is None) == fits
    assert (neutral_problem(Neutral(0.0, 2.0, -yaw, 0.0), "right") is None) == fits


def test_a_set_up_that_sways_is_not_done() -> None:
    """Turned 45 deg away but swaying +-8 deg (a spread of 16, over the 10 allowed): the
    set-up step waits however long the sway goes on."""
    runner = ProtocolRunner(parse_protocol(PROTOCOL, "side.toml"))
    t = np.arange(0.0, 6.0, 1.0 / FPS)
    head = -45.0 + 8.0 * np.sin(2 * np.pi * t / 1.5)
    done = []
    for ti, h in zip(t, head, strict=True):
        angles = {HEAD_YAW: h, SHOULDER_YAW: 5.0, "neck_rotation_deg": h}
        done += [e for e in runner.update(ti, angles) if e.kind == STEP_DONE]
    assert done == []


@pytest.mark.parametrize(
    ("low", "done_at"), [(-45.0, 2.0), (-50.0, 2.0), (-50.5, None)], ids=["still", "10", "10.5"]
)
def test_a_set_up_is_done_at_neutral_s_within_a_spread_of_10(
    low: float, done_at: float | None
) -> None:
    """At 10 Hz from t = 0, alternating between ``low`` and -40: a spread of up to 10 deg
    (inclusive) is still, and the step is done at exactly neutral_s (2.0 s)."""
    runner = ProtocolRunner(parse_protocol(PROTOCOL, "side.toml"))
    done = []
    for k in range(40):
        h = low if k % 2 else -40.0
        angles = {HEAD_YAW: h, SHOULDER_YAW: 5.0, "neck_rotation_deg": h}
        done += [e.t_s for e in runner.update(k / 10, angles) if e.kind == STEP_DONE]
    assert done[:1] == ([] if done_at is None else [done_at])
