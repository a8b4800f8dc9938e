"""Helpers for the reliability catalogue (tests/reliability): run the real CLI, check its one-line errors.

The CLI runs in a subprocess through ``netguard.py`` (the real ``rom_tracker.cli.main``
with every non-loopback connection blocked and logged), with ``ROM_TRACKER_HOME`` in the
test's temporary folder, so no case can touch the user's data or the network unseen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from rom_tracker.rom.trial import TrialResult
from rom_tracker.store import Store

HERE = Path(__file__).resolve().parent
NETGUARD = HERE / "netguard.py"
LOG_ENV = "ROM_TRACKER_NETLOG"
ERROR_PREFIX = "rom-tracker: error: "
# chmod cases: as root they run in a child pytest without CAP_DAC_OVERRIDE (tests/conftest.py)
needs_permissions = pytest.mark.permissions


@dataclass(frozen=True)
class CliResult:
    args: tuple[str, ...]
    code: int
    out: str
    err: str
    netlog: tuple[str, ...]  # "kind host:port" per blocked network use

    def __str__(self) -> str:
        return f"rom-tracker {' '.join(self.args)} -> exit {self.code}\n{self.err}"


Cli = Callable[..., CliResult]  # the cli/model_cli/main_cli fixtures of tests/reliability


def run_cli(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> CliResult:
    """``rom-tracker ARGS`` in a subprocess, network guarded; stdout/stderr captured."""
    netlog = cwd / f".netlog-{os.getpid()}-{len(list(cwd.glob('.netlog-*')))}"
    full_env = {**os.environ, **(env or {}), LOG_ENV: str(netlog)}
    full_env.setdefault("ROM_TRACKER_HOME", str(cwd / "home"))
    proc = subprocess.run(
        [sys.executable, str(NETGUARD), *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    log = tuple(netlog.read_text().splitlines()) if netlog.exists() else ()
    netlog.unlink(missing_ok=True)
    result = CliResult(tuple(args), proc.returncode, proc.stdout, proc.stderr, log)
    print(result)  # shown for failing tests and with -s: the observed behaviour
    return result


def assert_error(result: CliResult, code: int, *words: str, net: tuple[str, ...] = ()) -> str:
    """Exit ``code``, one stderr line ``rom-tracker: error: <problem> - <fix>`` holding
    every one of ``words``, no traceback, and no network use but ``net`` (netlog lines).
    Returns the line."""
    lines = result.err.strip().splitlines()
    assert result.code == code, str(result)
    assert len(lines) == 1, str(result)
    line = lines[0]
    assert line.startswith(ERROR_PREFIX), str(result)
    assert " - " in line, f"no fix given: {line}"
    assert "Traceback" not in result.err
    for word in words:
        assert word in line, f"{word!r} not in {line!r}"
    assert result.netlog == net, result.netlog
    return line


def files_under(folder: Path) -> list[str]:
    """Every file below ``folder`` (relative names, temporary ones included), sorted."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def write_image(path: Path, bgr: np.ndarray) -> Path:
    ok, data = cv2.imencode(path.suffix, bgr)
    assert ok, path
    path.write_bytes(data.tobytes())
    return path


def gradient(width: int, height: int) -> np.ndarray:
    """A smooth colour gradient (BGR): a valid photo with nobody in it."""
    y, x = np.mgrid[0:height, 0:width]
    return np.dstack(
        [x * 255 // max(width, 1), y * 255 // max(height, 1), np.full_like(x, 128)]
    ).astype(np.uint8)


def video_frames(path: Path, indices: set[int]) -> dict[int, np.ndarray]:
    """The BGR frames ``indices`` of a video."""
    cap = cv2.VideoCapture(str(path))
    out: dict[int, np.ndarray] = {}
    i = 0
    try:
        while len(out) < len(indices):
            ok, frame = cap.read()
            if not ok:
                break
            if i in indices:
                out[i] = frame
            i += 1
    finally:
        cap.release()
    assert set(out) == indices, f"{path}: frames {sorted(indices - set(out))} missing"
    return out


def write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    """BGR ``frames`` (all one size) as an MPEG-4 Part 2 video."""
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    assert writer.isOpened(), path
    try:
        for frame in frames:
            writer.write(frame)
    finally:
        writer.release()
    return path


def make_trial(
    movement: str = "neck_rotation",
    side: str = "left",
    mode: str = "active",
    *,
    value: float = 40.0,
    n: int = 30,
) -> TrialResult:
    """A plain trial of ``n`` samples at 30 Hz (a sine of amplitude ``value``)."""
    t = np.arange(n) / 30.0
    angle = (value * np.sin(t)).astype(np.float32)
    return TrialResult(
        movement, side, mode, False, value, 1.0, n / 30.0, 1, 0.0, n / 30.0, {}, t, angle
    )


def store_with_trials(db: Path, *trials: TrialResult, profile: str = "alex") -> int:
    """A database holding ``profile`` and one session with ``trials``; the session id."""
    with Store.open(db) as store:
        store.add_profile(profile)
        session = store.start_session(profile, None)
        for trial in trials:
            store.add_trial(session, trial)
        return session
