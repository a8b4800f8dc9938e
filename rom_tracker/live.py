"""The live pipeline: camera (or a video played as if live) -> landmarks -> angles, Qt-free.

Two threads and one helper:

* :class:`LatestFrameReader` reads the source in its own thread and keeps only the newest
  frame. A frame that is replaced before the consumer took it is dropped and counted,
  never queued, so the display never falls behind the camera. A video file can be read
  "as if live" (``realtime=True``): frames are released at their own timestamps.
* :class:`LiveProcessor` takes the newest frame in a worker thread, runs face and pose
  concurrently (MediaPipe VIDEO mode releases the GIL; timestamps strictly increase), computes
  the angles with the same kinematics as ``analyze`` (:func:`angle_table` on a one-frame
  :class:`~rom_tracker.types.Landmarks`) and hands a :class:`LiveResult` to a callback.
  The pose-landmark head yaw (used past the face landmarker's reach) is calibrated on the
  frames seen so far (:class:`~rom_tracker.rom.streaming.PoseYawCalibrator`), as
  ``analyze`` calibrates it on the whole recording.

Timing: ``t_capture`` is ``time.perf_counter()`` when the frame was read, ``t_inferred``
when its angles were ready; the GUI adds its own display time. Latency is
``t_inferred - t_capture``.

A source that fails, or a camera or stream that stops delivering frames (ends, or stays
silent longer than ``stall_timeout_s``), is reported as an :class:`InputError` through
``on_error``, never as a hang. The callbacks run on the worker thread: they must return
quickly (emitting a queued Qt signal, or putting into a queue, is the intended use).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

import numpy as np
import numpy.typing as npt

from rom_tracker.capture import Frame
from rom_tracker.errors import InputError
from rom_tracker.kinematics.fusion import pose_yaw_cues
from rom_tracker.kinematics.table import AngleOptions, columns_for, compute_angles
from rom_tracker.landmarks import FaceLandmarker, PoseLandmarker, TrackBuilder
from rom_tracker.pipeline import FaceOut, ModelPaths, PoseOut, What
from rom_tracker.rom.streaming import PoseYawCalibrator, TrunkStabiliser
from rom_tracker.types import ImageSize, Landmarks

log = logging.getLogger(__name__)

FaceFn = Callable[[np.ndarray, float], FaceOut | None]
PoseFn = Callable[[np.ndarray, float], PoseOut | None]

LIVE_KINDS = frozenset({"camera", "stream"})


class Smoother(Protocol):
    """A causal filter for display, e.g. :class:`rom_tracker.rom.filters.OneEuroFilter`."""

    def update(self, t_s: float, x: npt.ArrayLike) -> npt.NDArray[np.floating]: ...


@dataclass(frozen=True)
class CapturedFrame:
    """A frame and the ``time.perf_counter()`` at which it was read from the source."""

    frame: Frame
    t_capture: float


class LatestFrameReader:
    """Reads ``source`` in a thread, keeping only the newest frame (latest-frame semantics).

    source:          any iterable of :class:`Frame` (a :class:`~rom_tracker.capture.Source`,
                     or a generator in tests). Its iterator is closed in ``finally`` on the
                     reader thread, which releases a camera or file.
    realtime:        release frames at their timestamps (a video played as if live). None:
                     True for video files, False for cameras and streams (already paced).
    stall_timeout_s: a camera or stream silent for this long is reported as lost.

    ``get()`` returns the newest frame not yet taken; ``dropped`` counts frames replaced
    before anyone took them; ``error`` holds what stopped the source, ``finished`` is set
    when it ended (normally or not).
    """

    def __init__(
        self,
        source: Iterable[Frame],
        *,
        realtime: bool | None = None,
        stall_timeout_s: float = 5.0,
    ) -> None:
        info = getattr(source, "info", None)
        self.kind: str = getattr(info, "kind", "frames")
        self.label: str = getattr(info, "label", type(source).__name__)
        self.source = source
        self.realtime = (self.kind == "video") if realtime is None else bool(realtime)
        self.stall_timeout_s = float(stall_timeout_s)
        self.dropped = 0
        self.frames_read = 0
        self.error: BaseException | None = None
        self.finished = threading.Event()
        self.released = threading.Event()  # the source's iterator was closed
        self._latest: CapturedFrame | None = None
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_read = 0.0

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("LatestFrameReader.start() called twice")
        self._last_read = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="capture", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the reader to stop and wait (up to ``timeout``) for the source's release."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("%s: capture thread still blocked in a read after stop()", self.label)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ consumer side
    def get(self, timeout: float = 0.1) -> CapturedFrame | None:
        """The newest frame not yet taken, waiting up to ``timeout``; None if none came.

        Once the source ended, failed or stalled, returns None at once (see ``error`` and
        ``finished``).
        """
        deadline = time.perf_counter() + timeout
        with self._cond:
            while self._latest is None:
                if self.finished.is_set() or self._stop.is_set():
                    return None
                self._check_stall()
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                self._cond.wait(min(left, 0.05))
            item, self._latest = self._latest, None
            return item

    def _check_stall(self) -> None:
        """Called with the lock held: a silent camera or stream becomes an error."""
        if self.kind not in LIVE_KINDS or self.finished.is_set():
            return
        silent = time.perf_counter() - self._last_read
        if silent > self.stall_timeout_s:
            self.error = InputError(
                f"{self.kind} {self.label} delivered no frame for {silent:.1f} s",
                "check it is still connected and not used by another program, then retry",
            )
            self.finished.set()
            self._stop.set()

    # ------------------------------------------------------------------ reader thread
    def _publish(self, frame: Frame) -> None:
        now = time.perf_counter()
        with self._cond:
            if self._latest is not None:
                self.dropped += 1
            self._latest = CapturedFrame(frame, now)
            self.frames_read += 1
            self._last_read = now
            self._cond.notify_all()

    def _pace(self, frame: Frame, clock: list[float]) -> None:
        """Sleep until ``frame``'s timestamp relative to the first frame (interruptible)."""
        if not clock:
            clock.extend((time.perf_counter(), frame.t_s))
            return
        due = clock[0] + (frame.t_s - clock[1])
        delay = due - time.perf_counter()
        if delay > 0:
            self._stop.wait(delay)

    def _run(self) -> None:
        frames: Iterator[Frame] | None = None
        clock: list[float] = []
        try:
            frames = iter(self.source)
            for frame in frames:
                if self._stop.is_set():
                    break
                if self.realtime:
                    self._pace(frame, clock)
                    if self._stop.is_set():
                        break
                self._publish(frame)
            else:
                if self.kind in LIVE_KINDS:
                    raise InputError(
                        f"{self.kind} {self.label} stopped delivering frames",
                        "check it is still connected, then retry",
                    )
        except Exception as exc:  # reported to the consumer as an error event
            if self.error is None:  # a stall reported first stays the reported error
                self.error = exc
            log.debug("%s: capture stopped by %r", self.label, exc)
        finally:
            try:
                close = getattr(frames, "close", None)
                if close is not None:
                    close()  # runs the source's own ``finally``: releases the device
            finally:
                self.released.set()
                with self._cond:
                    self.finished.set()
                    self._cond.notify_all()


