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
