"""Honest uncertainty from repeated trials: SEM, MDC95 and whether a change is real.

Formulas (Weir 2005; Haley & Fragala-Pinkham 2006):

* One person, ``n`` repeated trials of the same movement, side and mode (``values`` of
  shape ``(n,)``): the within-subject SD is the SD of the trials (``ddof=1``), and
  ``SEM = SD``.
* Test-retest pairs (``values`` of shape ``(n, 2)``, one row per person or session pair):
  ``SEM = SD(differences) / sqrt(2)`` (a systematic shift between the two columns is not
  counted as noise).
* More than two trials per row (``(n, k)``, ``k > 2``): the pooled within-row SD,
  ``SEM = sqrt(mean of the rows' variances)``.
* ``MDC95 = 1.96 x sqrt(2) x SEM``: the smallest change between two single measurements
  that exceeds measurement noise with 95% confidence.

NaN values (trials without a value) are left out. Pure numpy.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

_Z95 = 1.96


def sem(values: npt.ArrayLike) -> float:
    """Standard error of measurement in the values' unit, or NaN with too few values.

    ``(n,)``: SD of the trials (needs 2 finite). ``(n, 2)``: SD of the row differences /
    sqrt(2) (needs 2 complete rows). ``(n, k>2)``: pooled within-row SD (rows with at least
    2 finite values).
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 1:
        f = v[np.isfinite(v)]
        return float(f.std(ddof=1)) if f.size >= 2 else math.nan
    if v.ndim != 2 or v.shape[1] < 2:
        raise ValueError(f"values: expected shape (n,) or (n, k>=2), got {v.shape}")
    if v.shape[1] == 2:
        d = v[:, 1] - v[:, 0]
        d = d[np.isfinite(d)]
        return float(d.std(ddof=1) / math.sqrt(2.0)) if d.size >= 2 else math.nan
    ok = np.isfinite(v)
    rows = ok.sum(axis=1) >= 2
    if not rows.any():
        return math.nan
    r = v[rows]
    n = ok[rows].sum(axis=1)
    mean = np.where(ok[rows], r, 0.0).sum(axis=1) / n
    var = np.where(ok[rows], (r - mean[:, None]) ** 2, 0.0).sum(axis=1) / (n - 1)
    return float(math.sqrt(var.mean()))


def mdc95(sem_value: float) -> float:
    """Minimal detectable change at 95% confidence: ``1.96 * sqrt(2) * SEM``."""
    return _Z95 * math.sqrt(2.0) * float(sem_value)


def change_exceeds_mdc(a: float, b: float, mdc: float) -> bool:
    """Whether the change from ``a`` to ``b`` is larger than ``mdc`` in magnitude.

    False when any of them is NaN: without a value or a known MDC a change cannot be
    called real.
    """
    change = abs(float(b) - float(a))
    return math.isfinite(change) and math.isfinite(mdc) and change > mdc


@dataclass(frozen=True)
class Measurement:
    """A reported ROM value with its uncertainty (degrees).

    ``value_deg``: the value (mean of the trials); ``sd_deg``: SD of the trials; ``n``: how
    many trials had a value; ``sem_deg``/``mdc95_deg``: from this person's repeated trials
    (NaN when fewer than two).
    """

    value_deg: float
    sd_deg: float
    n: int
    sem_deg: float
    mdc95_deg: float

    @classmethod
    def from_trials(cls, values: npt.ArrayLike) -> Measurement:
        """From repeated trials ``(n,)`` of one movement, side and mode; NaN trials skipped."""
        v = np.asarray(values, dtype=np.float64).ravel()
        f = v[np.isfinite(v)]
        s = sem(f)
        return cls(
            value_deg=float(f.mean()) if f.size else math.nan,
            sd_deg=s,
            n=int(f.size),
            sem_deg=s,
            mdc95_deg=mdc95(s),
        )

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)
