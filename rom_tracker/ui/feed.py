"""Starting the live feed for the app, Qt-free: a source spec -> a running LiveProcessor.

The app never runs MediaPipe itself: :func:`start_live` opens the source, resolves the
models and starts :class:`rom_tracker.live.processor.LiveProcessor`, whose capture and inference
threads call back with each result. A video file stands in for the camera and is played
as if live; by default it starts again at its end (``loop``), with timestamps that keep
increasing, so a short clip can drive a whole guided protocol.

How a feed stops tells the app what happened (``LiveProcessor``'s contract): a camera or
stream that stops delivering frames is an error (``on_error``: the camera was lost); a
video that comes to its end (``loop=False``) only finishes (``on_finished`` without
``on_error``). :class:`ContinuousClock` then keeps one increasing time across the feeds
started one after another (Retry, Play again, another source).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol

from rom_tracker.errors import UsageError
from rom_tracker.live.processor import LiveProcessor
from rom_tracker.live.result import LiveResult
from rom_tracker.media.capture import Frame, Source, SourceInfo, open_source
from rom_tracker.media.models import model_info, resolve
from rom_tracker.pipeline import ModelPaths
from rom_tracker.rom.filters import OneEuroFilter


class Processor(Protocol):
    """What the app needs of a running feed (``LiveProcessor`` has it)."""

    def stop(self, timeout: float = ...) -> None: ...


@dataclass(frozen=True)
class Callbacks:
    """Called on the worker thread: they must return quickly."""

    on_result: Callable[[LiveResult], None]
    on_error: Callable[[BaseException], None]
    on_finished: Callable[[], None]


Factory = Callable[[str, Callbacks], Processor]


class LoopingSource(Source):
    """A video played again and again, timestamps going on from one pass to the next."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.info: SourceInfo = source.info

    def __iter__(self) -> Iterator[Frame]:
        offset, index = 0.0, 0
        while True:
            last = None
            for frame in self.source:
                last = frame
                yield Frame(index, offset + frame.t_s, frame.rgb, frame.name)
                index += 1
            if last is None:
                return
            fps = self.info.fps if self.info.fps == self.info.fps else 30.0
            offset += last.t_s + 1.0 / fps


class ContinuousClock:
    """One time line for the results of feeds started one after another.

    Every feed has its own timestamps (a video starts again at 0, a camera at its own
    clock), but the plot, the gauge, the posture monitor and the measuring flow need one
    stream whose time only goes forward. Call :meth:`restart` when a new feed starts;
    ``clock(result)`` returns the result with its time shifted so that the new feed
    follows the last result of the previous one after the time that really passed
    between them (from ``t_capture``), so a pause shows as a gap. The first feed keeps
    its own times.
    """

    def __init__(self, min_step_s: float = 1.0 / 30.0) -> None:
        self.min_step_s = float(min_step_s)
        self._shift: float | None = 0.0
        self._last: LiveResult | None = None

    def restart(self) -> None:
        """The next result comes from a new feed."""
        self._shift = None

    def __call__(self, result: LiveResult) -> LiveResult:
        if self._shift is None:
            last = self._last
            if last is None:
                self._shift = 0.0
            else:
                pause = max(result.t_capture - last.t_capture, self.min_step_s)
                self._shift = last.t_s + pause - result.t_s
        if self._shift != 0.0:
            result = replace(result, t_s=result.t_s + self._shift)
        self._last = result
        return result


def default_models() -> ModelPaths:
    """Face landmarker and the lite pose landmarker, resolved once (cache, mirror, URL)."""
    return ModelPaths(face=resolve("face_landmarker"), pose=resolve("pose_landmarker_lite"))


def model_hashes(models: ModelPaths) -> dict[str, str]:
    """Model file name -> SHA-256, as sessions record them."""
    out = {}
    for path in (models.face, models.pose):
        if path is not None:
            info = model_info(path)
            out[info.get("name", path.name)] = info.get("sha256", "")
    return out


def start_live(
    spec: str,
    callbacks: Callbacks,
    *,
    models: ModelPaths | None = None,
    loop: bool = True,
) -> LiveProcessor:
    """Open ``spec`` (camera index, video path or stream URL) and start processing it."""
    source: Source = open_source(spec)
    if source.info.is_still:
        raise UsageError(
            f"{spec} is a photo, not a live source",
            "give a camera index (0), a video file or a stream URL",
        )
    if loop and source.info.kind == "video":
        source = LoopingSource(source)
    processor = LiveProcessor(
        source,
        models or default_models(),
        "all",
        callbacks.on_result,
        on_error=callbacks.on_error,
        on_finished=callbacks.on_finished,
        smoothing=OneEuroFilter(),
    )
    return processor.start()
