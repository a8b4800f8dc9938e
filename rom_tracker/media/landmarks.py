"""MediaPipe adapters: the only module that imports mediapipe.

Each adapter wraps one Tasks API landmarker, takes RGB frames with source timestamps and
returns plain numpy arrays; :class:`TrackBuilder` collects them into the typed containers of
:mod:`rom_tracker.types`. An empty result is "not seen" (NaN rows, ``found=False``), never
an exception. Model files are resolved elsewhere (:mod:`rom_tracker.media.models`) and passed in
as paths.

MediaPipe's native log lines (TensorFlow Lite, glog) are written by C++ straight to file
descriptor 2; the CLI diverts them to Python logging (:mod:`rom_tracker.media.nativelog`).
"""

from __future__ import annotations

import importlib.metadata
import logging
import re
from collections.abc import Sequence
from itertools import chain
from operator import attrgetter
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Self

import numpy as np

from rom_tracker.errors import ModelError
from rom_tracker.types import N_FACE_LANDMARKS, N_POSE_LANDMARKS, FaceTrack, PoseTrack

_mp: ModuleType | None = None
_vision: ModuleType | None = None

# The logger keeps the name users see in warnings (docs/errors.md) since the module moved.
log = logging.getLogger("rom_tracker.landmarks")

#: The first MediaPipe release whose PyPI build sends usage metrics to Google from native
#: code (libcurl to play.googleapis.com; no flag or variable turns it off). pyproject.toml
#: keeps mediapipe below it; a user who forces a newer one is told once (docs/reliability.md).
METRICS_SENDER_SINCE = (0, 10, 35)


def release_tuple(version: str) -> tuple[int, ...]:
    """``"0.10.33"`` -> ``(0, 10, 33)``; ``"1.2.3rc1"`` -> ``(1, 2, 3)`` (the release part)."""
    parts = []
    for piece in version.split("+", maxsplit=1)[0].split("."):
        digits = re.match(r"\d+", piece)
        if digits is None:
            break
        parts.append(int(digits.group()))
        if digits.end() < len(piece):  # "3rc1": a pre-release of 3
            break
    return tuple(parts)


def metrics_warning(version: str) -> str | None:
    """The one-line privacy warning for a MediaPipe release that sends usage metrics."""
    if release_tuple(version) < METRICS_SENDER_SINCE:
        return None
    return (
        f"mediapipe {version} is newer than rom-tracker supports (<0.10.35): its native code "
        "sends usage metrics to Google (play.googleapis.com) with no opt-out - reinstall with "
        "`make install` (or pip install 'mediapipe<0.10.35') to keep everything on this machine"
    )


def _load() -> tuple[Any, Any]:
    """Import mediapipe on first use (it takes about half a second); warns once where the
    installed release is one that phones home (:func:`metrics_warning`)."""
    global _mp, _vision
    if _vision is None:
        import mediapipe
        from mediapipe.tasks.python import vision

        try:
            warning = metrics_warning(importlib.metadata.version("mediapipe"))
        except importlib.metadata.PackageNotFoundError:  # run from a source tree
            warning = None
        if warning:
            log.warning("%s", warning)
        _mp, _vision = mediapipe, vision
    return _mp, _vision


_XYZ = attrgetter("x", "y", "z")
_VISIBILITY = attrgetter("visibility")


def _xyz(points: Sequence[Any]) -> np.ndarray:
    """``(N, 3)`` float32 from MediaPipe landmark objects, without a Python loop of ours
    (``map``/``attrgetter``/``fromiter`` run in C)."""
    n = len(points)
    flat = np.fromiter(chain.from_iterable(map(_XYZ, points)), np.float32, count=3 * n)
    return flat.reshape(n, 3)


def _visibility(points: Sequence[Any]) -> np.ndarray:
    """``(N,)`` float32; a landmark without a visibility (None) becomes NaN: not seen."""
    return np.array(list(map(_VISIBILITY, points)), dtype=np.float32)


def _mode(vision: Any, video: bool) -> Any:
    return vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE


def _create(factory: Any, options: Any, path: Path) -> Any:
    try:
        return factory.create_from_options(options)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"MediaPipe could not load model {path}: {exc}",
            "run `rom-tracker models verify` and re-fetch the model",
        ) from exc


