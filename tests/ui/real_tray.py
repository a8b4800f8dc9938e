"""A real desktop for the tray tests: Xvfb, a real system tray, a private D-Bus session
and a notification receiver (``notify_receiver.py``) on it. The tray is one of the two
kinds Qt knows on Linux: ``xembed`` (``trayer``: an X11 tray, the ``_NET_SYSTEM_TRAY_S0``
selection) or ``sni`` (``status-notifier-watcher`` and ``gtk-sni-tray-standalone``: a
StatusNotifierItem host, as KDE Plasma and GNOME's AppIndicator extension are).

:func:`real_desktop` starts them (each test its own, torn down at its end: no X server or
bus is left behind, and nothing is read from the caller's DISPLAY or session bus);
:class:`TrayApp` runs ``tray_driver.py`` (the companion as the app builds it, with a fake
camera) on that desktop; :meth:`Desktop.screenshot` grabs the X screen (``xwd``).

Run as a script to write the documentation's screenshots of the tray with its menu open::

    .venv/bin/python tests/ui/real_tray.py docs/screenshots/tray_real_menu.png
    .venv/bin/python tests/ui/real_tray.py --host sni docs/screenshots/tray_real_menu_sni.png
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from tests.support.ci import fail_on_ci_else_skip

HERE = Path(__file__).resolve().parent
SCREEN = (1024, 600)
#: the programs and the Debian packages that have them (.ci/run installs them)
PROGRAMS = {
    "Xvfb": "xvfb",
    "trayer": "trayer",
    "dbus-daemon": "dbus",
    "dbus-send": "dbus",
    "xdotool": "xdotool",
    "xwininfo": "x11-utils",
    "xwd": "x11-apps",
}
SNI_PROGRAMS = {
    "status-notifier-watcher": "haskell-status-notifier-item-utils",
    "gtk-sni-tray-standalone": "haskell-gtk-sni-tray-utils",
}


def missing_programs(host: str = "xembed") -> str:
    """'' if all are there, else what to install."""
    programs = PROGRAMS | (SNI_PROGRAMS if host == "sni" else {})
    missing = sorted({pkg for prog, pkg in programs.items() if shutil.which(prog) is None})
    return f"apt-get install {' '.join(missing)}" if missing else ""


def require_programs(host: str = "xembed") -> None:
    """Fail under CI=true when a program is missing, skip elsewhere."""

    fix = missing_programs(host)
    if fix:
        fail_on_ci_else_skip(f"the real tray tests need a tray host and X tools: {fix}")


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@dataclass
class Desktop:
    display: str
    env: dict[str, str]
    notifications: Path  # the receiver's log (JSON lines)
    host: str  # the tray: "xembed" or "sni"
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def run(self, *cmd: str) -> str:
        done = subprocess.run(
            cmd, env=self.env, capture_output=True, text=True, timeout=10, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
        return done.stdout

    def tray_children(self) -> list[str]:
        """The windows embedded in trayer's panel (xwininfo's lines for them)."""
        tree = self.run("xwininfo", "-root", "-tree").splitlines()
        for i, line in enumerate(tree):
            if '"panel": ("panel" "trayer")' in line:
                depth = len(line) - len(line.lstrip())
                below = []
                for child in tree[i + 1 :]:
                    indent = len(child) - len(child.lstrip())
                    if child.strip() and indent <= depth:
                        break
                    below.append(child.strip())
                return [c for c in below if c.startswith("0x")]
        return []

    def screenshot(self) -> np.ndarray:
        """The X screen as (H, W, 3) uint8 RGB (xwd)."""
        data = subprocess.run(
            ["xwd", "-root", "-silent"], env=self.env, capture_output=True, timeout=10, check=True
        ).stdout
        return parse_xwd(data)

    def click(self, x: int, y: int, button: int = 1) -> None:
        self.run("xdotool", "mousemove", str(x), str(y), "click", str(button))

    def kill_tray(self) -> None:
        for name in ("trayer", "sni-tray", "sni-watcher"):
            if name in self.procs:
                stop(self.procs.pop(name))

    def sni_items(self) -> str:
        """The StatusNotifierItems the watcher knows (dbus-send's answer)."""
        return self.run(
            "dbus-send", "--session", "--print-reply", "--dest=org.kde.StatusNotifierWatcher",
            "/StatusNotifierWatcher", "org.freedesktop.DBus.Properties.Get",
            "string:org.kde.StatusNotifierWatcher", "string:RegisteredStatusNotifierItems",
        )  # fmt: skip

    def stop_receiver(self) -> None:
        stop(self.procs.pop("receiver"))

    def notified(self) -> list[dict[str, Any]]:
        if not self.notifications.exists():
            return []
        lines = self.notifications.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def click_notification(self, nid: int) -> None:
        """The user clicks notification ``nid`` (the receiver emits ActionInvoked)."""
        self.run(
            "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.Notifications",
            "/org/freedesktop/Notifications", "org.rom_tracker.TestReceiver.Click",
            f"uint32:{nid}",
        )  # fmt: skip


def parse_xwd(data: bytes) -> np.ndarray:
    """An X window dump (ZPixmap, depth 24, 24 or 32 bits a pixel: Xvfb's root) as RGB."""
    head = np.frombuffer(data[:100], ">u4")
    header_size, fmt, depth, width, height = (int(v) for v in head[[0, 2, 3, 4, 5]])
    byte_order, bpp, bpl, ncolors = (int(v) for v in head[[7, 11, 12, 19]])
    if fmt != 2 or depth != 24 or bpp not in (24, 32):
        raise ValueError(f"xwd: expected ZPixmap, depth 24; got format {fmt}, {depth}, {bpp} bpp")
    n = bpp // 8
    start = header_size + 12 * ncolors
    rows = np.frombuffer(data[start : start + bpl * height], np.uint8).reshape(height, bpl)
    px = rows[:, : n * width].reshape(height, width, n)
    # LSBFirst: B, G, R (, x); MSBFirst: (x,) R, G, B
    rgb = px[..., 2::-1] if byte_order == 0 else px[..., n - 3 :]
    return np.ascontiguousarray(rgb)


def save_png(rgb: np.ndarray, path: Path) -> None:
    from PySide6.QtGui import QImage

    h, w, _ = rgb.shape
    image = QImage(rgb.tobytes(), w, h, 3 * w, QImage.Format.Format_RGB888)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def start(cmd: list[str], env: dict[str, str], **kw: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, **kw)


def stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def start_x(env: dict[str, str], procs: dict[str, subprocess.Popen[bytes]]) -> str:
    """Xvfb on a free display (it picks one and tells us through a pipe). ``-noreset``: by
    default the server resets when its last client leaves, and each ``xwininfo`` we run
    while nothing else is connected is such a client; a client connecting during the reset
    is refused (trayer then died at once with "cannot open display", 1 start in ~10)."""
    read, write = os.pipe()
    w, h = SCREEN
    cmd = ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{w}x{h}x24", "-nolisten", "tcp"]
    cmd += ["-noreset"]
    procs["xvfb"] = subprocess.Popen(
        cmd, env=env, pass_fds=(write,), stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    if not number:
        raise RuntimeError("Xvfb did not start")
    return f":{number}"


def start_bus(env: dict[str, str], procs: dict[str, subprocess.Popen[bytes]]) -> str:
    cmd = ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"]
    proc = start(cmd, env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    procs["dbus"] = proc
    assert proc.stdout is not None
    address = proc.stdout.readline().decode().strip()
    if not address:
        raise RuntimeError("dbus-daemon did not start")
    return address


def start_tray(desktop: Desktop) -> None:
    """trayer at the top right of the screen: an XEmbed tray (_NET_SYSTEM_TRAY_S0)."""
    cmd = ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request"]
    cmd += ["--height", "32", "--SetDockType", "true", "--transparent", "false"]
    desktop.procs["trayer"] = start(cmd, desktop.env, stderr=subprocess.DEVNULL)
    wait_for(lambda: "trayer" in desktop.run("xwininfo", "-root", "-tree"), 30, "trayer")


def start_sni_tray(desktop: Desktop) -> None:
    """A StatusNotifierWatcher and a standalone StatusNotifierItem host (a bar at the top)."""
    desktop.procs["sni-watcher"] = start(
        ["status-notifier-watcher"],
        desktop.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def host_registered() -> str:
        """'' until the watcher answers; then its 'boolean true' or 'boolean false'."""
        try:
            return desktop.run(
                "dbus-send", "--session", "--print-reply",
                "--dest=org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher",
                "org.freedesktop.DBus.Properties.Get", "string:org.kde.StatusNotifierWatcher",
                "string:IsStatusNotifierHostRegistered",
            )  # fmt: skip
        except RuntimeError:
            return ""

    wait_for(host_registered, 30, "the StatusNotifierWatcher")
    cmd = ["gtk-sni-tray-standalone", "--top", "--end", "-s", "32", "-c", "#dcdad5"]
    desktop.procs["sni-tray"] = start(
        cmd, desktop.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for(lambda: "boolean true" in host_registered(), 30, "the StatusNotifierItem host")


def start_receiver(desktop: Desktop) -> None:
    cmd = [sys.executable, str(HERE / "notify_receiver.py"), str(desktop.notifications)]
    log = desktop.notifications.with_suffix(".stderr")
    with log.open("wb") as err:
        proc = start(cmd, desktop.env, stdout=subprocess.PIPE, stderr=err)
    desktop.procs["receiver"] = proc
    assert proc.stdout is not None
    if proc.stdout.readline().decode().strip() != "ready":
        raise RuntimeError(f"the notification receiver did not start: {log.read_text()}")


@contextmanager
def real_desktop(folder: Path, *, host: str = "xembed") -> Iterator[Desktop]:
    """Xvfb, a tray (``host``: ``xembed``, ``sni``), a D-Bus session and the receiver."""
    keep = ("PATH", "HOME", "LANG", "ROM_TRACKER_MODEL_MIRROR", "ROM_TRACKER_CACHE")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(
        XDG_RUNTIME_DIR=str(folder),
        XDG_CONFIG_HOME=str(folder / "config"),  # the app's settings, never the user's
        ROM_TRACKER_HOME=str(folder / "home"),
        QT_QPA_PLATFORM="xcb",
        NO_AT_BRIDGE="1",
    )
    procs: dict[str, subprocess.Popen[bytes]] = {}
    folder.mkdir(parents=True, exist_ok=True)
    try:
        env["DISPLAY"] = start_x(env, procs)
        env["DBUS_SESSION_BUS_ADDRESS"] = start_bus(env, procs)
        desktop = Desktop(env["DISPLAY"], env, folder / "notifications.jsonl", host, procs)
        (start_sni_tray if host == "sni" else start_tray)(desktop)
        start_receiver(desktop)
        yield desktop
    finally:
        for name in ("receiver", "trayer", "sni-tray", "sni-watcher", "dbus", "xvfb"):
            if name in procs:
                stop(procs.pop(name))


class TrayApp:
    """``tray_driver.py`` on the desktop: ask it what it shows, tell it what to do."""

    def __init__(self, desktop: Desktop, folder: Path, *args: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "driver.log"
        self._stderr: IO[bytes] = self.log.open("wb")
        cmd = [sys.executable, str(HERE / "tray_driver.py"), str(folder), *args]
        self.proc = subprocess.Popen(
            cmd, env=desktop.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, text=True, cwd=HERE,
        )  # fmt: skip
        self.first = self._answer()

    def _answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the tray app ended: {self.log.read_text()[-3000:]}")
        return json.loads(line)

    def ask(self, cmd: str = "status", **kw: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"cmd": cmd, **kw}) + "\n")
        self.proc.stdin.flush()
        return self._answer()

    def wait(self, check: Callable[[dict[str, Any]], bool], what: str, timeout: float = 8.0):
        def ready() -> dict[str, Any] | None:
            status = self.ask()
            return status if check(status) else None

        return wait_for(ready, timeout, what)

    def stderr(self) -> str:
        self._stderr.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def close(self) -> int:
        if self.proc.poll() is None:
            self.ask("quit")
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.stdout.close()
        self._stderr.close()
        return int(self.proc.returncode)


def centre(r: list[int]) -> tuple[int, int]:
    x, y, w, h = r
    return x + w // 2, y + h // 2


SNI_BAR = "#dcdad5"  # gtk-sni-tray's background (-c)
SNI_BAR_HEIGHT = 32


def icon_rect(desktop: Desktop, status: dict[str, Any]) -> list[int]:
    """Where the tray icon is on the screen: XEmbed, Qt's docked window; StatusNotifierItem
    (Qt does not know where the host draws it), what is drawn on the host's bar."""
    if desktop.host != "sni":
        return list(status["icon"])
    bar = desktop.screenshot()[:SNI_BAR_HEIGHT].astype(int)
    colour = np.array([int(SNI_BAR[i : i + 2], 16) for i in (1, 3, 5)])
    ys, xs = np.nonzero(np.abs(bar - colour).max(axis=-1) > 40)
    if xs.size == 0:
        raise AssertionError("no icon on the StatusNotifierItem host's bar")
    return [
        int(xs.min()),
        int(ys.min()),
        int(xs.max() - xs.min() + 1),
        int(ys.max() - ys.min() + 1),
    ]


def sni_menu_open(desktop: Desktop) -> bool:
    """gtk-sni-tray shows the item's menu (from Qt over com.canonical.dbusmenu) in a
    window of its own beside its bar."""
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--class", "gtk-sni-tray-standalone"],
        env=desktop.env, capture_output=True, text=True, timeout=10, check=False,
    )  # fmt: skip
    return len(found.stdout.split()) >= 2


def open_menu(desktop: Desktop, app: TrayApp) -> dict[str, Any]:
    """Right-click the tray icon: the menu opens (returns the app's status with it open)."""
    status = app.ask()
    desktop.click(*centre(icon_rect(desktop, status)), button=3)
    if desktop.host == "sni":
        wait_for(lambda: sni_menu_open(desktop), 5, "the tray menu to open")
        return status
    return app.wait(lambda s: s["menu_visible"], "the tray menu to open")


def choose(desktop: Desktop, app: TrayApp, text: str) -> dict[str, Any]:
    """Open the tray menu and click the item ``text`` (StatusNotifierItem: the host's menu,
    chosen with the keyboard)."""
    status = open_menu(desktop, app)
    if desktop.host == "sni":
        downs = ["Down"] * (list(status["actions"]).index(text) + 1)
        desktop.run("xdotool", "key", "--delay", "30", *downs, "Return")
        wait_for(lambda: not sni_menu_open(desktop), 5, "the tray menu to close")
    else:
        desktop.click(*centre(status["actions"][text]))
    if text == "Quit":
        return {}
    return app.wait(lambda s: not s["menu_visible"], "the tray menu to close")


def write_docs_screenshot(png: Path, host: str = "xembed") -> None:
    """The top right of the screen, with the tray's menu open."""
    with tempfile.TemporaryDirectory() as tmp, real_desktop(Path(tmp), host=host) as desktop:
        app = TrayApp(desktop, Path(tmp) / "app")
        try:
            app.wait(lambda s: s["kind"] == "good", "the monitor to watch")
            open_menu(desktop, app)
            time.sleep(0.3)  # drawn
            shot = desktop.screenshot()
            # the menu: Qt's own (XEmbed), or the host's (StatusNotifierItem)
            menu = np.abs(shot[SNI_BAR_HEIGHT:].astype(int)).max(axis=-1) > 0
            ys, xs = np.nonzero(menu)
            left, bottom = int(xs.min()), int(ys.max()) + SNI_BAR_HEIGHT
            save_png(shot[0 : bottom + 20, max(0, left - 40) : SCREEN[0]], png)
            desktop.run("xdotool", "key", "Escape")
        finally:
            app.close()
    print(f"wrote {png}")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="the screenshot of a real tray's menu")
    parser.add_argument("png", type=Path)
    parser.add_argument("--host", choices=["xembed", "sni"], default="xembed")
    args = parser.parse_args()
    write_docs_screenshot(args.png, args.host)
