"""Movements as data: which angle column measures each movement and side, with which sign.

A movement's *value* is always reported as a positive number of degrees in the direction
of the movement (a 70 degree turn to the left and to the right are both 70), so ranges of
both sides can be compared and charted together. ``sign`` maps the signed angle column
(``docs/conventions.md``) to that value.
"""

from __future__ import annotations

from dataclasses import dataclass

MODES = ("effortless", "active")


@dataclass(frozen=True)
class MovementSide:
    movement: str
    side: str
    column: str  # angle column of rom_tracker.kinematics.table.angle_table
    sign: float  # value = sign * column
    cue: str  # what the person does, as a cue


@dataclass(frozen=True)
class Movement:
    name: str
    title: str
    sides: tuple[MovementSide, ...]
    needs: str  # "head" or "hip": which angles must be computed
    #: the angle column of the face's yaw relative to the camera, for a movement read from
    #: the face's turn: its reach decides whether a value is a bound (rom.bounds); or None
    reach: str | None = None

    def side(self, side: str) -> MovementSide:
        for s in self.sides:
            if s.side == side:
                return s
        names = ", ".join(s.side for s in self.sides)
        raise KeyError(f"movement {self.name} has no side {side!r}; sides: {names}")

    @property
    def side_names(self) -> tuple[str, ...]:
        return tuple(s.side for s in self.sides)


def _m(
    name: str, title: str, needs: str, *sides: tuple[str, str, float, str], reach: str | None = None
) -> Movement:
    return Movement(
        name=name,
        title=title,
        needs=needs,
        sides=tuple(MovementSide(name, side, col, sign, cue) for side, col, sign, cue in sides),
        reach=reach,
    )


MOVEMENTS: dict[str, Movement] = {
    m.name: m
    for m in (
        _m(
            "neck_rotation",
            "Neck rotation",
            "head",
            ("left", "neck_rotation_deg", 1.0, "turn your head slowly to the left"),
            ("right", "neck_rotation_deg", -1.0, "turn your head slowly to the right"),
            reach="head_yaw_deg",
        ),
        _m(
            "neck_flexion",
            "Neck flexion / extension",
            "head",
            ("flexion", "head_pitch_deg", 1.0, "lower your chin slowly toward your chest"),
            ("extension", "head_pitch_deg", -1.0, "tilt your head slowly back, eyes up"),
        ),
        _m(
            "neck_lateral_flexion",
            "Neck lateral flexion",
            "head",
            ("left", "head_roll_deg", 1.0, "tilt your left ear slowly toward your left shoulder"),
            (
                "right",
                "head_roll_deg",
                -1.0,
                "tilt your right ear slowly toward your right shoulder",
            ),
        ),
        _m(
            "hip_flexion",
            "Hip flexion",
            "hip",
            ("left", "hip_flexion_left_deg", 1.0, "lift your left knee slowly forward and up"),
            ("right", "hip_flexion_right_deg", 1.0, "lift your right knee slowly forward and up"),
        ),
        _m(
            "hip_extension",
            "Hip extension (iliopsoas length)",
            "hip",
            (
                "left",
                "hip_flexion_left_deg",
                -1.0,
                "step back into a lunge with the left leg behind, hips forward",
            ),
            (
                "right",
                "hip_flexion_right_deg",
                -1.0,
                "step back into a lunge with the right leg behind, hips forward",
            ),
        ),
        _m(
            "hip_abduction",
            "Hip abduction",
            "hip",
            ("left", "hip_abduction_left_deg", 1.0, "move your left leg slowly out to the side"),
            ("right", "hip_abduction_right_deg", 1.0, "move your right leg slowly out to the side"),
        ),
        _m(
            "posture",
            "Sitting posture baseline",
            "head",
            ("none", "head_pitch_deg", 1.0, "sit as you usually work, looking at the screen"),
        ),
    )
}


def movement(name: str) -> Movement:
    try:
        return MOVEMENTS[name]
    except KeyError:
        raise KeyError(f"unknown movement {name!r}; known: {', '.join(MOVEMENTS)}") from None
