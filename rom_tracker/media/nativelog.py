"""Keep MediaPipe's native log lines off the terminal.

MediaPipe's C++ core, TensorFlow Lite and OpenCV's FFmpeg write warnings such as
``W0000 ... inference_feedback_manager.cc`` straight to file descriptor 2, ignoring
Python's logging and (in the versions tested) environment variables set after start-up.
:func:`divert_native_stderr`
points descriptor 2 at a pipe, reads it in a daemon thread and forwards native-looking lines
to the ``rom_tracker.native`` logger at DEBUG level (:func:`is_native`: by the shape of the
line, glog/absl, ``LEVEL: ``, a C++ source location, FFmpeg, OpenCV, Qt; and the lines that
continue such a message); every other line (child processes' Python output, other
libraries) goes through unchanged to the real stderr, which ``sys.stderr`` keeps
writing to directly. Called once, by the CLI entry point, unless ``--debug``.
"""

from __future__ import annotations

import io
import logging
import os
import re
import sys
import threading

log = logging.getLogger("rom_tracker.native")

# What native libraries write, by the shape of the line rather than its words, so that a new
# message (or a new MediaPipe release) in a known format is still recognised:
NATIVE_LINE = re.compile(
    rb"^(?:[IWEFV]\d{4} \d\d:\d\d:[\d.]+\s+\d+ "  # glog / absl prefix: "W0000 00:00:17.1  42 "
    rb"|(?:INFO|WARNING|WARN|ERROR|FATAL|VERBOSE|DEBUG): "  # "LEVEL: " (TFLite, absl banner)
    rb"|\[[\w,. -]+ @ 0x[0-9a-f]+\]"  # FFmpeg inside OpenCV: "[mov,mp4,... @ 0x55e7...]"
    rb"|\[ ?(?:WARN|ERROR|INFO|DEBUG|FATAL)(?::\d+@[\d.]+)?\]"  # OpenCV: "[ WARN:0@0.1] ..."
    rb"|qt\.[\w.]+: )"  # Qt's categorised logging ("qt.qpa.plugin: ...")
    # anywhere in the line: a C/C++ source location, "[model_load.cc:402]", "foo.cpp(12)"
    rb"|[\w-]+\.(?:cc|cpp|cxx|c|h|hpp|mm):\d+\]"
    rb"|\b[\w-]+\.(?:cc|cpp|cxx|h|hpp|mm)[:(]\d+"
)


def is_native(line: bytes, after_native: bool = False) -> bool:
    """Whether a line written to descriptor 2 comes from a native library.

    Python's own writes never reach the pipe in the diverting process (``sys.stderr`` goes
    straight to the terminal), so the pipe carries native libraries and child processes
    (whose Python output must pass). A line is native if it has a native shape
    (:data:`NATIVE_LINE`), or if it is an indented line continuing a native message.
    """
    if NATIVE_LINE.search(line):
        return True
    return after_native and line[:1] in (b" ", b"\t") and bool(line.strip())


_diverted = False


def divert_native_stderr() -> bool:
    """Divert fd 2 as described above; returns False where it cannot (no fd 2, Windows)."""
    global _diverted
    if _diverted:
        return True
    try:
        real = os.dup(2)
        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)
        os.close(write_end)
    except OSError:
        return False
    sys.stderr.flush()
    # Line-buffered, not write-through: print() writes its text and its "\n" separately, and a
    # line forwarded by the pump could land between the two; buffered, a whole line goes out
    # in one write (partial lines such as progress bars flush themselves).
    sys.stderr = io.TextIOWrapper(io.FileIO(real, "wb", closefd=False), line_buffering=True)

    def pump() -> None:
        with io.FileIO(read_end, "rb") as pipe:
            after_native = False
            for line in pipe:
                after_native = is_native(line, after_native)
                if after_native:
                    log.debug("%s", line.decode(errors="replace").rstrip())
                else:
                    os.write(real, line)

    threading.Thread(target=pump, name="native-stderr", daemon=True).start()
    _diverted = True
    return True
