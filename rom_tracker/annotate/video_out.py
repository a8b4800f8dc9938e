"""Frames in and out for annotate: the first pass's frames kept for the second
(:class:`KeptFrames`), and an MP4 written atomically, encoded on its own thread
(:class:`AtomicVideoWriter`).

KeptFrames: the measuring pass decodes every frame anyway; keeping them (as OpenCV decoded
them, BGR) up to ``KEEP_BUDGET_BYTES`` saves decoding them again for drawing. A longer video
is decoded again instead.

Frames go to a temporary file beside the destination (``.<stem>.*.tmp.mp4``) and are
encoded by a worker thread (libx264 also runs its own threads), as H.264 where PyAV can
(:mod:`rom_tracker.annotate.encoders`). :meth:`AtomicVideoWriter.publish` renames the
finished file into place; leaving the ``with`` block without publishing (an error, Ctrl-C)
deletes it: no partial video ever appears under the destination's name.
"""

from __future__ import annotations

import math
import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import cv2
import numpy as np

from rom_tracker.annotate.encoders import Encoder, open_encoder
from rom_tracker.errors import StorageError
from rom_tracker.files.outputs import temp_beside
from rom_tracker.media.capture import Frame, Source, VideoSource
from rom_tracker.pipeline import prefetch

_END = object()
KEEP_BUDGET_BYTES = 768 * 2**20  # about 27 s of 640x480, 9 s of 1280x720


class KeptFrames(Source):
    """``source`` for the measuring pass, keeping its decoded frames for the drawing pass
    while they fit in ``budget`` bytes (:meth:`bgr_frames` decodes again if they did not)."""

    def __init__(self, source: VideoSource, budget: int = KEEP_BUDGET_BYTES) -> None:
        self.source = source
        self.info = source.info
        self.budget = budget
        self._kept: list[np.ndarray] | None = []

    def __iter__(self) -> Iterator[Frame]:
        used = 0
        for index, t, bgr in self.source.iter_bgr():
            if self._kept is not None:
                used += bgr.nbytes
                if used <= self.budget:
                    self._kept.append(bgr)
                else:
                    self._kept = None  # too long: the drawing pass decodes again
            yield Frame(index=index, t_s=t, rgb=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))

    def bgr_frames(self) -> Iterator[np.ndarray]:
        """The frames again, BGR, in order (the kept ones are handed over, not copied)."""
        if self._kept is not None:
            kept, self._kept = self._kept, None
            kept.reverse()
            while kept:
                yield kept.pop()  # each frame freed once drawn
            return
        for _, _, bgr in prefetch(self.source.iter_bgr()):
            yield bgr


class AtomicVideoWriter:
    """BGR frames to ``out`` (.mp4): H.264 where it can (else mp4v, one warning), encoded
    on a worker thread, published by :meth:`publish` only; ``h264=False`` forces mp4v."""

    def __init__(
        self, out: Path, fps: float, size: tuple[int, int], depth: int = 8, *, h264: bool = True
    ) -> None:
        self.out = out
        self.tmp = temp_beside(out, ".tmp.mp4")
        try:
            self._writer: Encoder = open_encoder(self.tmp, fps, size, label=out.name, h264=h264)
        except (OSError, ValueError) as exc:  # PyAV's errors are OSError/ValueError kinds
            self.tmp.unlink(missing_ok=True)
            raise StorageError(
                f"cannot encode {out}: {exc}", "report this with the --debug output"
            ) from exc
        self.codec = self._writer.codec
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="encode", daemon=True)
        self._closed = False
        self._thread.start()
        self.frames = 0

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if self._error is None:
                try:
                    self._writer.write(item)
                except BaseException as exc:  # re-raised in the caller's thread
                    self._error = exc

    def write(self, bgr: np.ndarray) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(bgr)
        self.frames += 1

    def _finish(self) -> None:
        if self._thread.is_alive():
            self._queue.put(_END)
            self._thread.join()
        if self._closed:
            return
        self._closed = True
        try:
            self._writer.close()
        except Exception as exc:  # a failed flush: the video is not published
            if self._error is None:
                self._error = exc

    def publish(self) -> Path:
        """Finish encoding and rename the video into place."""
        self._finish()
        if self._error is not None:
            raise self._error
        try:
            os.chmod(self.tmp, 0o600)
            os.replace(self.tmp, self.out)
        except OSError as exc:
            raise StorageError(
                f"cannot write {self.out}: {exc.strerror or exc}", "choose another --out"
            ) from exc
        return self.out

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._finish()
        self.tmp.unlink(missing_ok=True)


class VideoKeeper:
    """``record --keep-video PATH``: the frames measured, as an MP4 at the source's frame
    rate (30 where unknown), written atomically once the recording ends (:meth:`publish`).
    The writer opens on the first frame (its size is the frame's)."""

    def __init__(self, out: Path, fps: float) -> None:
        self.out = out
        self.fps = fps if math.isfinite(fps) and 0 < fps < 1000 else 30.0
        self._writer: AtomicVideoWriter | None = None
        probe = temp_beside(out, ".tmp.mp4")  # fail now, not after recording
        probe.unlink(missing_ok=True)

    @property
    def frames(self) -> int:
        return 0 if self._writer is None else self._writer.frames

    def add(self, frame: Frame) -> None:
        if self._writer is None:
            h, w = frame.rgb.shape[:2]
            self._writer = AtomicVideoWriter(self.out, self.fps, (w, h))
        self._writer.write(cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR))

    def publish(self) -> bool:
        """Publish the video; False when no frame came."""
        if self._writer is None:
            return False
        self._writer.publish()
        return True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._writer is not None:
            self._writer.__exit__(et, ev, tb)
