"""Keep MediaPipe's native log lines off the terminal.

MediaPipe's C++ core, TensorFlow Lite and OpenCV's FFmpeg write warnings such as
``W0000 ... inference_feedback_manager.cc`` straight to file descriptor 2, ignoring
Python's logging and (in the versions tested) environment variables set after start-up.
:func:`divert_native_stderr`
points descriptor 2 at a pipe, reads it in a daemon thread and forwards native-looking lines
to the ``rom_tracker.native`` logger at DEBUG level; every other line (Python tracebacks,
other libraries) goes through unchanged to the real stderr, which ``sys.stderr`` keeps
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

NATIVE_LINE = re.compile(
    rb"^([IWEF]\d{4} \d\d:\d\d:[\d.]+\s+\d+ \S+:\d+\]"  # glog / absl
    rb"|INFO: |WARNING: Logging before InitGoogle"  # TensorFlow Lite, absl banner
    rb"|\[[\w,]+ @ 0x[0-9a-f]+\]"  # FFmpeg inside OpenCV: "[mov,mp4,... @ 0x55e7...]"
    rb"|\[ ?(WARN|ERROR|INFO)(:\d+@[\d.]+)?\])"  # OpenCV's own log: "[ WARN:0@0.1] ..."
)

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
    sys.stderr = io.TextIOWrapper(
        io.FileIO(real, "wb", closefd=False), line_buffering=True, write_through=True
    )

    def pump() -> None:
        with io.FileIO(read_end, "rb") as pipe:
            for line in pipe:
                if NATIVE_LINE.match(line):
                    log.debug("%s", line.decode(errors="replace").rstrip())
                else:
                    os.write(real, line)

    threading.Thread(target=pump, name="native-stderr", daemon=True).start()
    _diverted = True
    return True
