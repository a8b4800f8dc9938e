"""A model of the face landmarker's yaw: a monotone correction and the error to expect.

MediaPipe's face-matrix yaw under-reads a turned head, more the further it turns. This
module holds one small, versioned correction of that yaw and the mean error measured at
each corrected yaw, from which ``head_confidence`` is made. Both tables were measured on
the real labelled dev photos in ``../shared/data/headpose`` (never on renders, which are
biased); ``bench/accuracy.py`` reproduces them, cross-validated, in ``docs/accuracy.md``.

Correction (version :data:`FACE_MODEL_VERSION`)
------------------------------------------------
``corrected = sign(raw) * f(|raw|)``, ``f`` piecewise linear through
(:data:`YAW_RAW_KNOTS`, :data:`YAW_CORRECTED`), extended past the last knot with the last
segment's slope; monotone, ``f(0) = 0``. Fitted by least squares (with a small pull toward
the identity) on the AFLW2000-3D dev photos where the face landmarker finds a face
(``rom_tracker.evaluation.headpose_dev.fit_yaw_correction``; labels in our Euler order,
``rom_tracker.evaluation.reference``).
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
FACE_MODEL_VERSION = "face-yaw-1 (AFLW2000-3D dev fit, 2026-12-04)"

#: ``|raw face-matrix yaw|`` knots (degrees) and the corrected ``|yaw|`` at each.
YAW_RAW_KNOTS = (0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0)
YAW_CORRECTED = (0.0, 10.27, 21.13, 31.72, 43.26, 55.0, 63.41, 70.86)

#: ``|corrected yaw|`` knots (degrees) and the mean absolute error measured there: in 10
#: degree bins centred on the knots, cross-validated, the mean of the two dev sets
#: (``rom_tracker.evaluation.headpose_dev.expected_error``).
EXPECTED_ERROR_KNOTS = (5.0, 15.0, 25.0, 35.0, 45.0, 55.0, 65.0)
EXPECTED_ERROR_DEG = (4.5, 4.7, 6.3, 10.2, 12.9, 15.7, 15.7)
#: The mean error that a confidence of 1 stands for (degrees).
CONFIDENCE_ERROR_DEG = 5.0


def correct_face_yaw(raw_yaw: npt.ArrayLike) -> Array:
    """Corrected yaw (degrees) from raw face-matrix yaw (degrees), same shape; NaN kept."""
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
    "YAW_CORRECTED",
    "YAW_RAW_KNOTS",
    "correct_face_yaw",
    "expected_error_deg",
    "face_confidence",
]
