"""Errors that reach the user: each names the problem and the fix, and maps to an exit code.

The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``; a traceback is
shown only with ``--debug``. Library code raises these on broken contracts; "not observed"
is data (NaN, ``found=False``), never an exception.

Exit codes (documented in docs/errors.md):

====  ===========================================================
 0    success
 1    unexpected internal error (a bug: please report it with --debug output)
 2    bad command-line usage or value
 3    input problem: missing, unreadable, empty or undecodable video/photo/camera;
      a protocol, calibration or import file that is missing or cannot be read
 4    model problem: missing, truncated, wrong hash, mirror unreachable
 5    nothing measurable: no person/face found in a photo or a whole video
 6    storage problem: database locked/corrupt, folder not writable, disk full
 7    malformed file: protocol, calibration or import file
 8    the desktop app cannot start here: a system library Qt needs is missing, no display
130   interrupted (Ctrl-C); completed work is kept
====  ===========================================================
"""

from __future__ import annotations

from typing import Protocol


class RomTrackerError(Exception):
    """Base class: a problem the user can act on."""

    exit_code = 1

    def __init__(self, problem: str, fix: str = "") -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(problem if not fix else f"{problem} - {fix}")


class UsageError(RomTrackerError):
    """A command-line value is out of range or inconsistent."""

    exit_code = 2


class InputError(RomTrackerError):
    """An input (file, folder, camera, stream) cannot be read."""

    exit_code = 3


class ModelError(RomTrackerError):
    """A model bundle is missing, corrupt or cannot be fetched."""

    exit_code = 4


class NothingDetectedError(RomTrackerError):
    """The input was read but contains nobody to measure."""

    exit_code = 5


class StorageError(RomTrackerError):
    """The database or an output folder cannot be used."""

    exit_code = 6


class FileFormatError(RomTrackerError):
    """A protocol, calibration or import file is malformed."""

    exit_code = 7


class DesktopError(RomTrackerError):
    """The desktop app cannot start on this system (a library Qt needs, no display)."""

    exit_code = 8


class _Readable(Protocol):
    def read_bytes(self) -> bytes: ...


def read_file(path: _Readable, what: str, label: str | None = None) -> bytes:
    """The bytes of a protocol, calibration or import file (``what``, e.g. "calibration
    file"). A file that is not there, or cannot be read (permissions, a folder), is an input
    problem (exit 3): InputError naming ``label`` (default: the path). Its content is
    checked by the caller (malformed: FileFormatError, exit 7)."""
    label = str(path) if label is None else label
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such {what}: {label}", "check the path") from None
    except OSError as exc:
        raise InputError(
            f"cannot read {what} {label}: {exc.strerror or exc}",
            "check that you may read it (its permissions, e.g. chmod u+r) and that it is a file",
        ) from None


def decode_text(data: bytes, label: str, fix: str) -> str:
    """The bytes of a protocol, calibration or import file as text: UTF-8 (with or without
    a byte-order mark) and no NUL byte. Anything else is a malformed file (exit 7):
    FileFormatError naming ``label``, the line and the first bad byte, with ``fix``."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileFormatError(
            f"{label} is not UTF-8 text (it starts with a UTF-16 byte-order mark)", fix
        )
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
        end = len(data)
    except UnicodeDecodeError as exc:
        end = exc.start
    # NUL is valid UTF-8, but no text file holds it (UTF-16 without a byte-order mark does)
    nul = data.find(b"\0", 0, end)
    bad = nul if nul >= 0 else end
    if bad == len(data):
        return text
    line = data[:bad].count(b"\n") + 1
    raise FileFormatError(f"{label} is not UTF-8 text (line {line}: byte 0x{data[bad]:02x})", fix)
