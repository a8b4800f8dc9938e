"""Fixtures of the reliability catalogue: a CLI runner with the models and a private home."""

from __future__ import annotations

from pathlib import Path

import pytest

from rom_tracker.cli import main
from tests.support.reliability import Cli, CliResult, run_cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """``cli(*args, **env)``: the CLI with a private home and an empty model cache, run in
    ``tmp_path``; for cases that fail before any model is needed."""

    def run(*args: str, timeout: float = 300, **env: str) -> CliResult:
        base = {"ROM_TRACKER_CACHE": str(tmp_path / "empty-cache"), "ROM_TRACKER_MODEL_MIRROR": ""}
        return run_cli(list(args), cwd=tmp_path, env={**base, **env}, timeout=timeout)

    return run


@pytest.fixture
def model_cli(tmp_path: Path, model_env: dict[str, str]) -> Cli:
    """``cli`` with the real models (mirror = ../shared/models, a warm cache)."""

    def run(*args: str, timeout: float = 300, **env: str) -> CliResult:
        return run_cli(list(args), cwd=tmp_path, env={**model_env, **env}, timeout=timeout)

    return run


@pytest.fixture
def main_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """``cli`` in this process (``rom_tracker.cli.main``), for the many variants of a case
    whose subprocess run is shown once: same code, without the interpreter start-up."""
    monkeypatch.setattr("rom_tracker.cli.divert_native_stderr", lambda: False)
    monkeypatch.setenv("ROM_TRACKER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ROM_TRACKER_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("ROM_TRACKER_MODEL_MIRROR", "")
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        result = CliResult(tuple(args), code, out, err, ())
        print(result)
        return result

    return run
