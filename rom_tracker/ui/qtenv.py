"""The process-wide workarounds of the app, applied at GUI start-up only.

1. OpenCV's Qt plugin path. OpenCV's wheels (``opencv-python``, and
``opencv-contrib-python`` that MediaPipe brings) set ``QT_QPA_PLATFORM_PLUGIN_PATH`` (and
``QT_QPA_FONTDIR``) to the Qt 5 plugins bundled inside ``cv2`` when ``cv2`` is imported,
which can make PySide6 fail on Linux desktops ("Could not load the Qt platform plugin
xcb"). Before the QApplication is created, :func:`clean_qt_environment` imports ``cv2``
(so its side effect has happened and cannot come back later) and removes those variables
when they point into the ``cv2`` package, and ``QT_PLUGIN_PATH`` likewise. Nothing else
is changed, and only ``rom-tracker gui`` calls it.

2. PySide6 6.12.0 on Python 3.11: every call of a Qt method that returns nothing (``void``:
``update()``, ``setVisible()``, ``setObjectName()``...) gives back ``None`` without taking
a reference to it, and some give back ``True``/``False`` the same way. From Python 3.12
these objects are immortal and nothing happens; on 3.11 their reference counts fall by
one per call, and a live window (hundreds of calls per frame) crashes within a minute
("Fatal Python error: none_dealloc"). :func:`guard_singleton_refcounts` detects the bug
(a reference count falling over a few calls of a ``void`` method) and only then gives
``None``, ``True`` and ``False`` a reference count no program can use up, which is what
Python 3.12 does for them. With a fixed PySide6 (6.11.x, or a later fix) or Python 3.12+
it does nothing. Importing this module imports no Qt.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from collections.abc import MutableMapping
from pathlib import Path

log = logging.getLogger(__name__)

VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR", "QT_PLUGIN_PATH")


def _cv2_dir() -> Path | None:
    try:
        import cv2
    except ImportError:  # pragma: no cover - cv2 comes with mediapipe
        return None
    return Path(cv2.__file__).resolve().parent


def _inside(value: str, folder: Path) -> bool:
    for part in value.split(os.pathsep):
        if not part:
            continue
        try:
            Path(part).resolve().relative_to(folder)
        except ValueError:
            continue
        return True
    return False


def clean_qt_environment(environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Remove the Qt variables that point into OpenCV's package; returns their names."""
    env = os.environ if environ is None else environ
    folder = _cv2_dir()
    removed = []
    for name in VARIABLES:
        value = env.get(name)
        if value and folder is not None and _inside(value, folder):
            del env[name]
            removed.append(name)
    if removed:
        log.debug("removed %s (set by OpenCV) before starting Qt", ", ".join(removed))
    return removed


#: large enough never to be used up, small enough to stay far from overflow
_IMMORTAL_BOOST = 1 << 40


def pyside_drops_references() -> bool:
    """True when calling a ``void`` Qt method lowers ``None``'s reference count."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(32):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 16


_guarded: list[bool] = []


def guard_singleton_refcounts() -> bool:
    """Apply workaround 2 (see the module docstring) once, if needed; True when applied."""
    if _guarded or not pyside_drops_references():
        return False
    _guarded.append(True)
    import PySide6

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _IMMORTAL_BOOST
    log.warning(
        "PySide6 %s on Python %d.%d drops references to None/True/False; made them "
        "immortal as Python 3.12 does. Install PySide6-Essentials 6.11 to avoid this.",
        PySide6.__version__,
        *sys.version_info[:2],
    )
    return True
