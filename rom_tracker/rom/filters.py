"""Filters for angle series: a causal One Euro filter for live display and a zero-phase
smoother for stored or replayed series.

Every function takes a time axis ``t: (T,)`` in seconds (real timestamps, strictly
increasing; 29.97 fps stays 29.97) and values ``x: (T, ...)`` in any unit (degrees for
angles); all trailing channels are filtered independently. NaN means "not observed": it
is never invented where the gap is long, and raw inputs are never modified in place.

Pure numpy.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from rom_tracker.rom import dsp

FloatArray = npt.NDArray[np.float64]

#: rows per block in the rolling median, so memory stays bounded on long series
_BLOCK_ROWS = 65536
#: MAD -> standard deviation for normally distributed data
_MAD_TO_SD = 1.4826
#: relative timestamp jitter under which a series counts as regularly sampled
_REGULAR_TOL = 1e-3


def as_times(t: npt.ArrayLike, name: str = "t") -> FloatArray:
    """``t`` as float64 (T,), finite and strictly increasing, or ValueError naming the fault."""
    arr = np.asarray(t, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected shape (T,), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: timestamps must be finite (frame {_first(~np.isfinite(arr))})")
    bad = np.diff(arr) <= 0
    if bad.any():
        i = _first(bad)
        raise ValueError(
            f"{name}: timestamps must increase strictly; {name}[{i + 1}]={arr[i + 1]!r} "
            f"follows {name}[{i}]={arr[i]!r}"
        )
    return arr


def as_series(t: npt.ArrayLike, x: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Validated ``(t (T,), x (T, ...))`` as float64 copies; x's first axis must match t."""
    tt = as_times(t)
    xx = np.array(x, dtype=np.float64)  # a copy: raw values are never modified
    if xx.ndim == 0 or xx.shape[0] != tt.shape[0]:
        raise ValueError(f"x: expected shape ({tt.shape[0]}, ...) to match t, got {xx.shape}")
    return tt, xx


def median_dt(t: FloatArray) -> float:
    """Median sample interval in seconds (NaN with fewer than two samples)."""
    return float(np.median(np.diff(t))) if t.size >= 2 else math.nan


def _first(mask: npt.NDArray[np.bool_]) -> int:
    return int(np.argmax(mask))


# --------------------------------------------------------------------------- One Euro


def _alpha(cutoff_hz: FloatArray | float, dt: FloatArray) -> FloatArray:
    tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff_hz))
    return np.asarray(1.0 / (1.0 + tau / dt), dtype=np.float64)


