"""record --keep-video keeps the frames measured as a video (opt-in), which annotate then
draws a stored trial on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAD_TURN = ROOT / "samples" / "head_turn.mp4"


@pytest.mark.real
@pytest.mark.slow
def test_keep_video_then_annotate_a_trial(
    shared_dir: Path, use_models, tmp_path: Path, cli, video_shape
) -> None:
    db = str(tmp_path / "db.sqlite3")
    assert cli(["profiles", "add", "alex", "--db", db]).returncode == 0
    kept = tmp_path / "kept" / "session.mp4"
    done = cli(
        ["-q", "record", "--profile", "alex", "--movement", "neck_rotation", "--side", "left",
         "--mode", "effortless", "--source", str(HEAD_TURN), "--keep-video", str(kept), "--db", db]
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Video kept: {kept}" in done.stdout
    assert video_shape(kept) == video_shape(HEAD_TURN)  # every frame measured, same size and rate
    assert [p.name for p in kept.parent.iterdir()] == ["session.mp4"]
    show = cli(["sessions", "show", "1", "--json", "--db", db])
    session = json.loads(show.stdout)
    assert session["settings"]["kept_video"] == str(kept)
    trial = session["trials"][0]["id"]
    out = tmp_path / "annotated.mp4"
    done = cli(
        ["-q", "annotate", str(kept), "--out", str(out), "--what", "head", "--profile", "alex",
         "--session", "1", "--trial", str(trial), "--db", db]
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "outside" not in done.stderr  # the trial's times are the kept video's
    assert video_shape(out) == video_shape(kept)


def test_no_video_kept_by_default(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rom_tracker", "record", "--help"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    assert "--keep-video" in done.stdout and "not kept by default" in " ".join(done.stdout.split())
