"""compare --video: two stored trials side by side, aligned on their end of range, with no
face left for the face landmarker under --blur-faces; the trial's end of range, the words
below the halves, and bad input (one line, nothing written)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from rom_tracker.annotate.before_after import end_range_s
from rom_tracker.annotate.draw import PHASE_COLOURS, bgr
from rom_tracker.annotate.job import TrialInfo
from rom_tracker.annotate.pairing import strip_lines
from rom_tracker.store import CompareRow

ROOT = Path(__file__).resolve().parents[2]
OFFSET = 20  # session B's video starts this many frames later in the same render


def _trial(**detail: object) -> TrialInfo:
    return TrialInfo("neck_rotation", "left", "effortless", 30.0, 2.0, 12.0, detail)


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ({"holds": [{"start_s": 3, "end_s": 5}, {"start_s": 6, "end_s": 10}], "best": 1}, 8.0),
        ({"reps": [{"t_peak_s": 4.5}, {"t_peak_s": 9.25}], "best": 1}, 9.25),
        ({"holds": [], "best": None}, 7.0),  # no hold: the middle of the trial
        ({}, 7.0),
    ],
)
def test_end_range_s(detail: dict[str, object], expected: float) -> None:
    assert end_range_s(_trial(**detail)) == expected


def _row(a: float, b: float, mdc: float, exceeds: bool | None, verdict: str, **kw: bool):
    return CompareRow("neck_rotation", "left", "active", a, b, b - a, mdc, None, exceeds, 1, 1,
                      verdict=verdict, **kw)  # fmt: skip


@pytest.mark.parametrize(
    ("row", "text"),
    [
        (_row(40, 52, 6.1, True, "real gain"), "change +12.0 deg | MDC95 6.1 deg | real gain"),
        (
            _row(40, 38, 6.1, False, "within noise"),
            "change -2.0 deg | MDC95 6.1 deg | within noise",
        ),
        (_row(40, 45, math.nan, None, "MDC unknown"), "change +5.0 deg | MDC unknown"),
        (
            _row(40, 57, 6.1, True, "real gain (after is at least this)", b_at_least=True),
            "change +17.0 deg (at least) | MDC95 6.1 deg | real gain (after is at least this)",
        ),
        (
            _row(57, 50, 6.1, None, "cannot judge: before is at least 57.0", a_at_least=True),
            "change: ? (before is a lower bound) | MDC95 6.1 deg | cannot judge",
        ),
    ],
)
def test_strip_lines(row: CompareRow, text: str) -> None:
    lines = strip_lines(row)
    assert lines[0][0] == "neck rotation, left, active"
    assert lines[1][0].startswith(text)


@pytest.fixture(scope="module")
def kept(record_kept, tmp_path_factory: pytest.TempPathFactory):
    """Two sessions of profile "alex" with their videos kept: the left turn and hold of
    samples/head_turn.mp4 (frames 0-219), and the same render from frame OFFSET on."""
    work = tmp_path_factory.mktemp("before_after")
    return record_kept(work, (0, OFFSET), 240 - OFFSET)


def _decode(path: Path) -> tuple[str, list[np.ndarray]]:
    with av.open(str(path)) as box:
        codec = box.streams.video[0].codec_context.name
        return codec, [f.to_ndarray(format="bgr24") for f in box.decode(video=0)]


@pytest.mark.real
@pytest.mark.slow
def test_side_by_side_is_aligned_on_the_end_of_range(kept) -> None:
    out = kept.work / "ba.mp4"
    done = kept.cli("compare", "1", "2", "--video", str(out))
    assert done.returncode == 0, done.stderr
    print(done.stdout)
    assert "Before: session 1, 2026-10-01, effortless" in done.stdout
    codec, frames = _decode(out)
    assert codec == "h264" and len(frames) > 150
    h, w = frames[0].shape[:2]
    assert w == 640 and 240 < h < 400  # two 320x240 halves, a label above, a band below
    # the same render, OFFSET frames apart: aligned, both halves enter and leave the hold
    # (the green HOLD chip of their panels) together; unaligned they would be OFFSET apart
    starts, ends = [], []
    for x in (0, 320):
        held = np.array([_hold_chip(f[:, x : x + 320]) for f in frames])
        change = np.flatnonzero(np.diff(held.astype(int)))
        assert len(change) == 2, change
        starts.append(change[0])
        ends.append(change[1])
    print(f"hold from frame {starts} to {ends} (left, right)")
    assert abs(starts[0] - starts[1]) <= 3 and abs(ends[0] - ends[1]) <= 3


def _hold_chip(half: np.ndarray) -> bool:
    colour = np.array(bgr(PHASE_COLOURS["hold"]))
    panel = half[60:100].astype(int)  # the phase chip's rows, below the label band
    return bool(((np.abs(panel - colour).max(axis=2) < 40).sum()) > 100)


def _faces_in(
    frames: list[np.ndarray], video: Path, env: dict[str, str], conf: float
) -> np.ndarray:
    """The columns (x0, x1, pixels) of the face the face landmarker finds in each frame
    where it finds one, run over them as a video (as the product runs it: tracking from
    frame to frame) at confidence ``conf``: (found frames, 2)."""
    from rom_tracker.media.capture import open_source
    from rom_tracker.media.models import resolve
    from rom_tracker.pipeline import ModelPaths, run_models

    h, w = frames[0].shape[:2]
    out = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (w, h))
    for img in frames:
        out.write(img)
    out.release()
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            if key.startswith("ROM_TRACKER_"):  # the model mirror and cache
                mp.setenv(key, value)
        face = resolve("face_landmarker", progress=False)
    lm = run_models(open_source(video), ModelPaths(face=face, pose=None), min_confidence=conf)
    x = lm.face.image_xyz[lm.face.found, :, 0] * w
    return np.stack([x.min(axis=1), x.max(axis=1)], axis=1)


@pytest.mark.real
@pytest.mark.slow
def test_blur_faces_leaves_no_face(kept) -> None:
    out = kept.work / "blurred.mp4"
    done = kept.cli("compare", "1", "2", "--video", str(out), "--blur-faces")
    assert done.returncode == 0, done.stderr
    face_x = []
    for k in (0, 1):  # the control: the faces are there to be found in the kept videos
        _, frames = _decode(kept.work / f"kept{k}.mp4")
        found = _faces_in(frames, kept.work / f"control{k}.mp4", kept.env, 0.5)
        print(f"kept video {k}: a face in {len(found)} of {len(frames)} frames")
        assert len(found) >= 0.9 * len(frames)
        face_x.append(found)
    # the columns her face ever takes in the kept videos (the halves are not scaled here)
    lo, hi = np.concatenate(face_x)[:, 0].min(), np.concatenate(face_x)[:, 1].max()
    _, frames = _decode(out)
    for x, half in ((0, "left"), (320, "right")):
        part = [f[:, x : x + 320] for f in frames]
        found = _faces_in(part, kept.work / f"blurred-{half}.mp4", kept.env, 0.5)
        print(f"blurred {half} half: a face in {len(found)} of {len(part)} frames at 0.5")
        assert len(found) == 0  # the product's confidence: no face anywhere
        # a detector more eager than ours: no face where hers is (at 0.2 it can take the
        # reading panel's text for one: 1 of 239 frames, x 203-265, hers 104-175)
        found = _faces_in(part, kept.work / f"eager-{half}.mp4", kept.env, 0.2)
        on_hers = (found[:, 1] >= lo) & (found[:, 0] <= hi)
        print(
            f"  at 0.2: {len(found)} frames, columns {found.round().tolist()}; hers {lo:.0f}-{hi:.0f}"
        )
        assert not on_hers.any()


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rom_tracker", "-q", *args, "--db", str(db)],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def test_session_without_kept_video(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    sample = ROOT / "samples" / "sample_sessions.json"
    assert _cli(db, "import", str(sample)).returncode == 0
    out = tmp_path / "out" / "ba.mp4"
    done = _cli(db, "compare", "1", "2", "--video", str(out), "--movement", "neck_rotation",
                "--side", "left", "--mode", "effortless")  # fmt: skip
    err = done.stderr.strip().splitlines()
    assert done.returncode == 3 and len(err) == 1, done.stderr
    assert "(session 1, 2026-" in err[0] and "has no kept video" in err[0]
    assert "record --keep-video" in err[0]
    assert not out.parent.exists()
    for args, words in (
        (["--video", str(out)], "share neck_rotation left"),
        (["--side", "left"], "add --video"),
        (["--video", str(tmp_path / "x.avi")], "is an .mp4"),
    ):
        done = _cli(db, "compare", "1", "2", *args)
        assert done.returncode == 2 and words in done.stderr, done.stderr
