"""Endurance, short: a few simulated minutes of live frames through bench/endurance.py's
path (frame source -> latest-frame reader -> LiveProcessor with scripted estimators ->
angle_table -> guided ProtocolRunner -> Store.add_trial), with memory, file descriptors and
Python objects checked for growth after the first minute. Loose bounds, no timing: the
hour-long run and its figures are ``bench/endurance.py`` (docs/reliability.md).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "endurance.py"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/statm").is_file(), reason="needs Linux /proc"),
]


def _bench() -> object:
    spec = importlib.util.spec_from_file_location("rom_tracker_bench_endurance", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_three_simulated_minutes_stay_flat(tmp_path: Path) -> None:
    bench = _bench()
    samples = bench.simulate(3.0, tmp_path / "endurance.sqlite3")  # type: ignore[attr-defined]
    for s in samples:
        print(s)
    assert samples[-1].frames == 3 * 60 * 30
    assert samples[-1].trials >= 1
    d_rss, d_fds, d_objects = bench.growth(samples)  # type: ignore[attr-defined]
    assert d_rss < 25.0, f"RSS grew {d_rss:.1f} MiB in 2 simulated minutes"
    assert d_fds <= 2, f"{d_fds} more open file descriptors"
    assert d_objects < 5_000, f"{d_objects} more Python objects"
