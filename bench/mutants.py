"""Mutation run: does a one-token change to rom/ or kinematics/ fail the module's tests?

    .venv/bin/python bench/mutants.py [--sample N] [--seed S] [FILE ...]
    .venv/bin/python bench/mutants.py --list rom_tracker/rom/holds.py

Each mutant changes one token of one module: a comparison (``<`` <-> ``<=``, ``>`` <->
``>=``, ``==`` <-> ``!=``), an operator (``+`` <-> ``-``, ``*`` <-> ``/``), ``and`` <->
``or``, a unary minus dropped, an integer constant off by one (``ddof=1`` -> 0, a slice
bound ``+ 1`` -> ``+ 0``) or a float constant times 1.1. Code in error messages (f-strings,
``raise``) and under ``TYPE_CHECKING`` is left alone. The mutant is written into a copy of
the repository (``rom_tracker`` and ``tests`` copied, the rest linked; the real tree is
never touched) and the tests of the module's folder run there (``tests/rom`` for
``rom_tracker/rom``, the module's own test file first) with ``pytest -x -m "not real"``
(the tests on the real models take minutes a run). A mutant is
*killed* if they fail or time out, a *survivor* if they pass. Survivors are listed at the
end; docs/testing.md records a run. With ``--sample N`` a seeded random sample of N of
all the mutants runs (the whole set takes hours on two shared cores).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("rom_tracker/rom", "rom_tracker/kinematics")
SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.And: ast.Or,
    ast.Or: ast.And,
}
SYMBOL = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.And: "and",
    ast.Or: "or",
}


@dataclass(frozen=True)
class Mutant:
    path: str  # relative to the repository
    index: int  # the index-th mutation point of the module
    line: int
    change: str


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    status: str  # killed, survived, timeout
    seconds: float
    failed: str  # the first failing test, when killed


def _skipped_nodes(tree: ast.Module) -> set[int]:
    """ids of nodes inside f-strings, raise statements, ``if TYPE_CHECKING`` blocks and
    data tables (list or tuple literals of more than 8 items: canonical_face's mesh)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        guarded = isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        table = isinstance(node, ast.List | ast.Tuple) and len(node.elts) > 8
        if isinstance(node, ast.JoinedStr | ast.Raise) or guarded or table:
            skip.update(id(n) for n in ast.walk(node))
    return skip


def _points(tree: ast.Module) -> Iterator[tuple[ast.AST, int, str]]:
    """(node, slot, description) of every mutation point, in a fixed order."""
    skip = _skipped_nodes(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in SWAPS:
                    yield node, i, f"{SYMBOL[type(op)]} -> {SYMBOL[SWAPS[type(op)]]}"
        elif isinstance(node, ast.BinOp | ast.AugAssign | ast.BoolOp) and type(node.op) in SWAPS:
            yield node, 0, f"{SYMBOL[type(node.op)]} -> {SYMBOL[SWAPS[type(node.op)]]}"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield node, 0, "unary - dropped"
        elif _is_number(node):
            yield node, 0, f"{node.value!r} -> {_changed(node.value)!r}"  # type: ignore[attr-defined]


def _is_number(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    )


def _changed(value: float) -> float:
    if isinstance(value, int):
        return value - 1 if value > 0 else value + 1
    return value * 1.1 if value != 0 else 0.1


def mutants(path: Path) -> list[Mutant]:
    tree = ast.parse(path.read_text())
    rel = str(path.relative_to(ROOT))
    return [
        Mutant(rel, i, getattr(node, "lineno", 0), change)
        for i, (node, _, change) in enumerate(_points(tree))
    ]


def mutated_source(source: str, index: int) -> str:
    """``source`` with its ``index``-th mutation point changed."""
    tree = ast.parse(source)
    node, slot, _ = list(_points(tree))[index]
    if isinstance(node, ast.Compare):
        node.ops[slot] = SWAPS[type(node.ops[slot])]()
    elif isinstance(node, ast.BinOp | ast.AugAssign | ast.BoolOp):
        node.op = SWAPS[type(node.op)]()
    elif isinstance(node, ast.UnaryOp):
        node.op = ast.UAdd()
    else:
        node.value = _changed(node.value)  # type: ignore[attr-defined]
    return ast.unparse(tree)


def test_command(mutant: Mutant) -> list[str]:
    """pytest on the module's own test file first, then the rest of its folder."""
    module = Path(mutant.path)
    folder = Path("tests") / module.parent.name
    own = sorted(str(p.relative_to(ROOT)) for p in (ROOT / folder).glob(f"test_*{module.stem}.py"))
    fast = ["-m", "not real"]  # the real-model tests take minutes and test the models
    return [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        *fast,
        *own,
        str(folder),
    ]


def sandbox(base: Path) -> Path:
    """A copy of the repository in ``base/repo`` (code and tests copied, data linked), with
    ``base/shared`` linked to ``../shared`` so the tests find the real data."""
    repo = base / "repo"
    repo.mkdir()
    for name in ("rom_tracker", "tests"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "samples", "calibration", "docs", "README.md"):
        (repo / name).symlink_to(ROOT / name)
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (base / "shared").symlink_to(shared)
    return repo


def run_one(repo: Path, mutant: Mutant, timeout: float) -> Outcome:
    target = repo / mutant.path
    original = target.read_text()
    target.write_text(mutated_source(original, mutant.index))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.monotonic()
    try:
        proc = subprocess.run(
            test_command(mutant),
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(mutant, "timeout", time.monotonic() - start, "")
    finally:
        target.write_text(original)
    seconds = time.monotonic() - start
    if proc.returncode == 0:
        return Outcome(mutant, "survived", seconds, "")
    failed = next((ln for ln in proc.stdout.splitlines() if ln.startswith(("FAILED", "ERROR"))), "")
    return Outcome(mutant, "killed", seconds, failed[:160])


def check_sandbox(repo: Path) -> None:
    """The copy's code is the one the tests import (not the editable install's)."""
    probe = "import rom_tracker, sys; print(rom_tracker.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    if not out.startswith(str(repo)):
        raise SystemExit(f"the sandbox imports {out}, not its own copy: stopping")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="modules (default: all of rom/ and kinematics/)")
    parser.add_argument("--sample", type=int, default=0, help="run a random N of the mutants")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per mutant")
    parser.add_argument(
        "--at", action="append", default=[], metavar="FILE:LINE", help="only mutants on this line"
    )
    parser.add_argument(
        "--rerun", type=Path, metavar="JSON", help="only the survivors of an earlier --json"
    )
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--json", type=Path, help="write every outcome here")
    args = parser.parse_args(argv)
    files = [Path(f).resolve() for f in args.files] or sorted(
        p for folder in FOLDERS for p in (ROOT / folder).glob("*.py") if p.name != "__init__.py"
    )
    every = [m for f in files for m in mutants(f)]
    if args.at:
        every = [m for m in every if f"{m.path}:{m.line}" in args.at]
    if args.rerun:
        earlier = json.loads(args.rerun.read_text())
        again = {
            (o["mutant"]["path"], o["mutant"]["index"])
            for o in earlier
            if o["status"] == "survived"
        }
        every = [m for m in every if (m.path, m.index) in again]
    chosen = random.Random(args.seed).sample(every, args.sample) if args.sample else every
    chosen.sort(key=lambda m: (m.path, m.index))
    print(f"{len(chosen)} of {len(every)} mutants in {len(files)} modules", flush=True)
    if args.list:
        print("\n".join(f"{m.path}:{m.line}  {m.change}" for m in chosen))
        return 0
    outcomes = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still remove the copy
    with tempfile.TemporaryDirectory(prefix="rom-mutants-") as base:
        repo = sandbox(Path(base))
        check_sandbox(repo)
        for n, mutant in enumerate(chosen, 1):
            outcome = run_one(repo, mutant, args.timeout)
            outcomes.append(outcome)
            print(
                f"[{n}/{len(chosen)}] {outcome.status:8} {outcome.seconds:5.1f}s "
                f"{mutant.path}:{mutant.line} {mutant.change}  {outcome.failed}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=1))
    survivors = [o.mutant for o in outcomes if o.status == "survived"]
    killed = len(outcomes) - len(survivors)
    print(f"\n{killed} of {len(outcomes)} killed, {len(survivors)} survived")
    for m in survivors:
        print(f"| {m.path}:{m.line} | `{m.change}` |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
