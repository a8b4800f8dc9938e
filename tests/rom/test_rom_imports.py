"""The rom layer is pure numpy/scipy: importing it pulls in no OpenCV, MediaPipe or Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import rom_tracker.rom

HEAVY = ("cv2", "mediapipe", "PySide6", "PyQt5", "PyQt6", "pyqtgraph")


def test_rom_modules_import_no_heavy_packages() -> None:
    modules = [f"rom_tracker.rom.{m.name}" for m in pkgutil.iter_modules(rom_tracker.rom.__path__)]
    assert {"rom_tracker.rom.filters", "rom_tracker.rom.protocol"} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
