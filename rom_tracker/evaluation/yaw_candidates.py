"""What was tried for the face yaw, cross-validated on both dev sets (``docs/accuracy.md``).

Every candidate is a yaw source and a correction fitted on AFLW2000-3D dev photos:
5-fold cross-validation by photo there (each photo read by a fit without its fold; pairs
are formed from those held-out readings), and on Pointing'04 the fit on all AFLW2000-3D
photos (its labels are nominal and include eye movement: a sanity check, every person is
held out). Sources: the face-matrix yaw, the landmark fit (``kinematics.face_fit``), or a
blend of both (``kinematics.face_model.face_yaw``). Corrections: the monotone table of
``headpose_dev.fit_yaw_correction`` (with a ridge toward the identity), optionally plus a
ridge regression on four terms in pitch and roll (odd in yaw, so a mirrored face gets the
mirrored reading): ``x p``, ``|x| roll``, ``x p^2``, ``x |roll|`` (``x`` the yaw).

:func:`nested_selection` is the honest figure of the choice that was shipped: the blend
weight and the ridge picked inside each training set (the lowest pair-span error among the
settings whose per-band errors up to 60 degrees are no worse than the previous model's),
then scored on the held-out fold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rom_tracker.evaluation import headpose_dev as hd
from rom_tracker.evaluation.headpose_dev import Array, DevMeasure

#: Scale of the pitch/roll terms (degrees) and their ridge (share of the photos).
TERM_SCALE_DEG = 45.0
TERM_RIDGE = 0.01
#: The grid of :func:`nested_selection`: matrix weights of the blend and table ridges.
WEIGHTS = (0.0, 0.25, 0.5, 0.75)
RIDGES = (0.02, 0.05, 0.1, 0.2, 0.3)
#: The previous model (face-yaw-1): the table on the matrix yaw alone, ridge 0.02.
PREVIOUS = (1.0, 0.02)


@dataclass(frozen=True)
class Candidate:
    """``matrix_weight``: share of the matrix yaw in the source (1: matrix only, 0: the
    landmark fit only); ``ridge``: of the table (None: no correction); ``terms``: add the
    pitch/roll terms."""

    name: str
    matrix_weight: float
    ridge: float | None
    terms: bool = False


CANDIDATES = (
    Candidate("a. table on the matrix yaw (face-yaw-1)", 1.0, 0.02),
    Candidate("b. landmark fit, no correction", 0.0, None),
    Candidate("b. table on the landmark fit, ridge 0.02", 0.0, 0.02),
    Candidate("b. table on the landmark fit, ridge 0.1", 0.0, 0.1),
    Candidate("b. table on 0.25 matrix + 0.75 fit, ridge 0.1 (adopted)", 0.25, 0.1),
    Candidate("c. a + pitch/roll terms", 1.0, 0.02, terms=True),
    Candidate("c. adopted + pitch/roll terms", 0.25, 0.1, terms=True),
)


def source(m: DevMeasure, matrix_weight: float) -> Array:
    """The blended face yaw (the matrix yaw where the fit has none)."""
    fit = m.fit_yaw
    blend = matrix_weight * m.raw[:, 0] + (1.0 - matrix_weight) * fit
    return np.where(np.isfinite(fit), blend, m.raw[:, 0])


def _terms(x: Array, m: DevMeasure, rows: np.ndarray) -> Array:
    s = TERM_SCALE_DEG
    p, r = m.raw[rows, 1], m.raw[rows, 2]
    return 10.0 * np.stack(
        [x * p / s**2, np.abs(x) * r / s**2, x * p**2 / s**3, x * np.abs(r) / s**2], axis=1
    )


def _predict(
    c: Candidate, train: DevMeasure, rows: np.ndarray, test: DevMeasure, test_rows: np.ndarray
) -> Array:
    x = source(train, c.matrix_weight)[rows]
    xt = source(test, c.matrix_weight)[test_rows]
    if c.ridge is None:
        return xt
    truth = train.dev.truth[rows, 0]
    table = hd.fit_yaw_correction(x, truth, ridge=c.ridge)
    out = hd.apply_yaw_correction(table, xt)
    if c.terms:
        f = _terms(x, train, rows)
        y = truth - hd.apply_yaw_correction(table, x)
        ok = np.isfinite(f).all(axis=1) & np.isfinite(y)
        f, y = f[ok], y[ok]
        beta = np.linalg.solve(f.T @ f + TERM_RIDGE * len(y) * np.eye(f.shape[1]), f.T @ y)
        out = out + _terms(xt, test, test_rows) @ beta
    return out


def cross_validated(c: Candidate, aflw: DevMeasure, p04: DevMeasure) -> tuple[Array, Array]:
    """(AFLW2000-3D readings, each from a fit without its fold; Pointing'04 readings from
    the fit on all AFLW2000-3D photos)."""
    n = len(aflw.dev.files)
    every = np.arange(n)
    out = np.full(n, np.nan)
    for g in np.unique(aflw.dev.groups):
        held = aflw.dev.groups == g
        out[held] = _predict(c, aflw, every[~held], aflw, every[held])
    return out, _predict(c, aflw, every, p04, np.arange(len(p04.dev.files)))


def series(p04: DevMeasure) -> np.ndarray:
    """Pointing'04 person * 10 + series of each photo (one turning sequence)."""
    ids = []
    for f in p04.dev.files:
        m = hd.P04_NAME.match(f.name)
        ids.append(int(m.group(1)) * 10 + int(m.group(2)) if m else -1)
    return np.asarray(ids)