@dataclass(frozen=True)
class LiveResult:
    """One processed frame.

    index, t_s:      frame position and source timestamp (seconds).
    rgb:             (H, W, 3) uint8 RGB frame that was processed.
    face_xyz:        (478, 3) float32 normalised image landmarks, or None (no face / not run).
    face_matrix:     (4, 4) float32 facial transformation matrix, or None.
    pose_xyz:        (33, 3) float32 normalised image landmarks, or None.
    pose_world:      (33, 3) float32 world landmarks (metres, hip-centred), or None.
    pose_visibility: (33,) float32 in [0, 1], or None.
    angles:          column name -> degrees (NaN: not measurable), as ``analyze`` writes.
    angles_smoothed: the same after the display smoother, or None when smoothing is off.
    t_capture, t_inferred: ``time.perf_counter()`` at read and when the angles were ready.
    dropped_frames_total: frames the reader dropped so far (stale, never processed).
    fps:             processed frames per second over the last second or so (NaN at start).
    head_confidence: how sure the head yaw is, in [0, 1] (0: head not seen; NaN: the head
                     group is not computed), see :mod:`rom_tracker.kinematics.fusion`.
    head_source:     where the head yaw came from: ``"face"`` (face matrix), ``"pose"``
                     (pose landmarks, no face), ``"fused"`` (both) or ``""`` (not seen).
    """

    index: int
    t_s: float
    rgb: np.ndarray
    face_xyz: np.ndarray | None
    face_matrix: np.ndarray | None
    pose_xyz: np.ndarray | None
    pose_world: np.ndarray | None
    pose_visibility: np.ndarray | None
    angles: dict[str, float]
    angles_smoothed: dict[str, float] | None
    t_capture: float
    t_inferred: float
    dropped_frames_total: int
    fps: float
    head_confidence: float = math.nan
    head_source: str = ""

    @property
    def latency_s(self) -> float:
        """Capture to result, seconds."""
        return self.t_inferred - self.t_capture

    @property
    def display_angles(self) -> dict[str, float]:
        """Smoothed angles where smoothing is on, else the raw ones."""
        return self.angles_smoothed if self.angles_smoothed is not None else self.angles


