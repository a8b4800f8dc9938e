"""Trunk yaw that does not follow the head: the shoulder line's turn beyond a dead band.

The pose model's shoulders follow a head turn although the body is still. Measured on
Pointing'04 (8 people, body still, head turned; ``docs/accuracy_neck.md``), the shoulder
line from the pose world landmarks reads a median 3 / 8 / 10 / 16 / 24 degrees of trunk yaw
per band of head yaw 0-30 / 30-45 / 45-60 / 60-75 / 75-90, always toward the head, and the
image shoulder width shrinks too (by 5-40 %, so ``acos(w / w0)`` reads 20-50 degrees):
neither cue alone tells a head turn from a body turn.

What this module does, per frame (no neutral, no memory: photos, videos and the live view
alike): a **firm dead band** on the shoulder line's yaw (:func:`firm_dead_band`): 0 below
``DEAD_BAND_DEG[0]``, the reading itself beyond ``DEAD_BAND_DEG[1]``, a linear ramp in
between. So a still trunk reads 0 (neck rotation = head yaw), and a real turn of the whole
body beyond 40 degrees is taken out in full; a trunk turn under 30 degrees is **not** taken
out (it is read as neck rotation). The band is the smallest (on a 5-degree grid) that keeps
the share of false trunk turns (> 5 degrees on a still body) at most 30 % in every band of
head yaw on the Pointing'04 dev people; cross-validated by person it gives a median gap of
0 in every band (``docs/accuracy_neck.md``).

Tried and not adopted (figures in ``docs/accuracy_neck.md``): taking out a share ``k`` of
the head yaw first (``s = T + k (H - T)``, so ``T = (s - k H) / (1 - k)``; ``pull`` below):
``k`` fitted by person varies from 0.1 to 0.6 and, cross-validated, the correction did not
lower the gap; the image shoulder width relative to a neutral (``acos(w / w0)``): the pose
model's image shoulders narrow by 5-40 % with a head turn alone.

For a single photo this is also the answer to "what does trunk yaw mean without a
neutral": 0 (the trunk taken as facing the camera) unless the shoulders are turned past
the dead band.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rom_tracker.kinematics.geometry import Array, wrap_deg

#: Name and version of the trunk-yaw rule, recorded in ``analyze``'s JSON settings.
TRUNK_YAW_METHOD = "shoulder-world-deadband-30-40-v1"
#: Share of the head yaw taken out of the shoulder yaw before the dead band: 0 (a fitted
#: share did not help cross-validated; kept to measure it, see the module docstring).
HEAD_PULL = 0.0
#: Firm dead band (degrees): 0 below the first, identity beyond the second (Pointing'04,
#: all 8 dev people; cross-validated figures in docs/accuracy_neck.md).
DEAD_BAND_DEG = (30.0, 40.0)


def firm_dead_band(x: npt.ArrayLike, lo: float, hi: float) -> Array:
    """``x`` with ``|x| <= lo`` set to 0, ``|x| >= hi`` kept, and a linear ramp between.

    ``f(x) = sign(x) * hi * (|x| - lo) / (hi - lo)`` for ``lo < |x| < hi``: continuous and
    monotone. NaN stays NaN.
    """
    if not 0.0 <= lo < hi:
        raise ValueError(f"dead band: expected 0 <= lo < hi, got {lo}, {hi}")
    v = np.asarray(x, dtype=np.float64)
    a = np.abs(v)
    ramp = np.sign(v) * hi * (a - lo) / (hi - lo)
    with np.errstate(invalid="ignore"):  # NaN compares False both ways: the ramp, NaN
        return np.where(a <= lo, 0.0, np.where(a >= hi, v, ramp))


def trunk_yaw_beyond_head(
    shoulder_yaw: npt.ArrayLike,
    head_yaw: npt.ArrayLike,
    pull: float = HEAD_PULL,
    dead_band: tuple[float, float] = DEAD_BAND_DEG,
) -> Array:
    """Trunk yaw (T,) degrees from the shoulder line's yaw and the head yaw (see module).

    ``shoulder_yaw``: the pose-world shoulder-line yaw (``trunk_yaw_deg`` of ``body``),
    NaN where not seen (stays NaN). ``head_yaw``: same convention, NaN where unknown (then
    no pull is taken out); used only when ``pull > 0``. Wrapped to (-180, 180].
    """
    if not 0.0 <= pull < 1.0:
        raise ValueError(f"pull: expected 0 <= pull < 1, got {pull}")
    s = np.asarray(shoulder_yaw, dtype=np.float64)
    h = np.asarray(head_yaw, dtype=np.float64)
    if s.shape != h.shape:
        raise ValueError(f"head_yaw: expected shape {s.shape} (as shoulder_yaw), got {h.shape}")
    # with H unknown, H := T makes the model s = T: no correction
    pulled = np.where(np.isfinite(h), wrap_deg(s - pull * h) / (1.0 - pull), s)
    return wrap_deg(firm_dead_band(pulled, *dead_band))


__all__ = [
    "DEAD_BAND_DEG",
    "HEAD_PULL",
    "TRUNK_YAW_METHOD",
    "firm_dead_band",
    "trunk_yaw_beyond_head",
]
