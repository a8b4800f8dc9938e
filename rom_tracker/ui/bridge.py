"""The one place where worker threads meet the GUI thread.

``LiveProcessor`` calls back on its worker thread. :class:`LiveBridge` only queues each
result there and, at most once until the GUI thread has caught up, emits a queued wake-up
signal; on the GUI thread it hands all queued results over in one ``results`` signal.
So no widget is ever touched from a worker thread, a slow repaint never backs the
workers up (the queue is bounded: the oldest results go first), and every angle sample
still reaches the plot and the protocol runner in order. Results of feeds started one
after another (Retry, Play again) are put on one time line
(:class:`~rom_tracker.ui.feed.ContinuousClock`): what was measured before stays where it
was, the pause is a gap, and nothing downstream sees time go back.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from rom_tracker.errors import RomTrackerError
from rom_tracker.live.result import LiveResult
from rom_tracker.ui.feed import Callbacks, ContinuousClock, Factory, Processor, start_live

#: results kept while the GUI thread is busy (10 s at 30 fps)
QUEUE_MAX = 300


def _default_factory(spec: str, callbacks: Callbacks) -> Processor:
    return start_live(spec, callbacks)


class LiveBridge(QObject):
    """Starts and stops the live feed; ``results(list[LiveResult])`` on the GUI thread.

    ``failed(str)`` says why the feed stopped with an error (a lost camera or stream, an
    unreadable source, a model problem); ``ended()`` that its source came to its end
    without one, which only a video file does (played without ``loop``): two distinct
    events, never told apart by their message.
    """

    results = Signal(list)
    failed = Signal(str)
    ended = Signal()
    _wake = Signal()
    _error = Signal(int, str)
    _finished = Signal(int)

    def __init__(self, factory: Factory | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.factory: Factory = factory or _default_factory
        self.processor: Processor | None = None
        self.spec = ""
        self._lock = threading.Lock()
        self._queue: deque[LiveResult] = deque(maxlen=QUEUE_MAX)
        self._pending = False
        self._generation = 0
        self.clock = ContinuousClock()
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        self._error.connect(self._on_error, Qt.ConnectionType.QueuedConnection)
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self.processor is not None

    def start(self, spec: str) -> bool:
        """(Re)start the feed on ``spec``; False (and ``failed``) when it cannot open."""
        self.stop()
        self.spec = spec
        self._generation += 1
        self.clock.restart()
        gen = self._generation
        callbacks = Callbacks(
            on_result=lambda r: self._push(gen, r),
            on_error=lambda exc: self._error.emit(gen, _message(exc)),
            on_finished=lambda: self._finished.emit(gen),
        )
        try:
            self.processor = self.factory(spec, callbacks)
        except RomTrackerError as exc:
            self.processor = None
            self.failed.emit(_message(exc))
            return False
        return True

    def stop(self) -> None:
        """Stop the workers and release the camera (waits for them, a second or two)."""
        self._generation += 1
        processor, self.processor = self.processor, None
        if processor is not None:
            processor.stop()
        with self._lock:
            self._queue.clear()

    # -- worker threads ----------------------------------------------------------------

    def _push(self, gen: int, result: LiveResult) -> None:
        with self._lock:
            if gen != self._generation:
                return
            self._queue.append(result)
            wake = not self._pending
            self._pending = True
        if wake:
            self._wake.emit()

    # -- GUI thread --------------------------------------------------------------------

    def _drain(self) -> None:
        with self._lock:
            items = [self.clock(r) for r in self._queue]
            self._queue.clear()
            self._pending = False
        if items:
            self.results.emit(items)

    def _on_error(self, gen: int, message: str) -> None:
        if gen == self._generation:
            self._drain()
            self.processor = None
            self.failed.emit(message)

    def _on_finished(self, gen: int) -> None:
        if gen == self._generation and self.processor is not None:
            self._drain()
            self.processor = None
            self.ended.emit()


def _message(exc: BaseException | Any) -> str:
    if isinstance(exc, RomTrackerError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
