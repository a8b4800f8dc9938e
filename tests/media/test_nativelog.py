"""The native-log filter: every format seen from MediaPipe, TensorFlow Lite, absl, FFmpeg,
OpenCV and Qt, a generated family of future messages in those shapes, and the Python lines
(child processes, rom-tracker's own) that must still reach the terminal."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rom_tracker.media.nativelog import is_native

SEEN_NATIVE = [
    # mediapipe 0.10.x and 1.2.x, glog/absl
    "W0000 00:00:1796392701.727843    5891 face_landmarker_graph.cc:174] Sets FaceBlendshapesGraph acceleration to xnnpack by default.",
    "I0000 00:00:1733312345.123456   12 gl_context.cc:357] GL version: 3.2 (OpenGL ES 3.2 Mesa 22.3.6)",
    "E0000 00:00:1733312345.123456   12 calculator_graph.cc:887] INVALID_ARGUMENT: Graph has errors",
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    # mediapipe 1.2.3: the form the old filter missed
    "WARNING: [model_load.cc:402] Sparsity tensors may not yet be fully supported.",
    # TensorFlow Lite
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
    "ERROR: Didn't find op for builtin opcode 'FULLY_CONNECTED' version '12'",
    # FFmpeg inside OpenCV
    "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55e7c1a2b3c0] moov atom not found",
    "[h264 @ 0x5581] error while decoding MB 12 3",
    # OpenCV's own log
    "[ WARN:0@0.123] global cap_v4l.cpp:999 open VIDEOIO(V4L2:/dev/video9): can't open camera by index",
    "[ERROR:0@0.2] global obsensor_uvc_stream_channel.cpp:158 getStreamChannelGroup Camera index out of range",
    # Qt
    "qt.qpa.plugin: From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb platform plugin.",
]

PYTHON_LINES = [
    "WARNING rom_tracker.capture: half.mp4: only 81 of the 175 frames could be decoded; using those",
    "rom-tracker: error: no such file: x.mp4 - check the path",
    "Traceback (most recent call last):",
    '  File "/x/rom_tracker/batch.py", line 12, in run',
    "ValueError: bad value",
    "/x/rom_tracker/analyze.py:12: RuntimeWarning: Mean of empty slice",
    "analyse 40% |########            | 120/300 frames",
    "fetched face_landmarker.task (3.8 MB) from /models, SHA-256 ok",
]


@pytest.mark.parametrize("line", SEEN_NATIVE)
def test_every_native_format_seen_is_kept_off_the_terminal(line: str) -> None:
    assert is_native(line.encode() + b"\n")


@pytest.mark.parametrize("line", PYTHON_LINES)
def test_python_lines_reach_the_terminal(line: str) -> None:
    assert not is_native(line.encode() + b"\n")
    if not line.startswith(" "):  # a new, unindented line ends a native message
        assert not is_native(line.encode() + b"\n", after_native=True)


def test_indented_lines_continue_a_native_message_only() -> None:
    assert is_native(b"    at frame 12\n", after_native=True)
    assert not is_native(b"    at frame 12\n", after_native=False)
    assert not is_native(b"\n", after_native=True)


_words = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
_message = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)


@given(
    level=st.sampled_from(["INFO", "WARNING", "ERROR", "FATAL", "VERBOSE"]),
    source=st.tuples(_words, st.sampled_from(["cc", "cpp", "h", "mm"]), st.integers(1, 99999)),
    shape=st.sampled_from(["level-bracket", "glog", "bracket", "level"]),
    message=_message,
)
def test_future_messages_in_native_shapes_are_recognised(
    level: str, source: tuple[str, str, int], shape: str, message: str
) -> None:
    """Not today's strings: any message, file, line number and level in the four shapes
    native libraries use."""
    name, ext, number = source
    where = f"{name}.{ext}:{number}"
    line = {
        "level-bracket": f"{level}: [{where}] {message}",
        "glog": f"{level[0]}1204 13:59:46.123456  4242 {where}] {message}",
        "bracket": f"[{where}] {message}",
        "level": f"{level}: {message}",
    }[shape]
    assert is_native(line.encode() + b"\n"), line


def test_diverted_process_shows_python_and_hides_native() -> None:
    """End to end in a child process: after divert_native_stderr, native writes to
    descriptor 2 go to the log, Python's own stderr and unknown lines still show."""
    code = textwrap.dedent(
        """
        import os, sys, time
        from rom_tracker.media.nativelog import divert_native_stderr
        assert divert_native_stderr()
        os.write(2, b"WARNING: [model_load.cc:402] Sparsity tensors may not yet be fully supported.\\n")
        os.write(2, b"W0000 00:00:1.5  7 graph.cc:1] something new\\n    continued\\n")
        os.write(2, b"a line from a child process\\n")
        print("python says hi", file=sys.stderr)
        time.sleep(0.3)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert sorted(proc.stderr.splitlines()) == ["a line from a child process", "python says hi"]


def test_a_printed_line_is_never_cut_by_a_forwarded_one() -> None:
    """print() writes its text and its newline apart; the forwarding thread must not get a
    line in between (it did with a write-through stderr: about half of the child runs under
    load printed "python says hia line from a child process")."""
    code = textwrap.dedent(
        """
        import os, sys, threading
        from rom_tracker.media.nativelog import divert_native_stderr
        assert divert_native_stderr()
        def child_lines():
            for i in range(1000):
                os.write(2, b"a line from a child process %d\\n" % i)
        t = threading.Thread(target=child_lines)
        t.start()
        for i in range(1000):
            print("python says", i, file=sys.stderr)
        t.join()
        import time; time.sleep(0.3)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    lines = proc.stderr.splitlines()
    whole = [
        ln for ln in lines if re.fullmatch(r"(python says|a line from a child process) \d+", ln)
    ]
    assert len(lines) == 2000 and whole == lines, [ln for ln in lines if ln not in whole][:5]
