"""``rom-tracker record``: measure effortless, active or guided ROM and store the session.

    rom-tracker record --profile NAME --movement M [--side left|right|both]
                       --mode effortless|active --source PATH|INDEX|URL [--setup front|side]
    rom-tracker record --profile NAME --protocol NAME --mode guided --source ...
                       [--started-at 2026-03-02T09:30:00Z]
                       [--speak [--speech-out cues.wav] [--voice V --rate WPM --volume 0-1]]

Frames are measured as they come. In guided mode the protocol runner leads the steps and
each trial is committed to the store the moment its step ends, so an interruption (Ctrl-C,
a crash, a lost camera) keeps every completed trial. In effortless/active mode the whole
recording is one trial per side, measured when the source ends or on Ctrl-C. With
``--setup side`` (neck rotation, one side) the first still hold is the neutral, checked to
be 20-60 deg turned away from the camera, and the rotation is measured from it
(``rom_tracker.rom.side_setup``). A value beyond what the camera reads reliably is stored
and printed as a bound, ``>= 57.0 deg`` (``rom_tracker.rom.bounds``).
``--started-at`` dates the session when it is made from an older video (its end is then
that time plus the video's length). ``--speak`` says the guided cues aloud
(``rom_tracker.speech``: espeak-ng, played by paplay, pw-play or aplay) and
``--speech-out`` keeps what was said as one WAV on the recording's time (for a video, the
video's time), to check it or to mux it into an annotated video (``annotate --audio``).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from rom_tracker.annotate.video_out import VideoKeeper
from rom_tracker.cli.analyze_cmd import add_model_options, resolve_models
from rom_tracker.cli.speech_options import (
    add_speech_options,
    check_speech_options,
    close_guide,
    open_guide,
)
from rom_tracker.errors import InputError, UsageError
from rom_tracker.kinematics.table import angle_table, shoulder_line_yaw
from rom_tracker.media.capture import Source, open_source
from rom_tracker.media.models import model_info
from rom_tracker.pipeline import ModelPaths, What, stream_landmarks
from rom_tracker.rom.movements import MODES, MOVEMENTS, movement
from rom_tracker.rom.protocol import (
    STEP_DONE,
    STEP_STARTED,
    Protocol,
    ProtocolRunner,
    list_protocols,
    load_protocol,
)
from rom_tracker.rom.side_setup import (
    SETUPS,
    SHOULDER_YAW,
    Neutral,
    find_neutral,
    neutral_problem,
    side_rotation,
    with_setup,
)
from rom_tracker.rom.streaming import TrunkStabiliser
from rom_tracker.rom.trial import TrialResult, measure_trial
from rom_tracker.store import Store
from rom_tracker.store.paths import default_db_path
from rom_tracker.store.text import add_db_argument, bound_text


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "record",
        help="measure a movement (effortless/active) or a guided protocol and store it",
        description="Measures from a camera or a video and stores the session under the "
        "profile. Cues and results are printed as they happen.",
    )
    p.add_argument("--profile", required=True, metavar="NAME")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--movement", choices=list(MOVEMENTS), metavar="M", help=f"one of: {', '.join(MOVEMENTS)}"
    )
    what.add_argument(
        "--protocol",
        metavar="NAME",
        help="a guided protocol, e.g. neck_micro_pause (with --mode guided)",
    )
    p.add_argument(
        "--side",
        default="both",
        metavar="SIDE",
        help="left, right (or flexion/extension), or both (default)",
    )
    p.add_argument("--mode", required=True, choices=[*MODES, "guided"])
    p.add_argument(
        "--setup",
        choices=SETUPS,
        default="front",
        help="front (default): the camera in front of you. side: the end of a neck turn "
        "measured where the camera reads it well: turn your chair 45 deg away from the "
        "camera (it then stands 45 deg toward the side measured), hold still looking "
        "straight ahead, then turn (neck_rotation with --side left or right)",
    )
    p.add_argument(
        "--source",
        required=True,
        metavar="PATH|INDEX|URL",
        help="video file, camera index (0) or stream URL",
    )
    p.add_argument(
        "--realtime",
        action="store_true",
        help="read a video file at its own speed, as if it were a live camera",
    )
    p.add_argument(
        "--keep-video",
        type=Path,
        metavar="PATH.mp4",
        help="also keep the frames measured as a video (not kept by default: privacy), so "
        "a trial can be annotated later with `rom-tracker annotate`",
    )
    p.add_argument("--notes", default="", help="free-text notes stored with the session")
    p.add_argument(
        "--started-at",
        metavar="ISO-8601",
        help="when the recording was made, for a session from an older video, e.g. "
        "2026-03-02T09:30:00Z or 2026-03-02T10:30:00+01:00 (default: now)",
    )
    add_speech_options(p)
    add_model_options(p)
    add_db_argument(p)
    p.set_defaults(func=run)


_STARTED_AT_EXAMPLE = "e.g. --started-at 2026-03-02T09:30:00Z (UTC) or 2026-03-02T10:30:00+01:00"


def _started_at(text: str) -> datetime:
    """``--started-at``: an ISO-8601 date and time with a time zone, not in the future."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--started-at {text!r} is not an ISO-8601 date and time", _STARTED_AT_EXAMPLE
        ) from None
    if when.tzinfo is None:
        raise UsageError(f"--started-at {text!r} has no time zone", _STARTED_AT_EXAMPLE)
    if when > datetime.now(UTC):
        raise UsageError(f"--started-at {text!r} is in the future", _STARTED_AT_EXAMPLE)
    return when


