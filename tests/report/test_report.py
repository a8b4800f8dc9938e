"""The report: contents, self-containment, a real render in headless Chromium, bad input."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rom_tracker.cli import main
from rom_tracker.display.palette import MODE_COLOURS
from rom_tracker.report import accuracy_doc
from rom_tracker.report.pdf import headless_args
from rom_tracker.report.svg import nice_step

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "sample_sessions.json"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "db.sqlite3"
    assert main(["import", str(SAMPLE), "--db", str(path)]) == 0
    assert main(["profiles", "add", "empty", "--db", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def report(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "r.html"
    assert main(["report", "--profile", "demo", "--out", str(out), "--db", str(db)]) == 0
    return out


def test_self_contained(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert not re.search(r"https?://", html), "the report refers to a network resource"
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert html.count('<svg class="chart progress"') == 6  # 3 movements x 2 sides
    assert html.count("<polyline") == 12  # effortless and active per chart
    assert "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff" in html
    assert "@page { size: A4" in html and "break-inside: avoid" in html


def test_accuracy_figures_come_from_the_doc(report: Path) -> None:
    figures = accuracy_doc.load(ROOT / "docs" / "accuracy.md")
    assert figures is not None and figures.head_yaw
    html = report.read_text(encoding="utf-8")
    for band in figures.head_yaw:
        assert f"<td>{band.band}°</td><td class='num'>{band.photos}</td>" in html
        if np.isfinite(band.mae_deg):
            assert f"{band.mae_deg:.1f}°" in html


def test_accuracy_parse_known_table() -> None:
    text = """intro
| abs(yaw) band | photos | yaw MAE raw | yaw MAE ours |
|---|---|---|---|
| 0-30 | 5 | 1.2 | 0.9 |
| 60-90 | 0 | n/a | n/a |

| target | raw MediaPipe | rom-tracker | met? |
|---|---|---|---|
| Pose2Sim hip flexion RMSE <= 8 deg | 8.7 | 8.5 | no |
"""
    f = accuracy_doc.parse(text)
    assert [(b.band, b.photos) for b in f.head_yaw] == [("0-30", 5), ("60-90", 0)]
    assert f.head_yaw[0].mae_deg == 0.9 and np.isnan(f.head_yaw[1].mae_deg)
    assert f.hip_flexion_rmse_deg == 8.5
    with pytest.raises(ValueError, match="no head-yaw table"):
        accuracy_doc.parse("# nothing here\n")


def test_accuracy_parse_cross_validated_table() -> None:
    """The per-band table of the real dev sets wins over section 1's, first table only."""
    text = """
| true \\|yaw\\| band | 0-30 | 75-90 |
|---|---|---|
| photos | 519 | 43 |
| ours, cross-validated: a reading | 100 % | 21 % |
| ours, cross-validated: mean error | 2.3 | 10.1 |

| true \\|yaw\\| band | 0-30 | 75-90 |
|---|---|---|
| photos | 48 | 64 |
| ours, cross-validated: mean error | 4.8 | 29.7 |

| abs(yaw) band | photos | yaw MAE raw | yaw MAE ours |
|---|---|---|---|
| 0-30 | 5 | 1.2 | 0.9 |
"""
    f = accuracy_doc.parse(text)
    assert [(b.band, b.photos, b.mae_deg, b.reading_share) for b in f.head_yaw] == [
        ("0-30", 519, 2.3, 1.0),
        ("75-90", 43, 10.1, 0.21),
    ]


@pytest.mark.parametrize(
    ("span", "step"), [(10, 2), (45, 10), (100, 20), (3, 1), (12, 2.5), (0.4, 0.1)]
)
def test_nice_step(span: float, step: float) -> None:
    assert nice_step(span) == step


def _colour_pixels(png: Path, hex_colour: str, tol: int = 12) -> int:
    import cv2

    bgr = cv2.imread(str(png))
    assert bgr is not None, png
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(bgr[..., ::-1].astype(int) - rgb).max(axis=2) <= tol).sum())


