"""A fake camera and fake estimators for the posture monitor (no device, no models)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime

import numpy as np

from rom_tracker.errors import InputError
from rom_tracker.monitor.engine import FaceFn, PoseFn

FPS = 30.0
T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC).timestamp()  # the engine's wall clock at t = 0


class Clock:
    """The companion's clock (``now``), moved on by the test."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class FakeCamera:
    """Frames at 30 fps of simulated time; ``pitch(t)`` scripts the head pitch.

    ``busy``: open() fails as for a camera taken by another program; ``unplug_at``: grab()
    returns None from that time on. Counts opens, releases, grabs and retrieves.
    """

    def __init__(self, pitch: Callable[[float], float] = lambda t: 0.0) -> None:
        self.pitch = pitch
        self.busy = False
        self.unplug_at = float("inf")
        self.opened = self.released = self.grabs = self.retrieves = 0
        self.is_open = False
        self.t = 0.0
        self.gate: threading.Event | None = None  # set: frames flow; for threaded tests
        self.max_t = float("inf")
        self.sleep_at = float("inf")  # the computer sleeps for an hour at this time

    def open(self) -> None:
        if self.busy:
            raise InputError("cannot open camera 0 (used by another program?)", "retry")
        self.opened += 1
        self.is_open = True

    def grab(self) -> float | None:
        if self.t >= self.unplug_at or self.t >= self.max_t:
            return None
        if self.gate is not None:
            self.gate.wait(0.01)
        self.grabs += 1
        self.t += 1.0 / FPS
        if self.t >= self.sleep_at:
            self.t += 3600.0
            self.sleep_at = float("inf")
        return self.t

    def retrieve(self) -> np.ndarray:
        self.retrieves += 1
        rgb = np.zeros((48, 64, 3), np.uint8)
        rgb[0, 0, 0] = 0  # the estimators read the time, not the image
        return rgb

    def release(self) -> None:
        if self.is_open:
            self.released += 1
        self.is_open = False


def fake_estimators(camera: FakeCamera) -> Callable[[ExitStack], tuple[FaceFn, PoseFn]]:
    """Face with ``camera.pitch(t)``, a pose with the nose well above the shoulders."""
    from ui_streams import face_output, pose_output

    def make(stack: ExitStack) -> tuple[FaceFn, PoseFn]:
        def face(rgb: np.ndarray, t: float):
            return face_output(0.0, camera.pitch(t))

        def pose(rgb: np.ndarray, t: float):
            return pose_output()

        return face, pose

    return make
