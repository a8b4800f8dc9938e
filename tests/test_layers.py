"""The package's layers, as docs/architecture.md draws them, checked on the code itself.

Every ``rom_tracker`` import (also the ones inside functions) runs down the floors below or
stays in its own folder; there are no import cycles between modules; MediaPipe is imported
in one module and Qt only under ``ui/``; and the pure layers, imported in a fresh process,
pull in no OpenCV, MediaPipe or Qt.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import rom_tracker

PACKAGE = Path(rom_tracker.__file__).parent

#: Bottom floor first. A folder (or top-level module) may import its own floor's
#: members only when it is the same unit, and every floor below it.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("__init__", "types", "errors", "display"),
    ("kinematics", "media"),
    ("rom", "files", "pipeline"),
    ("analyze", "live", "monitor", "speech"),
    ("batch", "store", "evaluation"),
    ("annotate", "report"),
    ("ui",),
    ("cli",),
    ("__main__",),
)
FLOOR = {unit: i for i, units in enumerate(FLOORS) for unit in units}

#: Modules that the pure layers must not pull in.
HEAVY = ("cv2", "mediapipe", "PySide6", "shiboken6", "pyqtgraph")
PURE = ("types", "errors", "display", "kinematics", "rom", "files", "store", "speech")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit(module: str) -> str:
    """``rom_tracker.media.capture`` -> ``media``; ``rom_tracker`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


SOURCES = sorted(PACKAGE.rglob("*.py"))
MODULES = {module_name(p) for p in SOURCES}


def imports(path: Path) -> set[str]:
    """Every rom_tracker module that ``path`` imports, wherever the import stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "rom_tracker" or node.module.startswith("rom_tracker."):
                # ``from package import module`` imports the module, not the package's face
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("rom_tracker."))
    return found


def third_party(path: Path) -> set[str]:
    """Top-level names of every package ``path`` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
    return found


GRAPH = {module_name(p): imports(p) for p in SOURCES}


def test_every_unit_has_a_floor() -> None:
    units = {unit(m) for m in GRAPH}
    assert units <= set(FLOOR), f"units without a floor in FLOORS: {sorted(units - set(FLOOR))}"


def test_no_import_runs_up_or_sideways() -> None:
    bad = [
        f"{src} -> {dst}"
        for src, targets in GRAPH.items()
        for dst in targets
        if unit(src) != unit(dst) and FLOOR[unit(dst)] >= FLOOR[unit(src)]
    ]
    assert bad == [], "imports against the floors:\n" + "\n".join(sorted(bad))


def test_no_import_cycles() -> None:
    edges = {m: targets - {m} for m, targets in GRAPH.items()}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for target in sorted(edges.get(module, ())):
            cycle = visit(target, [*path, module])
            if cycle:
                return cycle
        done.add(module)
        return None

    cycles = [c for m in sorted(edges) if (c := visit(m, []))]
    assert cycles == [], " -> ".join(cycles[0])


def test_the_product_never_imports_the_evaluation() -> None:
    users = {
        src
        for src, targets in GRAPH.items()
        if unit(src) != "evaluation" and any(unit(t) == "evaluation" for t in targets)
    }
    assert users == set(), f"product modules importing rom_tracker.evaluation: {sorted(users)}"


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("mediapipe", {"rom_tracker.media.landmarks"}),
        ("PySide6", {"rom_tracker.ui"}),
        ("pyqtgraph", {"rom_tracker.ui"}),
    ],
)
def test_mediapipe_in_one_module_qt_only_under_ui(package: str, allowed: set[str]) -> None:
    users = {module_name(p) for p in SOURCES if package in third_party(p)}
    outside = {m for m in users if not any(m == a or m.startswith(f"{a}.") for a in allowed)}
    assert users, f"nothing imports {package}: the check would pass vacuously"
    assert outside == set(), f"{package} imported outside {sorted(allowed)}: {sorted(outside)}"


def test_pure_layers_import_no_cv2_mediapipe_or_qt() -> None:
    names: list[str] = []
    for pure in PURE:
        path = PACKAGE / pure
        if path.is_dir():
            names.append(f"rom_tracker.{pure}")
            names += [f"rom_tracker.{pure}.{m.name}" for m in pkgutil.iter_modules([str(path)])]
        else:
            assert (PACKAGE / f"{pure}.py").is_file(), f"pure layer {pure} is gone"
            names.append(f"rom_tracker.{pure}")
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
