"""The terminal progress bar: what it draws, on a stream that says it is a terminal."""

from __future__ import annotations

import io

import pytest

from rom_tracker.display.progress import Progress


@pytest.mark.parametrize(
    ("total", "steps", "skipped", "end"),
    [
        (4, 4, 0, "4/4 photos"),
        (4, 3, 1, "3/3 photos"),  # one photo could not be read: the total shrinks
        (4, 0, 4, None),  # nothing done: nothing drawn
        (0, 3, 1, "photos 3 photos"),  # total unknown: a counter
    ],
)
def test_bar_ends_at_its_total(
    terminal, total: int, steps: int, skipped: int, end: str | None
) -> None:
    with Progress(total, "photos", unit="photos", stream=terminal) as bar:
        for _ in range(steps):
            bar.update()
        bar.skip(skipped)
    if end is None:
        assert terminal.getvalue() == ""
        return
    assert end in terminal.last_draw()
    if total:
        assert "100%" in terminal.last_draw()


def test_silent_off_a_terminal() -> None:
    stream = io.StringIO()
    with Progress(3, "photos", stream=stream) as bar:
        bar.update(3)
    assert stream.getvalue() == ""
