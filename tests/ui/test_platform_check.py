"""Before Qt starts: a missing system library is one line naming it and its packages
(exit 8), instead of Qt's multi-line plugin message and an abort."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rom_tracker.cli import main
from rom_tracker.errors import DesktopError
from rom_tracker.ui import platform_check
from rom_tracker.ui.platform_check import (
    check_platform_plugin,
    install_hint,
    missing_libraries,
    platform_plugin_name,
)
from tests.support.ci import fail_on_ci_else_skip

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux plugins")


@linux_only
@pytest.mark.parametrize(
    ("env", "plugin"),
    [
        ({"DISPLAY": ":0"}, "xcb"),
        ({}, "xcb"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "wayland"),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "xcb"),
        ({"QT_QPA_PLATFORM": "xcb"}, "xcb"),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, "wayland"),
        ({"QT_QPA_PLATFORM": "offscreen"}, None),
        ({"QT_QPA_PLATFORM": "minimal"}, None),
    ],
)
def test_the_plugin_qt_will_load(env: dict[str, str], plugin: str | None) -> None:
    assert platform_plugin_name(env) == plugin


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ["libxcb-cursor.so.0"],
            "install it: sudo apt install libxcb-cursor0 (Debian/Ubuntu) "
            "or sudo dnf install xcb-util-cursor (Fedora)",
        ),
        (
            ["libxcb-randr.so.0", "libxcb-shape.so.0", "libxcb-icccm.so.4"],
            "install it: sudo apt install libxcb-randr0 libxcb-shape0 libxcb-icccm4 "
            "(Debian/Ubuntu) or sudo dnf install libxcb xcb-util-wm (Fedora)",
        ),
        (
            ["libunheard-of.so.3"],
            "install the package that provides libunheard-of.so.3 (Debian/Ubuntu: apt-file "
            "search libunheard-of.so.3; Fedora: dnf provides '*/libunheard-of.so.3')",
        ),
    ],
)
def test_install_hint_names_the_packages(names: list[str], expected: str) -> None:
    assert install_hint(names) == expected


def test_loader_message_and_ldd_give_every_missing_library(tmp_path: Path) -> None:
    def load(path: str) -> None:
        raise OSError(f"libxcb-cursor.so.0: cannot open shared object file: No such file ({path})")

    names = missing_libraries(
        tmp_path / "libqxcb.so", load, lambda p: ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    )
    assert names == ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    assert missing_libraries(tmp_path / "ok.so", lambda p: None, lambda p: []) == []


@linux_only
def test_qt_plugin_loads_on_this_machine() -> None:
    """The libraries .ci/run installs are all the xcb plugin needs."""
    try:
        check_platform_plugin({"DISPLAY": ":0"})
    except DesktopError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"this machine lacks Qt's system libraries (.ci/run installs them): {exc}")


@pytest.fixture
def plugin_with_a_missing_library(tmp_path: Path) -> Path:
    """A real shared object that needs ``libromtrackergone.so.0``, which no longer exists:
    the dynamic loader, not a fake, reports it."""
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux plugins")
    if shutil.which("gcc") is None:
        fail_on_ci_else_skip("needs gcc to build a plugin with a missing library (apt install gcc)")
    (tmp_path / "gone.c").write_text("int gone(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text("int gone(void); int plugin(void) { return gone(); }\n")
    gone = tmp_path / "libromtrackergone.so.0"
    plugin = tmp_path / "libqxcb.so"
    for cmd in (
        ["gcc", "-shared", "-fPIC", "-Wl,-soname,libromtrackergone.so.0", "-o", gone, "gone.c"],
        ["gcc", "-shared", "-fPIC", "-o", plugin, "plugin.c", gone],
    ):
        subprocess.run([str(c) for c in cmd], cwd=tmp_path, check=True, capture_output=True)
    gone.unlink()
    return plugin


def test_real_loader_names_the_missing_library(plugin_with_a_missing_library: Path) -> None:
    assert missing_libraries(plugin_with_a_missing_library) == ["libromtrackergone.so.0"]


def test_gui_says_in_one_line_what_is_missing(
    plugin_with_a_missing_library: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("rom_tracker.cli.divert_native_stderr", lambda: False)
    monkeypatch.setattr(platform_check, "plugin_path", lambda name: plugin_with_a_missing_library)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":99")
    assert main(["gui"]) == DesktopError.exit_code == 8
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("rom-tracker: error: the desktop app cannot start"), err
    assert "libromtrackergone.so.0" in err[0]
