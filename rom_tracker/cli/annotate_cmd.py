"""``rom-tracker annotate INPUT --out OUT.mp4 [--what head|hip|all] [--blur-faces]
[--profile NAME --session N --trial M] [--audio CUES.wav]``: the video with what was
measured drawn on it (and, with --audio, a sound track: ``annotate/audio_mux.py``)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from rom_tracker.annotate import AnnotateResult, AnnotateSettings, TrialInfo, annotate_video
from rom_tracker.annotate.audio_mux import check_audio, mux_audio
from rom_tracker.cli.analyze_cmd import add_model_options, resolve_models
from rom_tracker.display.progress import Progress
from rom_tracker.errors import UsageError
from rom_tracker.media.capture import open_source
from rom_tracker.pipeline import WHAT_CHOICES
from rom_tracker.store import Store
from rom_tracker.store.text import add_db_argument

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "annotate",
        help="a copy of a video with the landmarks, angle, gauge and trial phases drawn on it",
        description="Measures the video as `analyze` does and writes OUT.mp4 (same size, "
        "frame rate and frame count) with the landmarks, the measured angle, a gauge and the "
        "phase (neutral, moving, hold, peak) on every frame. --blur-faces hides every face. "
        "With --profile/--session/--trial the stored trial's movement, value and phases are "
        "shown. See docs/report.md for the privacy of annotated videos.",
    )
    p.add_argument("input", metavar="INPUT", help="a video file")
    p.add_argument("--out", type=Path, required=True, metavar="OUT.mp4")
    p.add_argument("--what", choices=WHAT_CHOICES, default="all", help="which angles (default all)")
    p.add_argument(
        "--blur-faces",
        action="store_true",
        help="hide every face (pixelated and blurred; a lost face stays hidden)",
    )
    p.add_argument("--profile", metavar="NAME", help="with --session and --trial")
    p.add_argument("--session", type=int, metavar="N", help="the trial's session id")
    p.add_argument("--trial", type=int, metavar="M", help="the trial's id (sessions show N)")
    p.add_argument(
        "--audio",
        type=Path,
        metavar="CUES.wav",
        help="a sound track for OUT.mp4, from its start, e.g. the spoken cues of "
        "`record --speak --speech-out CUES.wav` (encoded as AAC)",
    )
    add_model_options(p)
    add_db_argument(p)
    p.set_defaults(func=run)


def _check(args: argparse.Namespace) -> None:
    if args.out.suffix.lower() != ".mp4":
        raise UsageError(f"--out {args.out}: the annotated video is an .mp4", "e.g. --out a.mp4")
    src = Path(args.input)
    if src.exists() and args.out.exists() and src.resolve() == args.out.resolve():
        raise UsageError("--out is the input video", "write the annotated copy elsewhere")
    given = [args.profile is not None, args.session is not None, args.trial is not None]
    if any(given) and not all(given):
        raise UsageError("--profile, --session and --trial go together", "give all three, or none")
    if args.audio is not None:
        check_audio(args.audio)  # before the long annotation


def load_trial(args: argparse.Namespace) -> TrialInfo | None:
    """The stored trial named by --profile/--session/--trial, checked to belong together."""
    if args.trial is None:
        return None
    with Store.open(args.db) as store:
        store.get_profile(args.profile)
        session = store.session(args.session)
        if session.profile != args.profile:
            raise UsageError(
                f"session {session.id} is {session.profile}'s, not {args.profile}'s",
                "see `rom-tracker sessions list`",
            )
        trial = store.trial(args.trial)
        if trial.session_id != session.id:
            raise UsageError(
                f"trial {trial.id} is in session {trial.session_id}, not {session.id}",
                f"see `rom-tracker sessions show {session.id}`",
            )
    if session.source and Path(session.source).name != Path(args.input).name:
        log.warning(
            "session %d was recorded from %s, not %s: its phases are drawn at the times "
            "they had in that recording",
            session.id,
            session.source,
            args.input,
        )
    return TrialInfo(
        trial.movement,
        trial.side,
        trial.mode,
        trial.value_deg,
        trial.started_s,
        trial.ended_s,
        trial.detail,
        trial.at_least,
    )


def run(args: argparse.Namespace) -> int:
    _check(args)
    trial = load_trial(args)
    settings = AnnotateSettings(
        what=args.what, blur_faces=args.blur_faces, min_confidence=args.min_confidence
    )
    source = open_source(args.input)
    if source.info.kind != "video":
        raise UsageError(
            f"annotate needs a video file, not a {source.info.kind} ({args.input})",
            "give a video; keep one from a camera with `rom-tracker record --keep-video PATH`",
        )
    # --blur-faces runs the face model whatever --what says: it finds the faces to hide
    models = resolve_models(args, "all" if args.blur_faces else args.what)
    with Progress(
        2 * source.info.frame_count, Path(args.input).name, enabled=not args.quiet
    ) as bar:
        result = annotate_video(source, args.out, models, settings, trial=trial, on_step=bar.update)
    print_result(result)
    if args.audio is not None:
        said = mux_audio(args.out, args.audio)
        print(f"Sound: {args.audio} ({said:.1f} s) added to {args.out}", flush=True)
    return 0


def print_result(r: AnnotateResult) -> None:
    hidden = f", faces hidden in {r.hidden_frames}" if r.hidden_frames else ""
    print(
        f"{r.source}: {r.frames} frames, {r.width}x{r.height} at {r.fps:g} fps{hidden} -> {r.out}",
        flush=True,
    )
