"""A fixed-size numpy ring buffer of timestamped samples for live plots. Qt-free.

Appending is O(channels); reading returns the samples in time order as new arrays, so
a plot can be handed them directly (``curve.setData(t, v[:, 0], connect="finite")``).
NaN values are kept: they are the gaps of the plot.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


class RingBuffer:
    """The newest ``capacity`` samples ``(t_s, values (channels,))``.

    ``t_s`` must not go back in time (ValueError); a sample whose timestamp jumps forward
    by more than ``gap_s`` after the previous one is preceded by an all-NaN sample, so a
    pause of the stream (camera lost, no frames) shows as a gap, not a straight line.
    """

    def __init__(self, capacity: int, channels: int = 1, *, gap_s: float = 0.5) -> None:
        if capacity < 2:
            raise ValueError(f"capacity must be at least 2, got {capacity}")
        if channels < 1:
            raise ValueError(f"channels must be at least 1, got {channels}")
        self.capacity = int(capacity)
        self.channels = int(channels)
        self.gap_s = float(gap_s)
        self._t = np.full(self.capacity, np.nan)
        self._v = np.full((self.capacity, self.channels), np.nan)
        self._next = 0  # index the next sample goes to
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def clear(self) -> None:
        self._next = 0
        self._n = 0

    @property
    def last_t(self) -> float:
        return float(self._t[(self._next - 1) % self.capacity]) if self._n else float("nan")

    def _put(self, t: float, v: npt.ArrayLike) -> None:
        self._t[self._next] = t
        self._v[self._next] = v
        self._next = (self._next + 1) % self.capacity
        self._n = min(self._n + 1, self.capacity)

    def append(self, t_s: float, values: float | Sequence[float] | np.ndarray) -> None:
        """Add one sample; ``values`` has ``channels`` entries (a number for one channel)."""
        v = np.asarray(values, dtype=np.float64).reshape(-1)
        if v.shape != (self.channels,):
            raise ValueError(f"values: expected {self.channels} channel(s), got shape {v.shape}")
        t = float(t_s)
        last = self.last_t
        if self._n and t < last:
            raise ValueError(f"t_s={t!r} goes back in time (previous {last!r})")
        if self._n and t - last > self.gap_s and np.isfinite(self._v[self._next - 1]).any():
            self._put((t + last) / 2.0, np.nan)
        self._put(t, v)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(t (n,), values (n, channels))``, oldest first (copies)."""
        if self._n < self.capacity:
            return self._t[: self._n].copy(), self._v[: self._n].copy()
        order = np.r_[self._next : self.capacity, 0 : self._next]
        return self._t[order], self._v[order]

    def window(self, seconds: float) -> tuple[np.ndarray, np.ndarray]:
        """The samples of the last ``seconds`` before the newest one."""
        t, v = self.arrays()
        if not t.size:
            return t, v
        keep = t >= t[-1] - seconds
        return t[keep], v[keep]
