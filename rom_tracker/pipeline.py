"""Glue: source -> landmark adapters -> typed landmarks. Holds no maths.

Decoding runs in its own thread a few frames ahead, and the face and pose landmarkers run
concurrently on each frame (MediaPipe releases the GIL), so a video is processed at about
the speed of the slower model rather than the sum of both.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np

from rom_tracker.media.capture import Frame, Source
from rom_tracker.media.landmarks import FaceLandmarker, PoseLandmarker, TrackBuilder
from rom_tracker.types import FaceTrack, ImageSize, Landmarks, PoseTrack

What = Literal["head", "hip", "all"]
FaceOut = tuple[np.ndarray, np.ndarray]  # image xyz (478, 3), matrix (4, 4)
PoseOut = tuple[np.ndarray, ...]  # image xyz (33, 3), world xyz (33, 3), visibility (33,)
WHAT_CHOICES: tuple[What, ...] = ("head", "hip", "all")


@dataclass(frozen=True)
class ModelPaths:
    """Resolved, verified model files; None where a model is not needed."""

    face: Path | None
    pose: Path | None


def needs_face(what: What) -> bool:
    return what in ("head", "all")


def needs_pose(what: What) -> bool:
    # Neck rotation is head yaw relative to the shoulder line: head needs the pose too.
    return True


_END = object()
T = TypeVar("T")


def prefetch(frames: Iterator[T], depth: int = 4) -> Iterator[T]:
    """Decode in a background thread, at most ``depth`` items (frames) ahead; errors
    re-raised here."""
    q: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for frame in frames:
                while not stop.is_set():
                    try:
                        q.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(_END)
        except BaseException as exc:  # forwarded to the consumer, which re-raises it
            q.put(exc)

    worker = threading.Thread(target=produce, name="decode", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=2.0)


def run_models(
    source: Source,
    models: ModelPaths,
    *,
    min_confidence: float = 0.5,
    on_frame: Callable[[Frame], None] | None = None,
) -> Landmarks:
    """Run the needed landmarkers over every frame of ``source``.

    Photos (and folders of photos) use MediaPipe's IMAGE mode, one independent detection
    each; videos, cameras and streams use VIDEO mode with the source's timestamps.
    """
    builder = TrackBuilder(capacity=source.info.frame_count + 1)
    times: list[float] = []
    size: ImageSize | None = None
    for frame, face_out, pose_out in _inferred(source, models, min_confidence):
        if size is None:
            size = ImageSize(frame.rgb.shape[1], frame.rgb.shape[0])
        builder.add(face_out, pose_out)
        times.append(frame.t_s)
        if on_frame is not None:
            on_frame(frame)
    n = len(times)
    return Landmarks(
        t_s=np.asarray(times, dtype=np.float64),
        size=size or ImageSize(max(source.info.width, 1), max(source.info.height, 1)),
        face=builder.face_track() if models.face else FaceTrack.empty(n),
        pose=builder.pose_track() if models.pose else PoseTrack.empty(n),
    )


def stream_landmarks(
    source: Source,
    models: ModelPaths,
    *,
    min_confidence: float = 0.5,
) -> Iterator[tuple[Frame, Landmarks]]:
    """Frame by frame: each frame with its own one-frame :class:`Landmarks`.

    For recording, where angles are needed as the frames come (the protocol runner reacts
    to holds and returns). Same concurrency as :func:`run_models`.
    """
    for frame, face_out, pose_out in _inferred(source, models, min_confidence):
        builder = TrackBuilder()
        builder.add(face_out, pose_out)
        yield (
            frame,
            Landmarks(
                t_s=np.array([frame.t_s]),
                size=ImageSize(frame.rgb.shape[1], frame.rgb.shape[0]),
                face=builder.face_track() if models.face else FaceTrack.empty(1),
                pose=builder.pose_track() if models.pose else PoseTrack.empty(1),
            ),
        )


def _inferred(
    source: Source, models: ModelPaths, min_confidence: float
) -> Iterator[tuple[Frame, FaceOut | None, PoseOut | None]]:
    """Each frame with the face and pose landmarker outputs (None: not seen / not asked).

    Decoding runs ahead in its own thread; the face landmarker runs on a worker thread while
    the pose landmarker runs here, both on the same frame.
    """
    video = not source.info.is_still
    with ExitStack() as stack:
        face = (
            stack.enter_context(
                FaceLandmarker(models.face, video=video, min_confidence=min_confidence)
            )
            if models.face
            else None
        )
        pose = (
            stack.enter_context(
                PoseLandmarker(models.pose, video=video, min_confidence=min_confidence)
            )
            if models.pose
            else None
        )
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="face"))
        for frame in prefetch(iter(source)):
            face_job = pool.submit(face.process, frame.rgb, frame.t_s) if face else None
            pose_out = pose.process(frame.rgb, frame.t_s) if pose else None
            yield frame, (face_job.result() if face_job else None), pose_out
