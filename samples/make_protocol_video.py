"""Render the astronaut performing a guided protocol, with ground truth and step schedule.

A protocol TOML (default: the shipped neck_micro_pause) becomes a script of keyframes,
(yaw, pitch, roll, duration): each keyframe is reached from the previous one by a cosine
ease over its duration (a keyframe equal to the previous one is a hold). The script does
what each step asks, in order, so rom-tracker's ProtocolRunner can follow it:

* info / rest: sit at centre for the step's duration;
* neutral: come back to centre (if away) and stay still for neutral_s + --settle seconds;
* measure, effortless: move slowly (--slow deg/s on average) to the effortless angle and
  hold there hold_s + 1 s (the step ends on a hold of hold_s);
* measure, active: move (--fast deg/s) to the active angle, pause --pause s, come back to
  centre (the step ends once the angle is back below return_fraction of the peak).

Each measure step's angle comes from the range of its movement, EFFORTLESS:ACTIVE degrees
from centre (--rotation, --flexion, --extension, --lateral). Angles follow the project's
conventions (docs/conventions.md): yaw > 0 turns to the subject's own left, pitch > 0 is
flexion (chin down), roll > 0 tilts toward the subject's own left shoulder; they are
relative to the head's pose in the photo, like make_head_turn.py.

The subject's centre (her neutral, from which the ranges count) is (yaw, pitch, roll) =
(--centre-yaw, --centre-pitch, 0) degrees from the photo's pose. At the photo's own
pose the landmarkers read, on this render, about 6 deg of pitch and 6 deg of neck rotation
(face yaw +3.5, shoulder line -2.7, the latter jittering by +-2 deg, up to 7, on a still
frame): close to the 10 deg a neutral step accepts, which the jitter then often breaks. So
by default she sits turned 4 deg to her right with her chin 14 deg higher than in the
photo, which reads near 0: a choice of posture, not a correction of any measurement.

Writes VIDEO, VIDEO.csv (frame,t_s,yaw_deg,pitch_deg,roll_deg; row i = frame i) and
VIDEO.steps.json (the script's expected step schedule and targets). Renders are BIASED for
absolute angles (see samples/README.md): never fit a gain or a correction to them.

    .venv/bin/python samples/make_protocol_video.py --out /tmp/neck.mp4
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from make_head_turn import ROOT, build_scene, write_outputs

sys.path.insert(0, str(ROOT))  # rom_tracker from this checkout, installed or not

from rom_tracker.rom.movements import MOVEMENTS, movement
from rom_tracker.rom.protocol import Protocol, Step, load_protocol

AXES = ("yaw", "pitch", "roll")
Pose = tuple[float, float, float]  # (yaw, pitch, roll) degrees
#: angle column of a movement -> the head angle the renderer turns for it
AXIS_OF_COLUMN = {"neck_rotation_deg": "yaw", "head_pitch_deg": "pitch", "head_roll_deg": "roll"}
#: range option of each (movement, side)
RANGE_OF = {
    ("neck_rotation", "left"): "rotation",
    ("neck_rotation", "right"): "rotation",
    ("neck_flexion", "flexion"): "flexion",
    ("neck_flexion", "extension"): "extension",
    ("neck_lateral_flexion", "left"): "lateral",
    ("neck_lateral_flexion", "right"): "lateral",
}
#: largest angle from the photo's pose the head model renders well, per axis (degrees)
LIMITS = {"yaw": 75.0, "pitch": 45.0, "roll": 45.0}
#: defaults (effortless, active), degrees from centre; kept where the face landmarker
#: follows this render on both sides (it loses the face beyond about 45 deg to the right)
DEFAULT_RANGES = {
    "rotation": (30.0, 40.0),
    "flexion": (20.0, 30.0),
    "extension": (15.0, 25.0),
    "lateral": (15.0, 25.0),
}
HEADER = (
    "# Ground truth for {video} ({width}x{height}, {fps:g} fps, {n} frames): synthetic render"
    " of skimage.data.astronaut() (Eileen Collins, NASA, public domain) made by"
    " samples/make_protocol_video.py --protocol {protocol} {ranges}. Angles in degrees"
    " relative to the head pose in the photo, in the project's conventions"
    " (docs/conventions.md): yaw>0: subject turns to their own LEFT (face points to image"
    " right); pitch>0: FLEXION, chin down (<0: extension); roll>0: head tilts toward own left"
    " shoulder. The subject's centre (where the ranges count from) is yaw {yaw:g}, pitch"
    " {pitch:g}, roll 0. Steps: {steps}. Renders are BIASED"
    " for absolute angles: never fit a gain or correction to them (samples/README.md)."
)


@dataclass(frozen=True)
class Keyframe:
    """Reach (yaw, pitch, roll) degrees, eased from the previous keyframe over duration_s."""

    yaw: float
    pitch: float
    roll: float
    duration_s: float

    @property
    def pose(self) -> tuple[float, float, float]:
        return (self.yaw, self.pitch, self.roll)


@dataclass(frozen=True)
class Planned:
    """A step as the script performs it: when it should start and end (runner's view, s),
    and for a measure step the angle column, the target (degrees from centre in the
    movement's direction) and the pose rendered at the target."""

    step: int  # 1-based, as the CLI prints it
    kind: str
    movement: str
    side: str
    mode: str
    expected_start_s: float
    expected_end_s: float
    column: str = ""
    target_deg: float = math.nan
    pose: tuple[float, float, float] | None = None
    latest_end_s: float | None = None  # --patient: when its timeout ends it


def parse_range(text: str) -> tuple[float, float]:
    try:
        effortless, active = (float(v) for v in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected EFFORTLESS:ACTIVE degrees, got {text!r}"
        ) from None
    if not 5.0 < effortless < active:
        raise argparse.ArgumentTypeError(f"need 5 < effortless < active, got {text!r}")
    return effortless, active


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--protocol", default="neck_micro_pause", help="name or path to a .toml")
    p.add_argument("--out", type=Path, default=Path("protocol.mp4"))
    for name, (e, a) in DEFAULT_RANGES.items():
        p.add_argument(
            f"--{name}",
            type=parse_range,
            default=(e, a),
            metavar="E:A",
            help=f"effortless:active degrees from centre (default {e:g}:{a:g})",
        )
    p.add_argument("--centre-yaw", type=float, default=-4.0, help="degrees, see above")
    p.add_argument("--centre-pitch", type=float, default=-14.0, help="degrees, see above")
    p.add_argument("--top", type=float, default=0.75, help="top share of the photo shown")
    p.add_argument("--slow", type=float, default=15.0, help="effortless speed, deg/s")
    p.add_argument("--fast", type=float, default=30.0, help="active and return speed, deg/s")
    p.add_argument("--pause", type=float, default=0.5, help="seconds at the active angle")
    p.add_argument("--settle", type=float, default=0.6, help="seconds still beyond neutral_s")
    p.add_argument(
        "--patient",
        default="",
        metavar="M[,M...]",
        help="movements whose effortless pose is held until the step's timeout (see plan)",
    )
    p.add_argument("--fps", type=float, default=15.0)
    p.add_argument("--size", default="320x240", help="WIDTHxHEIGHT, at most 640x480")
    p.add_argument("--face-model", type=Path, default=None)
    args = p.parse_args(argv)
    try:
        args.width, args.height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        p.error(f"--size: expected WIDTHxHEIGHT, got {args.size!r}")
    if not (32 <= args.width <= 640 and 32 <= args.height <= 480):
        p.error(f"--size must be at most 640x480, got {args.size}")
    args.patient = frozenset(m for m in args.patient.split(",") if m)
    if args.patient - set(MOVEMENTS):
        p.error(f"--patient: unknown movement in {sorted(args.patient)}; known: {list(MOVEMENTS)}")
    if not 0.5 <= args.top <= 1.0:
        p.error(f"--top must be in [0.5, 1], got {args.top}")
    if min(args.slow, args.fast, args.fps) <= 0 or min(args.pause, args.settle) < 0:
        p.error("--slow, --fast and --fps must be > 0; --pause and --settle >= 0")
    return args


def eased_move(start: Pose, end: Pose, speed: float) -> tuple[Keyframe, float]:
    """The keyframe moving start -> end at ``speed`` deg/s on average (at least 0.5 s)."""
    span = max(abs(b - a) for a, b in zip(start, end, strict=True))
    duration = max(span / speed, 0.5)
    return Keyframe(end[0], end[1], end[2], duration), duration


def plan(
    protocol: Protocol,
    ranges: dict[str, tuple[float, float]],
    *,
    centre: tuple[float, float, float] = (-4.0, -14.0, 0.0),
    slow: float = 15.0,
    fast: float = 30.0,
    pause: float = 0.5,
    settle: float = 0.6,
    patient: frozenset[str] = frozenset(),
) -> tuple[list[Keyframe], list[Planned]]:
    """The keyframes performing ``protocol`` and the expected schedule of its steps.

    An effortless step of a movement in ``patient`` is held until its timeout has surely
    ended it (``latest_end_s``), whether or not the runner saw the hold, so a missed hold
    costs that one value instead of putting every later step out of step."""
    keys = [Keyframe(*centre, 0.0)]
    t = 0.0  # where the script is
    start = 0.0  # when the runner is expected to start the current step
    steps: list[Planned] = []

    def go(pose: Pose, speed: float) -> None:
        nonlocal t
        if pose != keys[-1].pose:
            key, dt = eased_move(keys[-1].pose, pose, speed)
            keys.append(key)
            t += dt

    def stay(until: float) -> None:
        nonlocal t
        if until > t:
            keys.append(Keyframe(*keys[-1].pose, until - t))
            t = until

    for i, step in enumerate(protocol.steps, start=1):
        stay(start)  # never act before the runner shows the step
        extra: dict[str, Any] = {}
        if step.kind in ("info", "rest"):
            go(centre, fast)
            end = start + step.duration_s
            stay(end)
        elif step.kind == "neutral":
            go(centre, fast)
            end = t + step.neutral_s
            stay(end + settle)
        else:
            pose, extra = _target(step, ranges, centre)
            if step.mode == "effortless":
                go(pose, slow)
                end = t + step.hold_s
                if step.movement in patient:  # hold until the step surely ended
                    extra["latest_end_s"] = max(end, start + step.timeout_s)
                stay(max(end + 1.0, extra.get("latest_end_s", -math.inf) + 0.3))
            else:
                go(pose, fast)
                stay(t + pause)
                key, dt = eased_move(pose, centre, fast)
                keys.append(key)
                # cosine ease: below return_fraction of the peak after this share of dt
                share = math.acos(2 * step.return_fraction - 1) / math.pi
                end = t + share * dt
                t += dt
        steps.append(
            Planned(i, step.kind, step.movement, step.side, step.mode, start, end, **extra)
        )
        start = extra.get("latest_end_s", end)
    stay(t + 1.0)
    return keys, steps


def _target(
    step: Step, ranges: dict[str, tuple[float, float]], centre: tuple[float, float, float]
) -> tuple[tuple[float, float, float], dict[str, Any]]:
    key = (step.movement, step.side)
    if key not in RANGE_OF:
        sys.exit(f"step {step}: only neck movements can be rendered, not {step.movement}")
    ms = movement(step.movement).side(step.side)
    axis = AXES.index(AXIS_OF_COLUMN[ms.column])
    effortless, active = ranges[RANGE_OF[key]]
    target = effortless if step.mode == "effortless" else active
    pose = list(centre)
    pose[axis] += ms.sign * target
    if abs(pose[axis]) > LIMITS[AXES[axis]]:
        sys.exit(
            f"{step.movement} {step.side} {step.mode}: {AXES[axis]} {pose[axis]:g} deg is beyond"
            f" the renderer's {LIMITS[AXES[axis]]:g} deg; use a smaller --{RANGE_OF[key]}"
        )
    return (pose[0], pose[1], pose[2]), {"column": ms.column, "target_deg": target, "pose": pose}


def sample(keys: list[Keyframe], fps: float) -> np.ndarray:
    """(N, 4) rows t_s, yaw, pitch, roll at every frame of the script."""
    ends = np.cumsum([k.duration_s for k in keys])
    n = math.floor(ends[-1] * fps) + 1
    t = np.arange(n) / fps
    poses = np.array([k.pose for k in keys])
    seg = np.clip(np.searchsorted(ends, t, side="left"), 1, len(keys) - 1)
    dur = np.array([k.duration_s for k in keys])[seg]
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(dur > 0, np.clip((t - (ends[seg] - dur)) / dur, 0.0, 1.0), 1.0)
    ease = (1 - np.cos(np.pi * s)) / 2
    angles = poses[seg - 1] + (poses[seg] - poses[seg - 1]) * ease[:, None]
    return np.column_stack([t, angles])


def write_schedule(path: Path, doc: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def protocol_source(given: str) -> str:
    """What ``rom-tracker record --protocol`` needs: the name, or the file's absolute path."""
    if given.endswith(".toml") or "/" in given:
        return str(Path(given).resolve())
    return given


def steps_path(video: Path) -> Path:
    return video.with_name(video.stem + ".steps.json")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    protocol = load_protocol(args.protocol)
    ranges = {name: getattr(args, name) for name in DEFAULT_RANGES}
    keys, steps = plan(
        protocol,
        ranges,
        centre=(args.centre_yaw, args.centre_pitch, 0.0),
        slow=args.slow,
        fast=args.fast,
        pause=args.pause,
        settle=args.settle,
        patient=args.patient,
    )
    table = sample(keys, args.fps)
    n = len(table)
    scene = build_scene(args.width, args.height, args.face_model, top=args.top)
    frames = (scene.frame(*row[1:]) for row in table)
    header = HEADER.format(
        video=args.out.name,
        n=n,
        protocol=protocol.name,
        ranges=" ".join(f"--{k} {e:g}:{a:g}" for k, (e, a) in ranges.items()),
        yaw=args.centre_yaw,
        pitch=args.centre_pitch,
        steps=steps_path(args.out).name,
        width=args.width,
        height=args.height,
        fps=args.fps,
    )
    write_outputs(args.out, frames, (args.width, args.height), args.fps, table, header=header)
    write_schedule(
        steps_path(args.out),
        {
            "video": args.out.name,
            "protocol": protocol.name,
            "protocol_source": protocol_source(args.protocol),
            "fps": args.fps,
            "frames": n,
            "size": [args.width, args.height],
            "conventions": "docs/conventions.md; poses relative to the photo's head pose",
            "centre": {"yaw": args.centre_yaw, "pitch": args.centre_pitch, "roll": 0.0},
            "ranges_deg": {k: {"effortless": e, "active": a} for k, (e, a) in ranges.items()},
            "keyframes": [asdict(k) for k in keys],
            "steps": [asdict(s) for s in steps],
        },
    )
    print(
        f"wrote {args.out} ({n} frames, {n / args.fps:.1f} s), {args.out.with_suffix('.csv')}"
        f" and {steps_path(args.out)}"
    )


if __name__ == "__main__":
    main()
