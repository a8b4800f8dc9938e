"""A small progress bar for long work, written to stderr only when it is a terminal."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Self, TextIO


class Progress:
    """``with Progress(total, "d12.mp4") as bar: bar.update()``; silent off a terminal.

    total: expected steps (0 = unknown: a counter and rate, no percentage).
    """

    def __init__(
        self,
        total: int,
        label: str,
        *,
        unit: str = "frames",
        enabled: bool = True,
        stream: TextIO | None = None,
    ) -> None:
        self.total = max(int(total), 0)
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.done = 0
        self._start = time.perf_counter()
        self._last_draw = 0.0

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if self.enabled and (now - self._last_draw > 0.1 or self.done == self.total):
            self._last_draw = now
            self._draw(now)

    def skip(self, n: int = 1) -> None:
        """``n`` of the expected steps will not come (e.g. photos that cannot be read): the
        total shrinks by ``n`` (never below the steps done), so the bar still ends full."""
        if self.total and n > 0:
            self.total = max(self.total - n, self.done)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        if self.total:
            frac = min(self.done / self.total, 1.0)
            width = 24
            filled = round(frac * width)
            bar = "#" * filled + "-" * (width - filled)
            left = (self.total - self.done) / rate if rate > 0 else 0.0
            text = (
                f"\r{self.label} [{bar}] {frac:4.0%} {self.done}/{self.total} {self.unit} "
                f"{rate:5.1f}/s ~{left:3.0f}s left"
            )
        else:
            text = f"\r{self.label} {self.done} {self.unit} {rate:5.1f}/s"
        self.stream.write(text[:150])
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.done:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
