"""Shared fixtures. Keep each one small; tests mirror the package layout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (real models and footage): a failure on CI, a skip elsewhere."""
    if not SHARED.is_dir():
        reason = f"{SHARED} (shared models and data) is missing"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return SHARED


@pytest.fixture(scope="session")
def model_env(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for running rom-tracker on the real models: mirror = ../shared/models,
    cache = a fresh temporary folder (filled once per test session)."""
    from rom_tracker.models import resolve

    cache = tmp_path_factory.mktemp("model-cache")
    for name in ("face_landmarker", "pose_landmarker_lite"):  # fill the cache once, quietly
        resolve(name, cache_dir=cache, mirror=str(shared_dir / "models"))
    return {
        "ROM_TRACKER_MODEL_MIRROR": str(shared_dir / "models"),
        "ROM_TRACKER_CACHE": str(cache),
    }


@pytest.fixture
def use_models(model_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """``model_env`` applied to this process for the duration of a test."""
    for key, value in model_env.items():
        monkeypatch.setenv(key, value)
    return model_env
