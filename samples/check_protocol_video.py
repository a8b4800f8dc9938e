"""Record a rendered protocol video with ``rom-tracker record --mode guided`` and print the
measured value of every measure step beside the rendered one.

Reads VIDEO.steps.json (written by make_protocol_video.py) for the protocol and the
rendered targets, runs the real pipeline (``python -m rom_tracker record``) into a
database (a temporary one unless --db is given) and prints, per measure step, the rendered
angle (degrees from the subject's centre, in the movement's direction), the measured value
and their ratio. Renders are BIASED (see samples/README.md): these ratios describe the
render, never a gain to apply. Exit status 1 when the run did not reach the end of the
protocol or a measure step has no value.

    .venv/bin/python samples/check_protocol_video.py /tmp/neck.mp4
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    step: int  # 1-based
    movement: str
    side: str
    mode: str
    rendered_deg: float
    measured_deg: float  # NaN: stored without a value (or not stored: see stored)
    stored: bool

    @property
    def ratio(self) -> float:
        return self.measured_deg / self.rendered_deg


def rom_tracker(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``rom-tracker ARGS`` from this checkout (run in ``cwd``), output captured; exits on
    failure."""
    cmd = [sys.executable, "-m", "rom_tracker", *args]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, cwd=cwd)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd[2:])} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done


def record(
    video: Path,
    protocol: str,
    db: Path,
    profile: str,
    *,
    started_at: str | None = None,
    notes: str = "",
) -> tuple[int, str]:
    """Record ``video`` guided by ``protocol`` as a new session of ``profile`` (created if
    missing); returns the session id and what record printed."""
    known = json.loads(rom_tracker("profiles", "list", "--json", "--db", str(db)).stdout)
    if profile not in {p["name"] for p in known}:
        rom_tracker("profiles", "add", profile, "--db", str(db))
    args = ["record", "--profile", profile, "--protocol", protocol, "--mode", "guided"]
    args += ["--source", video.name, "--db", str(db.resolve())]  # source: just its name
    if started_at:
        args += ["--started-at", started_at]
    if notes:
        args += ["--notes", notes]
    out = rom_tracker(*args, cwd=video.parent).stdout
    first = out.splitlines()[0]  # "Session N for PROFILE (...)"
    return int(first.split()[1]), out


def rows(session: dict[str, Any], schedule: dict[str, Any]) -> list[Row]:
    """Rendered vs measured for every measure step of the schedule."""
    by_step = {t["detail"].get("step"): t for t in session["trials"]}
    out = []
    for s in schedule["steps"]:
        if s["kind"] != "measure":
            continue
        trial = by_step.get(s["step"] - 1)
        value = math.nan if trial is None or trial["value_deg"] is None else trial["value_deg"]
        out.append(
            Row(s["step"], s["movement"], s["side"], s["mode"], s["target_deg"], value, bool(trial))
        )
    return out


def print_rows(table: list[Row]) -> None:
    print(
        f"{'step':>4}  {'movement':<22}{'side':<10}{'mode':<11}{'rendered':>9}{'measured':>9}"
        "  ratio"
    )
    for r in table:
        measured = f"{r.measured_deg:9.1f}" if math.isfinite(r.measured_deg) else "     none"
        ratio = f"{r.ratio:6.2f}" if math.isfinite(r.measured_deg) else "     -"
        stored = "" if r.stored else "  (no trial stored)"
        print(
            f"{r.step:>4}  {r.movement:<22}{r.side:<10}{r.mode:<11}{r.rendered_deg:9.1f}"
            f"{measured}  {ratio}{stored}"
        )


def reached_end(record_output: str) -> bool:
    return "The source ended at step" not in record_output


@dataclass(frozen=True)
class Checked:
    session_id: int
    reached_end: bool
    rows: list[Row]

    @property
    def missing(self) -> list[Row]:
        return [r for r in self.rows if not (r.stored and math.isfinite(r.measured_deg))]


def check(
    video: Path, db: Path, profile: str, *, started_at: str | None = None, notes: str = ""
) -> Checked:
    """Record ``video`` and print measured beside rendered for each measure step."""
    schedule = json.loads(video.with_name(video.stem + ".steps.json").read_text())
    protocol = schedule.get("protocol_source") or schedule["protocol"]
    session_id, out = record(video, protocol, db, profile, started_at=started_at, notes=notes)
    session = json.loads(
        rom_tracker("sessions", "show", str(session_id), "--json", "--db", str(db)).stdout
    )
    table = rows(session, schedule)
    print(f"session {session_id} ({session['started_at']}), {video.name}:")
    print_rows(table)
    if not reached_end(out):
        print("  the recording did NOT reach the end of the protocol")
    return Checked(session_id, reached_end(out), table)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("video", type=Path)
    p.add_argument("--db", type=Path, help="database (default: a temporary one)")
    p.add_argument("--profile", default="render")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "check.sqlite3"
        done = check(args.video, db, args.profile)
    sys.exit(0 if done.reached_end and not done.missing else 1)


if __name__ == "__main__":
    main()
