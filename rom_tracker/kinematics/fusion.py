"""Head yaw: the (corrected) face-matrix yaw, and a pose-landmark yaw reported beside it.

The face landmarker gives the best head rotation while it sees the face, but it errs more
past about 45 degrees of yaw and loses the face at about 70. The pose landmarker still
places the nose, eyes, mouth corners and ears of a head in profile. This module turns
those into a yaw and can map it onto the face yaw of the same recording and fuse the two;
by default it does not use it (measured untrustworthy on real photos, see below): the
head yaw is then the face yaw alone.

Pose yaw (image cue)
--------------------
In pixels, along image ``x``: ``s`` = left ear - right ear (the ear span, positive when
the subject faces the camera, 0 in profile, negative from behind) and ``o`` = mean of the
nose, the eye midpoint and the mouth midpoint (BlazePose 0, 2/5, 9/10) minus the ear
midpoint. For a head of half-width ``r`` whose face points lie ``d`` in front of the ear
axis, turned by ``yaw`` (orthographic view): ``s = 2 r cos(yaw)``, ``o = d sin(yaw)``, so

    tan(yaw) = gain * o / s + offset,     yaw = atan2(gain * o + offset * s, s),

continuous through +-90 degrees. ``gain`` (about ``2 r / d``) and ``offset`` (landmark bias
at the front) are fitted per recording on the frames where the face yaw is trustworthy
(:func:`calibrate_pose_yaw`: self-calibration, never a gain fitted on other data); without
enough such frames :data:`DEFAULT_POSE_YAW_MODEL` is used. Head roll is ignored (the cue
assumes an upright head and a level camera).

Confidence and fusion
---------------------
* face yaw: the face-matrix yaw corrected for the face landmarker's under-read, and its
  confidence from the error measured on real photos at that yaw
  (:mod:`rom_tracker.kinematics.face_model`);
* by default (``use_pose=False``, what ``analyze``, ``record`` and the live view use) the
  head yaw is the face yaw alone: where no face is seen it is NaN with confidence 0. The
  pose cue was measured on real photos of turned heads (AFLW2000-3D, Pointing'04) and was
  not trustworthy there (see ``docs/accuracy.md``); it is still computed and written as
  ``head_yaw_pose_deg`` for inspection;
* with ``use_pose=True`` (an option for experiments): pose confidence = the lower of the
  nose's and the better ear's visibility, times the calibration's quality
  (1 / (1 + (rmse / 5 deg)^2); 0.5 for the default model), times a size term (the head's
  radius ``hypot(gain * o, s)`` over 20 pixels, at most 1); fused yaw = face yaw +
  w * wrap(pose yaw - face yaw), with ``w = (1 - c_face) c_pose / (c_face + (1 - c_face)
  c_pose)``; a pose yaw more than 30 degrees from the face yaw is ignored as inconsistent;
  ``head_confidence = 1 - (1 - c_face)(1 - c_pose)`` over the readings used;
* ``head_source``: ``face`` (w = 0), ``pose`` (no face), ``fused`` (both), or ``""``.

Pure numpy.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.face_model import face_confidence
from rom_tracker.kinematics.geometry import (
    Array,
    atan2_deg,
    check_shape,
    finite_float,
    points,
    wrap_deg,
)
from rom_tracker.types import N_POSE_LANDMARKS

NOSE, LEFT_EYE, RIGHT_EYE, LEFT_EAR, RIGHT_EAR, MOUTH_LEFT, MOUTH_RIGHT = 0, 2, 5, 7, 8, 9, 10

#: Face yaw (degrees) up to which the pose cues are fitted onto the face yaw.
FACE_TRUSTED_DEG = 45.0
#: A pose yaw further than this from the face yaw is ignored (degrees).
MAX_DISAGREEMENT_DEG = 30.0
#: Self-calibration needs this many frames, and this much spread of face yaw for the gain.
MIN_CALIBRATION_FRAMES = 10
MIN_GAIN_SPREAD_DEG = 5.0
GAIN_RANGE = (0.25, 6.0)
#: Confidence of pose readings from the uncalibrated default model.
DEFAULT_MODEL_CONFIDENCE = 0.5
#: Head radius in pixels below which pose readings lose confidence.
MIN_HEAD_RADIUS_PX = 20.0
#: Visibility a landmark needs to count as seen for the cue (nose, and at least one ear).
CUE_VISIBILITY = 0.5

SOURCES = ("", "face", "pose", "fused")


@dataclass(frozen=True)
class PoseYawModel:
    """``tan(yaw) = gain * o / s + offset`` (see the module docstring).

    ``frames``: frames it was fitted on (0 for the default); ``rmse_deg``: the fit's
    residual against the face yaw on those frames, outliers left out (NaN for the default).
    """

    gain: float
    offset: float
    frames: int = 0
    rmse_deg: float = math.nan

    @property
    def calibrated(self) -> bool:
        return self.frames > 0

    def confidence(self) -> float:
        if not self.calibrated or not math.isfinite(self.rmse_deg):
            return DEFAULT_MODEL_CONFIDENCE
        return 1.0 / (1.0 + (self.rmse_deg / 5.0) ** 2)

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


#: Default gain: measured by self-calibration on the two real face videos with a pose
#: (``d12``: 1.11, ``d13``: 1.11); head anthropometry (bitragion breadth ~14.6 cm, face
#: points ~10 cm in front of the ear axis) gives about 1.5.
DEFAULT_POSE_YAW_MODEL = PoseYawModel(gain=1.1, offset=0.0)


@dataclass(frozen=True)
class PoseYawCues:
    """Per-frame image cues ``(T,)`` in pixels: ear span ``s``, face-point offset ``o``,
    and ``visibility`` (the lower of the nose's and the better ear's); NaN where unseen."""

    span: Array
    offset: Array
    visibility: Array
    nose_x: Array


def pose_yaw_cues(
    image_xyz: npt.ArrayLike, visibility: npt.ArrayLike, size: tuple[float, float]
) -> PoseYawCues:
    """Cues from pose image landmarks ``(T, 33, 3)`` (normalised) and visibility ``(T, 33)``.

    Landmarks are used even when their visibility is low (the hidden ear of a head in
    profile is the model's guess, which is what the cue needs); a frame counts only when
    the nose and at least one ear are seen (visibility >= ``CUE_VISIBILITY``).
    """
    xyz = check_shape("image_xyz", image_xyz, (None, N_POSE_LANDMARKS, 3))
    vis = check_shape("visibility", visibility, (None, N_POSE_LANDMARKS))
    if vis.shape[0] != xyz.shape[0]:
        raise ValueError(f"visibility: expected {xyz.shape[0]} frames, got {vis.shape[0]}")
    used = (NOSE, LEFT_EYE, RIGHT_EYE, LEFT_EAR, RIGHT_EAR, MOUTH_LEFT, MOUTH_RIGHT)
    x = dict(zip(used, (p[:, 0] * float(size[0]) for p in points(xyz, used, 1)), strict=True))
    ear_mid = 0.5 * (x[LEFT_EAR] + x[RIGHT_EAR])
    face = (
        x[NOSE] + 0.5 * (x[LEFT_EYE] + x[RIGHT_EYE]) + 0.5 * (x[MOUTH_LEFT] + x[MOUTH_RIGHT])
    ) / 3.0
    ears = np.fmax(finite_float(vis[:, LEFT_EAR]), finite_float(vis[:, RIGHT_EAR]))
    v = np.minimum(finite_float(vis[:, NOSE]), ears)
    v = np.where(np.isfinite(v), v, 0.0)
    seen = v >= CUE_VISIBILITY
    span = np.where(seen, x[LEFT_EAR] - x[RIGHT_EAR], np.nan)
    offset = np.where(seen, face - ear_mid, np.nan)
    return PoseYawCues(span=span, offset=offset, visibility=v, nose_x=x[NOSE])


def pose_yaw(cues: PoseYawCues, model: PoseYawModel = DEFAULT_POSE_YAW_MODEL) -> Array:
    """Yaw in degrees (T,) from the cues, in the conventions of ``head_yaw_deg``."""
    s, o = cues.span, cues.offset
    yaw = atan2_deg(model.gain * o + model.offset * s, s)
    ok = np.isfinite(yaw) & ((s != 0.0) | (o != 0.0))
    return np.where(ok, wrap_deg(yaw), np.nan)


def calibrate_pose_yaw(
    cues: PoseYawCues,
    face_yaw: npt.ArrayLike,
    *,
    trusted_deg: float = FACE_TRUSTED_DEG,
    default: PoseYawModel = DEFAULT_POSE_YAW_MODEL,
) -> PoseYawModel:
    """Fit ``gain`` and ``offset`` so the pose yaw matches ``face_yaw`` in this recording.

    Uses frames with both readings and ``|face_yaw| <= trusted_deg``; a robust fit (least
    squares in ``tan(yaw)``, then again without residuals over 3 robust SDs). With fewer
    than ``MIN_CALIBRATION_FRAMES`` frames it returns ``default``; when the face yaw spans
    less than ``MIN_GAIN_SPREAD_DEG`` (SD) only the offset is fitted, with the default gain.
    The gain is kept within ``GAIN_RANGE``.
    """
    face = np.asarray(face_yaw, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = cues.offset / cues.span
        ok = np.isfinite(face) & np.isfinite(ratio) & (np.abs(face) <= trusted_deg)
        ok &= cues.span > 0
    n = int(ok.sum())
    if n < MIN_CALIBRATION_FRAMES:
        return default
    target = np.tan(np.radians(face[ok]))
    x = ratio[ok]
    fit_gain = float(np.std(face[ok])) >= MIN_GAIN_SPREAD_DEG
    keep = np.ones(n, dtype=bool)
    gain, offset = default.gain, 0.0
    for _ in range(2):
        if fit_gain:
            a = np.stack([x[keep], np.ones(int(keep.sum()))], axis=1)
            (gain, offset), *_ = np.linalg.lstsq(a, target[keep], rcond=None)
            gain = float(np.clip(gain, *GAIN_RANGE))
        offset = float(np.median(target[keep] - gain * x[keep]))
        resid = target - (gain * x + offset)
        mad = float(np.median(np.abs(resid - np.median(resid))))
        keep = np.abs(resid - np.median(resid)) <= 3.0 * 1.4826 * max(mad, 1e-6)
    model = PoseYawModel(gain=gain, offset=offset, frames=n)
    inliers = np.flatnonzero(ok)[keep]
    fitted = pose_yaw(
        PoseYawCues(
            cues.span[inliers], cues.offset[inliers], cues.visibility[inliers], cues.nose_x[inliers]
        ),
        model,
    )
    rmse = float(np.sqrt(np.mean(wrap_deg(fitted - face[inliers]) ** 2)))
    return PoseYawModel(gain=gain, offset=offset, frames=n, rmse_deg=rmse)


def pose_confidence(cues: PoseYawCues, model: PoseYawModel) -> Array:
    """Confidence of pose yaw readings (T,): see the module docstring; 0 where unseen."""
    radius = np.sqrt((model.gain * cues.offset) ** 2 + cues.span**2)  # pixels (np.hypot is slow)
    size = np.clip(radius / MIN_HEAD_RADIUS_PX, 0.0, 1.0)
    c = cues.visibility * model.confidence() * size
    return np.where(np.isfinite(c), np.clip(c, 0.0, 1.0), 0.0)


@dataclass(frozen=True)
class HeadYaw:
    """Fused head yaw per frame: ``yaw_deg`` (T,), ``source`` (T,) str (``SOURCES``),
    ``confidence`` (T,) in [0, 1]; plus the two inputs and the pose model used."""

    yaw_deg: Array
    source: npt.NDArray[np.str_]
    confidence: Array
    face_yaw_deg: Array
    pose_yaw_deg: Array
    model: PoseYawModel


def fuse_head_yaw(
    face_yaw: npt.ArrayLike,
    pose_yaw_deg: npt.ArrayLike,
    pose_conf: npt.ArrayLike,
    model: PoseYawModel = DEFAULT_POSE_YAW_MODEL,
) -> HeadYaw:
    """Fuse face and pose yaw readings (each (T,) degrees, NaN where absent)."""
    face = np.asarray(face_yaw, dtype=np.float64)
    pose = np.asarray(pose_yaw_deg, dtype=np.float64)
    cp = np.asarray(pose_conf, dtype=np.float64)
    if not face.shape == pose.shape == cp.shape or face.ndim != 1:
        raise ValueError(
            f"face_yaw, pose_yaw_deg, pose_conf: expected equal shapes (T,), got "
            f"{face.shape}, {pose.shape}, {cp.shape}"
        )
    has_face = np.isfinite(face)
    diff = np.nan_to_num(wrap_deg(pose - face))  # 0 where a reading is missing
    has_pose = np.isfinite(pose) & (cp > 0.0)
    consistent = has_pose & (~has_face | (np.abs(diff) <= MAX_DISAGREEMENT_DEG))
    cf = face_confidence(face)
    wp = np.where(consistent, (1.0 - cf) * cp, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(has_face, wp / (cf + wp), 1.0)
    yaw = np.where(
        has_face,
        wrap_deg(face + share * diff),
        np.where(consistent, pose, np.nan),
    )
    used_pose = consistent & (share > 0.0)
    conf = np.where(has_face, 1.0 - (1.0 - cf) * (1.0 - np.where(used_pose, cp, 0.0)), 0.0)
    conf = np.where(~has_face & consistent, cp, conf)
    source = np.full(face.shape, SOURCES[0], dtype="<U5")
    source[has_face] = "face"
    source[has_face & used_pose] = "fused"
    source[~has_face & consistent] = "pose"
    return HeadYaw(
        yaw_deg=yaw,
        source=source,
        confidence=np.where(np.isfinite(yaw), conf, 0.0),
        face_yaw_deg=face,
        pose_yaw_deg=pose,
        model=model,
    )


def head_yaw_full_range(
    face_yaw: npt.ArrayLike,
    cues: PoseYawCues,
    *,
    calibrate: bool = True,
    model: PoseYawModel = DEFAULT_POSE_YAW_MODEL,
    ray_yaw_deg: npt.ArrayLike | None = None,
    neutral_frames: npt.ArrayLike | None = None,
    use_pose: bool = False,
) -> HeadYaw:
    """Face yaw (T,) and pose cues -> :class:`HeadYaw`.

    ``calibrate``: fit the pose model on this recording (videos); False for independent
    photos and live frames, which use ``model`` (the default, or one fitted on the frames
    seen so far). ``ray_yaw_deg``: per-frame horizontal ray angle of the head (see
    ``rom_tracker.kinematics.camera.ray_yaw_deg``), subtracted from the pose yaw (an
    appearance) when the face yaw is corrected for the camera geometry.
    ``neutral_frames``: (T,) bool, the neutral capture the face yaw is relative to; an
    uncalibrated pose yaw is made relative to it too (its median there is subtracted; a
    calibrated one already is, through the fitted offset).
    ``use_pose``: let the pose yaw take part (see the module docstring); off by default,
    when the pose yaw is only reported.
    """
    face = np.asarray(face_yaw, dtype=np.float64)
    ray_yaw = 0.0 if ray_yaw_deg is None else np.asarray(ray_yaw_deg, dtype=np.float64)
    # the cue is an appearance: fit it against the face yaw with the camera geometry put back
    appearance = face + np.nan_to_num(ray_yaw)
    if calibrate:
        model = calibrate_pose_yaw(cues, appearance, default=model)
    pose = wrap_deg(pose_yaw(cues, model) - ray_yaw)
    if neutral_frames is not None and not model.calibrated:
        at_neutral = pose[np.asarray(neutral_frames, dtype=bool)]
        at_neutral = at_neutral[np.isfinite(at_neutral)]
        if at_neutral.size:
            pose = wrap_deg(pose - float(np.median(at_neutral)))
    conf = pose_confidence(cues, model) if use_pose else np.zeros(face.shape)
    return fuse_head_yaw(face, pose, conf, model)


__all__ = [
    "DEFAULT_POSE_YAW_MODEL",
    "SOURCES",
    "HeadYaw",
    "PoseYawCues",
    "PoseYawModel",
    "calibrate_pose_yaw",
    "face_confidence",
    "fuse_head_yaw",
    "head_yaw_full_range",
    "pose_confidence",
    "pose_yaw",
    "pose_yaw_cues",
]
