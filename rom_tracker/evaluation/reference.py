"""Loaders for third-party reference data, mapped to rom-tracker's angle conventions.

Used by the accuracy tests and ``bench/accuracy.py``. Sign mappings are stated here once:

* AFLW2000-3D ``.mat`` ``Pose_Para[0][:3]`` = pitch, yaw, roll in radians; yaw > 0 means the
  subject turned to their own RIGHT, pitch > 0 means looking UP (see ../shared/data/README).
  rom-tracker: yaw > 0 = own left, pitch > 0 = chin down; so both change sign. The three
  angles are Euler angles of another order than ours: the labels come from 3DDFA's fit,
  whose rotation is ``R = Rx(pitch) Ry(yaw) Rz(roll)`` with 3DDFA's own matrices (its
  ``RotationMatrix.m``), where ours is y-x'-z'' (``kinematics.head``). The loader rebuilds
  that rotation and decomposes it our way; the three small-angle sign maps of that
  rotation are exactly the ones above (and roll keeps the dataset's sign). Taking the
  labels' angles one by one instead differs by up to 35 degrees of yaw and pitch on turned,
  tilted heads (median 0.2 degrees of yaw).
* Pose2Sim / OpenSim ``.mot``: ``hip_flexion_r/l`` > 0 = flexion, ``knee_angle_r/l`` > 0 =
  flexion; the same signs as rom-tracker's hip and knee flexion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rom_tracker.errors import FileFormatError
from rom_tracker.kinematics.head import head_angles_from_rotation


@dataclass(frozen=True)
class HeadPoseTruth:
    """Ground-truth head pose of one photo in rom-tracker's conventions (degrees)."""

    yaw_deg: float
    pitch_deg: float
    roll_deg: float


def load_aflw_pose(mat_path: Path) -> HeadPoseTruth:
    from scipy.io import loadmat

    try:
        pose = loadmat(str(mat_path))["Pose_Para"][0][:3]
    except (OSError, KeyError, ValueError) as exc:
        raise FileFormatError(f"cannot read AFLW pose from {mat_path}: {exc}", "") from exc
    yaw, pitch, roll = head_angles_from_rotation(aflw_rotation(*pose.astype(np.float64))[None])
    return HeadPoseTruth(yaw_deg=float(yaw[0]), pitch_deg=float(pitch[0]), roll_deg=float(roll[0]))


def aflw_rotation(pitch: float, yaw: float, roll: float) -> np.ndarray:
    """3DDFA's rotation from AFLW2000-3D's ``Pose_Para`` angles (radians), as in its
    ``RotationMatrix.m``: ``R_x * R_y * R_z`` with its sign layout; in rom-tracker's camera
    frame (a small pitch, yaw or roll of the label maps to our -pitch, -yaw, +roll)."""
    cx, sx, cy, sy = math.cos(pitch), math.sin(pitch), math.cos(yaw), math.sin(yaw)
    cz, sz = math.cos(roll), math.sin(roll)
    rx = np.array([[1.0, 0.0, 0.0], [0.0, cx, sx], [0.0, -sx, cx]])
    ry = np.array([[cy, 0.0, -sy], [0.0, 1.0, 0.0], [sy, 0.0, cy]])
    rz = np.array([[cz, sz, 0.0], [-sz, cz, 0.0], [0.0, 0.0, 1.0]])
    return rx @ ry @ rz
