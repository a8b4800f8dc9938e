"""``rom-tracker gui`` as a user starts it, in a subprocess with the real models and a shared
face video as the camera: offscreen, and on a real X server (Xvfb, Qt's xcb platform) with
OpenCV's Qt plugin path set, as importing cv2 sets it on Linux desktops."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.support.ci import fail_on_ci_else_skip

pytestmark = [pytest.mark.gui, pytest.mark.real, pytest.mark.slow]

SIZE = (1280, 800)


def gui_env(tmp_path: Path, model_env: dict[str, str], platform: str) -> dict[str, str]:
    # OpenCV's own (Qt 5) xcb plugin, where cv2 points Qt when it is imported
    cv2_plugins = Path(cv2.__file__).resolve().parent / "qt" / "plugins" / "platforms"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(model_env)
    env.update(
        QT_QPA_PLATFORM=platform,
        QT_QPA_PLATFORM_PLUGIN_PATH=str(cv2_plugins),  # the app must not load it
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # settings never go to the user's folder
        ROM_TRACKER_HOME=str(tmp_path / "home"),
    )
    return env


def run_gui(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=180, check=False)


def gui_args(video: Path, png: Path, tmp_path: Path, view: str = "live") -> list[str]:
    return [
        "gui",
        "--source",
        str(video),
        "--profile",
        "alex",
        "--view",
        view,
        "--db",
        str(tmp_path / "db.sqlite3"),
        "--screenshot",
        str(png),
        "--quit-after",
        "8",  # models load in ~1 s on an idle machine; margin for a busy CI runner
        "--size",
        f"{SIZE[0]}x{SIZE[1]}",
    ]


def check_screenshot(png: Path) -> None:
    """The window at the asked size, with the video frame drawn (not the placeholder)."""
    img = cv2.imread(str(png))
    assert img is not None, f"{png} is not a readable PNG"
    assert (img.shape[1], img.shape[0]) == SIZE
    camera = img[100:480, 250:640]  # where the live view draws the frame
    assert camera.std() > 20, "the camera area is flat: no video frame was drawn"


def test_gui_offscreen_screenshot(
    tmp_path: Path, shared_dir: Path, model_env: dict[str, str]
) -> None:
    png = tmp_path / "live.png"
    video = shared_dir / "data" / "videos" / "faces" / "d12.mp4"
    env = gui_env(tmp_path, model_env, "offscreen")
    done = run_gui([sys.executable, "-m", "rom_tracker", *gui_args(video, png, tmp_path)], env)
    assert done.returncode == 0, done.stderr[-2000:]
    check_screenshot(png)
    assert (tmp_path / "config" / "rom-tracker" / "rom-tracker.conf").is_file()  # settings


def test_gui_on_xvfb_with_xcb(tmp_path: Path, shared_dir: Path, model_env: dict[str, str]) -> None:
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        fail_on_ci_else_skip("xvfb-run is missing (apt-get install xvfb xauth)")
    png = tmp_path / "xcb.png"
    video = shared_dir / "data" / "videos" / "faces" / "d12.mp4"
    env = gui_env(tmp_path, model_env, "xcb")
    cmd = [
        xvfb,
        "-a",
        "-s",
        "-screen 0 1600x1000x24",
        sys.executable,
        "-m",
        "rom_tracker",
        *gui_args(video, png, tmp_path),
    ]
    done = run_gui(cmd, env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Could not load the Qt platform plugin" not in done.stderr
    check_screenshot(png)


def test_real_video_through_the_worker_threads(
    qtbot, tmp_path: Path, shared_dir: Path, use_models: dict[str, str], settings
) -> None:
    """d12 played as if live through the real models on worker threads: the plot, the
    gauge and the camera view fill; closing releases the source."""
    from rom_tracker.store import Store
    from rom_tracker.ui.bridge import LiveBridge
    from rom_tracker.ui.main_window import MainWindow

    video = shared_dir / "data" / "videos" / "faces" / "d12.mp4"
    with Store.open(tmp_path / "db.sqlite3") as store:
        window = MainWindow(store, settings, LiveBridge(), source=str(video), profile=None)
        qtbot.addWidget(window)
        window.show()
        window.retry()
        qtbot.waitUntil(lambda: window.results_seen >= 30, timeout=20_000)
        window.live.plot.refresh()
        _, y = window.live.plot.curves[0].getData()
        finite = y[np.isfinite(y)]
        print(
            f"d12: {window.results_seen} results, neck rotation {finite.min():.1f}..{finite.max():.1f}"
        )
        assert finite.size >= 20
        assert np.abs(finite).max() < 60  # a +-15 degree head turn, no wild values
        assert window.live.video.frames_shown > 0
        assert "fps" in window.live.stats.text() and "latency" in window.live.stats.text()
        processor = window.bridge.processor
        window.close()
        assert processor.reader.released.wait(5.0)