def _check_args(args: argparse.Namespace) -> None:
    if args.keep_video is not None and args.keep_video.suffix.lower() != ".mp4":
        raise UsageError(
            f"--keep-video {args.keep_video}: the video is kept as an .mp4", "e.g. session.mp4"
        )
    if args.started_at is not None:
        args.started_at = _started_at(args.started_at)
    if args.protocol and args.mode != "guided":
        raise UsageError("--protocol goes with --mode guided", "add --mode guided")
    if args.movement and args.mode == "guided":
        raise UsageError(
            "--mode guided needs a protocol",
            f"use --protocol NAME (one of: {', '.join(p.name for p in list_protocols())})",
        )
    check_speech_options(args)
    if args.setup == "side" and (args.movement != "neck_rotation" or args.side == "both"):
        raise UsageError(
            "--setup side measures one side of neck_rotation at a time",
            "use --movement neck_rotation --side left (or right) --setup side",
        )
    if args.movement:
        sides = movement(args.movement).side_names
        if args.side != "both" and args.side not in sides:
            raise UsageError(
                f"movement {args.movement} has no side {args.side!r}",
                f"use one of: {', '.join(sides)}, both",
            )


def _print_trial(result: TrialResult, trial_id: int) -> None:
    label = f"{result.movement} {result.side} {result.mode}"
    if result.at_least:
        why = bound_text(result.reason, result.detail.get("setup", "front"))
        print(f"  -> {label}: >= {result.value_deg:.1f} deg ({why}) [trial {trial_id} saved]")
    elif math.isfinite(result.value_deg):
        extra = (
            f"hold {result.duration_s:.1f} s, SD {result.sd_deg:.1f}"
            if result.mode == "effortless"
            else f"{result.reps} repetition(s)"
        )
        print(f"  -> {label}: {result.value_deg:.1f} deg ({extra}) [trial {trial_id} saved]")
    else:
        why = "no hold of 3 s found" if result.mode == "effortless" else "no repetition found"
        print(f"  -> {label}: no value ({why}) [trial {trial_id} saved]")
    trunk = result.detail.get("trunk", {})
    if trunk.get("flagged"):
        print(
            f"     note: the shoulder line turned {abs(trunk['trunk_change_deg']):.0f} deg since "
            "the neutral: if your trunk turned, the value includes it (keep the trunk still; "
            "the pose model's shoulders also follow a head turn)"
        )
    sys.stdout.flush()


