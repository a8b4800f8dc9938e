"""All angle columns of one input, from its landmarks: the table ``analyze`` writes.

Column order follows ``docs/conventions.md``; ``what`` selects the head group, the hip
group, or both. Every column is ``(T,)`` float64 in degrees, NaN where not measurable.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from rom_tracker.kinematics.body import body_angles
from rom_tracker.kinematics.head import head_angles, neck_rotation
from rom_tracker.types import Landmarks

HEAD_GROUP = (
    "head_yaw_deg",
    "head_pitch_deg",
    "head_roll_deg",
    "neck_rotation_deg",
    "trunk_yaw_deg",
)
HIP_GROUP = (
    "hip_flexion_left_deg",
    "hip_flexion_right_deg",
    "hip_abduction_left_deg",
    "hip_abduction_right_deg",
    "knee_flexion_left_deg",
    "knee_flexion_right_deg",
    "trunk_lean_deg",
    "hip_flexion_2d_left_deg",
    "hip_flexion_2d_right_deg",
    "trunk_lean_2d_deg",
)


# Pose landmarks whose visibility (MediaPipe's estimate that the point is in view and not
# occluded) is below this are treated as not seen: the model still guesses hips and knees
# outside a head-and-shoulders frame, and angles from guesses would be silent garbage.
VISIBILITY_MIN = 0.5


def mask_unseen(xyz: np.ndarray, visibility: np.ndarray, threshold: float) -> np.ndarray:
    """``xyz`` (T, N, 3) with rows whose visibility (T, N) is under ``threshold`` set to NaN."""
    seen = np.asarray(visibility) >= threshold  # NaN visibility compares False: not seen
    return np.where(seen[..., None], xyz, np.nan)


def columns_for(what: Literal["head", "hip", "all"]) -> tuple[str, ...]:
    return {"head": HEAD_GROUP, "hip": HIP_GROUP, "all": HEAD_GROUP + HIP_GROUP}[what]


def angle_table(
    lm: Landmarks,
    what: Literal["head", "hip", "all"] = "all",
    *,
    visibility_min: float = VISIBILITY_MIN,
) -> dict[str, np.ndarray]:
    """Angle columns for ``what``, computed for all frames at once."""
    vis = lm.pose.visibility
    body = body_angles(
        mask_unseen(lm.pose.world_xyz, vis, visibility_min),
        mask_unseen(lm.pose.image_xyz, vis, visibility_min),
        (lm.size.width, lm.size.height),
    )
    values: dict[str, np.ndarray] = dict(body)
    if what in ("head", "all"):
        values.update(head_angles(lm.face.matrix))
        values["neck_rotation_deg"] = neck_rotation(values["head_yaw_deg"], body["trunk_yaw_deg"])
    return {name: np.asarray(values[name], dtype=np.float64) for name in columns_for(what)}