class OneEuroFilter:
    """Causal One Euro filter (Casiez et al., CHI 2012) for live display.

    A first-order low-pass whose cutoff rises with the signal's speed: steady readings are
    smoothed hard (``min_cutoff``), fast movements follow with little lag (``beta``).

    Defaults, for angles in degrees at 15-60 fps:

    * ``min_cutoff=1.0`` Hz: at rest, landmark jitter of a degree or two is damped to a
      fraction of a degree without a visible lag of the display.
    * ``beta=0.02`` per (deg/s): a head turning at 100 deg/s raises the cutoff by 2 Hz, so
      the displayed angle keeps up with a quick turn.
    * ``d_cutoff=1.0`` Hz: the usual cutoff for the speed estimate itself.
    * ``reset_after_s=0.5``: a channel unseen for longer restarts from its next value
      instead of gliding from a stale one.

    ``update(t_s, x)`` filters one sample of any shape, channels independently, using the
    real interval since the channel's previous sample; the speed is estimated from the raw
    samples (as in Casiez's reference code), so it does not depend on the frame rate. A
    NaN channel gives NaN and keeps its state; a repeated timestamp returns the previous
    output; a timestamp going back raises ValueError.
    """

    def __init__(
        self,
        min_cutoff: float = 1.0,
        beta: float = 0.02,
        d_cutoff: float = 1.0,
        reset_after_s: float = 0.5,
    ) -> None:
        if min_cutoff <= 0 or d_cutoff <= 0:
            raise ValueError(
                f"min_cutoff and d_cutoff must be > 0 Hz, got {min_cutoff}, {d_cutoff}"
            )
        if beta < 0 or reset_after_s <= 0:
            raise ValueError(
                f"beta must be >= 0 and reset_after_s > 0, got {beta}, {reset_after_s}"
            )
        self.min_cutoff = float(min_cutoff)
        self.beta = float(beta)
        self.d_cutoff = float(d_cutoff)
        self.reset_after_s = float(reset_after_s)
        self.reset()

    def reset(self) -> None:
        """Forget all state: the next sample is passed through unchanged."""
        self._shape: tuple[int, ...] | None = None
        self._x = np.empty(0)  # filtered value
        self._raw = np.empty(0)  # last raw value (for the speed estimate)
        self._dx = np.empty(0)
        self._t = np.empty(0)  # per channel: time of the last finite sample (NaN: none)
        self._last_t = -math.inf
        self._last_out = np.empty(0)

    def update(self, t_s: float, x: npt.ArrayLike) -> FloatArray:
        """Filter one sample taken at ``t_s`` seconds; returns a new float64 array."""
        xx = np.array(x, dtype=np.float64)
        t_s = float(t_s)
        if self._shape is None:
            self._shape = xx.shape
            self._x = np.full(xx.shape, np.nan)
            self._raw = np.full(xx.shape, np.nan)
            self._dx = np.zeros(xx.shape)
            self._t = np.full(xx.shape, np.nan)
        elif xx.shape != self._shape:
            raise ValueError(f"x: expected shape {self._shape} as before, got {xx.shape}")
        if t_s < self._last_t:
            raise ValueError(f"t_s={t_s!r} goes back in time (previous {self._last_t!r})")
        if t_s == self._last_t:
            return np.array(self._last_out)
        self._last_t = t_s

        seen = np.isfinite(xx)
        dt = t_s - self._t
        fresh = seen & ~(dt <= self.reset_after_s)  # never seen, or unseen too long
        go = seen & ~fresh
        with np.errstate(invalid="ignore", divide="ignore"):
            dx = np.where(go, (xx - self._raw) / dt, 0.0)
            a_d = _alpha(self.d_cutoff, dt)
            dx_hat = np.where(go, self._dx + a_d * (dx - self._dx), 0.0)
            a = _alpha(self.min_cutoff + self.beta * np.abs(dx_hat), dt)
            x_hat = np.where(go, self._x + a * (xx - self._x), xx)
        self._x = np.where(seen, x_hat, self._x)
        self._raw = np.where(seen, xx, self._raw)
        self._dx = np.where(seen, dx_hat, self._dx)
        self._t = np.where(seen, t_s, self._t)
        self._last_out = np.where(seen, x_hat, np.nan)
        return np.array(self._last_out)

    def filter_series(self, t: npt.ArrayLike, x: npt.ArrayLike) -> FloatArray:
        """Filter a whole series ``(T,), (T, ...)`` causally from a fresh state.

        Uses a new filter with the same settings: this filter's streaming state is untouched.
        """
        tt, xx = as_series(t, x)
        f = OneEuroFilter(self.min_cutoff, self.beta, self.d_cutoff, self.reset_after_s)
        out = np.empty_like(xx)
        for i in range(tt.shape[0]):  # recursive by nature; vectorised over channels
            out[i] = f.update(float(tt[i]), xx[i])
        return out


# --------------------------------------------------------------------------- zero-phase


