"""The committed sample video and its ground-truth CSV agree (cv2 only, no models)."""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
VIDEO = SAMPLES / "head_turn.mp4"
CSV = SAMPLES / "head_turn.csv"
HEADER = re.compile(
    r"^# Ground truth for (?P<video>\S+) \((?P<w>\d+)x(?P<h>\d+), (?P<fps>[\d.]+) fps, "
    r"(?P<n>\d+) frames\).*--max-yaw (?P<max_yaw>[\d.]+)"
)


@pytest.fixture(scope="module")
def truth() -> tuple[re.Match[str], np.ndarray]:
    with CSV.open(encoding="utf-8") as fh:
        comment, columns = fh.readline(), fh.readline().strip()
    meta = HEADER.match(comment)
    assert meta is not None, f"unexpected first line of {CSV}: {comment[:120]!r}"
    assert columns == "frame,t_s,yaw_deg,pitch_deg,roll_deg"
    return meta, np.loadtxt(CSV, delimiter=",", comments="#", skiprows=2)


@pytest.fixture(scope="module")
def video() -> tuple[float, list[np.ndarray]]:
    cap = cv2.VideoCapture(str(VIDEO))
    assert cap.isOpened(), f"cv2 cannot open {VIDEO}"
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return fps, frames


def test_video_matches_csv(truth: tuple[re.Match[str], np.ndarray], video: tuple) -> None:
    meta, table = truth
    fps, frames = video
    assert meta["video"] == VIDEO.name
    assert len(frames) == len(table) == int(meta["n"])
    assert fps == pytest.approx(float(meta["fps"]), abs=0.01)
    assert {f.shape for f in frames} == {(int(meta["h"]), int(meta["w"]), 3)}
    np.testing.assert_array_equal(table[:, 0], np.arange(len(table)))
    np.testing.assert_allclose(table[:, 1], table[:, 0] / fps, atol=1e-3)


def test_yaw_turns_left_then_right(truth: tuple[re.Match[str], np.ndarray]) -> None:
    meta, table = truth
    yaw, max_yaw = table[:, 2], float(meta["max_yaw"])
    assert np.all(np.abs(yaw) <= max_yaw + 1e-6)
    assert yaw.max() == pytest.approx(max_yaw) and yaw.min() == pytest.approx(-max_yaw)
    positive, negative = np.flatnonzero(yaw > 1.0), np.flatnonzero(yaw < -1.0)
    assert positive.size and negative.size
    assert positive[-1] < negative[0], "yaw must go positive first, then negative"
    assert np.max(np.abs(np.diff(yaw))) < 5.0, "ground truth jumps"


def test_only_the_head_moves(truth: tuple[re.Match[str], np.ndarray], video: tuple) -> None:
    """The body (bottom third) stays still while the head (upper middle) turns; mp4v's
    compression alone changes still parts by about 2 grey levels on average."""
    _, table = truth
    _, frames = video
    still, turned = (frames[int(i)].astype(np.float32) for i in (0, np.argmax(table[:, 2])))
    h, w = still.shape[:2]
    body = np.abs(turned[2 * h // 3 :] - still[2 * h // 3 :]).mean()
    head = np.abs(turned[: h // 2, w // 4 : 3 * w // 4] - still[: h // 2, w // 4 : 3 * w // 4])
    assert body < 4.0, f"body changed by {body:.2f} grey levels on average"
    assert head.mean() > 5 * body + 5.0, f"head changed by only {head.mean():.2f}"
