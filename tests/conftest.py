"""Shared fixtures. Keep each one small; tests mirror the package layout."""

from __future__ import annotations

import functools
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import ci, permissions
from tests.support.ci import fail_on_ci_else_skip

if TYPE_CHECKING:
    from rom_tracker.pipeline import ModelPaths

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


_UNEXPECTED_SKIPS: list[str] = []  # "nodeid: reason" of skips not on ci.ALLOWED_SKIPS


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    reason = ci.skip_reason(report)
    if reason is not None and not ci.allowed(reason):
        _UNEXPECTED_SKIPS.append(f"{report.nodeid}: {reason}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if ci.on_ci() and _UNEXPECTED_SKIPS:
        terminalreporter.section("skips CI must not have (tests/support/ci.py)", red=True)
        for line in _UNEXPECTED_SKIPS:
            terminalreporter.line(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under ``CI=true`` a skip for a reason not on the allow-list fails the run."""
    if ci.on_ci() and _UNEXPECTED_SKIPS and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """A ``permissions`` test where root ignores permissions runs again in a child pytest
    under setpriv, without root's override (tests/support/permissions.py)."""
    if pyfuncitem.get_closest_marker("permissions") is None or _permissions_stop_us():
        return None
    if os.environ.get(permissions.DROPPED_ENV):
        pytest.fail("setpriv dropped CAP_DAC_OVERRIDE, yet a read-only folder took a write")
    if permissions.setpriv_command() is None:
        fail_on_ci_else_skip("root ignores permissions and setpriv (util-linux) is missing")
    code, output = permissions.run_without_override(pyfuncitem.nodeid, pyfuncitem.config.rootpath)
    last = output.strip().splitlines()[-1] if output.strip() else ""
    if code != 0 or "1 passed" not in last or "skipped" in last:
        pytest.fail(f"without root's permission override (setpriv):\n{output}", pytrace=False)
    print(f"run under setpriv without CAP_DAC_OVERRIDE: {last}")
    return True


@functools.cache
def _permissions_stop_us() -> bool:
    return permissions.permissions_stop_us()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (real models and footage): a failure on CI, a skip elsewhere."""
    if not SHARED.is_dir():
        fail_on_ci_else_skip(f"{SHARED} (shared models and data) is missing")
    return SHARED


@pytest.fixture(scope="session")
def model_env(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for running rom-tracker on the real models: mirror = ../shared/models,
    cache = a fresh temporary folder (filled once per test session)."""
    from rom_tracker.media.models import resolve

    cache = tmp_path_factory.mktemp("model-cache")
    for name in ("face_landmarker", "pose_landmarker_lite"):  # fill the cache once, quietly
        resolve(name, cache_dir=cache, mirror=str(shared_dir / "models"))
    return {
        "ROM_TRACKER_MODEL_MIRROR": str(shared_dir / "models"),
        "ROM_TRACKER_CACHE": str(cache),
    }


@pytest.fixture(scope="module")
def real_models(model_env: dict[str, str]) -> ModelPaths:
    """The face and pose-lite models resolved through ``model_env`` (module scope)."""
    from rom_tracker.media.models import resolve
    from rom_tracker.pipeline import ModelPaths

    mp = pytest.MonkeyPatch()
    for key, value in model_env.items():
        mp.setenv(key, value)
    try:
        return ModelPaths(
            face=Path(resolve("face_landmarker", progress=False)),
            pose=Path(resolve("pose_landmarker_lite", progress=False)),
        )
    finally:
        mp.undo()


@pytest.fixture
def use_models(model_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """``model_env`` applied to this process for the duration of a test."""
    for key, value in model_env.items():
        monkeypatch.setenv(key, value)
    return model_env


def _first_frames(src: Path, dest: Path, frames: int) -> Path:
    import cv2

    dest.parent.mkdir(parents=True, exist_ok=True)
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    out = cv2.VideoWriter(str(dest), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for _ in range(frames):
        ok, bgr = cap.read()
        if not ok:
            break
        out.write(bgr)
    cap.release()
    out.release()
    return dest


@pytest.fixture(scope="session")
def first_frames() -> Callable[[Path, Path, int], Path]:
    """``first_frames(src, dest, n)``: the first ``n`` frames of the video ``src`` written
    to ``dest`` (short inputs keep the real-model tests quick)."""
    return _first_frames


class Terminal(io.StringIO):
    """A text stream that says it is a terminal, so progress bars draw on it."""

    def isatty(self) -> bool:
        return True

    def last_draw(self) -> str:
        """What a progress bar shows last (each redraw starts with a carriage return)."""
        return self.getvalue().split("\r")[-1].strip()


@pytest.fixture
def terminal() -> Terminal:
    return Terminal()


@pytest.fixture(scope="session")
def espeak_engine() -> object:
    """espeak-ng, the speech engine of the spoken cues (Debian: ``apt install espeak-ng``;
    .ci/run installs it): a failure on CI without it, a skip elsewhere."""
    from rom_tracker.speech.engine import Espeak

    engine = Espeak.find()
    if engine is None:
        fail_on_ci_else_skip("espeak-ng is not installed (apt install espeak-ng)")
    return engine


@pytest.fixture(scope="session")
def chromium() -> str:
    """The headless browser that renders reports and plays videos: a failure on CI, a
    skip elsewhere."""
    from rom_tracker.report.pdf import find_browser

    browser = find_browser()
    if browser is None:
        fail_on_ci_else_skip("no chromium/chrome on this machine (apt install chromium)")
    return browser


HEAD_TURN = Path(__file__).resolve().parents[1] / "samples" / "head_turn.mp4"


class KeptSessions:
    """A database of sessions recorded with their videos kept (fixture ``record_kept``),
    and the command line run on it as a user runs it (a subprocess, ``-q``)."""

    def __init__(self, env: dict[str, str], work: Path) -> None:
        self.env = {**os.environ, **env, "PYTHONPATH": str(HEAD_TURN.parents[1])}
        self.work = work
        self.db = work / "db.sqlite3"

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "rom_tracker", "-q", *args, "--db", str(self.db)],
            env=self.env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip

    def record(self, starts: tuple[int, ...], frames: int) -> KeptSessions:
        """Profile "alex", one session per start frame: the left turn of head_turn.mp4 from
        that frame on (``frames`` frames), recorded with ``--keep-video`` (kept<k>.mp4) on
        the 1st, 29th ... of October 2026."""
        import cv2

        assert self.cli("profiles", "add", "alex").returncode == 0
        for k, first in enumerate(starts):
            clip = self.work / f"src{k}.mp4"
            cap = cv2.VideoCapture(str(HEAD_TURN))
            out = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (320, 240))
            for i in range(first + frames):
                ok, bgr = cap.read()
                if ok and i >= first:
                    out.write(bgr)
            cap.release()
            out.release()
            done = self.cli(
                "record", "--profile", "alex", "--movement", "neck_rotation", "--side", "left",
                "--mode", "effortless", "--source", str(clip), "--keep-video",
                str(self.work / f"kept{k}.mp4"), "--started-at",
                f"2026-10-{1 + 28 * k:02d}T09:00:00Z",
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
        return self


@pytest.fixture(scope="session")
def record_kept(model_env: dict[str, str]) -> Callable[[Path, tuple[int, ...], int], KeptSessions]:
    """``record_kept(folder, starts, frames)``: sessions recorded with their videos kept
    (:meth:`KeptSessions.record`)."""
    return lambda work, starts, frames: KeptSessions(model_env, work).record(starts, frames)


@pytest.fixture(scope="session")
def kept_sessions(record_kept, tmp_path_factory: pytest.TempPathFactory) -> KeptSessions:
    """Profile "alex": two sessions of the left turn of head_turn.mp4 (its first 200 frames:
    a turn and a 4.5 s hold), their videos kept; recorded once per test session. Read it,
    do not add to it."""
    return record_kept(tmp_path_factory.mktemp("kept"), (0, 0), 200)
