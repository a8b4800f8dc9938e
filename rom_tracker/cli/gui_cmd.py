"""``rom-tracker gui [--source INDEX|PATH|URL] [--profile NAME] [--view VIEW] ...``.

Qt (PySide6, pyqtgraph: the ``gui`` extra) is imported only inside :func:`run`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rom_tracker.errors import UsageError

VIEWS = ("live", "guided", "results", "progress", "posture")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "gui",
        help="open the desktop app (live view, guided Micro Pauses, progress, posture)",
        description=(
            "The desktop app. A video file or stream URL can stand in for the camera "
            "(a video is played as if live and starts again at its end). Settings (source, "
            "profile, thresholds) are remembered between runs."
        ),
    )
    parser.add_argument(
        "--source",
        metavar="INDEX|PATH|URL",
        help="camera index, video file or stream URL (default: the last one used, else 0)",
    )
    parser.add_argument(
        "--profile", metavar="NAME", help="person measured (created if it does not exist)"
    )
    parser.add_argument("--view", choices=VIEWS, help="view to open (default: live)")
    parser.add_argument(
        "--posture",
        action="store_true",
        help="start minimised to the system tray with the light posture monitor (also the "
        'setting "Start with the posture monitor" on the Posture tab)',
    )
    parser.add_argument(
        "--protocol",
        metavar="NAME",
        help="start this guided protocol at once (e.g. neck_micro_pause; needs --profile)",
    )
    parser.add_argument(
        "--session", type=int, metavar="ID", help="with --view results: the session to show"
    )
    parser.add_argument(
        "--db", type=Path, metavar="PATH", help="database file (default: user data)"
    )
    parser.add_argument(
        "--no-loop", action="store_true", help="do not start a video again at its end"
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="save a picture of the window before quitting (with --quit-after, default 3 s)",
    )
    parser.add_argument(
        "--quit-after", type=float, metavar="SECONDS", help="close the app after this long"
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        help="window size in pixels, e.g. 1280x800 (default: as last time, else 1280x800)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.quit_after is not None and args.quit_after <= 0:
        raise UsageError(f"--quit-after must be > 0, got {args.quit_after}", "e.g. --quit-after 3")
    if args.protocol and not args.profile:
        raise UsageError("--protocol needs --profile", "add --profile NAME")
    if args.screenshot is not None and args.screenshot.suffix.lower() != ".png":
        raise UsageError(f"--screenshot must name a .png file, got {args.screenshot}", "e.g. x.png")
    from rom_tracker.ui.app import run_app

    return run_app(args)
