"""One live frame's landmarks -> angles, with the rolling state a live session keeps.

The angles are computed with the same kinematics as ``analyze`` (:func:`compute_angles` on
a one-frame :class:`~rom_tracker.types.Landmarks`). What ``analyze`` does over the whole
recording is done here on the frames seen so far: the pose-landmark head yaw (used past the
face landmarker's reach) is calibrated by :class:`~rom_tracker.rom.streaming.PoseYawCalibrator`,
and the trunk is steadied by :class:`~rom_tracker.rom.streaming.TrunkStabiliser`. An
optional display smoother runs last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.fusion import pose_yaw_cues
from rom_tracker.kinematics.table import (
    AngleOptions,
    columns_for,
    compute_angles,
    shoulder_line_yaw,
)
from rom_tracker.media.landmarks import TrackBuilder
from rom_tracker.pipeline import FaceOut, PoseOut, What
from rom_tracker.rom.streaming import PoseYawCalibrator, TrunkStabiliser
from rom_tracker.types import ImageSize, Landmarks


class Smoother(Protocol):
    """A causal filter for display, e.g. :class:`rom_tracker.rom.filters.OneEuroFilter`."""

    def update(self, t_s: float, x: npt.ArrayLike) -> npt.NDArray[np.floating]: ...


def frame_landmarks(
    size: ImageSize, t_s: float, face: FaceOut | None, pose: PoseOut | None
) -> Landmarks:
    """A one-frame :class:`Landmarks` from adapter outputs (None: not seen)."""
    builder = TrackBuilder(capacity=1)
    builder.add(face, pose)
    return Landmarks(np.array([t_s], np.float64), size, builder.face_track(), builder.pose_track())


@dataclass(frozen=True)
class FrameAngles:
    """The angles of one frame: column -> degrees (NaN: not measurable).

    smoothed:        the same after the display smoother, or None when smoothing is off.
    head_confidence: in [0, 1] (NaN: the head group is not computed).
    head_source:     ``"face"``, ``"pose"``, ``"fused"`` or ``""`` (not seen).
    shoulder_yaw_deg: the shoulder line's raw yaw, for the side set-up's trunk (NaN: not
                     seen or not computed).
    """

    angles: dict[str, float]
    smoothed: dict[str, float] | None
    head_confidence: float
    head_source: str
    shoulder_yaw_deg: float = math.nan  # the shoulder line's raw yaw (the side set-up's trunk)


class LiveAngles:
    """Angles frame by frame, with the session's rolling calibration and smoothing."""

    def __init__(self, what: What = "all", smoothing: Smoother | None = None) -> None:
        self.what: What = what
        self.columns = columns_for(what)
        self.smoothing = smoothing
        self.steady = TrunkStabiliser()  # neck rotation without the trunk's per-frame jitter
        self.pose_yaw = PoseYawCalibrator()

    def update(
        self, size: ImageSize, t_s: float, face_out: FaceOut | None, pose_out: PoseOut | None
    ) -> FrameAngles:
        lm = frame_landmarks(size, t_s, face_out, pose_out)
        options = AngleOptions(pose_yaw_model=self.pose_yaw.model, details=True)
        computed = compute_angles(lm, self.what, options)
        table = computed.values
        head = "head_confidence" in table  # the head group was computed
        if self.what != "hip" and pose_out is not None:
            cues = pose_yaw_cues(lm.pose.image_xyz, lm.pose.visibility, (size.width, size.height))
            # the face yaw analyze calibrates on: corrected (head_yaw_face_deg is the raw
            # matrix yaw; face-yaw-2 reads about 1.2 times it at small turns)
            face_yaw = np.where(computed.head_source == "face", table["head_yaw_deg"], np.nan)
            self.pose_yaw.update(cues, face_yaw)
        values = np.array([table[c][0] for c in self.columns], dtype=np.float64)
        angles = self.steady.update(t_s, dict(zip(self.columns, values.tolist(), strict=True)))
        values = np.array([angles[c] for c in self.columns], dtype=np.float64)
        smoothed = None
        if self.smoothing is not None:
            out = np.asarray(self.smoothing.update(t_s, values), dtype=np.float64)
            smoothed = dict(zip(self.columns, out.tolist(), strict=True))
        return FrameAngles(
            angles=angles,
            smoothed=smoothed,
            head_confidence=float(table["head_confidence"][0]) if head else math.nan,
            head_source=str(computed.head_source[0]),
            shoulder_yaw_deg=float(shoulder_line_yaw(lm)[0]) if self.what != "hip" else math.nan,
        )
