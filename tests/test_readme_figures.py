"""The README's measured figures are the generated documents' figures.

``docs/accuracy.md`` and the other linked documents are written by the scripts in
``bench/``; the README quotes them. These tests read both and fail when a quoted figure no
longer matches its source beyond the rounding the README uses (a README "7.0" matches a
document's 6.98; a README "6" matches -6.1 read as a shortfall of 6).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rom_tracker.report.accuracy_doc import _tables

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
ACCURACY = (ROOT / "docs" / "accuracy.md").read_text()
NUMBER = r"-?\d[\d,]*(?:\.\d+)?"


def measured_section() -> str:
    """The README's "Measured figures and their limits" section."""
    section = README.split("## Measured figures and their limits", 1)[1]
    return section.split("\n## ", 1)[0]


def bullets() -> list[str]:
    return [b for b in re.split(r"\n- ", measured_section())[1:] if "(docs/" in b]


def section(text: str, heading: str) -> str:
    """The part of ``text`` from the heading line ``heading`` to the next heading of the
    same or a higher level."""
    start = text.index(f"\n{heading}\n")
    level = heading.split(" ", 1)[0]
    rest = text[start + len(heading) + 2 :]
    ends = [m.start() for m in re.finditer(r"^(#+) ", rest, re.M) if len(m[1]) <= len(level)]
    return rest[: ends[0]] if ends else rest


def rows(text: str, name: str) -> list[list[str]]:
    """The cells after the first of every table row of ``text`` named ``name``."""
    return [r[1:] for table in _tables(text) for r in table[1:] if r and r[0] == name]


def row(text: str, name: str) -> list[float]:
    (cells,) = rows(text, name)
    return [float(c.split()[0].rstrip("%")) for c in cells]


def readme_numbers(pattern: str) -> list[float]:
    """The numbers the README's measured section gives at the ``(N)`` places of
    ``pattern`` (a regex in which ``(N)`` stands for a number)."""
    regex = re.escape(pattern).replace(re.escape("(N)"), f"({NUMBER})").replace(r"\ ", r"\s+")
    found = re.search(regex, measured_section())
    assert found, f"the README no longer says: {pattern}"
    return [float(g.replace(",", "")) for g in found.groups()]


def as_quoted(quoted: list[float], source: list[float], decimals: int) -> None:
    assert quoted == [round(s, decimals) for s in source], (quoted, source)


AFLW = section(ACCURACY, "### Head yaw, AFLW2000-3D dev (789 photos, labels within 99 degrees)")
POINTING = section(
    ACCURACY, "### Head yaw, Pointing'04 dev (208 photos: 8 people x 2 series x 13 pans)"
)


def test_head_yaw_per_band() -> None:
    quoted = readme_numbers(
        "the mean error is (N) deg up to 30 deg of turn, (N) at 30-45, (N) at 45-60, (N) at "
        "60-75 and (N) at 75-90"
    )
    as_quoted(quoted, row(AFLW, "ours, cross-validated: mean error"), 1)


def test_pointing04_shortfall_per_band() -> None:
    quoted = readme_numbers(
        "fall short of the nominal turn, by (N) deg at 30-45, (N) at 45-60, (N) at 60-75 and (N) at 75-90"
    )
    signed = row(POINTING, "ours, cross-validated: signed")[1:]
    as_quoted(quoted, [-s for s in signed], 0)


def test_what_you_can_trust_up_to_45_degrees() -> None:
    aflw, pointing = readme_numbers(
        "turns up to about 45 deg, to within about (N) deg on AFLW2000-3D ((N) on Pointing'04)"
    )
    worst = (
        max(row(AFLW, "ours, cross-validated: mean error")[:2]),
        max(row(POINTING, "ours, cross-validated: mean error")[:2]),
    )
    as_quoted([aflw, pointing], list(worst), 0)


def test_face_found_on_turned_photos() -> None:
    """ "half the photos turned 60-75 deg and a fifth of those turned further"."""
    assert "finds the face on only half the photos turned 60-75 deg and a fifth" in " ".join(
        measured_section().split()
    )
    reading = row(AFLW, "ours, cross-validated: a reading")
    assert round(reading[3] / 10) == 5 and round(reading[4] / 10) == 2, reading


def test_confident_readings() -> None:
    quoted = readme_numbers(
        "`head_confidence` >= 0.9 ((N) deg mean error on AFLW2000-3D, (N) on Pointing'04)"
    )
    confidence = section(ACCURACY, "### Confidence: what `head_confidence` means")
    (cells,) = rows(confidence, "0.9-1.0")
    as_quoted(quoted, [float(cells[3]), float(cells[6])], 1)


def test_side_set_up_span() -> None:
    quoted = readme_numbers(
        "the span between them errs by (N) deg on average ((N) with the previous model), with "
        "both photos read in (N) %"
    )
    text = " ".join(ACCURACY.split())
    shipped = re.search(rf"Measured with the shipped model: ({NUMBER}) degrees", text)
    previous = re.search(rf"previous model \(face-yaw-1\) ({NUMBER})", text)
    both = re.search(r"both read in (\d+) %", text)
    assert shipped and previous and both
    as_quoted(quoted[:2], [float(shipped[1]), float(previous[1])], 1)
    assert quoted[2] == float(both[1])


def test_head_pitch() -> None:
    low, high = readme_numbers("Head pitch: (N)-(N) deg mean error at any yaw")
    pitch = section(ACCURACY, "### Head pitch")
    errors = [float(c) for cells in rows(pitch, "pitch mean error: ours (analyze)") for c in cells]
    assert len(errors) == 10  # two sets, five bands
    as_quoted([low, high], [min(errors), max(errors)], 1)


def test_hip_flexion() -> None:
    ours, raw = readme_numbers(
        "RMSE (N) deg on the most side-on camera (target 8; raw MediaPipe (N))"
    )
    (cells,) = [
        r[1:] for t in _tables(ACCURACY) for r in t if r[0].startswith("Pose2Sim hip flexion")
    ]
    as_quoted([ours, raw], [float(cells[1]), float(cells[0])], 1)


def _rounds_to(quoted: str, text: str) -> bool:
    """Whether ``text`` holds ``quoted`` (e.g. "7.3") or a finer figure rounding to it."""
    decimals = len(quoted.split(".")[1])
    value = float(quoted.replace(",", ""))
    for found in re.findall(r"(?<![\d.])(\d[\d,]*\.\d+)", text):
        precise_enough = len(found.split(".")[1]) >= decimals
        if precise_enough and round(float(found.replace(",", "")), decimals) == value:
            return True
    return False


@pytest.mark.parametrize("bullet", bullets(), ids=lambda b: b.split("**")[1])
def test_every_decimal_of_the_readme_is_in_its_document(bullet: str) -> None:
    """A figure with decimals in a README bullet is in a document the bullet links to."""
    docs = sorted(set(re.findall(r"\(docs/([\w.]+\.md)", bullet)))
    text = "".join((ROOT / "docs" / d).read_text() for d in docs)
    quoted = re.findall(r"(?<![\w.^])(\d[\d,]*\.\d+)(?!\d)", bullet)
    missing = [q for q in quoted if not _rounds_to(q, text)]
    assert not missing, f"not in {docs}: {missing}"
