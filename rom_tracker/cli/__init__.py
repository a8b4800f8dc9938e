"""Command-line entry point: ``rom-tracker <command> ...``.

Each command lives in its own module with ``register(subparsers)``; the module sets
``func`` on its parser to a ``run(args) -> int``. Errors derived from
:class:`rom_tracker.errors.RomTrackerError` are printed as one line with their exit code;
anything else is a bug and exits 1 (traceback only with ``--debug``). Qt is imported only
by the ``gui`` command.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from rom_tracker import __version__
from rom_tracker.errors import RomTrackerError
from rom_tracker.media.nativelog import divert_native_stderr

# Command modules, in the order ``--help`` lists them.
COMMANDS = (
    "demo",
    "analyze",
    "annotate",
    "batch",
    "record",
    "models",
    "profiles",
    "sessions",
    "progress",
    "compare",
    "report",
    "posture",
    "export",
    "import",
    "gui",
)

log = logging.getLogger("rom_tracker")


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors as one line, like every other error (exit 2).

    Subparsers are made with the same class (``add_subparsers`` uses the parent's type).
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"rom-tracker: error: {message} - see `{self.prog} --help`\n")


def requested_command(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (the first word that is not a global option), if it
    is one of :data:`COMMANDS`."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(only: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with ``only`` the global options and those commands: a command
    module imports what its command needs (numpy, scipy, OpenCV...), so ``rom-tracker
    analyze`` imports no other command's and ``rom-tracker --version`` none at all."""
    parser = _Parser(
        prog="rom-tracker",
        description="Local, private head-rotation and hip range-of-motion tracker.",
    )
    parser.add_argument("--version", action="version", version=f"rom-tracker {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks and MediaPipe's own log lines"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else [n for n in COMMANDS if n in only]:
        module = importlib.import_module(f"rom_tracker.cli.{name}_cmd")
        module.register(sub)
    return parser


def _configure_logging(debug: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = requested_command(argv)
    if command is not None:
        parser = build_parser(only=[command])
    elif any(word in ("-h", "--help") for word in argv) or not argv:
        parser = build_parser()  # the help lists every command
    else:  # --version, or an unknown command (the full parser names the choices)
        parser = build_parser(only=[] if "--version" in argv else None)
    args = parser.parse_args(argv)
    _configure_logging(args.debug)
    if not args.debug:
        divert_native_stderr()
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except RomTrackerError as exc:
        if args.debug:
            log.exception("failed")
        print(f"rom-tracker: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # the reader went away (`rom-tracker progress | head`)
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - no flush error at exit
        return 0
    except KeyboardInterrupt:
        print("rom-tracker: interrupted; completed work was kept", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: keep it to one line unless --debug
        if args.debug:
            raise
        first_line = (str(exc).strip().splitlines() or [""])[0][:300]
        print(
            f"rom-tracker: internal error: {type(exc).__name__}: {first_line} "
            "- run again with --debug and report the traceback",
            file=sys.stderr,
        )
        return 1


def gui_main() -> int:
    """Entry point of the ``rom-tracker-gui`` launcher."""
    return main(["gui", *sys.argv[1:]])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
