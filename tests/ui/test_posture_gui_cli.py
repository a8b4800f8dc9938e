"""``rom-tracker gui --posture`` as a user starts it, in a subprocess with the real models
and d13 as the camera, offscreen and on Xvfb (Qt's xcb platform): neither has a system
tray, so the app says so and stays a window; the monitor judges with the light pipeline,
and what it summed is in the store after the app quit (``rom-tracker posture``)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_gui_cli import gui_env, run_gui

from tests.support.ci import fail_on_ci_else_skip

pytestmark = [pytest.mark.gui, pytest.mark.real, pytest.mark.slow]


def posture_args(video: Path, png: Path, db: Path) -> list[str]:
    return [
        "gui",
        "--posture",
        "--source",
        str(video),
        "--profile",
        "alex",
        "--db",
        str(db),
        "--screenshot",
        str(png),
        "--quit-after",
        "14",
        "--size",
        "1280x800",
    ]


def check_history(db: Path, env: dict[str, str]) -> None:
    cmd = [sys.executable, "-m", "rom_tracker", "posture", "--profile", "alex", "--json"]
    done = subprocess.run(
        [*cmd, "--db", str(db)], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    today = json.loads(done.stdout)[-1]
    assert 0 < today["monitored_min"] < 1  # after calibration, until quit
    assert today["good_share"] > 0.9  # d13: a person sitting well


@pytest.mark.parametrize("platform", ["offscreen", "xcb"])
def test_gui_posture_without_a_tray(
    tmp_path: Path, shared_dir: Path, model_env: dict[str, str], platform: str
) -> None:
    video = shared_dir / "data" / "videos" / "faces" / "d13.mp4"
    png, db = tmp_path / "posture.png", tmp_path / "db.sqlite3"
    env = gui_env(tmp_path, model_env, platform)
    cmd = [sys.executable, "-m", "rom_tracker", *posture_args(video, png, db)]
    if platform == "xcb":
        xvfb = shutil.which("xvfb-run")
        if xvfb is None:
            fail_on_ci_else_skip("xvfb-run is missing (apt-get install xvfb xauth)")
        cmd = [xvfb, "-a", "-s", "-screen 0 1600x1000x24", *cmd]
    done = run_gui(cmd, env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "no system tray on this desktop" in done.stderr
    assert png.is_file()
    check_history(db, env)
