"""The Progress tab's work on kept videos, off the GUI thread: "Side by side..."
(``compare --video`` for the chosen Before and After sessions, with its progress shown) and
"Report..." when those sessions kept their videos (the report's end-range frames run the
models).

The trials and their kept videos are chosen on the GUI thread (the store's connection
belongs to it; :func:`rom_tracker.annotate.pairing.pick_pair`); the measuring, drawing and
encoding run on a worker thread (:class:`Job`), which reports its progress and its end
through Qt signals, so the window stays live.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from rom_tracker.annotate import AnnotateSettings
from rom_tracker.annotate.before_after import side_by_side, steps
from rom_tracker.annotate.pairing import Pair, pick_pair, strip_lines
from rom_tracker.annotate.stills import kept_a_video, report_stills
from rom_tracker.errors import RomTrackerError, UsageError
from rom_tracker.pipeline import ModelPaths
from rom_tracker.report import ReportRequest, write_report
from rom_tracker.rom.movements import MOVEMENTS
from rom_tracker.store import Store


class Job(QObject):
    """Work on a worker thread (``work(step)`` -> the file it wrote), told to the GUI by
    signals: ``progress(done, total)`` (every 10th ``step`` when ``total`` is known),
    ``finished(path)``, ``failed(message)`` (a one-line problem and its fix)."""

    progress = Signal(int, int)
    finished = Signal(object)  # the Path written
    failed = Signal(str)

    def __init__(self, work: Callable[[Callable[[], None]], Path], total: int = 0) -> None:
        super().__init__()
        self.work = work
        self.total = total
        self._done = 0
        self._thread: threading.Thread | None = None

    def _step(self) -> None:
        self._done += 1
        if self.total and self._done % 10 == 0:
            self.progress.emit(min(self._done, self.total), self.total)

    def _run(self) -> None:
        try:
            out = self.work(self._step)
        except RomTrackerError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # shown, not lost: the GUI thread cannot see this one
            self.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        if self.total:
            self.progress.emit(self.total, self.total)
        self.finished.emit(out)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="video-job", daemon=True)
        self._thread.start()

    def wait(self, timeout_s: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout_s)


def side_by_side_job(pair: Pair, out: Path, models: Callable[[], ModelPaths]) -> Job:
    """``compare --video`` of ``pair`` into ``out``."""
    what = "hip" if MOVEMENTS[pair.row.movement].needs == "hip" else "head"

    def work(step: Callable[[], None]) -> Path:
        settings = AnnotateSettings(what=what)
        side_by_side(pair.halves, strip_lines(pair.row), out, models(), settings, on_step=step)
        return out

    return Job(work, steps(pair.halves))


def report_job(
    db: Path, request: ReportRequest, out: Path, models: Callable[[], ModelPaths]
) -> Job:
    """The report with its end-range frames (faces hidden), from its own connection to the
    store at ``db`` (a connection belongs to the thread that opened it)."""

    def work(_step: Callable[[], None]) -> Path:
        with Store.open(db) as store:
            write_report(
                store,
                request,
                out,
                frames=lambda d: report_stills(store, d.before, d.after, d.rows, models),
            )
        return out

    return Job(work)


def prepare(store: Store, before: int, after: int, movement: str, side: str) -> Pair:
    """The pair to show for the view's movement and side (RomTrackerError with the fix when
    a session kept no video, or the sessions do not share it). The mode: effortless where
    both measured it, else the one they share."""
    try:
        return pick_pair(store, before, after, movement=movement, side=side, mode="effortless")
    except UsageError:  # not effortless in both: the mode they share (a missing video raises)
        return pick_pair(store, before, after, movement=movement, side=side)


class KeptVideoActions:
    """The Progress view's "Side by side..." button and its report with end-range frames
    (mixed into
    :class:`rom_tracker.ui.progress_view.ProgressView`, whose widgets it uses: ``before``,
    ``after``, ``movement``, ``side``, ``message``, ``side_by_side_button``, ``store``,
    ``ask_video_path``, ``models``, ``open_report``)."""

    store: Store
    before: Any
    after: Any
    movement: Any
    side: Any
    message: Any
    side_by_side_button: Any
    ask_video_path: Callable[[Path], Path | None]
    models: Callable[[], ModelPaths]
    open_report: Callable[[Path], object]
    job: Job | None

    def _ask_video_path(self, suggested: Path) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self,  # type: ignore[arg-type]  # the view (a QWidget)
            "Save the side-by-side video",
            str(suggested),
            "Video (*.mp4)",
        )
        return Path(path) if path else None

    def side_by_side(self) -> Job | None:
        """Ask where, then make the side-by-side video of the chosen sessions (this
        movement and side) on a worker thread; progress and problems on the message line,
        the video opened when done."""
        a, b = self.before.currentData(), self.after.currentData()
        movement, side = self.movement.currentData(), self.side.currentData()
        if a is None or b is None or a == b or not movement or not side:
            self.message.setText("Choose two sessions, a movement and a side first.")
            return None
        try:
            pair = prepare(self.store, a, b, movement, side)
        except RomTrackerError as exc:
            self.message.setText(f"No side by side: {exc}")
            return None
        path = self.ask_video_path(Path.home() / f"rom-tracker-{a}-vs-{b}-{movement}-{side}.mp4")
        if path is None:
            return None
        job = side_by_side_job(pair, path.with_suffix(".mp4"), self.models)
        # bound methods of this widget: Qt queues the worker thread's signals to the GUI's
        job.progress.connect(self._side_by_side_progress)
        job.failed.connect(self._side_by_side_failed)
        job.finished.connect(self._side_by_side_finished)
        self.side_by_side_button.setEnabled(False)
        self.job = job
        job.start()
        return job

    def _side_by_side_progress(self, done: int, total: int) -> None:
        self.message.setText(f"Side by side: {100 * done // max(total, 1)} %")

    def _side_by_side_failed(self, problem: str) -> None:
        self.side_by_side_button.setEnabled(True)
        self.message.setText(f"No side by side: {problem}")

    def _side_by_side_finished(self, out: Path) -> None:
        self.side_by_side_button.setEnabled(True)
        self.message.setText(f"Video written to {out}")
        self.open_report(out)

    def report_in_background(self, profile: str, request: ReportRequest, path: Path) -> bool:
        """Start the report on a worker thread when a session of ``profile`` kept its video
        (its end-range frames run the models); False: nothing kept, write it here."""
        if not any(kept_a_video(s) for s in self.store.sessions(profile)):
            return False
        job = report_job(self.store.path, request, path, self.models)
        job.failed.connect(self._report_failed)
        job.finished.connect(self._report_finished)
        self.message.setText("Report: measuring the kept videos for the end-range frames...")
        self.job = job
        job.start()
        return True

    def _report_failed(self, problem: str) -> None:
        self.message.setText(f"No report: {problem}")

    def _report_finished(self, out: Path) -> None:
        self.message.setText(f"Report written to {out}")
        self.open_report(out)
