"""What the live pipeline hands on per frame: :class:`LiveResult`, and the rate it keeps."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LiveResult:
    """One processed frame.

    index, t_s:      frame position and source timestamp (seconds).
    rgb:             (H, W, 3) uint8 RGB frame that was processed.
    face_xyz:        (478, 3) float32 normalised image landmarks, or None (no face / not run).
    face_matrix:     (4, 4) float32 facial transformation matrix, or None.
    pose_xyz:        (33, 3) float32 normalised image landmarks, or None.
    pose_world:      (33, 3) float32 world landmarks (metres, hip-centred), or None.
    pose_visibility: (33,) float32 in [0, 1], or None.
    angles:          column name -> degrees (NaN: not measurable), as ``analyze`` writes.
    angles_smoothed: the same after the display smoother, or None when smoothing is off.
    t_capture, t_inferred: ``time.perf_counter()`` at read and when the angles were ready.
    dropped_frames_total: frames the reader dropped so far (stale, never processed).
    fps:             processed frames per second over the last second or so (NaN at start).
    head_confidence: how sure the head yaw is, in [0, 1] (0: head not seen; NaN: the head
                     group is not computed), see :mod:`rom_tracker.kinematics.fusion`.
    head_source:     where the head yaw came from: ``"face"`` (face matrix), ``"pose"``
                     (pose landmarks, no face), ``"fused"`` (both) or ``""`` (not seen).
    shoulder_yaw_deg: the shoulder line's raw yaw (degrees; NaN: not seen), for the side
                     set-up's trunk (``rom_tracker.rom.side_setup``).
    """

    index: int
    t_s: float
    rgb: np.ndarray
    face_xyz: np.ndarray | None
    face_matrix: np.ndarray | None
    pose_xyz: np.ndarray | None
    pose_world: np.ndarray | None
    pose_visibility: np.ndarray | None
    angles: dict[str, float]
    angles_smoothed: dict[str, float] | None
    t_capture: float
    t_inferred: float
    dropped_frames_total: int
    fps: float
    head_confidence: float = math.nan
    head_source: str = ""
    shoulder_yaw_deg: float = math.nan

    @property
    def latency_s(self) -> float:
        """Capture to result, seconds."""
        return self.t_inferred - self.t_capture

    @property
    def display_angles(self) -> dict[str, float]:
        """Smoothed angles where smoothing is on, else the raw ones."""
        return self.angles_smoothed if self.angles_smoothed is not None else self.angles


class Rate:
    """Frames per second over a sliding window of recent event times."""

    def __init__(self, window_s: float = 1.0) -> None:
        self.window_s = window_s
        self._times: deque[float] = deque(maxlen=240)

    def tick(self, now: float) -> float:
        self._times.append(now)
        while len(self._times) > 2 and now - self._times[0] > self.window_s:
            self._times.popleft()
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else math.nan
