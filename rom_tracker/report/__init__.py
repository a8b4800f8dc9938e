"""Practitioner reports: a profile's sessions as one self-contained HTML page (or a PDF).

Layering: store -> report. The data comes from the store's API (:mod:`.data`), the charts
are inline SVG (:mod:`.svg`), the page is :mod:`.html`, the accuracy figures are read from
docs/accuracy.md (:mod:`.accuracy_doc`), the PDF is printed by a headless Chromium
(:mod:`.pdf`). No Qt, no network.

>>> with Store.open() as store:  # doctest: +SKIP
...     write_report(store, ReportRequest("demo"), Path("report.html"))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from rom_tracker.errors import UsageError
from rom_tracker.files.outputs import atomic_write_bytes
from rom_tracker.report import accuracy_doc
from rom_tracker.report.data import ReportData, ReportRequest, gather, parse_day
from rom_tracker.report.frames import EndRangeFrames
from rom_tracker.report.html import render
from rom_tracker.report.pdf import html_to_pdf
from rom_tracker.store import Store

FORMATS = (".html", ".htm", ".pdf")
PAPERS = ("A4", "letter")


def check_out(out: Path) -> None:
    if out.suffix.lower() not in FORMATS:
        raise UsageError(
            f"--out {out}: the report is .html or .pdf, not {out.suffix or 'no extension'}",
            "e.g. --out report.html",
        )


def write_report(
    store: Store,
    request: ReportRequest,
    out: Path,
    paper: str = "A4",
    frames: Callable[[ReportData], EndRangeFrames | None] | None = None,
) -> ReportData:
    """Gather, render and write the report to ``out`` (.html, or .pdf via Chromium),
    atomically: on any error no file (and no partial file) is left at ``out``. ``frames``
    makes the end-range frames from the gathered data (the command line passes
    :func:`rom_tracker.annotate.stills.end_range_frames`)."""
    check_out(out)
    data = gather(store, request, accuracy_doc.load())
    if frames is not None:
        data = dataclasses.replace(data, frames=frames(data))
    page = render(data, paper)
    if out.suffix.lower() == ".pdf":
        html_to_pdf(page, out)
    else:
        atomic_write_bytes(out, page.encode("utf-8"), mode=0o600)
    return data


__all__ = [
    "PAPERS",
    "EndRangeFrames",
    "ReportData",
    "ReportRequest",
    "check_out",
    "parse_day",
    "write_report",
]
