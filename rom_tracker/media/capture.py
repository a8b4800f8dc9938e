"""Frame sources: video files, photos, folders of photos, cameras and stream URLs.

A source is an iterator of :class:`Frame` with timestamps taken from the source itself
(seconds, floats: 29.97 fps stays 29.97). Devices and files are released in ``finally``.
Anything that cannot be read raises :class:`~rom_tracker.errors.InputError` naming the path
or device and what to do. Frames are RGB ``uint8`` (what MediaPipe wants).
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from rom_tracker.errors import InputError

# The logger keeps the name users see in warnings (docs/errors.md) since the module moved.
log = logging.getLogger("rom_tracker.capture")

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
# Photos larger than this (in pixels on the long side) are scaled down before inference:
# the models work at 256 px internally, and a 50-megapixel array only costs memory.
MAX_IMAGE_SIDE = 4096
# Photos smaller than this cannot hold a measurable person or face.
MIN_IMAGE_SIDE = 32
# Camera indices go to V4L2 directly on Linux: letting OpenCV try every backend for an
# absent index also tries FFmpeg's, which prints a multi-line native exception.
CAMERA_API = cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY


@dataclass(frozen=True)
class Frame:
    """One decoded frame.

    index: 0-based position in the source.
    t_s:   seconds from the start of the source (strictly increasing within a source).
    rgb:   (H, W, 3) uint8, RGB order.
    name:  for photos, the file name; empty for video frames.
    """

    index: int
    t_s: float
    rgb: np.ndarray
    name: str = ""


@dataclass(frozen=True)
class SourceInfo:
    """What is known about a source before reading it."""

    kind: str  # "video" | "image" | "folder" | "camera" | "stream"
    label: str  # path, device or URL, for messages and outputs
    stem: str  # base name for output files
    fps: float  # nominal frame rate; NaN for photos
    frame_count: int  # expected frames (0 = unknown, e.g. a camera)
    width: int
    height: int

    @property
    def is_still(self) -> bool:
        """Photos are analysed one by one (MediaPipe IMAGE mode), not as a video."""
        return self.kind in ("image", "folder")


class Source:
    """Base class: ``info`` plus iteration over frames."""

    info: SourceInfo

    def __iter__(self) -> Iterator[Frame]:  # pragma: no cover - abstract
        raise NotImplementedError


def _read_image(path: Path) -> np.ndarray:
    """Read a photo as RGB, scaled into [MIN_IMAGE_SIDE, MAX_IMAGE_SIDE] on the long side."""
    if not path.is_file():
        raise InputError(f"no such photo: {path}", "check the path")
    try:
        data = np.fromfile(path, dtype=np.uint8)  # any file name works, unlike cv2.imread
    except OSError as exc:
        raise InputError(*_unreadable(path, exc)) from exc
    if data.size == 0:
        raise InputError(f"{path} is empty (0 bytes)", "use a JPEG or PNG photo")
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if bgr is None:
        raise InputError(
            f"{path} is not a readable image", "use a JPEG or PNG photo (or re-save it)"
        )
    h, w = bgr.shape[:2]
    if max(h, w) < MIN_IMAGE_SIDE:
        raise InputError(
            f"{path} is only {w}x{h} pixels, too small to find a person in",
            f"use a photo at least {MIN_IMAGE_SIDE} pixels on its long side",
        )
    if max(h, w) > MAX_IMAGE_SIDE:
        scale = MAX_IMAGE_SIDE / max(h, w)
        bgr = cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        log.info("%s scaled from %dx%d to %dx%d", path, w, h, bgr.shape[1], bgr.shape[0])
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


class ImageSource(Source):
    """One photo, or a folder of photos taken one by one (sorted by name).

    In a folder, a photo that cannot be used (damaged or truncated, unreadable, too small)
    is skipped: one warning names it and why, and :attr:`skipped` lists it after the
    iteration; the other photos are read as usual. A folder where no photo can be read
    raises InputError (as a single unusable photo does).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        #: ``(photo, reason)`` for each photo of a folder skipped so far in this iteration
        self.skipped: list[tuple[Path, str]] = []
        if path.is_dir():
            self.files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if not self.files:
                raise InputError(
                    f"folder {path} holds no photos",
                    f"put {', '.join(sorted(IMAGE_SUFFIXES))} files in it",
                )
            kind, stem = "folder", path.name
            self._start, first = self._first_readable()
        else:
            self.files = [path]
            kind, stem = "image", path.stem
            self._start, first = 0, _read_image(path)
        self._leading = list(self.skipped)
        self._first = first
        self.info = SourceInfo(
            kind=kind,
            label=str(path),
            stem=stem,
            fps=math.nan,
            frame_count=len(self.files) - len(self.skipped),
            width=first.shape[1],
            height=first.shape[0],
        )

    def _skip(self, file: Path, exc: InputError) -> None:
        log.warning("skipping a photo of the folder: %s", exc)
        self.skipped.append((file, exc.problem))

    def _first_readable(self) -> tuple[int, np.ndarray]:
        """The first photo of the folder that can be read; those before it are skipped.
        If none can be, one InputError (no warning per photo)."""
        failed: list[tuple[Path, InputError]] = []
        for i, file in enumerate(self.files):
            try:
                rgb = _read_image(file)
            except InputError as exc:
                failed.append((file, exc))
                continue
            for bad, error in failed:
                self._skip(bad, error)
            return i, rgb
        first = failed[0][1]
        if len(failed) == 1:
            raise first
        raise InputError(
            f"none of the {len(self.files)} photos in folder {self.path} can be read "
            f"(first: {first.problem})",
            first.fix,
        )

    def __iter__(self) -> Iterator[Frame]:
        self.skipped = list(self._leading)
        index = 0
        for i, file in enumerate(self.files[self._start :], start=self._start):
            if i == self._start:
                rgb = self._first
            else:
                try:
                    rgb = _read_image(file)
                except InputError as exc:
                    self._skip(file, exc)
                    continue
            yield Frame(index=index, t_s=float(index), rgb=rgb, name=file.name)
            index += 1


