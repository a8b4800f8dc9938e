"""The light posture pipeline: capture -> (sampled frames only) face + pose -> judgement.

:class:`PostureEngine` runs in its own worker thread, which opens the camera, creates the
two MediaPipe landmarkers (the judgement needs both: head pitch comes from the face
landmarker's transformation matrix, the nose-to-shoulder height from the pose
landmarks), and closes both again when stopped: a paused monitor holds no camera (its
light goes out) and no models.

Every frame the camera delivers is *grabbed* (``Grabber.grab``: the camera's queue stays
fresh and a lost camera is noticed), but only the frames the
:class:`~rom_tracker.monitor.sampler.AdaptiveSampler` asks for are *retrieved* (converted
to an RGB image) and shown to the models. The angle table of the live view is not built:
the head pitch is read straight from the face matrix (the same formula, without the yaw
fusion the monitor does not use).

Callbacks run on the worker thread and must return quickly: ``on_sample(Sample)`` after
each processed frame, ``on_error(exc)`` once when the camera could not be opened or was
lost (then the thread ends, the camera released).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from rom_tracker.errors import InputError
from rom_tracker.kinematics.head import angles_dict, matrix_planes
from rom_tracker.monitor.posture import (
    CALIBRATING,
    PostureMonitor,
    PostureState,
    posture_metrics,
)
from rom_tracker.monitor.sampler import AdaptiveSampler
from rom_tracker.pipeline import FaceOut, ModelPaths, PoseOut

log = logging.getLogger(__name__)

FaceFn = Callable[[np.ndarray, float], FaceOut | None]
PoseFn = Callable[[np.ndarray, float], PoseOut | None]


def clock() -> float:
    """Seconds on a clock that only goes forward and counts a laptop's sleep (Linux
    ``CLOCK_BOOTTIME``; elsewhere ``time.monotonic``): a sleep shows as a gap."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(boottime) if boottime is not None else time.monotonic()


class Grabber(Protocol):
    """A frame source that can skip frames cheaply (a camera, a video, a fake)."""

    def open(self) -> None:
        """Open the device; InputError if it cannot (absent, or taken by another program)."""

    def grab(self) -> float | None:
        """Take the next frame without decoding it to an image; its time in seconds (a
        clock that only goes forward, also across ``open``s), or None if the source is
        lost or ended."""

    def retrieve(self) -> np.ndarray:
        """The last grabbed frame as (H, W, 3) uint8 RGB."""

    def release(self) -> None:
        """Give the device back (idempotent)."""


@dataclass(frozen=True)
class Sample:
    """One processed frame: its time, wall-clock time (epoch s), the metrics and the
    judgement after it."""

    t_s: float
    wall_s: float
    pitch_deg: float
    neck_ratio: float
    state: PostureState


def head_pitch(face: FaceOut | None) -> float | None:
    """Head pitch (degrees, positive chin down) from the face transformation matrix, as
    the angle table computes ``head_pitch_deg`` for the live view."""
    if face is None:
        return None
    pitch = float(angles_dict(matrix_planes(face[1][None]))["head_pitch_deg"][0])
    return pitch if math.isfinite(pitch) else None


def measure(
    face: FaceOut | None, pose: PoseOut | None, size: tuple[int, int]
) -> tuple[float, float]:
    """``(pitch_deg, neck_ratio)`` of a frame from the two models' outputs (NaN: not seen)."""
    return posture_metrics(
        head_pitch(face),
        pose[0] if pose is not None else None,
        pose[2] if pose is not None else None,
        size,
    )


Estimators = Callable[[ExitStack], tuple[FaceFn, PoseFn]]


def model_estimators(models: ModelPaths) -> Estimators:
    """Creates the MediaPipe face and pose landmarkers (VIDEO mode) on the worker thread."""

    def make(stack: ExitStack) -> tuple[FaceFn, PoseFn]:
        from rom_tracker.media.landmarks import FaceLandmarker, PoseLandmarker

        if models.face is None or models.pose is None:
            raise ValueError("the posture monitor needs both the face and the pose model")
        face = stack.enter_context(FaceLandmarker(models.face, video=True))
        pose = stack.enter_context(PoseLandmarker(models.pose, video=True))
        return face.process, pose.process

    return make


class PostureEngine:
    """Runs ``grabber`` -> sampler -> estimators -> ``monitor`` in a worker thread.

    ``monitor`` and ``sampler`` outlive the thread: ``stop()`` then ``start()`` (pause
    and resume) carries on the same judgement. ``wall_clock(t_s)`` gives the epoch time
    of a frame (default: now; the benchmark maps simulated time).
    """

    def __init__(
        self,
        grabber: Grabber,
        estimators: Estimators,
        monitor: PostureMonitor,
        *,
        sampler: AdaptiveSampler | None = None,
        on_sample: Callable[[Sample], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        wall_clock: Callable[[float], float] | None = None,
    ) -> None:
        self.grabber = grabber
        self.estimators = estimators
        self.monitor = monitor
        self.sampler = sampler or AdaptiveSampler()
        self.on_sample = on_sample
        self.on_error = on_error
        self.wall_clock = wall_clock or (lambda _t: time.time())
        self.grabbed = 0
        self.error: BaseException | None = None
        self.released = threading.Event()
        self.released.set()
        #: held while the worker updates ``monitor``: hold it to change the monitor from
        #: another thread (dismiss an offer, a Micro Pause taken, calibrate)
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self.error = None
        self.released.clear()
        self.sampler.reset()
        self._thread = threading.Thread(target=self._run, name="posture", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread; the camera and the models are released before it ends."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("posture engine: worker still blocked after stop()")

    def run(self, max_t_s: float = math.inf) -> None:
        """Run on the calling thread until the source ends or ``max_t_s`` (benchmarks)."""
        self._stop.clear()
        self.released.clear()
        self._run(max_t_s)

    def _run(self, max_t_s: float = math.inf) -> None:
        try:
            with ExitStack() as stack:
                stack.callback(self.released.set)
                self.grabber.open()
                stack.callback(self.grabber.release)
                face, pose = self.estimators(stack)
                self._loop(face, pose, max_t_s)
        except Exception as exc:  # reported through on_error, never raised on a thread
            self.error = exc
            log.info("posture engine stopped: %s", exc)
            if self.on_error is not None:
                self.on_error(exc)

    def _loop(self, face_fn: FaceFn, pose_fn: PoseFn, max_t_s: float) -> None:
        last_t = -math.inf
        while not self._stop.is_set():
            t = self.grabber.grab()
            if t is None:
                raise InputError(
                    "the camera stopped delivering frames (unplugged, or taken by another "
                    "program?)",
                    "it is retried by itself",
                )
            self.grabbed += 1
            if t > max_t_s:
                return
            if t <= last_t or not self.sampler.due(t):
                continue
            last_t = t
            rgb = self.grabber.retrieve()
            face = face_fn(rgb, t)
            pose = pose_fn(rgb, t)
            pitch, ratio = measure(face, pose, (rgb.shape[1], rgb.shape[0]))
            with self.lock:
                state = self.monitor.update(t, pitch, ratio)
                busy = self.monitor.changing
            calibrating = state.phase == CALIBRATING
            self.sampler.observe(t, pitch, ratio, state.status, busy=busy, calibrating=calibrating)
            if self.on_sample is not None:
                self.on_sample(Sample(t, self.wall_clock(t), pitch, ratio, state))
