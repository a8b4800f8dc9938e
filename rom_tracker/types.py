"""Typed, validated containers passed between layers.

All containers are batch-first: the first axis is time, ``T`` frames (a photo is
``T == 1``). Landmarks that were not seen are NaN and stay NaN; ``found`` says per frame
whether the model returned a detection. Only numpy is imported here.

Coordinate frames
-----------------
* image landmarks: MediaPipe normalised image coordinates; ``x`` in [0, 1] left to right
  of the (non-mirrored) image, ``y`` in [0, 1] top to bottom, ``z`` relative depth on
  roughly the scale of ``x`` (smaller = closer to the camera). Multiply ``x`` by the
  image width and ``y`` by the height for pixels (``ImageSize``).
* pose world landmarks: metres, origin at the centre of the hips, ``x`` toward image
  right, ``y`` down, ``z`` away from the camera (MediaPipe's convention).
* face transformation matrix: 4x4 rigid transform from MediaPipe's canonical face model
  (centimetres; ``x`` toward the subject's left, ``y`` up, ``z`` out of the face) to
  the camera frame (OpenGL convention: ``x`` right, ``y`` up, ``z`` toward the viewer).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.floating]
BoolArray = npt.NDArray[np.bool_]

N_FACE_LANDMARKS = 478
N_POSE_LANDMARKS = 33


def _check(name: str, arr: np.ndarray, shape: tuple[int | None, ...], kind: str) -> None:
    """Raise ValueError naming expected and actual shape/dtype kind."""
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"{name}: expected a numpy array, got {type(arr).__name__}")
    if arr.ndim != len(shape) or any(
        want is not None and got != want for want, got in zip(shape, arr.shape, strict=True)
    ):
        want_s = "(" + ", ".join("T" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name}: expected shape {want_s}, got {arr.shape}")
    if arr.dtype.kind not in kind:
        raise ValueError(f"{name}: expected dtype kind {kind!r}, got {arr.dtype}")


def _check_len(name: str, arr: np.ndarray, n: int) -> None:
    if arr.shape[0] != n:
        raise ValueError(f"{name}: expected {n} frames (first axis), got {arr.shape[0]}")


@dataclass(frozen=True)
class ImageSize:
    """Frame size in pixels."""

    width: int
    height: int

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"image size must be positive, got {self.width}x{self.height}")


@dataclass(frozen=True)
class FaceTrack:
    """Face landmarker output over ``T`` frames.

    image_xyz: (T, 478, 3) float32, normalised image coordinates (see module docstring).
    matrix:    (T, 4, 4) float32, facial transformation matrix, canonical face -> camera
               frame (rotation + translation in cm); all NaN where no face was found.
    found:     (T,) bool, a face was detected in that frame.
    """

    image_xyz: FloatArray
    matrix: FloatArray
    found: BoolArray

    def __post_init__(self) -> None:
        _check("FaceTrack.image_xyz", self.image_xyz, (None, N_FACE_LANDMARKS, 3), "f")
        n = self.image_xyz.shape[0]
        _check("FaceTrack.matrix", self.matrix, (None, 4, 4), "f")
        _check("FaceTrack.found", self.found, (None,), "b")
        _check_len("FaceTrack.matrix", self.matrix, n)
        _check_len("FaceTrack.found", self.found, n)

    def __len__(self) -> int:
        return int(self.found.shape[0])

    @classmethod
    def empty(cls, n: int) -> FaceTrack:
        """A track of ``n`` frames in which nothing was seen."""
        return cls(
            image_xyz=np.full((n, N_FACE_LANDMARKS, 3), np.nan, np.float32),
            matrix=np.full((n, 4, 4), np.nan, np.float32),
            found=np.zeros(n, bool),
        )


@dataclass(frozen=True)
class PoseTrack:
    """Pose landmarker output over ``T`` frames (33 BlazePose landmarks).

    image_xyz:  (T, 33, 3) float32, normalised image coordinates.
    world_xyz:  (T, 33, 3) float32, metres, hip-centred MediaPipe world frame.
    visibility: (T, 33) float32 in [0, 1]; NaN where no pose was found.
    found:      (T,) bool, a pose was detected in that frame.
    """

    image_xyz: FloatArray
    world_xyz: FloatArray
    visibility: FloatArray
    found: BoolArray

    def __post_init__(self) -> None:
        _check("PoseTrack.image_xyz", self.image_xyz, (None, N_POSE_LANDMARKS, 3), "f")
        n = self.image_xyz.shape[0]
        _check("PoseTrack.world_xyz", self.world_xyz, (None, N_POSE_LANDMARKS, 3), "f")
        _check("PoseTrack.visibility", self.visibility, (None, N_POSE_LANDMARKS), "f")
        _check("PoseTrack.found", self.found, (None,), "b")
        for name, arr in (
            ("PoseTrack.world_xyz", self.world_xyz),
            ("PoseTrack.visibility", self.visibility),
            ("PoseTrack.found", self.found),
        ):
            _check_len(name, arr, n)

    def __len__(self) -> int:
        return int(self.found.shape[0])

    @classmethod
    def empty(cls, n: int) -> PoseTrack:
        """A track of ``n`` frames in which nothing was seen."""
        return cls(
            image_xyz=np.full((n, N_POSE_LANDMARKS, 3), np.nan, np.float32),
            world_xyz=np.full((n, N_POSE_LANDMARKS, 3), np.nan, np.float32),
            visibility=np.full((n, N_POSE_LANDMARKS), np.nan, np.float32),
            found=np.zeros(n, bool),
        )


@dataclass(frozen=True)
class Landmarks:
    """Everything the models saw in one input: timestamps, image size, face and pose.

    t_s: (T,) float64, seconds from the start of the source, strictly increasing for
         videos (taken from the source, not assumed from a frame rate).
    """

    t_s: FloatArray
    size: ImageSize
    face: FaceTrack
    pose: PoseTrack

    def __post_init__(self) -> None:
        _check("Landmarks.t_s", self.t_s, (None,), "f")
        n = self.t_s.shape[0]
        if len(self.face) != n or len(self.pose) != n:
            raise ValueError(
                f"Landmarks: t_s has {n} frames, face {len(self.face)}, pose {len(self.pose)}"
            )

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    def frames(self, start: int, stop: int) -> Landmarks:
        """Frames ``start:stop`` (views of the same arrays, no copy)."""
        s = slice(start, stop)
        face, pose = self.face, self.pose
        return Landmarks(
            self.t_s[s],
            self.size,
            FaceTrack(face.image_xyz[s], face.matrix[s], face.found[s]),
            PoseTrack(pose.image_xyz[s], pose.world_xyz[s], pose.visibility[s], pose.found[s]),
        )