class _Pacer:
    """Reads a file at its own speed (``--realtime``): waits until each frame is due."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.perf_counter()

    def wait(self, t_s: float) -> None:
        if self.enabled:
            delay = t_s - (time.perf_counter() - self.start)
            if delay > 0:
                time.sleep(delay)


@dataclass
class Recording:
    """One recording session: where frames come from and where trials go."""

    args: argparse.Namespace
    store: Store
    session_id: int
    source: Source
    models: ModelPaths
    what: What
    saved: int = 0
    last_t_s: float = 0.0  # source time of the last frame measured
    keeper: VideoKeeper | None = None  # --keep-video
    side_setup_used: bool = False  # --setup side, or a protocol with setup steps

    def frames(self) -> Iterator[tuple[float, dict[str, float]]]:
        """(t_s, {angle column: degrees}) for each frame, as the frames come; with the side
        set-up also the shoulder line's raw yaw (``SHOULDER_YAW``)."""
        pacer = _Pacer(self.args.realtime and self.source.info.kind == "video")
        steady = TrunkStabiliser()  # neck rotation without the trunk's per-frame jitter
        for frame, lm in stream_landmarks(
            self.source, self.models, min_confidence=self.args.min_confidence
        ):
            pacer.wait(frame.t_s)
            self.last_t_s = frame.t_s
            if self.keeper is not None:
                self.keeper.add(frame)
            table = angle_table(lm, self.what)
            angles = steady.update(frame.t_s, {k: float(v[0]) for k, v in table.items()})
            if self.side_setup_used:
                angles[SHOULDER_YAW] = float(shoulder_line_yaw(lm)[0])
            yield frame.t_s, angles

    def save(self, result: TrialResult) -> None:
        trial_id = self.store.add_trial(self.session_id, result)  # committed now
        self.saved += 1
        _print_trial(result, trial_id)

    def guided(self, protocol: Protocol) -> None:
        runner = ProtocolRunner(protocol)
        print(
            f"{protocol.title}: {len(protocol.steps)} steps. "
            "Ctrl-C stops; completed trials are kept."
        )
        guide = open_guide(self.args)
        try:
            for t, angles in self.frames():
                events = runner.update(t, angles)
                if guide is not None:
                    guide.feed(events)
                    guide.tick(t)
                for event in events:
                    if event.kind == STEP_STARTED and event.cue:
                        print(f"[{t:6.1f}s] step {event.step_index + 1}: {event.cue}", flush=True)
                    elif event.kind == STEP_DONE and event.result is not None:
                        self.save(event.result)
                if runner.done:
                    break
        except KeyboardInterrupt:
            print("Stopped; completed trials are kept.", file=sys.stderr)
        finally:
            if guide is not None:
                close_guide(guide, self.args, self.last_t_s)
        if not runner.done:
            print(
                f"The source ended at step {runner.index + 1} of {len(protocol.steps)}; "
                "completed trials are kept."
            )

    def side_setup(self, side: str, mode: str) -> None:
        """One side of neck rotation in the side set-up (``rom_tracker.rom.side_setup``)."""
        mv = movement("neck_rotation")
        other = "right" if side == "left" else "left"
        print(
            f"Side set-up, your {side}: sit turned about 45 deg to your {other}, away from "
            "the camera. Look straight ahead over your trunk and hold still, then "
            f"{mv.side(side).cue}. Ctrl-C or the end of the video stops."
        )
        t: list[float] = []
        yaw: list[float] = []
        shoulder: list[float] = []
        neutral = None
        next_check = 0.0
        try:
            for tt, angles in self.frames():
                t.append(tt)
                yaw.append(angles.get("head_yaw_deg", math.nan))
                shoulder.append(angles.get(SHOULDER_YAW, math.nan))
                if neutral is None and tt >= next_check:
                    next_check = tt + 0.5
                    neutral = self._neutral(t, yaw, shoulder, side)
        except KeyboardInterrupt:
            print("Stopped; measuring what was recorded.", file=sys.stderr)
        if neutral is None:
            neutral = self._neutral(t, yaw, shoulder, side)
        if neutral is None:
            raise InputError(
                f"no still neutral in {self.source.info.label}: the side set-up starts from "
                "a still hold",
                "look straight ahead over your trunk and hold still for 2 s before turning",
            )
        tt_arr, yaw_arr = np.asarray(t), np.asarray(yaw)
        after = tt_arr > neutral.end_s
        turn = side_rotation(tt_arr, yaw_arr, np.asarray(shoulder), neutral)
        result = measure_trial(
            mv.name, side, mode, tt_arr[after], turn.rotation[after], camera_yaw=yaw_arr[after]
        )
        self.save(with_setup(result, neutral, turn, after))

    def _neutral(
        self, t: list[float], yaw: list[float], shoulder: list[float], side: str
    ) -> Neutral | None:
        """The side set-up's neutral once it is held, checked (InputError with the fix)."""
        neutral = find_neutral(np.asarray(t), np.asarray(yaw), np.asarray(shoulder))
        if neutral is None:
            return None
        problem = neutral_problem(neutral, side)
        if problem is not None:
            raise InputError(*problem)
        print(
            f"[{neutral.end_s:6.1f}s] neutral held: your face {abs(neutral.head_yaw_deg):.0f} "
            f"deg from the camera. Now {movement('neck_rotation').side(side).cue}.",
            flush=True,
        )
        return neutral

    def movement(self, name: str, side: str, mode: str) -> None:
        if self.args.setup == "side":
            self.side_setup(side, mode)
            return
        mv = movement(name)
        sides = mv.side_names if side == "both" else (side,)
        columns = {mv.side(s).column for s in sides} | ({mv.reach} if mv.reach else set())
        cues = " / ".join(mv.side(s).cue for s in sides)
        print(f"{mv.title}, {mode}: {cues}. Ctrl-C or the end of the video stops.")
        times: list[float] = []
        values: dict[str, list[float]] = {c: [] for c in columns}
        try:
            for t, angles in self.frames():
                times.append(t)
                for c in columns:
                    values[c].append(angles.get(c, math.nan))
        except KeyboardInterrupt:
            print("Stopped; measuring what was recorded.", file=sys.stderr)
        t_arr = np.asarray(times)
        for s in sides:
            column = mv.side(s).column
            reach = np.asarray(values[mv.reach]) if mv.reach else None
            self.save(
                measure_trial(mv.name, s, mode, t_arr, np.asarray(values[column]), camera_yaw=reach)
            )


