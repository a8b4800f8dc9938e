"""annotate: face regions that never leave a face clear, trial phases, the real blur on a
real selfie video (no face found after it), and bad input (one line, no partial file)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rom_tracker.annotate.faces import MAX_WIDEN, WIDEN_PER_FRAME, fill_gaps
from rom_tracker.cli import main
from rom_tracker.rom.phases import detect_phases, phases_at, trial_phases

NAN4 = [np.nan] * 4


def test_fill_gaps_holds_and_widens_the_nearest_region() -> None:
    boxes = np.array([NAN4, [100, 100, 200, 200], NAN4, NAN4, NAN4, NAN4, NAN4, NAN4, NAN4])
    out = fill_gaps(boxes)
    assert np.isfinite(out).all(), "every frame gets a region"
    width = out[:, 2] - out[:, 0]
    # a frame's region covers its neighbours' (2 either side), widened with the distance
    assert width[1] >= 100 * (1 + 2 * WIDEN_PER_FRAME) - 1e-9
    assert (np.diff(width[1:]) >= 0).all(), "the longer the face is lost, the wider"
    assert width[-1] <= 100 * MAX_WIDEN + 1e-9
    centre = (out[:, 0] + out[:, 2]) / 2
    np.testing.assert_allclose(centre, 150.0)


def test_fill_gaps_nothing_found_anywhere() -> None:
    assert np.isnan(fill_gaps(np.array([NAN4, NAN4]))).all()  # the caller hides the frame


def test_phases_known_answers() -> None:
    t = np.arange(10) * 0.5  # 0 .. 4.5 s
    angle = np.array([0, 2, 10, 30, 30, 30, 12, 40, 3, np.nan])
    got = phases_at(t, angle, holds=[(1.5, 2.5)], peaks=[3.5])
    assert got.tolist() == [
        "neutral", "neutral", "moving", "hold", "hold", "hold", "moving", "peak", "neutral",
        "neutral",
    ]  # fmt: skip
    detail = {"holds": [{"start_s": 1.5, "end_s": 2.5}], "reps": [{"t_peak_s": 3.5}]}
    assert trial_phases(t, angle, detail).tolist() == got.tolist()
    with pytest.raises(ValueError, match=r"expected equal shapes"):
        phases_at(t, angle[:3])


def test_detect_phases_finds_a_hold_and_a_peak() -> None:
    t = np.arange(0, 12, 1 / 30)
    hold = np.where((t > 2) & (t < 6), 30.0, 0.0)
    rep = np.where((t > 7) & (t < 10), -40 * np.sin((t - 7) / 3 * np.pi), 0.0)
    got = detect_phases(t, hold + rep)
    assert (got[(t > 3) & (t < 5)] == "hold").all()
    assert (got[np.abs(t - 8.5) < 0.1] == "peak").all()
    assert (got[t < 1.5] == "neutral").all()


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["{bad}", "--out", "{out}/a.mp4"], 3, "cannot decode any frame"),
        (["{missing}", "--out", "{out}/a.mp4"], 3, "no such video"),
        (["{bad}", "--out", "{out}/a.avi"], 2, "is an .mp4"),
        (["{bad}", "--out", "{out}/a.mp4", "--session", "1"], 2, "go together"),
    ],
)
def test_bad_input(cli, tmp_path: Path, args: list[str], code: int, words: str) -> None:
    bad = tmp_path / "in" / "notes.mp4"
    bad.parent.mkdir()
    bad.write_text("not a video\n")
    out = tmp_path / "out"
    out.mkdir()
    values = {"bad": bad, "missing": tmp_path / "nope.mp4", "out": out}
    done = cli(["annotate", *(a.format(**values) for a in args)])
    err = done.stderr.strip().splitlines()
    assert done.returncode == code and len(err) == 1 and words in err[0], (done.returncode, err)
    assert not list(out.iterdir()), "no partial file"


def test_unknown_trial(cli, tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    sample = Path(__file__).resolve().parents[2] / "samples" / "sample_sessions.json"
    assert main(["import", str(sample), "--db", str(db)]) == 0
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    base = ["annotate", str(video), "--out", str(tmp_path / "a.mp4"), "--db", str(db)]
    for extra, words in (
        (["--profile", "nobody", "--session", "1", "--trial", "1"], "no profile named"),
        (["--profile", "demo", "--session", "1", "--trial", "20"], "trial 20 is in session 2"),
    ):
        done = cli([*base, *extra])
        assert done.returncode == 2 and words in done.stderr, done.stderr
    assert not (tmp_path / "a.mp4").exists()


def _faces_found(video: Path, min_confidence: float) -> tuple[int, int]:
    from rom_tracker.media.capture import open_source
    from rom_tracker.media.models import resolve
    from rom_tracker.pipeline import ModelPaths, run_models

    face = resolve("face_landmarker", progress=False)
    lm = run_models(
        open_source(video), ModelPaths(face=face, pose=None), min_confidence=min_confidence
    )
    return int(lm.face.found.sum()), len(lm)


@pytest.mark.real
@pytest.mark.slow
def test_blur_faces_leaves_no_face(
    shared_dir: Path, use_models, tmp_path: Path, video_shape
) -> None:
    video = shared_dir / "data" / "videos" / "faces" / "d13.mp4"
    out = tmp_path / "blurred.mp4"
    assert main(["-q", "annotate", str(video), "--out", str(out), "--blur-faces"]) == 0
    assert video_shape(out) == video_shape(video)  # frame count, size and rate unchanged
    found_in, n_in = _faces_found(video, 0.5)
    print(f"face found in {found_in}/{n_in} input frames")
    assert found_in >= 0.9 * n_in
    for conf in (0.5, 0.2):  # the default, and a detector more eager than ours
        found_out, n_out = _faces_found(out, conf)
        print(f"face found in {found_out}/{n_out} output frames at confidence {conf}")
        assert found_out == 0
    assert [p.name for p in tmp_path.iterdir()] == ["blurred.mp4"]


@pytest.mark.real
@pytest.mark.slow
def test_landmarks_and_angle_drawn(
    shared_dir: Path, use_models, tmp_path: Path, first_frames, video_shape
) -> None:
    import cv2

    from rom_tracker.annotate.draw import bgr
    from rom_tracker.display.palette import FACE_COLOUR

    video = first_frames(
        shared_dir / "data" / "videos" / "faces" / "d13.mp4", tmp_path / "in.mp4", 45
    )
    out = tmp_path / "a.mp4"
    assert main(["-q", "annotate", str(video), "--out", str(out), "--what", "head"]) == 0
    assert video_shape(out) == video_shape(video)
    cap = cv2.VideoCapture(str(out))
    ok, frame = cap.read()
    cap.release()
    assert ok
    near = np.abs(frame.astype(int) - np.array(bgr(FACE_COLOUR))).max(axis=2) <= 40
    assert near.sum() > 500, "the face landmarks are drawn"
    panel = frame[:60, :300]  # the darkened panel with the reading in white
    assert (panel.min(axis=2) > 220).sum() > 200, "the angle is written"
