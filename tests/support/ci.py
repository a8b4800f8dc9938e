"""Skips under CI: a test that needs something CI can provide fails there instead of skipping.

``CI=true`` (set by the CI runner; ``.ci/run`` installs every apt package the tests need
and has ``../shared`` beside the checkout): a test that cannot run for a reason CI could
fix calls :func:`fail_on_ci_else_skip`, which fails under CI and skips elsewhere. The hooks
of tests/conftest.py fail the whole run under CI if any test skipped for a reason not on
:data:`ALLOWED_SKIPS`.
"""

from __future__ import annotations

import os

import pytest

# Skip reasons CI may show: each is a platform the test cannot apply to, which the Linux CI
# never is (so none of them should appear there at all). Add a reason only if CI cannot
# remove its cause; a missing package, file or tool is never one: fail_on_ci_else_skip.
ALLOWED_SKIPS = (
    "POSIX permissions",  # Windows: no chmod (store tests)
    "needs SIGKILL",  # Windows: no SIGKILL (kill tests)
    "needs /proc",  # no /proc/self/fd (storage: file descriptors left open)
    "needs Linux /proc",  # no /proc/self/statm (endurance: memory use)
    "Linux plugins",  # not Linux: no xcb plugin to check
    "only Linux needs a DISPLAY",  # not Linux
)


def on_ci() -> bool:
    return os.environ.get("CI") == "true"


def fail_on_ci_else_skip(reason: str) -> None:
    """A missing external thing (a folder, a tool, an apt package): a failure under
    ``CI=true``, a skip with ``reason`` elsewhere."""
    if on_ci():
        pytest.fail(f"{reason} (CI must provide it)")
    pytest.skip(reason)


def skip_reason(report: pytest.TestReport) -> str | None:
    """The reason of a skipped test's report; None if it did not skip (xfail is no skip)."""
    if not report.skipped or hasattr(report, "wasxfail"):
        return None
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def allowed(reason: str) -> bool:
    return any(ok in reason for ok in ALLOWED_SKIPS)