def run(args: argparse.Namespace) -> int:
    _check_args(args)
    protocol = load_protocol(args.protocol) if args.protocol else None
    needs = (
        {movement(s.movement).needs for s in protocol.steps if s.movement}
        if protocol
        else {movement(args.movement).needs}
    )
    what: What = "all" if len(needs) != 1 else ("head" if needs == {"head"} else "hip")
    source = open_source(args.source)
    models = resolve_models(args, what)
    with Store.open(args.db) as store:
        store.get_profile(args.profile)  # fail before measuring if the profile is unknown
        session_id = store.start_session(
            args.profile,
            protocol.name if protocol else None,
            source=source.info.label,
            notes=args.notes,
            models={
                info["name"]: info["sha256"]
                for info in (model_info(p) for p in (models.face, models.pose) if p)
            },
            settings={
                "mode": args.mode,
                "setup": args.setup,
                "what": what,
                "pose_model": args.model,
                "min_confidence": args.min_confidence,
                "realtime": args.realtime,
                "kept_video": None if args.keep_video is None else str(args.keep_video),
                "speak": args.speak,
            },
            started_at=args.started_at,
        )
        print(f"Session {session_id} for {args.profile} ({source.info.label})", flush=True)
        rec = Recording(args, store, session_id, source, models, what)
        rec.side_setup_used = args.setup == "side" or bool(
            protocol and any(s.kind == "setup" for s in protocol.steps)
        )
        try:
            with ExitStack() as stack:
                if args.keep_video is not None:
                    rec.keeper = stack.enter_context(VideoKeeper(args.keep_video, source.info.fps))
                if protocol:
                    rec.guided(protocol)
                else:
                    rec.movement(args.movement, args.side, args.mode)
                if rec.keeper is not None and rec.keeper.publish():
                    print(f"Video kept: {args.keep_video} ({rec.keeper.frames} frames)")
        finally:
            given = args.started_at  # an older video ends its own length after its start
            ended = None if given is None else given + timedelta(seconds=rec.last_t_s)
            store.end_session(session_id, ended_at=ended)
    print(f"Saved {rec.saved} trial(s) in session {session_id} ({args.db or default_db_path()}).")
    print(
        f"See them with: rom-tracker sessions show {session_id}  |  "
        f"rom-tracker progress --profile {args.profile}"
    )
    return 0
