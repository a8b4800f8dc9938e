"""Plain-text presentation of store records for the CLI: aligned tables, sparklines."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rom_tracker.files.outputs import json_bytes
from rom_tracker.rom.bounds import BEYOND, EXPLAIN
from rom_tracker.store.paths import HOME_ENV

BLOCKS = "▁▂▃▄▅▆▇█"
ASCII_BLOCKS = "_.-=^"


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help=f"database file (default: ${HOME_ENV}/rom-tracker.sqlite3, else the user data "
        "folder, e.g. ~/.local/share/rom-tracker/rom-tracker.sqlite3)",
    )


def deg(value: float, *, signed: bool = False, at_least: bool = False) -> str:
    """``61.5``, ``+3.2`` (signed), ``>=57.0`` (a lower bound), ``-`` for NaN."""
    if not math.isfinite(value):
        return "-"
    text = f"{value:+.1f}" if signed else f"{value:.1f}"
    return f">={text}" if at_least else text


def bound_text(reason: str, setup: str = "front") -> str:
    """Why a value is only a bound, and what to do, in one phrase: ``beyond what the camera
    sees from the front: measure this side with --setup side``."""
    what = EXPLAIN.get(reason, reason)
    if setup != "front":
        return what
    if reason == BEYOND:
        what = "beyond what the camera sees from the front"
    return f"{what}: measure this side with --setup side"


def when(iso: str | None) -> str:
    """``2026-05-09T07:35:25.123Z`` -> ``2026-05-09 07:35`` (UTC), ``-`` for None."""
    return "-" if not iso else iso[:16].replace("T", " ")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], right: Iterable[int] = ()) -> str:
    """An aligned table; columns whose index is in ``right`` are right-aligned."""
    cells = [[str(c) for c in headers], *([str(c) for c in row] for row in rows)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    align = set(right)
    lines = []
    for row in cells:
        parts = [
            c.rjust(w) if i in align else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(parts).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _unicode_ok() -> bool:
    try:
        BLOCKS.encode(sys.stdout.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def sparkline(values: Sequence[float], blocks: str | None = None) -> str:
    """A one-line chart of ``values`` (NaN as a space), scaled from their min to max."""
    if blocks is None:
        blocks = BLOCKS if _unicode_ok() else ASCII_BLOCKS
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return " " * len(values)
    lo, hi = min(finite), max(finite)
    top = len(blocks) - 1
    out = []
    for v in values:
        if not math.isfinite(v):
            out.append(" ")
        elif hi == lo:
            out.append(blocks[top // 2])
        else:
            out.append(blocks[round((v - lo) / (hi - lo) * top)])
    return "".join(out)


def to_json(obj: Any) -> str:
    """Indented JSON text ending in a newline; NaN written as null."""
    return json_bytes(obj).decode()
