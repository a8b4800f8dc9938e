"""The few signal-processing functions rom-tracker needs, in numpy.

``scipy.signal`` costs about 0.4 s of CPU to import (it imports ``scipy.stats``, which
builds its distributions' documentation at import): more than all the angle maths of a
12 s video. These are the same algorithms as scipy's, for the cases we use, and are tested
against scipy (``tests/rom/test_rom_dsp.py``, to 1e-9):

* :func:`butter_lowpass_sos`: ``scipy.signal.butter(order, cutoff, "low", fs=fs,
  output="sos")`` (analogue prototype, pre-warped bilinear transform, conjugate pole pairs
  into second-order sections);
* :func:`sosfiltfilt`: ``scipy.signal.sosfiltfilt(sos, x)`` on a 1-D series (odd extension
  of ``3 * ntaps`` samples, forward and backward passes started in the steady state of
  the first sample). A stable IIR filter is applied as the convolution with its impulse
  response, cut where it has decayed below 1e-15 of its peak, and the steady state is the
  series extended by its first value for that length: exact to rounding, and in C;
* :func:`find_peaks` with ``height``, ``prominence`` and ``distance``, and
  :func:`peak_widths` at ``rel_height`` from those prominences (plateaus: the middle
  sample, as scipy).

Pure numpy.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

_DECAY = 1e-15  # impulse response cut below this fraction of its largest sample
_MAX_TAPS = 1 << 20


def butter_lowpass_sos(order: int, cutoff_hz: float, fs: float) -> FloatArray:
    """Digital Butterworth low-pass as second-order sections ``(ceil(order / 2), 6)``."""
    if order < 1 or not 0 < cutoff_hz < fs / 2:
        raise ValueError(f"need order >= 1 and 0 < cutoff < fs/2, got {order}, {cutoff_hz}, {fs}")
    k = np.arange(-order + 1, order, 2)
    poles = -np.exp(1j * np.pi * k / (2 * order))  # analogue prototype, cutoff 1 rad/s
    fs2 = 2.0 * fs
    warped = fs2 * math.tan(math.pi * cutoff_hz / fs)
    poles = poles * warped
    gain = warped**order
    z_poles = (fs2 + poles) / (fs2 - poles)
    gain = float(np.real(gain / np.prod(fs2 - poles)))
    # pair poles: complex conjugates together, a real pole alone; closest to the unit circle last
    cplx = z_poles[np.imag(z_poles) > 1e-12]
    real = np.real(z_poles[np.abs(np.imag(z_poles)) <= 1e-12])
    cplx = cplx[np.argsort(np.abs(1 - np.abs(cplx)))[::-1]]
    sections = []
    for r in real:  # order odd: one first-order section, zero at -1
        sections.append([1.0, 1.0, 0.0, 1.0, -r, 0.0])
    for p in cplx:
        sections.append([1.0, 2.0, 1.0, 1.0, -2.0 * p.real, abs(p) ** 2])
    sos = np.array(sections, dtype=np.float64)
    sos[0, :3] *= gain
    return sos


def _impulse_response(sos: FloatArray) -> FloatArray:
    """The cascade's impulse response, until it has decayed (poles inside the unit circle);
    computed once per filter (a video filters every column and every run with one)."""
    return _impulse_response_of(sos.shape, sos.tobytes()).copy()


@functools.lru_cache(maxsize=16)
def _impulse_response_of(shape: tuple[int, ...], data: bytes) -> FloatArray:
    sos = np.frombuffer(data, dtype=np.float64).reshape(shape)
    radius = max((float(np.max(np.abs(np.roots(s[3:])))) if s[5] or s[4] else 0.0) for s in sos)
    if radius >= 1.0:
        raise ValueError("the filter is not stable")
    n = 64 if radius == 0.0 else int(math.log(_DECAY) / math.log(radius)) * 2 + 64
    n = min(max(n, 64), _MAX_TAPS)
    h = np.zeros(n)
    h[0] = 1.0
    for b0, b1, b2, _a0, a1, a2 in sos:
        y = np.empty(n)
        y1 = y2 = x1 = x2 = 0.0
        for i in range(n):  # n is a few hundred: once per filter design
            x0 = h[i]
            y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            y[i], y2, y1, x2, x1 = y0, y1, y0, x1, x0
        h = y
    peak = float(np.max(np.abs(h)))
    last = int(np.flatnonzero(np.abs(h) > _DECAY * peak)[-1]) + 1
    return h[:last]


def _steady_filter(h: FloatArray, x: FloatArray) -> FloatArray:
    """Causal filtering of ``x`` by ``h``, as if ``x[0]`` had been the input forever."""
    lead = np.full(h.size - 1, x[0])
    return np.convolve(np.concatenate((lead, x)), h)[h.size - 1 : h.size - 1 + x.size]


def padlen(sos: FloatArray) -> int:
    """The odd-extension length ``sosfiltfilt`` uses: series must be longer than this."""
    ntaps = 2 * sos.shape[0] + 1
    ntaps -= min(int((sos[:, 2] == 0).sum()), int((sos[:, 5] == 0).sum()))
    return 3 * ntaps


def sosfiltfilt(sos: FloatArray, x: npt.ArrayLike) -> FloatArray:
    """Zero-phase filtering of a 1-D series (see the module docstring)."""
    x = np.asarray(x, dtype=np.float64)
    edge = padlen(sos)
    if x.ndim != 1 or x.size <= edge:
        raise ValueError(f"need a 1-D series longer than {edge} samples, got shape {x.shape}")
    ext = np.concatenate((2 * x[0] - x[edge:0:-1], x, 2 * x[-1] - x[-2 : -edge - 2 : -1]))
    h = _impulse_response(sos)
    y = _steady_filter(h, ext)
    y = _steady_filter(h, y[::-1])[::-1]
    return y[edge:-edge]


def _local_maxima(x: FloatArray) -> IntArray:
    """Indices of local maxima; a flat top counts once, at its middle (left-biased)."""
    n = x.size
    if n < 3:
        return np.empty(0, dtype=np.intp)
    change = np.flatnonzero(np.diff(x) != 0)  # i where x[i + 1] != x[i]
    if change.size < 2:
        return np.empty(0, dtype=np.intp)
    rises = x[change + 1] > x[change]
    # a run of equal values from change[j] + 1 to change[j + 1]: a peak if entered rising
    # and left falling
    top = rises[:-1] & ~rises[1:]
    left = change[:-1][top] + 1
    right = change[1:][top]
    return ((left + right) // 2).astype(np.intp)


def _select_by_distance(peaks: IntArray, heights: FloatArray, distance: int) -> IntArray:
    keep = np.ones(peaks.size, dtype=bool)
    for j in np.argsort(heights, kind="stable")[::-1]:
        if not keep[j]:
            continue
        k = j - 1
        while k >= 0 and peaks[j] - peaks[k] < distance:
            keep[k] = False
            k -= 1
        k = j + 1
        while k < peaks.size and peaks[k] - peaks[j] < distance:
            keep[k] = False
            k += 1
    return peaks[keep]


def peak_prominences(x: FloatArray, peaks: IntArray) -> Prominences:
    """Prominence, left and right base of each peak (whole-series window)."""
    prom = np.empty(peaks.size)
    left_b = np.empty(peaks.size, dtype=np.intp)
    right_b = np.empty(peaks.size, dtype=np.intp)
    for n, p in enumerate(peaks):
        higher = np.flatnonzero(x[:p] > x[p])
        lo = int(higher[-1]) + 1 if higher.size else 0
        seg = x[lo : p + 1][::-1]  # from the peak leftwards: the nearest minimum wins
        left_b[n] = p - int(np.argmin(seg))
        higher = np.flatnonzero(x[p + 1 :] > x[p])
        hi = p + int(higher[0]) if higher.size else x.size - 1
        right_b[n] = p + int(np.argmin(x[p : hi + 1]))
        prom[n] = x[p] - max(x[left_b[n]], x[right_b[n]])
    return Prominences(prom, left_b, right_b)


class Prominences(NamedTuple):
    """Per peak: prominence, and the indices of its left and right base."""

    prominences: FloatArray
    left_bases: IntArray
    right_bases: IntArray

    def take(self, keep: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> Prominences:
        return Prominences(self.prominences[keep], self.left_bases[keep], self.right_bases[keep])


def find_peaks(
    x: npt.ArrayLike, *, height: float, prominence: float, distance: int = 1
) -> tuple[IntArray, Prominences]:
    """``scipy.signal.find_peaks(x, height=, prominence=, distance=)``: the peaks and the
    prominences and bases of those kept (scipy's ``props`` of the same names)."""
    x = np.asarray(x, dtype=np.float64)
    peaks = _local_maxima(x)
    peaks = peaks[x[peaks] >= height]
    if distance > 1 and peaks.size > 1:
        peaks = _select_by_distance(peaks, x[peaks], distance)
    props = peak_prominences(x, peaks)
    keep = props.prominences >= prominence
    return peaks[keep], props.take(keep)


def peak_widths(
    x: npt.ArrayLike,
    peaks: IntArray,
    rel_height: float,
    prominence_data: Prominences | tuple[FloatArray, IntArray, IntArray],
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``scipy.signal.peak_widths``: widths, height, left and right interpolated positions."""
    x = np.asarray(x, dtype=np.float64)
    prom, left_b, right_b = prominence_data
    widths = np.empty(peaks.size)
    heights = np.empty(peaks.size)
    left_ip = np.empty(peaks.size)
    right_ip = np.empty(peaks.size)
    for n, p in enumerate(peaks):
        h = x[p] - prom[n] * rel_height
        below = np.flatnonzero(x[left_b[n] : p + 1] <= h)
        i = left_b[n] + int(below[-1]) if below.size else left_b[n]
        left = float(i)
        if x[i] < h:
            left += (h - x[i]) / (x[i + 1] - x[i])
        below = np.flatnonzero(x[p : right_b[n] + 1] <= h)
        i = p + int(below[0]) if below.size else int(right_b[n])
        right = float(i)
        if x[i] < h:
            right -= (h - x[i]) / (x[i - 1] - x[i])
        widths[n], heights[n], left_ip[n], right_ip[n] = right - left, h, left, right
    return widths, heights, left_ip, right_ip
