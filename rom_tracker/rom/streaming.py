"""Causal clean-up of per-frame angles while measuring live (record, GUI).

The trunk turns slowly, but its per-frame yaw (from the shoulders' world depth) jitters by
about 3 degrees from one frame to the next and +-10 degrees over a still recording: measured
on samples/head_turn.mp4, where the body does not move at all. Neck rotation is head yaw
minus trunk yaw, so that jitter went straight into it and broke the protocol runner's
neutral (10 degrees) and hold (5 deg/s) checks. The trunk yaw now comes through a dead band
(``kinematics.trunk``: 0 below 30 degrees), which removes that jitter on a still body;
:class:`TrunkStabiliser` still low-passes what passes it (One Euro, 0.15 Hz, no speed
adaptation: a trunk does not whip round), so a trunk turn past the band fades in over about
a second instead of jumping, and recomputes neck rotation from it; a trunk reading lost for
up to ``hold_s`` keeps the last smoothed one.
Head yaw itself is left raw: holds and peaks are found on it by the ROM logic.

Past the face landmarker's reach the head yaw comes from the pose landmarks, through a
model that ``analyze`` fits once on a whole recording (``fusion.calibrate_pose_yaw``).
Live, :class:`PoseYawCalibrator` fits the same model as the recording goes on, on the
frames seen so far where the face yaw is trusted; until it has enough of them the default
model is used.

Batch analysis (``analyze``) does not need this: it filters whole series zero-phase.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping

import numpy as np

from rom_tracker.kinematics.fusion import (
    DEFAULT_POSE_YAW_MODEL,
    FACE_TRUSTED_DEG,
    PoseYawCues,
    PoseYawModel,
    calibrate_pose_yaw,
)
from rom_tracker.rom.filters import OneEuroFilter

TRUNK_CUTOFF_HZ = 0.15
TRUNK_HOLD_S = 1.0
#: Live pose-yaw self-calibration: frames kept (the latest usable ones; 20 s at 30 fps)
#: and how many new usable frames make it fit again.
CALIBRATION_WINDOW = 600
CALIBRATION_EVERY = 15


def _wrap(deg: float) -> float:
    return (deg + 180.0) % 360.0 - 180.0 if deg != 180.0 else 180.0


class TrunkStabiliser:
    """``update(t_s, angles) -> angles`` with a steady trunk yaw and neck rotation."""

    def __init__(self, cutoff_hz: float = TRUNK_CUTOFF_HZ, hold_s: float = TRUNK_HOLD_S) -> None:
        self._filter = OneEuroFilter(min_cutoff=cutoff_hz, beta=0.0)
        self.hold_s = hold_s
        self._last: tuple[float, float] | None = None  # (t_s, smoothed trunk yaw)

    def update(self, t_s: float, angles: Mapping[str, float]) -> dict[str, float]:
        out = dict(angles)
        trunk = angles.get("trunk_yaw_deg", math.nan)
        if math.isfinite(trunk):
            smooth = float(np.asarray(self._filter.update(t_s, np.array([trunk])))[0])
            self._last = (t_s, smooth)
        elif self._last is not None and t_s - self._last[0] <= self.hold_s:
            smooth = self._last[1]
        else:
            return out
        out["trunk_yaw_deg"] = smooth
        head = angles.get("head_yaw_deg", math.nan)
        if "neck_rotation_deg" in angles and math.isfinite(head):
            out["neck_rotation_deg"] = _wrap(head - smooth)
        return out


class PoseYawCalibrator:
    """The pose-yaw model fitted on the frames seen so far (``analyze`` fits it once).

    ``update(cues, face_yaw_deg)`` takes one or more frames' pose cues and face yaw (NaN
    where there is no face) and returns the model to use from now on. Only frames that
    can take part in the fit are kept (a face yaw within ``FACE_TRUSTED_DEG`` and an ear
    span facing the camera): while the head is turned past the face landmarker's reach,
    the model stays the one fitted on the last such frames.
    """

    def __init__(
        self,
        window: int = CALIBRATION_WINDOW,
        every: int = CALIBRATION_EVERY,
        default: PoseYawModel = DEFAULT_POSE_YAW_MODEL,
    ) -> None:
        if window < 1 or every < 1:
            raise ValueError(f"window, every: expected >= 1, got {window}, {every}")
        self._span: deque[float] = deque(maxlen=window)
        self._offset: deque[float] = deque(maxlen=window)
        self._face: deque[float] = deque(maxlen=window)
        self._every = every
        self._new = 0
        self.default = default
        self.model = default

    def __len__(self) -> int:
        return len(self._face)

    def update(self, cues: PoseYawCues, face_yaw_deg: object) -> PoseYawModel:
        face = np.atleast_1d(np.asarray(face_yaw_deg, dtype=np.float64))
        span = np.atleast_1d(np.asarray(cues.span, dtype=np.float64))
        offset = np.atleast_1d(np.asarray(cues.offset, dtype=np.float64))
        with np.errstate(invalid="ignore"):
            usable = (np.abs(face) <= FACE_TRUSTED_DEG) & (span > 0) & np.isfinite(offset)
        for i in np.flatnonzero(usable):
            self._span.append(float(span[i]))
            self._offset.append(float(offset[i]))
            self._face.append(float(face[i]))
            self._new += 1
        if self._new >= self._every:
            self._new = 0
            span_all = np.array(self._span)
            kept = PoseYawCues(
                span=span_all,
                offset=np.array(self._offset),
                visibility=np.ones_like(span_all),
                nose_x=np.zeros_like(span_all),
            )
            self.model = calibrate_pose_yaw(kept, np.array(self._face), default=self.default)
        return self.model