class VideoSource(Source):
    """A video file, camera index or stream URL read with OpenCV.

    Timestamps come from the container (``CAP_PROP_POS_MSEC``). Where the container gives
    none, or gives a non-increasing one (broken files), the nominal frame rate fills in and
    the repair is logged once: MediaPipe's VIDEO mode needs strictly increasing times.
    """

    def __init__(self, spec: str | int, *, kind: str) -> None:
        self.spec = spec
        label = str(spec)
        if kind == "video":
            path = Path(str(spec))
            if not path.exists():
                raise InputError(f"no such video: {path}", "check the path")
            if path.is_file() and path.stat().st_size == 0:
                raise InputError(f"{path} is empty (0 bytes)", "record or copy the video again")
            try:
                path.open("rb").close()
            except OSError as exc:  # OpenCV would only say it cannot open it
                raise InputError(*_unreadable(path, exc)) from exc
            stem = path.stem
        elif kind == "camera":
            stem = f"camera{spec}"
        else:
            stem = "stream"
        cap = _open_capture(spec, kind, label)
        try:
            if not cap.isOpened():
                raise InputError(*_open_failure(kind, label))
            fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
            count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0) if kind == "video" else 0
            width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
            height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
        finally:
            cap.release()
        if kind == "video" and (width <= 0 or height <= 0):
            raise InputError(*_open_failure(kind, label))
        self.info = SourceInfo(
            kind=kind,
            label=label,
            stem=stem,
            fps=fps if 0 < fps < 1000 else math.nan,
            frame_count=max(count, 0),
            width=width,
            height=height,
        )

    def __iter__(self) -> Iterator[Frame]:
        for index, t, bgr in self.iter_bgr():
            yield Frame(index=index, t_s=t, rgb=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))

    def iter_bgr(self) -> Iterator[tuple[int, float, np.ndarray]]:
        """``(index, t_s, bgr)`` per frame: the frames as OpenCV decodes them (BGR), for a
        caller that draws and encodes with OpenCV (``annotate``), without two colour
        conversions; same timestamps and checks as iterating the source."""
        kind, label = self.info.kind, self.info.label
        cap = _open_capture(self.spec, kind, label)
        try:
            if not cap.isOpened():
                raise InputError(*_open_failure(kind, label))
            step = 1.0 / self.info.fps if self.info.fps > 0 else 1.0 / 30.0
            last = -math.inf
            repaired = False
            index = 0
            while True:
                ok, bgr = cap.read()
                if not ok or bgr is None:
                    break
                t = float(cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
                if kind == "video" and index == 0 and t > 0:
                    t = 0.0 if t < step * 1.5 else t
                if not math.isfinite(t) or t <= last:
                    t_new = (last + step) if math.isfinite(last) else 0.0
                    if not repaired and index > 0:
                        log.warning(
                            "%s: timestamp %.4f s at frame %d does not increase; "
                            "using the frame rate instead",
                            label,
                            t,
                            index,
                        )
                        repaired = True
                    t = t_new
                last = t
                yield index, t, bgr
                index += 1
            if index == 0:
                raise InputError(*_open_failure(kind, label))
            self._check_end(index)
        finally:
            cap.release()

    def _check_end(self, frames: int) -> None:
        """Say so when a source ends early: a truncated file, a camera that went away.

        The frames read so far are kept and analysed (a recording is not thrown away
        for a damaged tail); the warning names what happened.
        """
        info = self.info
        if info.kind == "video":
            missing = info.frame_count - frames
            if missing > max(2, info.frame_count // 20):  # counts from headers are estimates
                log.warning(
                    "%s: only %d of the %d frames in its header could be decoded "
                    "(truncated or damaged file?); using those",
                    info.label,
                    frames,
                    info.frame_count,
                )
        else:
            log.warning(
                "%s %s stopped delivering frames after %d frames (disconnected?)",
                info.kind,
                info.label,
                frames,
            )


def _open_capture(spec: str | int, kind: str, label: str) -> cv2.VideoCapture:
    return cv2.VideoCapture(spec, CAMERA_API) if kind == "camera" else cv2.VideoCapture(label)


def _unreadable(path: Path, exc: OSError) -> tuple[str, str]:
    return (
        f"cannot read {path}: {exc.strerror or exc}",
        "check that you may read it (its permissions, e.g. chmod u+r) and that it is a file",
    )


def _open_failure(kind: str, label: str) -> tuple[str, str]:
    if kind == "video":
        return (
            f"cannot decode any frame of {label} (not a video, truncated, or an unsupported codec)",
            "check the file plays, or convert it: ffmpeg -i IN -c:v libx264 OUT.mp4",
        )
    if kind == "camera":
        return (
            f"cannot open camera {label}",
            "check it is connected and not used by another program, or try another index",
        )
    return (f"cannot open stream {label}", "check the URL and that the stream is running")


def open_source(spec: str | Path | int) -> Source:
    """Open a video, photo, folder of photos, camera index (``0``) or stream URL."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        return VideoSource(int(spec), kind="camera")
    text = str(spec)
    if "://" in text:
        return VideoSource(text, kind="stream")
    path = Path(text).expanduser()
    if path.is_dir() or path.suffix.lower() in IMAGE_SUFFIXES:
        if not path.exists():
            raise InputError(f"no such photo or folder: {path}", "check the path")
        return ImageSource(path)
    return VideoSource(str(path), kind="video")
