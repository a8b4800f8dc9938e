"""A model of the face landmarker's yaw: a monotone correction and the error to expect.

MediaPipe's face-matrix yaw under-reads a turned head, more the further it turns. This
module holds one small, versioned model of the face yaw: which yaw is read, a correction
of it, and the mean error measured at each corrected yaw, from which ``head_confidence``
is made. All were measured on the real labelled dev photos in ``../shared/data/headpose``
(never on renders, which are biased); ``bench/accuracy_headpose.py`` reproduces them,
cross-validated, in ``docs/accuracy.md``.

Face yaw (version :data:`FACE_MODEL_VERSION`)
----------------------------------------------
:func:`face_yaw`: ``MATRIX_YAW_WEIGHT`` (0.25) of the face-matrix yaw plus 0.75 of the yaw
of a weak-perspective fit of the landmarks' image positions to MediaPipe's canonical face
(``kinematics.face_fit``), which takes the depth from the canonical face instead of the
landmark model's flattened depth and under-reads less at 35-60 degrees; the matrix yaw is
steadier near the front. Both share the off-axis correction and the neutral
(``kinematics.table``).

Correction
----------
``corrected = sign(raw) * f(|raw|)`` of that face yaw, ``f`` piecewise linear through
(:data:`YAW_RAW_KNOTS`, :data:`YAW_CORRECTED`), extended past the last knot with the last
segment's slope; monotone, ``f(0) = 0``. Fitted by least squares with a pull toward the
identity (``headpose_dev.RIDGE``, 0.1: a stronger pull than face-yaw-1's 0.02, which
stretched 40-50 degrees and with it the noise, for the side set-up's pair spans) on the
AFLW2000-3D dev photos where the face landmarker finds a face
(``rom_tracker.evaluation.headpose_dev.fit_yaw_correction``; labels in our Euler order,
``rom_tracker.evaluation.reference``). The weight and the ridge were chosen together by
cross-validation (``rom_tracker.evaluation.yaw_candidates``: the lowest error of the
difference of two readings on opposite sides, with no band up to 60 degrees worse than
face-yaw-1). Pitch and roll terms, tried, did not lower that error.
Pointing'04 was not used for the fit: its nominal labels include the part of the turn
done with the eyes (measured: the irises sit 0.2-0.36 of the eye width toward the turn),
and a fit to it over-reads AFLW2000-3D by 6-9 degrees at 30-60 degrees of yaw (see
``docs/accuracy.md``, "what was tried").

A model of the landmarker, not of the input: the same correction applies to photos,
videos and the live view. ``analyze`` records :data:`FACE_MODEL_VERSION` in its JSON
settings. It is applied to the yaw as ``kinematics.table`` computes it, i.e. after the
off-axis correction (videos) and relative to the neutral when one is asked for; both are
near the identity for a head near the optical axis and a near-frontal neutral, the cases
the table was fitted on (photos, no neutral).

Confidence
----------
:data:`EXPECTED_ERROR_DEG` is the mean absolute yaw error measured at each corrected
``|yaw|`` (the mean of the two dev sets' cross-validated errors, so neither set's labels
decide alone); ``head_confidence = min(1, 5 / expected error)``: a reading at confidence
``c`` errs by about ``5 / c`` degrees on average (1.0: 5 degrees or less; 0.5: about 10).

Pure numpy.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.geometry import Array

#: Version of both tables below; recorded by ``analyze`` (JSON ``settings``).
FACE_MODEL_VERSION = "face-yaw-2 (matrix + landmark fit, AFLW2000-3D dev fit, 2026-12-05)"

#: Share of the face-matrix yaw in :func:`face_yaw` (the rest: the landmark fit). Chosen
#: among 0, 0.25, 0.5 and 0.75 with the fit's ridge by 5-fold cross-validation on
#: AFLW2000-3D (``rom_tracker.evaluation.yaw_candidates``).
MATRIX_YAW_WEIGHT = 0.25

#: ``|face yaw|`` knots (degrees; :func:`face_yaw`) and the corrected ``|yaw|`` at each.
YAW_RAW_KNOTS = (0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0)
YAW_CORRECTED = (0.0, 9.48, 19.18, 29.46, 40.73, 51.74, 61.38, 70.31)

#: ``|corrected yaw|`` knots (degrees) and the mean absolute error measured there: in 10
#: degree bins centred on the knots, cross-validated, the mean of the two dev sets
#: (``rom_tracker.evaluation.headpose_dev.expected_error``).
EXPECTED_ERROR_KNOTS = (5.0, 15.0, 25.0, 35.0, 45.0, 55.0, 65.0)
EXPECTED_ERROR_DEG = (4.3, 4.3, 5.7, 7.1, 9.3, 14.1, 14.1)
#: The mean error that a confidence of 1 stands for (degrees).
CONFIDENCE_ERROR_DEG = 5.0


def face_yaw(matrix_yaw: npt.ArrayLike, fit_yaw: npt.ArrayLike) -> Array:
    """The face yaw the correction applies to (degrees): ``MATRIX_YAW_WEIGHT`` of the
    face-matrix yaw plus the rest of the landmark fit's yaw (``kinematics.face_fit``); the
    matrix yaw alone where the fit has none (landmarks missing or not face-like: never the
    case for the dev photos and videos, where MediaPipe gives both with every face; scripted
    inputs that carry a matrix without real landmarks get the matrix yaw). Same shape; NaN
    where the matrix yaw is NaN."""
    m = np.asarray(matrix_yaw, dtype=np.float64)
    f = np.asarray(fit_yaw, dtype=np.float64)
    if m.shape != f.shape:
        raise ValueError(f"fit_yaw: expected shape {m.shape} (as matrix_yaw), got {f.shape}")
    blend = MATRIX_YAW_WEIGHT * m + (1.0 - MATRIX_YAW_WEIGHT) * f
    return np.where(np.isfinite(f), blend, m)


def correct_face_yaw(raw_yaw: npt.ArrayLike) -> Array:
    """Corrected yaw (degrees) from the face yaw of :func:`face_yaw` (degrees), same
    shape; NaN kept."""
    raw = np.asarray(raw_yaw, dtype=np.float64)
    r = np.abs(raw)
    knots, values = np.asarray(YAW_RAW_KNOTS), np.asarray(YAW_CORRECTED)
    slope = (values[-1] - values[-2]) / (knots[-1] - knots[-2])
    with np.errstate(invalid="ignore"):
        f = np.where(
            r <= knots[-1],
            np.interp(r, knots, values),
            values[-1] + slope * (r - knots[-1]),
        )
    return np.sign(raw) * f


def expected_error_deg(yaw: npt.ArrayLike) -> Array:
    """Mean absolute error (degrees) measured at corrected yaw ``yaw``; NaN where NaN."""
    y = np.abs(np.asarray(yaw, dtype=np.float64))
    e = np.interp(y, EXPECTED_ERROR_KNOTS, EXPECTED_ERROR_DEG)
    return np.where(np.isfinite(y), e, np.nan)


def face_confidence(yaw: npt.ArrayLike) -> Array:
    """``head_confidence`` of corrected face yaw readings: ``min(1, 5 / expected error)``;
    0 where there is no reading."""
    e = expected_error_deg(yaw)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.minimum(1.0, CONFIDENCE_ERROR_DEG / e)
    return np.where(np.isfinite(c), c, 0.0)


__all__ = [
    "CONFIDENCE_ERROR_DEG",
    "EXPECTED_ERROR_DEG",
    "EXPECTED_ERROR_KNOTS",
    "FACE_MODEL_VERSION",
    "MATRIX_YAW_WEIGHT",
    "YAW_CORRECTED",
    "YAW_RAW_KNOTS",
    "correct_face_yaw",
    "expected_error_deg",
    "face_confidence",
    "face_yaw",
]