def _rolling_nanmedian(w: FloatArray) -> FloatArray:
    """NaN-ignoring median over the last axis, without warnings for all-NaN windows."""
    s = np.sort(w, axis=-1)  # NaN sorts last
    n = np.isfinite(w).sum(axis=-1)
    lo = np.maximum((n - 1) // 2, 0)[..., None]
    hi = (n // 2)[..., None]
    med = 0.5 * (np.take_along_axis(s, lo, -1) + np.take_along_axis(s, hi, -1))[..., 0]
    return np.where(n > 0, med, np.nan)


def hampel_mask(x: FloatArray, half_window: int, k: float) -> npt.NDArray[np.bool_]:
    """Outliers of ``x (T, C)``: further than ``k`` robust SDs from the rolling median.

    The window is ``2 * half_window + 1`` samples centred on each frame; the robust SD is
    1.4826 x the median absolute deviation in that window. Frames with fewer than three
    finite neighbours are never flagged.
    """
    n_rows = x.shape[0]
    width = 2 * half_window + 1
    pad = np.full((half_window, x.shape[1]), np.nan)
    xp = np.concatenate([pad, x, pad])
    out = np.zeros(x.shape, dtype=bool)
    for s in range(0, n_rows, _BLOCK_ROWS):
        e = min(n_rows, s + _BLOCK_ROWS)
        w = sliding_window_view(xp[s : e + 2 * half_window], width, axis=0)  # (B, C, W)
        med = _rolling_nanmedian(w)
        mad = _rolling_nanmedian(np.abs(w - med[..., None]))
        enough = np.isfinite(w).sum(axis=-1) >= 3
        with np.errstate(invalid="ignore"):
            out[s:e] = enough & (np.abs(x[s:e] - med) > k * _MAD_TO_SD * mad)
    return out


def fill_short_gaps(t: npt.ArrayLike, x: npt.ArrayLike, max_gap_s: float = 0.25) -> FloatArray:
    """Linearly interpolate NaN gaps whose surrounding finite samples are <= ``max_gap_s`` apart.

    Longer gaps, and NaN before the first or after the last finite sample, stay NaN.
    Returns a new float64 array of x's shape.
    """
    tt, xx = as_series(t, x)
    shape = xx.shape
    x2 = xx.reshape(shape[0], math.prod(shape[1:]))
    ok = np.isfinite(x2)
    n_rows = shape[0]
    rows = np.arange(n_rows)[:, None]
    prev = np.maximum.accumulate(np.where(ok, rows, -1), axis=0)
    nxt = np.minimum.accumulate(np.where(ok, rows, n_rows)[::-1], axis=0)[::-1]
    inner = ~ok & (prev >= 0) & (nxt < n_rows)
    span = tt[np.clip(nxt, 0, n_rows - 1)] - tt[np.clip(prev, 0, n_rows - 1)]
    fill = inner & (span <= max_gap_s * (1 + 1e-9) + 1e-12)
    for c in np.flatnonzero(fill.any(axis=0)):
        col_ok = ok[:, c]
        x2[fill[:, c], c] = np.interp(tt[fill[:, c]], tt[col_ok], x2[col_ok, c])
    return x2.reshape(shape)


def finite_runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` of the maximal runs of True in a 1-D mask (stop exclusive)."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(
        zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True)
    )


def _lowpass_runs(
    t: FloatArray, x2: FloatArray, *, cutoff_hz: float, order: int, dt: float, regular: bool
) -> None:
    """Zero-phase low-pass of every finite run of every column of ``x2 (T, C)``, in place."""
    sos = dsp.butter_lowpass_sos(order, cutoff_hz, fs=1.0 / dt)
    padlen = dsp.padlen(sos)
    for c in range(x2.shape[1]):
        col = x2[:, c]
        for s, e in finite_runs(np.isfinite(col)):
            if e - s <= padlen:
                continue  # too short for filtfilt's padding: left as it is
            if regular:
                col[s:e] = dsp.sosfiltfilt(sos, col[s:e])
                continue
            seg_t = t[s:e]
            n_grid = math.ceil((seg_t[-1] - seg_t[0]) / dt) + 1
            if n_grid <= padlen:
                continue
            grid = seg_t[0] + dt * np.arange(n_grid)
            smooth = dsp.sosfiltfilt(sos, np.interp(grid, seg_t, col[s:e]))
            col[s:e] = np.interp(seg_t, grid, smooth)


def smooth_series(
    t: npt.ArrayLike,
    x: npt.ArrayLike,
    *,
    cutoff_hz: float | None = 6.0,
    order: int = 2,
    hampel_window_s: float = 0.25,
    hampel_k: float | None = 3.0,
    max_gap_s: float = 0.25,
) -> FloatArray:
    """Zero-phase smoothing of a stored or replayed series ``x (T, ...)`` sampled at ``t (T,)``.

    Three steps, each on every channel independently; returns a new float64 array:

    1. **Hampel outlier rejection**: a sample further than ``hampel_k`` robust SDs
       (1.4826 x MAD) from the median of a ``hampel_window_s`` window centred on it
       becomes NaN. Default 0.25 s (9 frames at 30 fps) and k = 3: removes glitches of
       the landmark models lasting up to about 0.1 s (a mis-detected face for a frame or
       three) while a genuine movement, which is smooth over a quarter second, is kept.
       ``hampel_k=None`` or a window of 0 turns it off.
    2. **Short-gap interpolation**: NaN gaps (including the rejected outliers) whose
       finite neighbours are at most ``max_gap_s`` apart are filled linearly. Default
       0.25 s: a head cannot move far in a quarter second at a comfortable speed, so a
       straight line is a fair guess; longer gaps stay NaN (not observed stays not
       observed). 0 turns it off.
    3. **Zero-phase Butterworth low-pass** (:func:`~rom_tracker.rom.dsp.sosfiltfilt`) at
       ``cutoff_hz`` with ``order`` (the forward-backward pass doubles the effective order
       and has no lag). Default 6 Hz, order 2: voluntary human movement has almost no power above
       about 6 Hz (the usual cutoff for joint kinematics in biomechanics), so landmark
       jitter is removed while a 1 Hz movement keeps its amplitude to better than 0.1%.
       It is applied to each contiguous finite run; runs too short for filtfilt's padding
       (about 10 samples at order 2) are left as they are. Irregular timestamps are
       handled by resampling each run onto a uniform grid at the series' median sample
       rate, filtering there and interpolating back to the original timestamps. If
       ``cutoff_hz`` is at or above the Nyquist frequency, or None, no low-pass is done.
    """
    tt, xx = as_series(t, x)
    if order < 1:
        raise ValueError(f"order must be >= 1, got {order}")
    if cutoff_hz is not None and cutoff_hz <= 0:
        raise ValueError(f"cutoff_hz must be > 0 Hz or None, got {cutoff_hz}")
    shape = xx.shape
    x2 = xx.reshape(shape[0], math.prod(shape[1:]))
    dt = median_dt(tt)
    if not math.isfinite(dt):
        return xx
    half = round(hampel_window_s / dt / 2) if hampel_window_s > 0 else 0
    if hampel_k is not None and half >= 1:
        x2[hampel_mask(x2, half, hampel_k)] = np.nan
    if max_gap_s > 0:
        x2 = fill_short_gaps(tt, x2, max_gap_s)
    if cutoff_hz is not None and cutoff_hz < 0.5 / dt:
        regular = bool(np.all(np.abs(np.diff(tt) - dt) <= _REGULAR_TOL * dt))
        _lowpass_runs(tt, x2, cutoff_hz=cutoff_hz, order=order, dt=dt, regular=regular)
    return x2.reshape(shape)


def analysed_series(
    t: npt.ArrayLike, x: npt.ArrayLike, *, smooth: bool = True, max_gap_s: float = 0.25
) -> tuple[FloatArray, FloatArray]:
    """``(t, x)`` validated, with x as holds and repetitions are found on: ``smooth_series``
    with its defaults when ``smooth``, else the raw values with short gaps filled."""
    tt, xx = as_series(t, x)
    if smooth:
        return tt, smooth_series(tt, xx, max_gap_s=max_gap_s)
    return tt, fill_short_gaps(tt, xx, max_gap_s)