class _Landmarker:
    """Shared lifecycle of both adapters: create, run per frame, close."""

    _task: Any

    def __init__(self, video: bool) -> None:
        self.video = video
        self._last_ms = -1

    def _image(self, rgb: np.ndarray) -> Any:
        assert _mp is not None
        if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError(f"expected an (H, W, 3) uint8 RGB frame, got {rgb.shape} {rgb.dtype}")
        return _mp.Image(image_format=_mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))

    def _run(self, rgb: np.ndarray, t_s: float) -> Any:
        image = self._image(rgb)
        if not self.video:
            return self._task.detect(image)
        # VIDEO mode needs strictly increasing integer milliseconds.
        t_ms = max(round(t_s * 1000.0), self._last_ms + 1)
        self._last_ms = t_ms
        return self._task.detect_for_video(image, t_ms)

    def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class FaceLandmarker(_Landmarker):
    """Face landmarker: 478 landmarks and the facial transformation matrix (no blendshapes)."""

    def __init__(self, model_path: Path, *, video: bool, min_confidence: float = 0.5) -> None:
        super().__init__(video)
        mp, vision = _load()
        options = vision.FaceLandmarkerOptions(
            base_options=mp.tasks.BaseOptions(model_asset_path=str(model_path)),
            running_mode=_mode(vision, video),
            num_faces=1,
            min_face_detection_confidence=min_confidence,
            min_face_presence_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
            output_face_blendshapes=False,
            output_facial_transformation_matrixes=True,
        )
        self._task = _create(vision.FaceLandmarker, options, model_path)

    def process(self, rgb: np.ndarray, t_s: float) -> tuple[np.ndarray, np.ndarray] | None:
        """Landmarks ``(478, 3)`` and matrix ``(4, 4)`` as float32, or None if no face."""
        result = self._run(rgb, t_s)
        if not result.face_landmarks:
            return None
        xyz = _xyz(result.face_landmarks[0])
        if result.facial_transformation_matrixes:
            matrix = np.asarray(result.facial_transformation_matrixes[0], dtype=np.float32)
        else:
            matrix = np.full((4, 4), np.nan, np.float32)
        return xyz, matrix


class PoseLandmarker(_Landmarker):
    """Pose landmarker: 33 image landmarks, 33 world landmarks and their visibility."""

    def __init__(self, model_path: Path, *, video: bool, min_confidence: float = 0.5) -> None:
        super().__init__(video)
        mp, vision = _load()
        options = vision.PoseLandmarkerOptions(
            base_options=mp.tasks.BaseOptions(model_asset_path=str(model_path)),
            running_mode=_mode(vision, video),
            num_poses=1,
            min_pose_detection_confidence=min_confidence,
            min_pose_presence_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
            output_segmentation_masks=False,
        )
        self._task = _create(vision.PoseLandmarker, options, model_path)

    def process(self, rgb: np.ndarray, t_s: float) -> tuple[np.ndarray, ...] | None:
        """``(image (33, 3), world (33, 3), visibility (33,))`` float32, or None if no pose."""
        result = self._run(rgb, t_s)
        if not result.pose_landmarks:
            return None
        points = result.pose_landmarks[0]
        return _xyz(points), _xyz(result.pose_world_landmarks[0]), _visibility(points)


class TrackBuilder:
    """Collects per-frame adapter results into FaceTrack / PoseTrack arrays.

    Results are written straight into preallocated arrays (``capacity`` frames, e.g. the
    source's frame count; doubled when full), so a long video holds one copy of its
    landmarks rather than a list of per-frame arrays plus the stacked track. A track's arrays
    are allocated at its first detection: a model that never saw anything costs nothing
    until the end.
    """

    def __init__(self, capacity: int = 0) -> None:
        self._n = 0
        self._capacity = max(int(capacity), 1)
        self._face: FaceTrack | None = None
        self._pose: PoseTrack | None = None

    def __len__(self) -> int:
        return self._n

    def _grow(self) -> None:
        self._capacity *= 2
        n = self._n
        if self._face is not None:
            face = FaceTrack.empty(self._capacity)
            for new, old in zip(_fields(face), _fields(self._face), strict=True):
                new[:n] = old[:n]
            self._face = face
        if self._pose is not None:
            pose = PoseTrack.empty(self._capacity)
            for new, old in zip(_fields(pose), _fields(self._pose), strict=True):
                new[:n] = old[:n]
            self._pose = pose

    def add(
        self,
        face: tuple[np.ndarray, np.ndarray] | None,
        pose: tuple[np.ndarray, ...] | None,
    ) -> None:
        if self._n == self._capacity:
            self._grow()
        i = self._n
        if face is not None:
            if self._face is None:
                self._face = FaceTrack.empty(self._capacity)
            self._face.image_xyz[i], self._face.matrix[i] = face
            self._face.found[i] = True
        if pose is not None:
            if self._pose is None:
                self._pose = PoseTrack.empty(self._capacity)
            track = self._pose
            track.image_xyz[i], track.world_xyz[i], track.visibility[i] = pose
            track.found[i] = True
        self._n += 1

    def face_track(self) -> FaceTrack:
        if self._face is None:
            return FaceTrack.empty(self._n)
        return FaceTrack(*_trim(_fields(self._face), self._n))

    def pose_track(self) -> PoseTrack:
        if self._pose is None:
            return PoseTrack.empty(self._n)
        return PoseTrack(*_trim(_fields(self._pose), self._n))


def _fields(track: FaceTrack | PoseTrack) -> tuple[np.ndarray, ...]:
    """The arrays of a track, in constructor order."""
    if isinstance(track, FaceTrack):
        return track.image_xyz, track.matrix, track.found
    return track.image_xyz, track.world_xyz, track.visibility, track.found


def _trim(arrays: tuple[np.ndarray, ...], n: int) -> list[np.ndarray]:
    """The first ``n`` frames: views when little is unused, else compact copies."""
    waste = arrays[0].shape[0] - n
    return [a[:n] if waste <= n // 8 else a[:n].copy() for a in arrays]


__all__ = [
    "N_FACE_LANDMARKS",
    "N_POSE_LANDMARKS",
    "FaceLandmarker",
    "PoseLandmarker",
    "TrackBuilder",
]