def neutral_offset(p04: DevMeasure, reading: Array) -> Array:
    """Each Pointing'04 series' readings minus its pan-0 photo's reading (NaN if unread)."""
    ids = series(p04)
    out = np.full(len(reading), np.nan)
    for s in np.unique(ids):
        rows = ids == s
        zero = rows & (p04.dev.truth[:, 0] == 0.0)
        base = reading[zero][0] if zero.any() else np.nan
        out[rows] = reading[rows] - base
    return out


@dataclass(frozen=True)
class Selection:
    """:func:`nested_selection`: held-out readings and the setting each fold chose, and
    the setting chosen on all photos (the one shipped)."""

    cv_yaw: Array
    chosen: tuple[tuple[float, float], ...]
    on_all: tuple[float, float]


def _inner(aflw: DevMeasure, rows: np.ndarray, setting: tuple[float, float]) -> Array:
    out = np.full(len(aflw.dev.files), np.nan)
    c = Candidate("", *setting)
    groups = aflw.dev.groups
    for g in np.unique(groups[rows]):
        held = rows[groups[rows] == g]
        out[held] = _predict(c, aflw, rows[groups[rows] != g], aflw, held)
    return out


def _select(aflw: DevMeasure, rows: np.ndarray) -> tuple[float, float]:
    truth = aflw.dev.truth[rows, 0]

    def score(setting: tuple[float, float]) -> tuple[float, list[float]]:
        r = _inner(aflw, rows, setting)[rows]
        return hd.pair_spans(truth, r).mae, [b.mae for b in hd.band_figures(truth, r)[:3]]

    _, limit = score(PREVIOUS)
    best, best_pair = PREVIOUS, score(PREVIOUS)[0]
    for setting in ((w, lam) for w in WEIGHTS for lam in RIDGES):
        pair, bands = score(setting)
        if pair < best_pair and all(b <= lim for b, lim in zip(bands, limit, strict=True)):
            best, best_pair = setting, pair
    return best


def nested_selection(aflw: DevMeasure) -> Selection:
    """The blend weight and ridge chosen on the other 4 folds (by 4-fold CV within them),
    applied to the held-out fold; and the choice made on all 5 folds."""
    every = np.arange(len(aflw.dev.files))
    groups = aflw.dev.groups
    out = np.full(len(every), np.nan)
    chosen = []
    for g in np.unique(groups):
        held = groups == g
        setting = _select(aflw, every[~held])
        chosen.append(setting)
        out[held] = _predict(Candidate("", *setting), aflw, every[~held], aflw, every[held])
    return Selection(out, tuple(chosen), _select(aflw, every))


__all__ = [
    "CANDIDATES",
    "Candidate",
    "Selection",
    "cross_validated",
    "nested_selection",
    "neutral_offset",
    "series",
    "source",
]
