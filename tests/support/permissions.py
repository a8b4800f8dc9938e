"""Permission tests as root: run them with root's permission override dropped.

A test marked ``@pytest.mark.permissions`` checks what happens when the operating system
refuses to read or write a file (chmod 0o500 folders, 0o400 databases). Root ignores
file permissions through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so as root (as in CI)
such a test would pass without ever meeting a refusal. :func:`permissions_stop_us` probes
this (it tries to write into a read-only folder) instead of checking the uid. Where the
probe says permissions do not apply, the ``pytest_pyfunc_call`` hook of tests/conftest.py
runs the one test again in a child pytest under ``setpriv`` (util-linux) with both
capabilities dropped from the inheritable and bounding sets, where root obeys file
permissions, and reports the child's result as the test's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DROPPED_ENV = "ROM_TRACKER_TEST_DAC_DROPPED"  # set in the child, so it never recurses
DROP = "-dac_override,-dac_read_search"


def permissions_stop_us() -> bool:
    """Whether this process is refused a write into a folder of mode 0o500."""
    with tempfile.TemporaryDirectory(prefix="rom-perm-probe-") as name:
        folder = Path(name) / "read-only"
        folder.mkdir(mode=0o500)
        try:
            (folder / "probe").write_bytes(b"")
        except PermissionError:
            return True
        finally:
            folder.chmod(0o700)
        return False


def setpriv_command() -> list[str] | None:
    """The command prefix that drops root's permission override, or None without setpriv."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, f"--inh-caps={DROP}", f"--bounding-set={DROP}", "--"]


def run_without_override(nodeid: str, rootdir: Path, timeout: float = 600) -> tuple[int, str]:
    """The test ``nodeid`` in a child pytest under setpriv: (exit code, its output).

    Needs setpriv (see :func:`setpriv_command`)."""
    prefix = setpriv_command()
    assert prefix is not None, "setpriv (util-linux) is missing"
    args = [sys.executable, "-m", "pytest", nodeid, "-q", "-p", "no:cacheprovider", "-rA"]
    proc = subprocess.run(
        [*prefix, *args],
        cwd=rootdir,
        env={**os.environ, DROPPED_ENV: "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr
