"""HTML -> PDF with a headless Chromium or Chrome already on the machine.

Why not WeasyPrint: it is a large new dependency (Pango, cairo, GDK-PixBuf native
libraries, awkward on Windows and macOS); a Chromium-based browser is on most machines
already, prints exactly what the HTML shows, and honours the print stylesheet. Without
one, the HTML report is still made and any browser prints it (File > Print > Save as PDF).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from rom_tracker.errors import InputError
from rom_tracker.files.outputs import temp_beside

BROWSER_ENV = "ROM_TRACKER_CHROMIUM"
NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "msedge",
)
KNOWN_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
)
NO_BROWSER_FIX = (
    "install Chromium or Chrome (Debian/Ubuntu: apt install chromium) or set "
    f"{BROWSER_ENV} to its path; or write --out report.html and print it to PDF from a browser"
)
TIMEOUT_S = 120.0


def find_browser() -> str | None:
    """A Chromium-based browser: $ROM_TRACKER_CHROMIUM, one on PATH, or a usual install path."""
    given = os.environ.get(BROWSER_ENV)
    if given:
        return given if Path(given).is_file() else shutil.which(given)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in KNOWN_PATHS if Path(p).is_file()), None)


def headless_args(browser: str, profile_dir: str) -> list[str]:
    """A headless browser that stays offline: no network services, a throw-away profile."""
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={profile_dir}",
    ]


def html_to_pdf(html: str, out: Path) -> None:
    """Print ``html`` to the PDF ``out`` atomically (temp name in the same folder, rename)."""
    browser = find_browser()
    if browser is None:
        raise InputError("no Chromium or Chrome found to make the PDF", NO_BROWSER_FIX)
    tmp = temp_beside(out)
    with tempfile.TemporaryDirectory(prefix="rom-tracker-pdf-") as work:
        page = Path(work) / "report.html"
        page.write_text(html, encoding="utf-8")
        try:
            cmd = [
                *headless_args(browser, str(Path(work) / "profile")),
                "--no-pdf-header-footer",
                f"--print-to-pdf={tmp}",
                page.as_uri(),
            ]
            done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
            if done.returncode != 0 or Path(tmp).stat().st_size == 0:
                last = (done.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
                raise InputError(
                    f"{Path(browser).name} could not print the PDF (exit {done.returncode}: "
                    f"{last[:160]})",
                    "write --out report.html and print it from a browser",
                )
            os.chmod(tmp, 0o600)
            os.replace(tmp, out)
        except OSError as exc:  # the browser cannot be started
            raise InputError(
                f"cannot run {browser}: {exc.strerror or exc}", NO_BROWSER_FIX
            ) from exc
        except subprocess.TimeoutExpired:
            raise InputError(
                f"{Path(browser).name} did not finish the PDF in {TIMEOUT_S:.0f} s",
                "write --out report.html and print it from a browser",
            ) from None
        finally:
            Path(tmp).unlink(missing_ok=True)
