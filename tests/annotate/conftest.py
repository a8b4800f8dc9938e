"""Helpers of the annotate tests: the CLI in a subprocess, and a video's shape."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run_cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rom_tracker", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
        check=False,
    )


def _video_shape(path: Path) -> tuple[int, tuple[int, int], float]:
    """(frames decoded, (width, height), frame rate) of a video."""
    import cv2

    cap = cv2.VideoCapture(str(path))
    n = 0
    while cap.read()[0]:
        n += 1
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    fps = cap.get(cv2.CAP_PROP_FPS)
    cap.release()
    return n, size, fps


@pytest.fixture
def cli() -> Callable[[list[str]], subprocess.CompletedProcess[str]]:
    """``cli(args)``: the CLI as a user runs it (OpenCV's own messages go to the real
    stderr, which an in-process run would not capture)."""
    return _run_cli


@pytest.fixture
def video_shape() -> Callable[[Path], tuple[int, tuple[int, int], float]]:
    return _video_shape
