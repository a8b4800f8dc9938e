"""All angle columns of one input, from its landmarks: the table ``analyze`` writes.

Column order follows ``docs/conventions.md``; ``what`` selects the head group, the hip
group, or both. Every column is ``(T,)`` float64 (degrees, or 0..1 for
``head_confidence``), NaN where not measurable. :func:`compute_angles` also returns the
per-frame ``head_source`` labels and how the head yaw was obtained (pose-yaw model,
neutral frames), for the summary.

Steps for the head group (see the modules named):

1. face rotation from the facial transformation matrix (``head``), and (for the yaw,
   with ``AngleOptions.correct_face_yaw``) from the landmark fit (``face_fit``);
2. with ``AngleOptions.camera``, the off-axis correction (``camera``);
3. with ``AngleOptions.neutral``, relative to the neutral head (``neutral``);
4. the face yaw and its correction (``face_model``), then yaw over the full range from
   it and the pose landmarks (``fusion``);
5. trunk yaw (shoulder line), implausible readings dropped (``head``), relative to the
   neutral when there is one, then a firm dead band (``trunk``; its head-pull term is 0 by
   default: measured, not adopted, docs/accuracy_neck.md); neck rotation = head yaw -
   trunk yaw.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.body import (
    P,
    image_angles,
    world_angles,
    world_angles_from_points,
    world_points,
)
from rom_tracker.kinematics.camera import Intrinsics, off_axis_correction, ray_yaw_deg
from rom_tracker.kinematics.face_fit import landmark_rotation
from rom_tracker.kinematics.face_model import correct_face_yaw
from rom_tracker.kinematics.face_model import face_yaw as face_yaw_of
from rom_tracker.kinematics.fusion import (
    DEFAULT_POSE_YAW_MODEL,
    PoseYawModel,
    head_yaw_full_range,
    pose_yaw_cues,
)
from rom_tracker.kinematics.head import (
    angles_dict,
    matrix_planes,
    neck_rotation,
    plausible_trunk_yaw,
)
from rom_tracker.kinematics.neutral import NeutralSpec, neutral_rotation, relative_to
from rom_tracker.kinematics.trunk import trunk_yaw_beyond_head
from rom_tracker.kinematics.views import blended_leg_angles, view_angle_from_lines
from rom_tracker.types import Landmarks

HEAD_GROUP = (
    "head_yaw_deg",
    "head_pitch_deg",
    "head_roll_deg",
    "neck_rotation_deg",
    "trunk_yaw_deg",
)
#: How the head yaw was obtained (``analyze`` writes them; live display does not need them).
HEAD_DETAIL = ("head_confidence", "head_yaw_face_deg", "head_yaw_pose_deg")
_LEGS = ("left", "right")
_ANGLES = ("hip_flexion", "hip_abduction", "knee_flexion")
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
#: The view angle and the 3D / 2D sources of the blended leg angles.
HIP_DETAIL = (
    "view_angle_deg",
    *(
        name
        for s in _LEGS
        for a in _ANGLES
        for k in ("3d", "2d")
        if (name := f"{a}_{k}_{s}_deg") not in HIP_GROUP
    ),
)

#: Per-frame label column written beside the table (not a float column).
SOURCE_COLUMN = "head_source"

#: Frames per chunk when every frame depends on itself alone (see :func:`compute_angles`):
#: a chunk's temporaries stay in the CPU cache, about twice as fast as whole-recording
#: temporaries at 10^6 frames.
CHUNK_FRAMES = 16384

# Pose landmarks whose visibility (MediaPipe's estimate that the point is in view and not
# occluded) is below this are treated as not seen: the model still guesses hips and knees
# outside a head-and-shoulders frame, and angles from guesses would be silent garbage.
VISIBILITY_MIN = 0.5


@dataclass(frozen=True)
class AngleOptions:
    """How the angles are computed (all off by default: the raw per-frame geometry).

    * ``camera``: the camera's intrinsics (any resolution of the same aspect); the head
      rotation is corrected for the head sitting off the optical axis. None: no correction.
    * ``neutral``: head angles relative to a neutral capture. None: relative to the camera.
    * ``calibrate_pose_yaw``: fit the pose-landmark yaw onto the face yaw of this recording
      (``analyze`` does for videos). False (the default): the default pose-yaw model, so
      every frame's angles depend on that frame alone (photos, live display, chunks).
    * ``pose_yaw_model``: the pose-yaw model when not calibrating (live: the one fitted on
      the frames seen so far, ``rom.streaming.PoseYawCalibrator``); with calibration, the
      fallback when a recording has too few frames to fit.
    * ``correct_face_yaw``: the face yaw of ``kinematics.face_model`` (face matrix blended
      with the landmark fit, corrected for the under-read; version ``FACE_MODEL_VERSION``);
      False: the raw face-matrix yaw.
    * ``use_pose_yaw``: let the pose-landmark yaw fill in and blend with the face yaw
      (``kinematics.fusion``); off by default: not trustworthy on real photos.
    * ``visibility_min``: pose landmarks less visible than this are not seen.
    * ``details``: also the columns of ``HEAD_DETAIL`` and ``HIP_DETAIL``.
    """

    camera: Intrinsics | None = None
    neutral: NeutralSpec | None = None
    calibrate_pose_yaw: bool = False
    pose_yaw_model: PoseYawModel = DEFAULT_POSE_YAW_MODEL
    correct_face_yaw: bool = True
    use_pose_yaw: bool = False
    visibility_min: float = VISIBILITY_MIN
    details: bool = False


@dataclass(frozen=True)
class AngleResult:
    """``values``: the columns of ``columns_for(what)``; ``head_source``: (T,) labels
    (all ``""`` without the head group); ``pose_yaw_model``: the pose-yaw model used;
    ``neutral_frames``: frames the neutral was taken from (0: none)."""

    values: dict[str, npt.NDArray[np.float64]]
    head_source: npt.NDArray[np.str_]
    pose_yaw_model: PoseYawModel = DEFAULT_POSE_YAW_MODEL
    neutral_frames: int = 0
    notes: dict[str, object] = field(default_factory=dict)


def mask_unseen(xyz: np.ndarray, visibility: np.ndarray, threshold: float) -> np.ndarray:
    """``xyz`` (T, N, 3) with rows whose visibility (T, N) is under ``threshold`` set to NaN."""
    seen = np.asarray(visibility) >= threshold  # NaN visibility compares False: not seen
    return np.where(seen[..., None], xyz, np.nan)


def columns_for(what: Literal["head", "hip", "all"], details: bool = False) -> tuple[str, ...]:
    """The columns for ``what``; with ``details`` also ``HEAD_DETAIL`` / ``HIP_DETAIL``."""
    head = HEAD_GROUP + HEAD_DETAIL if details else HEAD_GROUP
    hip = HIP_GROUP + HIP_DETAIL if details else HIP_GROUP
    return {"head": head, "hip": hip, "all": head + hip}[what]


def _leg_columns(lm: Landmarks, visibility_min: float) -> dict[str, np.ndarray]:
    unseen = ~(np.asarray(lm.pose.visibility) >= visibility_min)  # NaN: not seen
    pt = world_points(lm.pose.world_xyz, unseen=unseen)  # read once for the angles and the view
    body = world_angles_from_points(pt)
    body.update(image_angles(lm.pose.image_xyz, (lm.size.width, lm.size.height), unseen=unseen))
    values: dict[str, np.ndarray] = {
        "trunk_yaw_deg": body["trunk_yaw_deg"],
        "trunk_lean_deg": body["trunk_lean_deg"],
        "trunk_lean_2d_deg": body["trunk_lean_2d_deg"],
        "view_angle_deg": view_angle_from_lines(
            pt[P.LEFT_HIP] - pt[P.RIGHT_HIP], pt[P.LEFT_SHOULDER] - pt[P.RIGHT_SHOULDER]
        ),
    }
    for angle in _ANGLES:
        for side in _LEGS:
            values[f"{angle}_3d_{side}_deg"] = body[f"{angle}_{side}_deg"]
            values[f"{angle}_2d_{side}_deg"] = body[f"{angle}_2d_{side}_deg"]
    values.update(blended_leg_angles(body, body, values["view_angle_deg"]))
    return values


def compute_angles(
    lm: Landmarks,
    what: Literal["head", "hip", "all"] = "all",
    options: AngleOptions | None = None,
) -> AngleResult:
    """All columns for ``what`` and the head-yaw details, for all frames at once."""
    opts = options or AngleOptions()
    n = len(lm)
    if n <= CHUNK_FRAMES or opts.neutral is not None or opts.calibrate_pose_yaw:
        return _compute_angles(lm, what, opts)
    # every frame depends on itself alone: computed by chunks (see CHUNK_FRAMES)
    first = _compute_angles(lm.frames(0, CHUNK_FRAMES), what, opts)
    # the same columns, pose-yaw model and notes for every chunk
    values = {name: np.empty(n) for name in first.values}
    out = replace(first, values=values, head_source=np.empty(n, first.head_source.dtype))
    for start in range(0, n, CHUNK_FRAMES):
        chunk = slice(start, start + CHUNK_FRAMES)
        part = _compute_angles(lm.frames(chunk.start, chunk.stop), what, opts) if start else first
        for name, column in part.values.items():
            out.values[name][chunk] = column
        out.head_source[chunk] = part.head_source
    return out


def _compute_angles(
    lm: Landmarks, what: Literal["head", "hip", "all"], opts: AngleOptions
) -> AngleResult:
    values = _leg_columns(lm, opts.visibility_min)
    n = len(lm)
    source = np.full(n, "", dtype="<U5")
    model, neutral_count = DEFAULT_POSE_YAW_MODEL, 0
    notes: dict[str, object] = {}
    if what in ("head", "all"):
        size = (lm.size.width, lm.size.height)
        planes = matrix_planes(lm.face.matrix)
        # the landmark fit: the face's appearance (its own share of the off-axis ray is 0)
        fitted = (
            np.moveaxis(landmark_rotation(lm.face.image_xyz, size), 0, -1)
            if opts.correct_face_yaw
            else None
        )
        camera = opts.camera.scaled_to(*size) if opts.camera is not None else None
        if camera is not None:
            translation = np.asarray(lm.face.matrix[:, :3, 3], dtype=np.float64)
            planes = off_axis_correction(planes, translation, size, camera)
            if fitted is not None:
                fitted = off_axis_correction(fitted, translation, size, camera, share=0.0)
            notes["camera_hfov_deg"] = round(camera.hfov_deg, 2)
        face = angles_dict(planes)
        neutral = None
        if opts.neutral is not None:
            frames = opts.neutral.frames(lm.t_s, *face.values())
            neutral = neutral_rotation(planes, frames)
        if neutral is not None:
            planes = relative_to(planes, neutral)
            face = angles_dict(planes)
            neutral_count = neutral.count
            if fitted is not None:
                fitted = _relative_or_nan(fitted, neutral.frames)
        cues = pose_yaw_cues(lm.pose.image_xyz, lm.pose.visibility, size)
        ray = ray_yaw_deg(camera, cues.nose_x) if camera is not None else None
        face_yaw = face["head_yaw_deg"]
        if fitted is not None:
            face_yaw = correct_face_yaw(face_yaw_of(face_yaw, angles_dict(fitted)["head_yaw_deg"]))
        fused = head_yaw_full_range(
            face_yaw,
            cues,
            calibrate=opts.calibrate_pose_yaw,
            model=opts.pose_yaw_model,
            ray_yaw_deg=ray,
            neutral_frames=None if neutral is None else neutral.frames,
            use_pose=opts.use_pose_yaw,
        )
        model, source = fused.model, fused.source
        trunk = plausible_trunk_yaw(values["trunk_yaw_deg"], face["head_yaw_deg"], fused.yaw_deg)
        if neutral is not None:
            trunk = trunk - _neutral_level(trunk, neutral.frames)
        trunk = trunk_yaw_beyond_head(trunk, fused.yaw_deg)
        values.update(
            {
                "head_yaw_deg": fused.yaw_deg,
                "head_pitch_deg": face["head_pitch_deg"],
                "head_roll_deg": face["head_roll_deg"],
                "trunk_yaw_deg": trunk,
                "neck_rotation_deg": neck_rotation(fused.yaw_deg, trunk),
                "head_confidence": fused.confidence,
                "head_yaw_face_deg": face["head_yaw_deg"],
                "head_yaw_pose_deg": fused.pose_yaw_deg,
            }
        )
    columns = {
        name: np.asarray(values[name], dtype=np.float64) for name in columns_for(what, opts.details)
    }
    return AngleResult(columns, source, model, neutral_count, notes)


def _relative_or_nan(planes: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """``planes`` relative to their own mean over the neutral ``frames``; all NaN when
    none of those frames has a rotation."""
    neutral = neutral_rotation(planes, frames)
    return relative_to(planes, neutral) if neutral is not None else np.full_like(planes, np.nan)


def _neutral_level(values: np.ndarray, frames: np.ndarray) -> float:
    """Median of ``values`` over the neutral frames (0 when none is finite)."""
    chosen = values[frames]
    chosen = chosen[np.isfinite(chosen)]
    return float(np.median(chosen)) if chosen.size else 0.0


def shoulder_line_yaw(lm: Landmarks, visibility_min: float = VISIBILITY_MIN) -> np.ndarray:
    """(T,) degrees: the shoulder line's yaw from the pose world landmarks before any dead
    band (the raw ``trunk_yaw_deg`` of :mod:`rom_tracker.kinematics.body`); NaN where a
    shoulder is not seen. The side set-up takes its change since the neutral."""
    unseen = ~(np.asarray(lm.pose.visibility) >= visibility_min)
    return world_angles(lm.pose.world_xyz, unseen=unseen)["trunk_yaw_deg"]


def angle_table(
    lm: Landmarks,
    what: Literal["head", "hip", "all"] = "all",
    *,
    visibility_min: float = VISIBILITY_MIN,
    options: AngleOptions | None = None,
) -> dict[str, np.ndarray]:
    """Angle columns for ``what``, computed for all frames at once (see :func:`compute_angles`).

    Without ``options`` each frame depends on itself alone (no self-calibration of the
    pose yaw, no camera correction, no neutral): the same numbers frame by frame (live
    display) or all at once.
    """
    opts = options or AngleOptions(visibility_min=visibility_min)
    return compute_angles(lm, what, opts).values
