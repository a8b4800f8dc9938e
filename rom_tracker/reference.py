"""Loaders for third-party reference data, mapped to rom-tracker's angle conventions.

Used by the accuracy tests and ``bench/accuracy.py``. Sign mappings are stated here once:

* AFLW2000-3D ``.mat`` ``Pose_Para[0][:3]`` = pitch, yaw, roll in radians; yaw > 0 means the
  subject turned to their own RIGHT, pitch > 0 means looking UP (see ../shared/data/README).
  rom-tracker: yaw > 0 = own left, pitch > 0 = chin down; so both change sign.
* Pose2Sim / OpenSim ``.mot``: ``hip_flexion_r/l`` > 0 = flexion, ``knee_angle_r/l`` > 0 =
  flexion; the same signs as rom-tracker's hip and knee flexion.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rom_tracker.errors import FileFormatError


@dataclass(frozen=True)
class HeadPoseTruth:
    """Ground-truth head pose of one photo in rom-tracker's conventions (degrees)."""

    yaw_deg: float
    pitch_deg: float
    roll_deg_dataset: float  # the dataset's own roll, sign not mapped (not documented)


def load_aflw_pose(mat_path: Path) -> HeadPoseTruth:
    from scipy.io import loadmat

    try:
        pose = loadmat(str(mat_path))["Pose_Para"][0][:3]
    except (OSError, KeyError, ValueError) as exc:
        raise FileFormatError(f"cannot read AFLW pose from {mat_path}: {exc}", "") from exc
    pitch, yaw, roll = np.degrees(pose.astype(np.float64))
    return HeadPoseTruth(yaw_deg=-float(yaw), pitch_deg=-float(pitch), roll_deg_dataset=float(roll))