def frame_landmarks(
    size: ImageSize, t_s: float, face: FaceOut | None, pose: PoseOut | None
) -> Landmarks:
    """A one-frame :class:`Landmarks` from adapter outputs (None: not seen)."""
    builder = TrackBuilder(capacity=1)
    builder.add(face, pose)
    return Landmarks(np.array([t_s], np.float64), size, builder.face_track(), builder.pose_track())


class _Rate:
    """Frames per second over a sliding window of recent event times."""

    def __init__(self, window_s: float = 1.0) -> None:
        self.window_s = window_s
        self._times: deque[float] = deque(maxlen=240)

    def tick(self, now: float) -> float:
        self._times.append(now)
        while len(self._times) > 2 and now - self._times[0] > self.window_s:
            self._times.popleft()
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else math.nan


class LiveProcessor:
    """Latest frame -> face and pose (concurrently) -> angles -> ``on_result``.

    source:      iterable of :class:`Frame` (camera, stream, video, or a fake in tests).
    models:      resolved model files; a None entry is not run. Landmarkers are created on
                 the worker thread (a model problem arrives through ``on_error``).
    what:        angle group, as for ``analyze``.
    on_result:   called on the worker thread with each :class:`LiveResult`; must not block.
    on_error:    called once with the exception that stopped processing (InputError for a
                 lost camera or unreadable source, ModelError, or an estimator failure).
    on_finished: called once when the worker ends, for whatever reason.
    smoothing:   optional display smoother (``update(t_s, x)``), e.g. ``OneEuroFilter()``.
    face, pose:  injected estimators ``f(rgb, t_s) -> output | None`` instead of the
                 models (tests; other backends).
    """

    def __init__(
        self,
        source: Iterable[Frame],
        models: ModelPaths | None = None,
        what: What = "all",
        on_result: Callable[[LiveResult], None] | None = None,
        *,
        on_error: Callable[[BaseException], None] | None = None,
        on_finished: Callable[[], None] | None = None,
        smoothing: Smoother | None = None,
        min_confidence: float = 0.5,
        realtime: bool | None = None,
        stall_timeout_s: float = 5.0,
        face: FaceFn | None = None,
        pose: PoseFn | None = None,
    ) -> None:
        if models is None and face is None and pose is None:
            raise ValueError("LiveProcessor needs models or injected face/pose estimators")
        self.reader = LatestFrameReader(source, realtime=realtime, stall_timeout_s=stall_timeout_s)
        self.models = models
        self.what: What = what
        self.columns = columns_for(what)
        self.on_result = on_result
        self.on_error = on_error
        self.on_finished = on_finished
        self.smoothing = smoothing
        self.steady = TrunkStabiliser()  # neck rotation without the trunk's per-frame jitter
        self.pose_yaw = PoseYawCalibrator()
        self.min_confidence = min_confidence
        self._face_fn = face
        self._pose_fn = pose
        self.error: BaseException | None = None
        self.processed = 0
        self.latest: LiveResult | None = None
        self.done = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Self:
        if self._thread is not None:
            raise RuntimeError("LiveProcessor.start() called twice")
        self._thread = threading.Thread(target=self._run, name="live-infer", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop processing, close the models and release the source; waits for both."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self.reader.stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the worker ended (source finished, error or stop); True if it did."""
        return self.done.wait(timeout)

    @property
    def dropped(self) -> int:
        return self.reader.dropped

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ worker
    def _estimators(self, stack: ExitStack) -> tuple[FaceFn | None, PoseFn | None]:
        face, pose = self._face_fn, self._pose_fn
        if self.models is not None and face is None and pose is None:
            conf = self.min_confidence
            if self.models.face is not None:
                face = stack.enter_context(
                    FaceLandmarker(self.models.face, video=True, min_confidence=conf)
                ).process
            if self.models.pose is not None:
                pose = stack.enter_context(
                    PoseLandmarker(self.models.pose, video=True, min_confidence=conf)
                ).process
        return face, pose

    def _run(self) -> None:
        try:
            with ExitStack() as stack:
                face, pose = self._estimators(stack)
                pool = stack.enter_context(
                    ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-face")
                )
                self.reader.start()
                stack.callback(self.reader.stop)
                self._loop(face, pose, pool)
        except Exception as exc:  # reported through on_error, never raised on a thread
            self._fail(exc)
        finally:
            self.done.set()
            if self.on_finished is not None:
                self.on_finished()

    def _fail(self, exc: BaseException) -> None:
        if self.error is not None:
            return
        self.error = exc
        log.debug("live processing stopped by %r", exc)
        if self.on_error is not None:
            self.on_error(exc)

    def _loop(self, face: FaceFn | None, pose: PoseFn | None, pool: ThreadPoolExecutor) -> None:
        rate = _Rate()
        last_t = -math.inf
        size: ImageSize | None = None
        while not self._stop.is_set():
            item = self.reader.get(timeout=0.1)
            if item is None:
                if self.reader.finished.is_set():
                    if self.reader.error is not None:
                        self._fail(self.reader.error)
                    return
                continue
            frame = item.frame
            if frame.t_s <= last_t:  # VIDEO mode needs increasing times; skip a repeat
                log.debug("frame %d: timestamp %.4f does not increase", frame.index, frame.t_s)
                continue
            last_t = frame.t_s
            if size is None:
                size = ImageSize(frame.rgb.shape[1], frame.rgb.shape[0])
            face_job = pool.submit(face, frame.rgb, frame.t_s) if face is not None else None
            pose_out = pose(frame.rgb, frame.t_s) if pose is not None else None
            face_out = face_job.result() if face_job is not None else None
            self._emit(item, size, face_out, pose_out, rate)

    def _emit(
        self,
        item: CapturedFrame,
        size: ImageSize,
        face_out: FaceOut | None,
        pose_out: PoseOut | None,
        rate: _Rate,
    ) -> None:
        frame = item.frame
        lm = frame_landmarks(size, frame.t_s, face_out, pose_out)
        options = AngleOptions(pose_yaw_model=self.pose_yaw.model, details=True)
        computed = compute_angles(lm, self.what, options)
        table = computed.values
        head = "head_confidence" in table  # the head group was computed
        if self.what != "hip" and pose_out is not None:
            cues = pose_yaw_cues(lm.pose.image_xyz, lm.pose.visibility, (size.width, size.height))
            self.pose_yaw.update(cues, table["head_yaw_face_deg"])
        values = np.array([table[c][0] for c in self.columns], dtype=np.float64)
        angles = self.steady.update(
            frame.t_s, dict(zip(self.columns, values.tolist(), strict=True))
        )
        values = np.array([angles[c] for c in self.columns], dtype=np.float64)
        smoothed = None
        if self.smoothing is not None:
            out = np.asarray(self.smoothing.update(frame.t_s, values), dtype=np.float64)
            smoothed = dict(zip(self.columns, out.tolist(), strict=True))
        t_inferred = time.perf_counter()
        result = LiveResult(
            index=frame.index,
            t_s=frame.t_s,
            rgb=frame.rgb,
            face_xyz=face_out[0] if face_out is not None else None,
            face_matrix=face_out[1] if face_out is not None else None,
            pose_xyz=pose_out[0] if pose_out is not None else None,
            pose_world=pose_out[1] if pose_out is not None else None,
            pose_visibility=pose_out[2] if pose_out is not None else None,
            angles=angles,
            angles_smoothed=smoothed,
            t_capture=item.t_capture,
            t_inferred=t_inferred,
            dropped_frames_total=self.reader.dropped,
            fps=rate.tick(t_inferred),
            head_confidence=float(table["head_confidence"][0]) if head else math.nan,
            head_source=str(computed.head_source[0]),
        )
        self.processed += 1
        self.latest = result
        if self.on_result is not None:
            self.on_result(result)


def run_live(processor: LiveProcessor, timeout: float | None = None) -> list[LiveResult]:
    """Run ``processor`` to the end of its source, collecting results (scripts, benchmarks).

    Raises whatever stopped it with an error.
    """
    results: list[LiveResult] = []
    user_cb = processor.on_result

    def collect(result: LiveResult) -> None:
        results.append(result)
        if user_cb is not None:
            user_cb(result)

    processor.on_result = collect
    with processor:
        processor.wait(timeout)
    if processor.error is not None:
        raise processor.error
    return results


__all__ = [
    "CapturedFrame",
    "LatestFrameReader",
    "LiveProcessor",
    "LiveResult",
    "Smoother",
    "frame_landmarks",
    "run_live",
]
