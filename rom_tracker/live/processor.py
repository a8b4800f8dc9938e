"""The live pipeline's worker: camera (or a video played as if live) -> landmarks -> angles.

Two threads:

* :class:`~rom_tracker.live.intake.LatestFrameReader` reads the source in its own thread
  and keeps only the newest frame (dropped frames are counted, never queued).
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
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from types import TracebackType
from typing import Self

import numpy as np

from rom_tracker.live.angles import LiveAngles, Smoother
from rom_tracker.live.intake import CapturedFrame, LatestFrameReader
from rom_tracker.live.result import LiveResult, Rate
from rom_tracker.media.capture import Frame
from rom_tracker.media.landmarks import FaceLandmarker, PoseLandmarker
from rom_tracker.pipeline import FaceOut, ModelPaths, PoseOut, What
from rom_tracker.rom.streaming import PoseYawCalibrator
from rom_tracker.types import ImageSize

log = logging.getLogger("rom_tracker.live")

FaceFn = Callable[[np.ndarray, float], FaceOut | None]
PoseFn = Callable[[np.ndarray, float], PoseOut | None]


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
        self.angles = LiveAngles(what, smoothing)
        self.on_result = on_result
        self.on_error = on_error
        self.on_finished = on_finished
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
    def pose_yaw(self) -> PoseYawCalibrator:
        """The pose-yaw calibration learnt from the frames seen so far."""
        return self.angles.pose_yaw

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
        rate = Rate()
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
        rate: Rate,
    ) -> None:
        frame = item.frame
        angles = self.angles.update(size, frame.t_s, face_out, pose_out)
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
            angles=angles.angles,
            angles_smoothed=angles.smoothed,
            t_capture=item.t_capture,
            t_inferred=t_inferred,
            dropped_frames_total=self.reader.dropped,
            fps=rate.tick(t_inferred),
            head_confidence=angles.head_confidence,
            head_source=angles.head_source,
            shoulder_yaw_deg=angles.shoulder_yaw_deg,
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
