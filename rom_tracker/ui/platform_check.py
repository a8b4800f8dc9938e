"""Before Qt starts: can its platform plugin load here? One line naming what is missing.

On Linux, Qt loads a platform plugin (``xcb`` for X11, ``wayland``) that links system
libraries PySide6's wheels do not bring (``libxcb-cursor0`` is the one most often missing
on Ubuntu). Without them Qt prints a multi-line plugin message and aborts the process.
:func:`check_platform_plugin` loads the plugin the way Qt would (``dlopen``, which resolves
its libraries and theirs) before any Qt module is imported, and on failure collects every
missing library (from the loader's message and, where the system has it, ``ldd``) into a
:class:`~rom_tracker.errors.DesktopError` (exit 8) with the install commands for
Debian/Ubuntu and Fedora. Imports no Qt; nothing is changed when the plugin loads.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from rom_tracker.errors import DesktopError

#: Shared object name -> (Debian/Ubuntu package, Fedora package), for what Qt's platform
#: plugins and QtGui link on Linux. Anything else gets a generic hint.
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor"),
}

_MISSING = re.compile(r"([\w.+-]+\.so(?:\.[\d.]+)?): cannot open shared object file")
_LDD_NOT_FOUND = re.compile(r"^\s*(\S+) => not found", re.MULTILINE)


def platform_plugin_name(environ: Mapping[str, str]) -> str | None:
    """The platform plugin Qt will load on Linux, or None where there is nothing to check
    (another OS, or a platform without system libraries: offscreen, minimal, vnc...)."""
    if not sys.platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if chosen:
        return chosen if chosen in ("xcb", "wayland") else None
    if environ.get("WAYLAND_DISPLAY") and not environ.get("DISPLAY"):
        return "wayland"
    return "xcb"


def plugin_path(name: str) -> Path | None:
    """PySide6's bundled ``libq<name>.so``, found without importing Qt."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms"
    path = path / f"libq{name}.so"
    return path if path.exists() else None


def _ldd_missing(path: Path) -> list[str]:
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run(
            [ldd, str(path)], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return _LDD_NOT_FOUND.findall(out)


def missing_libraries(
    path: Path,
    load: Callable[[str], object] = ctypes.CDLL,
    ldd: Callable[[Path], list[str]] = _ldd_missing,
) -> list[str]:
    """The shared libraries ``path`` needs and the system lacks (empty when it loads).
    The loader names the first one; ``ldd`` (where present) the others."""
    try:
        load(str(path))
    except OSError as exc:
        first = _MISSING.findall(str(exc))
        names = list(dict.fromkeys([*first, *ldd(path)]))
        return names or [str(exc).strip().splitlines()[0]]
    return []


def install_hint(names: list[str]) -> str:
    """``sudo apt install ...`` (Debian/Ubuntu) and ``sudo dnf install ...`` (Fedora)."""
    debian = [PACKAGES[n][0] for n in names if n in PACKAGES]
    fedora = [PACKAGES[n][1] for n in names if n in PACKAGES]
    unknown = [n for n in names if n not in PACKAGES]
    parts = []
    if debian:
        parts.append(
            f"install it: sudo apt install {' '.join(dict.fromkeys(debian))} (Debian/Ubuntu) "
            f"or sudo dnf install {' '.join(dict.fromkeys(fedora))} (Fedora)"
        )
    if unknown:
        parts.append(
            f"install the package that provides {', '.join(unknown)} "
            f"(Debian/Ubuntu: apt-file search {unknown[0]}; Fedora: dnf provides '*/{unknown[0]}')"
        )
    return "; ".join(parts)


def check_platform_plugin(
    environ: Mapping[str, str] = os.environ,
    load: Callable[[str], object] = ctypes.CDLL,
    ldd: Callable[[Path], list[str]] = _ldd_missing,
) -> None:
    """Raise :class:`DesktopError` (exit 8) if Qt's platform plugin cannot load here."""
    name = platform_plugin_name(environ)
    path = plugin_path(name) if name else None
    if name is None or path is None:
        return  # nothing to check, or no such plugin: Qt will say so itself
    missing = missing_libraries(path, load, ldd)
    if missing:
        raise DesktopError(
            f"the desktop app cannot start: Qt's {name} platform plugin needs "
            f"{', '.join(missing)}, missing on this system",
            install_hint(missing) or "install Qt's system libraries (see docs/gui.md)",
        )
