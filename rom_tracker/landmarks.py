"""MediaPipe adapters: the only module that imports mediapipe.

Each adapter wraps one Tasks API landmarker, takes RGB frames with source timestamps and
returns plain numpy arrays; :class:`TrackBuilder` stacks them into the typed containers of
:mod:`rom_tracker.types`. An empty result is "not seen" (NaN rows, ``found=False``), never
an exception. Model files are resolved elsewhere (:mod:`rom_tracker.models`) and passed in
as paths.

MediaPipe's native log lines (TensorFlow Lite, glog) are written by C++ straight to file
descriptor 2; the CLI diverts them to Python logging (:mod:`rom_tracker.nativelog`).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Self

import numpy as np

from rom_tracker.errors import ModelError
from rom_tracker.types import N_FACE_LANDMARKS, N_POSE_LANDMARKS, FaceTrack, PoseTrack

_mp: ModuleType | None = None
_vision: ModuleType | None = None


def _load() -> tuple[Any, Any]:
    """Import mediapipe on first use (it takes about a second)."""
    global _mp, _vision
    if _vision is None:
        import mediapipe
        from mediapipe.tasks.python import vision

        _mp, _vision = mediapipe, vision
    return _mp, _vision


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
        lms = result.face_landmarks[0]
        xyz = np.array([(p.x, p.y, p.z) for p in lms], dtype=np.float32)
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
        image = np.array(
            [(p.x, p.y, p.z, p.visibility or 0.0) for p in result.pose_landmarks[0]],
            dtype=np.float32,
        )
        world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks[0]], np.float32)
        return image[:, :3], world, image[:, 3]


class TrackBuilder:
    """Collects per-frame adapter results and stacks them into FaceTrack / PoseTrack."""

    def __init__(self) -> None:
        self.face: list[tuple[np.ndarray, np.ndarray] | None] = []
        self.pose: list[tuple[np.ndarray, ...] | None] = []

    def add(
        self,
        face: tuple[np.ndarray, np.ndarray] | None,
        pose: tuple[np.ndarray, ...] | None,
    ) -> None:
        self.face.append(face)
        self.pose.append(pose)

    def face_track(self) -> FaceTrack:
        n = len(self.face)
        track = FaceTrack.empty(n)
        for i, item in enumerate(self.face):
            if item is not None:
                track.image_xyz[i], track.matrix[i] = item
                track.found[i] = True
        return track

    def pose_track(self) -> PoseTrack:
        n = len(self.pose)
        track = PoseTrack.empty(n)
        for i, item in enumerate(self.pose):
            if item is not None:
                track.image_xyz[i], track.world_xyz[i], track.visibility[i] = item
                track.found[i] = True
        return track


__all__ = [
    "N_FACE_LANDMARKS",
    "N_POSE_LANDMARKS",
    "FaceLandmarker",
    "PoseLandmarker",
    "TrackBuilder",
]
