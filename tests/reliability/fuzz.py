"""The long fuzz run: ``.venv/bin/python -m tests.reliability.fuzz --minutes 5``.

Runs every hypothesis property test of test_reliability_fuzz_*.py (kinematics and
importers) again and again, with fresh random seeds and ``--examples`` examples per call,
round-robin until the time is up; numpy warnings are errors, as under pytest. A failure
prints hypothesis's minimal failing example and exits 1; hypothesis also saves it in
``.hypothesis/``, so the next plain ``pytest tests/reliability`` replays it first.
``--only TEXT`` keeps the tests whose name holds TEXT.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = ("test_reliability_fuzz_kinematics", "test_reliability_fuzz_importers")


def targets(only: str) -> list[tuple[str, Callable[[], None]]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        for attr, fn in sorted(vars(module).items()):
            if attr.startswith("test_") and hasattr(fn, "hypothesis") and only in attr:
                found.append((f"{name.removeprefix('test_reliability_')}.{attr}", fn))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.fuzz", description=__doc__)
    parser.add_argument("--minutes", type=float, default=5.0, help="how long (default 5)")
    parser.add_argument(
        "--examples", type=int, default=300, help="examples per call of a test (default 300)"
    )
    parser.add_argument("--only", default="", metavar="TEXT", help="tests whose name holds TEXT")
    args = parser.parse_args(argv)
    os.environ["ROM_TRACKER_FUZZ_EXAMPLES"] = str(
        args.examples
    )  # read by tests.support.fuzzing.FUZZ
    sys.path.insert(0, str(HERE))
    warnings.simplefilter("error")
    import pytest  # after the path: importorskip in the tests raises pytest's Skipped

    chosen = targets(args.only)
    if not chosen:
        print(f"no fuzz test matches {args.only!r}", file=sys.stderr)
        return 2
    deadline = time.monotonic() + args.minutes * 60
    calls = dict.fromkeys((name for name, _ in chosen), 0)
    skipped: set[str] = set()
    while time.monotonic() < deadline:
        for name, fn in chosen:
            if name in skipped or time.monotonic() >= deadline:
                continue
            try:
                fn()
            except pytest.skip.Exception as exc:
                skipped.add(name)
                print(f"skipped {name}: {exc}")
                continue
            except BaseException:
                traceback.print_exc()
                print(f"\nFAILED {name} (after {calls[name]} clean calls)", file=sys.stderr)
                return 1
            calls[name] += 1
        if len(skipped) == len(chosen):
            break
    width = max(len(n) for n in calls)
    print(f"{'test':<{width}}  examples (about)")
    for name, n in calls.items():
        print(f"{name:<{width}}  {'skipped' if name in skipped else n * args.examples}")
    print(f"no failure in {args.minutes:g} minute(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
