"""Bad input gets one line naming the problem and the fix, a documented exit code, no
traceback and no partial output. Runs the real CLI in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

pytestmark = pytest.mark.real


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rom_tracker", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=cwd,
        timeout=120,
        check=False,
    )


def make_nobody_photo(path: Path) -> None:
    """A smooth colour gradient: a valid photo with nobody in it."""
    y, x = np.mgrid[0:240, 0:320]
    img = np.dstack([x * 255 // 320, y * 255 // 240, np.full_like(x, 128)]).astype(np.uint8)
    cv2.imwrite(str(path), img)


CASES = [
    # (name, how to make the input, extra args, exit code, words the message must contain)
    ("missing file", None, [], 3, ["no such video", "check the path"]),
    ("text named .mp4", b"this is not a video\n" * 50, [], 3, ["cannot decode", "ffmpeg"]),
    ("zero-byte video", b"", [], 3, ["empty (0 bytes)"]),
    ("photo with nobody", "nobody", [], 5, ["nobody found", "photo"]),
    ("bad confidence", "nobody", ["--min-confidence", "2"], 2, ["--min-confidence"]),
]


@pytest.mark.parametrize(
    ("name", "content", "extra", "code", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_one_line_error_no_output(
    name: str,
    content: bytes | str | None,
    extra: list[str],
    code: int,
    words: list[str],
    tmp_path: Path,
    model_env: dict[str, str],
) -> None:
    suffix = ".png" if content == "nobody" else ".mp4"
    target = tmp_path / f"input{suffix}"
    if content == "nobody":
        make_nobody_photo(target)
    elif content is not None:
        target.write_bytes(content)
    out = tmp_path / "out"
    proc = run_cli(["analyze", str(target), "--out", str(out), *extra], model_env, tmp_path)
    lines = proc.stderr.strip().splitlines()
    print(f"{name}: exit {proc.returncode}: {proc.stderr.strip()}")
    assert proc.returncode == code
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("rom-tracker: error:")
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0]
    assert not out.exists() or not any(out.iterdir())


def test_wrong_model_hash_is_refused(
    tmp_path: Path, model_env: dict[str, str], shared_dir: Path
) -> None:
    fake = tmp_path / "face_landmarker.task"
    fake.write_bytes(b"not a model" * 1000)
    video = shared_dir / "data/videos/faces/d20.mp4"
    out = tmp_path / "out"
    proc = run_cli(
        ["analyze", str(video), "--face-model", str(fake), "--out", str(out)], model_env, tmp_path
    )
    print(proc.stderr)
    assert proc.returncode == 4
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "SHA-256" in proc.stderr and str(fake) in proc.stderr
    assert not out.exists()


def test_debug_shows_the_traceback(tmp_path: Path, model_env: dict[str, str]) -> None:
    proc = run_cli(["--debug", "analyze", str(tmp_path / "nope.mp4")], model_env, tmp_path)
    assert proc.returncode == 3
    assert "Traceback" in proc.stderr


def test_one_failing_input_does_not_stop_the_others(
    tmp_path: Path, model_env: dict[str, str], shared_dir: Path
) -> None:
    video = shared_dir / "data/videos/faces/d20.mp4"
    out = tmp_path / "out"
    proc = run_cli(
        ["-q", "analyze", str(tmp_path / "missing.mp4"), str(video), "--out", str(out)],
        model_env,
        tmp_path,
    )
    assert proc.returncode == 3
    assert sorted(p.name for p in out.iterdir()) == ["d20.csv", "d20.json", "d20.npz"]
    assert "MediaPipe" not in proc.stderr and "W0000" not in proc.stderr  # native logs kept off


def test_version_and_a_command_import_only_what_they_need() -> None:
    """`rom-tracker --version` imports no command module (it answers in a few hundredths
    of a second); a command imports its own module, not the others'."""
    import subprocess
    import sys

    code = (
        "import sys; from rom_tracker.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('rom_tracker.cli.')))\n"
        "print('scipy' in sys.modules, 'numpy' in sys.modules, 'cv2' in sys.modules)"
    )
    version = subprocess.run(
        [sys.executable, "-c", code, "--version"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert version[-2:] == ["[]", "False False False"], version
    models = subprocess.run(
        [sys.executable, "-c", code, "models", "--help"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert models[-2] == "['rom_tracker.cli.models_cmd']", models
