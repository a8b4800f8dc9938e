"""Intake of the live pipeline: the newest frame of a camera, stream or video, never a queue.

:class:`LatestFrameReader` reads the source in its own thread and keeps only the newest
frame. A frame that is replaced before the consumer took it is dropped and counted, never
queued, so the display never falls behind the camera. A video file can be read "as if
live" (``realtime=True``): frames are released at their own timestamps. A camera or stream
that stops delivering frames (ends, or stays silent longer than ``stall_timeout_s``) is
reported as an :class:`InputError`, never as a hang.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from rom_tracker.errors import InputError
from rom_tracker.media.capture import Frame

log = logging.getLogger("rom_tracker.live")

LIVE_KINDS = frozenset({"camera", "stream"})


@dataclass(frozen=True)
class CapturedFrame:
    """A frame and the ``time.perf_counter()`` at which it was read from the source."""

    frame: Frame
    t_capture: float


class LatestFrameReader:
    """Reads ``source`` in a thread, keeping only the newest frame (latest-frame semantics).

    source:          any iterable of :class:`Frame` (a :class:`~rom_tracker.media.capture.Source`,
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