@pytest.mark.slow
def test_renders_in_headless_chromium_with_charts(
    report: Path, tmp_path: Path, chromium: str
) -> None:
    browser = chromium
    shots = {}
    for name, page in (("report", report), ("blank", tmp_path / "blank.html")):
        if name == "blank":  # the same page with its charts emptied: the baseline
            html = report.read_text(encoding="utf-8")
            page.write_text(re.sub(r"<polyline[^>]*/>|<polygon[^>]*/>|<circle[^>]*/>", "", html))
        png = tmp_path / f"{name}.png"
        subprocess.run(
            [*headless_args(browser, str(tmp_path / "profile")), f"--screenshot={png}",
             "--window-size=900,6000", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        shots[name] = png
    for mode, colour in MODE_COLOURS.items():
        drawn = _colour_pixels(shots["report"], colour)
        baseline = _colour_pixels(shots["blank"], colour)
        print(f"{mode} {colour}: {drawn} px with the charts, {baseline} px without")
        assert drawn > baseline + 1500, f"the {mode} lines and markers are not drawn"


@pytest.mark.slow
def test_pdf(db: Path, tmp_path: Path, chromium: str) -> None:
    out = tmp_path / "r.pdf"
    assert main(["report", "--profile", "demo", "--out", str(out), "--db", str(db)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]  # no temporary file left


def test_pdf_without_browser(db: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr("rom_tracker.report.pdf.KNOWN_PATHS", ())
    monkeypatch.delenv("ROM_TRACKER_CHROMIUM", raising=False)
    out = tmp_path / "r.pdf"
    assert main(["report", "--profile", "demo", "--out", str(out), "--db", str(db)]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "apt install chromium" in err[0]
    assert not list(tmp_path.iterdir())


def test_sessions_and_dates(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    args = ["report", "--profile", "demo", "--out", str(out), "--db", str(db)]
    assert main([*args, "--sessions", "2", "3", "--movements", "neck_rotation"]) == 0
    html = " ".join(out.read_text(encoding="utf-8").split())
    assert "Session #2 (2026-10-12) against session #3 (2026-10-19)" in html
    assert html.count('<svg class="chart') == 2
    assert main([*args, "--from", "2026-10-19"]) == 0
    html = " ".join(out.read_text(encoding="utf-8").split())
    assert "2 sessions, 2026-10-19 to 2026-10-26" in html
    assert main([*args, "--from", "2026-10-26", "--paper", "letter"]) == 0  # one session
    html = out.read_text(encoding="utf-8")
    assert "nothing to compare" in html and "@page { size: letter" in html


@pytest.mark.parametrize(
    ("extra", "code", "words"),
    [
        (["--profile", "nobody"], 2, "no profile named 'nobody'"),
        (["--profile", "empty"], 5, "has no sessions yet"),
        (["--profile", "demo", "--from", "2030-01-01"], 5, "no session from 2030-01-01"),
        (["--profile", "demo", "--from", "2026-10-20", "--to", "2026-10-01"], 2, "is after"),
        (["--profile", "demo", "--from", "10/5/2026"], 2, "is not a date"),
        (["--profile", "demo", "--sessions", "1", "99"], 2, "session 99 is not one of"),
        (
            ["--profile", "demo", "--movements", "hip_flexion"],
            5,
            "no measured value of hip_flexion",
        ),
    ],
)
def test_bad_input(
    db: Path, tmp_path: Path, capsys, extra: list[str], code: int, words: str
) -> None:
    out = tmp_path / "r.html"
    assert main(["report", *extra, "--out", str(out), "--db", str(db)]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err
    assert not list(tmp_path.iterdir()), "no partial file"


def test_bad_out_suffix(db: Path, tmp_path: Path, capsys) -> None:
    assert (
        main(["report", "--profile", "demo", "--out", str(tmp_path / "r.docx"), "--db", str(db)])
        == 2
    )
    assert "is .html or .pdf" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "mdc", "exceeds", "mark"),
    [
        (6.0, 4.0, True, "▲ real gain"),
        (-6.0, 4.0, True, "▼ real loss"),
        (3.0, 4.0, False, "within noise"),
        (3.0, float("nan"), None, "MDC unknown"),
    ],
)
def test_real_change_mark(change: float, mdc: float, exceeds: bool | None, mark: str) -> None:
    from rom_tracker.report.html import _mark
    from rom_tracker.store import CompareRow

    row = CompareRow("neck_rotation", "left", "active", 30.0, 30.0 + change, change, mdc,
                     "within-session", exceeds, 2, 2)  # fmt: skip
    assert mark in _mark(row)


def test_report_layer_imports_no_qt_opencv_or_mediapipe() -> None:
    """store -> report: the report (and its command) run without the GUI or the models."""
    code = (
        "import sys, rom_tracker.report, rom_tracker.cli.report_cmd; "
        "print(sorted(m for m in ('PySide6', 'pyqtgraph', 'cv2', 'mediapipe', 'matplotlib') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_calibration_in_words() -> None:
    from rom_tracker.report.html import _calibration

    text = _calibration({"head_yaw_deg": 1.234, "head_pitch_deg": -10.0})
    assert text == "calibration: head yaw 1.2°, head pitch -10.0°"


def test_posture_history_in_the_report_only_where_monitored(db: Path, tmp_path: Path) -> None:
    """The posture monitor's minutes (issue 14) appear as a table of days; a profile that
    never used the monitor gets no such section."""
    import shutil as sh

    from rom_tracker.monitor.summary import PostureMinute
    from rom_tracker.store import Store
    from rom_tracker.store.posture_history import add_minutes

    plain = tmp_path / "plain.html"
    assert main(["report", "--profile", "demo", "--db", str(db), "--out", str(plain)]) == 0
    assert "Posture at the desk" not in plain.read_text(encoding="utf-8")

    copy = tmp_path / "db.sqlite3"
    sh.copy(db, copy)
    with Store.open(copy) as store:
        add_minutes(
            store,
            "demo",
            [
                PostureMinute(
                    f"2026-10-26T09:{m:02d}:00Z", 60.0, 60.0, 45.0, 10.0, 5.0, 0, int(m == 0)
                )
                for m in range(30)
            ],
        )
    out = tmp_path / "posture.html"
    args = ["report", "--profile", "demo", "--db", str(copy), "--to", "2026-10-26"]
    assert main([*args, "--out", str(out)]) == 0
    text = re.sub(r"<[^>]+>", " ", out.read_text(encoding="utf-8"))
    assert "Posture at the desk" in text
    section = text[text.index("Posture at the desk") :]
    row = re.sub(r"\s+", " ", section[section.index("2026-10-26 ") :])[:80]
    assert row.startswith("2026-10-26 30 min 30 min 75% 5 min 2 min 0 1"), row
