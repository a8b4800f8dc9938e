"""``rom-tracker models list | fetch [NAME ...] | verify [NAME] | import PATH``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rom_tracker.errors import ModelError
from rom_tracker.media import models

# What ``fetch`` gets without names: the bundles the default settings use.
DEFAULT_FETCH = ("face_landmarker", "pose_landmarker_lite")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "models",
        help="list, fetch, verify or import the MediaPipe model files",
        description=(
            "Model files are looked up in the cache "
            f"(${models.CACHE_ENV}, default {models.default_cache_dir()}), then a mirror "
            f"(--mirror or ${models.MIRROR_ENV}: a folder or http(s) URL), then Google's "
            "official URL; every file is checked against its SHA-256."
        ),
    )
    mirror = argparse.ArgumentParser(add_help=False)
    mirror.add_argument(
        "--mirror",
        metavar="DIR|URL",
        help=f"folder or http(s) URL holding the model files (overrides ${models.MIRROR_ENV})",
    )
    sub = parser.add_subparsers(dest="models_action", metavar="ACTION", required=True)
    sub.add_parser("list", parents=[mirror], help="known models and whether they are cached")
    fetch = sub.add_parser("fetch", parents=[mirror], help="put models into the cache")
    fetch.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"{', '.join(models.MODELS)} or all (default: {' '.join(DEFAULT_FETCH)})",
    )
    verify = sub.add_parser("verify", help="hash the cached files again")
    verify.add_argument("name", nargs="?", choices=list(models.MODELS), metavar="NAME")
    imp = sub.add_parser("import", help="copy an official .task file into the cache")
    imp.add_argument("path", type=Path, metavar="PATH")
    parser.set_defaults(func=run)


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def _status_table(statuses: Sequence[models.ModelStatus]) -> str:
    rows = [("NAME", "SIZE", "SHA-256", "STATE", "PATH")]
    for st in statuses:
        state = st.state if st.state != "bad" else f"bad: {st.detail}"
        rows.append(
            (
                st.spec.name,
                f"{st.spec.size / 1e6:.1f} MB",
                st.spec.sha256[:12],
                "cached" if st.state == "ok" else state,
                str(st.path) if st.state != "missing" else "-",
            )
        )
    return _table(rows)


def run(args: argparse.Namespace) -> int:
    action = args.models_action
    mirror = getattr(args, "mirror", None)
    if action == "list":
        print(_status_table(models.list_models()))
        print(f"\ncache:  {models.default_cache_dir()}")
        print(f"mirror: {mirror or os.environ.get(models.MIRROR_ENV) or '(none)'}")
        return 0
    if action == "fetch":
        names = args.names or list(DEFAULT_FETCH)
        if "all" in names:
            names = list(models.MODELS)
        for name in names:
            models.spec_for(name)  # unknown name: UsageError, before fetching anything
        progress = not getattr(args, "quiet", False)
        failed = 0
        for name in dict.fromkeys(names):
            try:
                path = models.resolve(name, mirror=mirror, progress=progress)
            except ModelError as exc:
                failed += 1
                print(f"rom-tracker: error: {exc}", file=sys.stderr)
                continue
            print(f"{name}  ok  {path}")
        return ModelError.exit_code if failed else 0
    if action == "verify":
        statuses = models.verify(args.name)
        print(_status_table(statuses))
        problems = [s for s in statuses if s.state == "bad"]
        if args.name and statuses[0].state == "missing":
            problems = statuses
        if problems:
            said = ", ".join(f"{s.spec.name} is {s.state}" for s in problems)
            names = " ".join(s.spec.name for s in problems)
            print(
                f"rom-tracker: error: {said} - run `rom-tracker models fetch {names}`",
                file=sys.stderr,
            )
            return ModelError.exit_code
        return 0
    name, path = models.import_model(args.path)
    print(f"imported {args.path} as {name}: {path}")
    return 0
