"""Batch replay: many videos -> ``analyze`` outputs, on local processes or a Dask cluster.

One function, :func:`process_video`, does one input from start to finish (models resolved
once per worker process, skip check, analysis, atomic outputs) and never raises: it returns
a :class:`VideoOutcome` (done / skipped / failed with a one-line reason). The same function
runs in a local ``spawn`` process pool (:func:`run_local`) or on a Dask distributed cluster
(:func:`run_dask`), so both paths behave alike.

Idempotent and resumable: an input whose three outputs exist and whose JSON records the same
settings (all of :class:`AnalyzeSettings`: what, pose model, confidence, neutral, camera,
filtering; for a calibration file, its path and the SHA-256 of its contents) and model
hashes is skipped (unless ``force``). Outputs are published atomically,
JSON last, so an interrupted run leaves each input either complete or absent; running the
same command again finishes the rest.

Output layout: a file named on the command line (or matched by a glob) writes
``OUT/<stem>.*``; the videos found under a folder argument keep their path relative to that
folder (``OUT/<sub/dirs>/<stem>.*``), so same-named videos in different subfolders do not
collide.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rom_tracker.analyze import AnalyzeSettings
from rom_tracker.errors import InputError, RomTrackerError, UsageError
from rom_tracker.pipeline import ModelPaths, needs_face, needs_pose

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg"})
OUTPUT_SUFFIXES = (".csv", ".npz", ".json")

Status = Literal["done", "skipped", "failed"]


@dataclass(frozen=True)
class ModelRequest:
    """Which models a worker resolves (from its own cache, mirror or download)."""

    face: str | None  # registry name, e.g. "face_landmarker"; None: not needed
    pose: str | None  # e.g. "pose_landmarker_lite"
    face_path: str | None = None  # explicit files, verified by hash on the worker
    pose_path: str | None = None
    mirror: str | None = None

    @classmethod
    def for_settings(
        cls,
        settings: AnalyzeSettings,
        *,
        face_path: Path | None = None,
        pose_path: Path | None = None,
        mirror: str | None = None,
    ) -> ModelRequest:
        return cls(
            face="face_landmarker" if needs_face(settings.what) else None,
            pose=f"pose_landmarker_{settings.pose_model}" if needs_pose(settings.what) else None,
            face_path=str(face_path) if face_path else None,
            pose_path=str(pose_path) if pose_path else None,
            mirror=mirror,
        )


@dataclass(frozen=True)
class VideoJob:
    """One input and where its outputs go. Plain data: pickled to workers."""

    input: str
    out_dir: str
    settings: AnalyzeSettings
    models: ModelRequest
    force: bool = False

    @property
    def outputs(self) -> tuple[Path, ...]:
        stem = Path(self.out_dir) / Path(self.input).stem
        return tuple(stem.parent / f"{stem.name}{s}" for s in OUTPUT_SUFFIXES)


@dataclass(frozen=True)
class VideoOutcome:
    """What happened to one input. ``detail``: frames seen, why skipped, or the error."""

    input: str
    status: Status
    detail: str
    seconds: float = 0.0
    frames: int = 0
    exit_code: int = 0
    worker: str = field(default="", compare=False)


@dataclass(frozen=True)
class BatchSummary:
    outcomes: tuple[VideoOutcome, ...]
    seconds: float

    def count(self, status: Status) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        """0 if nothing failed, else the first failure's exit code (1 if it had none)."""
        failed = [o for o in self.outcomes if o.status == "failed"]
        return (failed[0].exit_code or 1) if failed else 0


# --------------------------------------------------------------------------- inputs


def _is_glob(spec: str) -> bool:
    return any(c in spec for c in "*?[")


def _glob(pattern: Path) -> list[Path]:
    """Files matching ``pattern`` (``*``, ``?``, ``[...]``, ``**``), sorted."""
    root = Path(pattern.anchor) if pattern.is_absolute() else Path()
    return sorted(p for p in root.glob(str(pattern.relative_to(root))) if p.is_file())


def expand_inputs(specs: Sequence[str], out_dir: Path) -> list[tuple[Path, Path]]:
    """``(input file, its output folder)`` for files, folders (videos found recursively,
    sorted) and globs. Raises UsageError for a spec matching nothing, or when two inputs
    would write the same outputs."""
    pairs: list[tuple[Path, Path]] = []
    for spec in specs:
        path = Path(spec).expanduser()
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES
            )
            if not found:
                raise UsageError(
                    f"folder {path} holds no videos",
                    f"batch looks for {', '.join(sorted(VIDEO_SUFFIXES))} files",
                )
            pairs += [(p, out_dir / p.parent.relative_to(path)) for p in found]
        elif path.exists() or not _is_glob(spec):
            pairs.append((path, out_dir))  # a missing file fails as that input, not the batch
        else:
            matched = _glob(path)
            if not matched:
                raise UsageError(f"{spec!r} matches no file", "check the pattern and quote it")
            pairs += [(p, out_dir) for p in matched]
    seen: dict[Path, Path] = {}
    unique: list[tuple[Path, Path]] = []
    for src, dest in pairs:
        key = dest / src.stem
        if key in seen:
            if seen[key].resolve() == src.resolve():
                continue  # the same file named twice
            raise UsageError(
                f"{seen[key]} and {src} would both write {key}.csv",
                "put them in different folders and pass the folders, or rename one",
            )
        seen[key] = src
        unique.append((src, dest))
    return unique


def make_jobs(
    specs: Sequence[str],
    out_dir: Path,
    settings: AnalyzeSettings,
    models: ModelRequest,
    *,
    force: bool = False,
) -> list[VideoJob]:
    return [
        VideoJob(str(src), str(dest), settings, models, force)
        for src, dest in expand_inputs(specs, out_dir)
    ]


# --------------------------------------------------------------------------- worker side

_resolved: dict[ModelRequest, ModelPaths] = {}


def worker_models(request: ModelRequest) -> ModelPaths:
    """Resolve (and verify) the models once per worker process."""
    paths = _resolved.get(request)
    if paths is None:
        from rom_tracker.media.models import resolve

        def one(name: str | None, explicit: str | None) -> Path | None:
            if name is None:
                return None
            return resolve(name, Path(explicit) if explicit else None, mirror=request.mirror)

        paths = ModelPaths(
            face=one(request.face, request.face_path), pose=one(request.pose, request.pose_path)
        )
        _resolved[request] = paths
    return paths


def _model_hashes(models: ModelPaths) -> dict[str, str]:
    from rom_tracker.media.models import model_info

    return {
        role: model_info(path)["sha256"]
        for role, path in (("face", models.face), ("pose", models.pose))
        if path is not None
    }


def is_done(job: VideoJob, hashes: dict[str, str]) -> bool:
    """The three outputs exist and the JSON records these settings (with the SHA-256 of
    the calibration file as it is now) and model hashes. A calibration file that cannot be
    read raises its error."""
    if not all(p.is_file() for p in job.outputs):
        return False
    try:
        summary = json.loads(job.outputs[2].read_text())
    except (OSError, ValueError):
        return False
    recorded = summary.get("models") or {}
    return (
        summary.get("settings") == job.settings.recorded()
        and {role: (info or {}).get("sha256") for role, info in recorded.items()} == hashes
    )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, RomTrackerError) else f"{type(exc).__name__}: {text}"


def process_video(job: VideoJob) -> VideoOutcome:
    """Analyse one input unless already done. Never raises (outcome ``failed`` instead)."""
    from rom_tracker.analyze import analyze_source
    from rom_tracker.media.capture import open_source

    start = time.perf_counter()
    worker = f"{os.uname().nodename}:{os.getpid()}"
    try:
        models = worker_models(job.models)
        if not job.force and is_done(job, _model_hashes(models)):
            return VideoOutcome(job.input, "skipped", "outputs up to date", worker=worker)
        source = open_source(job.input)
        if source.info.kind not in ("video", "image", "folder"):
            raise InputError(f"{job.input} is not a file", "batch takes files, folders, globs")
        result = analyze_source(source, Path(job.out_dir), models, job.settings)
    except Exception as exc:  # one failing input never stops the batch
        code = exc.exit_code if isinstance(exc, RomTrackerError) else 1
        log.debug("%s failed", job.input, exc_info=True)
        return VideoOutcome(
            job.input,
            "failed",
            _one_line(exc),
            time.perf_counter() - start,
            exit_code=code,
            worker=worker,
        )
    detail = f"{result.frames} frames, face {result.face_frames}, pose {result.pose_frames}"
    return VideoOutcome(
        job.input, "done", detail, time.perf_counter() - start, result.frames, worker=worker
    )


def _init_worker() -> None:
    """Process-pool initialiser: MediaPipe's native log lines off the terminal."""
    from rom_tracker.media.nativelog import divert_native_stderr

    divert_native_stderr()


# --------------------------------------------------------------------------- runners

OnOutcome = Callable[[VideoOutcome], None]


def run_serial(jobs: Sequence[VideoJob], on_outcome: OnOutcome | None = None) -> BatchSummary:
    """In this process, one after another (``--workers 1``)."""
    start = time.perf_counter()
    outcomes = []
    for job in jobs:
        outcome = process_video(job)
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return BatchSummary(_in_order(jobs, outcomes), time.perf_counter() - start)


def run_local(
    jobs: Sequence[VideoJob], workers: int, on_outcome: OnOutcome | None = None
) -> BatchSummary:
    """A ``spawn`` process pool of ``workers`` processes.

    A worker process that dies (a crash in native code) breaks the pool and every input
    still in it. Those inputs are then run again, each in a process of its own (still
    ``workers`` at a time), so only the one that crashes is reported failed.
    """
    start = time.perf_counter()
    outcomes: list[VideoOutcome] = []
    suspects: list[VideoJob] = []

    def report(outcome: VideoOutcome) -> None:
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker) as pool:
        futures: dict[Future[VideoOutcome], VideoJob] = {
            pool.submit(process_video, job): job for job in jobs
        }
        for future in as_completed(futures):
            try:
                report(future.result())
            except BrokenProcessPool:
                suspects.append(futures[future])
    if suspects:
        log.warning("a worker process died; running %d inputs one per process", len(suspects))
        with ThreadPoolExecutor(workers) as threads:
            for outcome in threads.map(_isolated, suspects):
                report(outcome)
    return BatchSummary(_in_order(jobs, outcomes), time.perf_counter() - start)


def _isolated(job: VideoJob) -> VideoOutcome:
    """``process_video`` in a fresh process of its own; a crash fails only this input."""
    ctx = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(1, mp_context=ctx, initializer=_init_worker) as pool:
            return pool.submit(process_video, job).result()
    except BrokenProcessPool:
        return VideoOutcome(
            job.input, "failed", "worker process died (crash in native code?)", exit_code=1
        )


def run_dask(
    jobs: Sequence[VideoJob],
    scheduler: Any,
    on_outcome: OnOutcome | None = None,
    *,
    connect_timeout_s: float = 30.0,
) -> BatchSummary:
    """The same per-video function on a Dask distributed cluster.

    scheduler: ``tcp://HOST:PORT`` (or a ``distributed`` cluster object). Workers need
    rom-tracker installed and the models reachable (their cache, ``$ROM_TRACKER_MODEL_MIRROR``
    or a mirror passed with the job); the output folder must be visible to them.
    """
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError as exc:
        raise UsageError(
            "--scheduler needs Dask distributed, which is not installed",
            "pip install 'rom-tracker[dask]'",
        ) from exc
    start = time.perf_counter()
    outcomes: list[VideoOutcome] = []
    try:
        client = Client(scheduler, timeout=f"{connect_timeout_s}s")
    except OSError as exc:
        raise UsageError(
            f"cannot reach the Dask scheduler {scheduler}: {exc}",
            "check the address (tcp://HOST:PORT) and that the scheduler is running",
        ) from exc
    with client:
        futures = client.map(process_video, list(jobs), pure=False)
        by_key = {f.key: job for f, job in zip(futures, jobs, strict=True)}
        for future in dask_completed(futures):
            job = by_key[future.key]
            try:
                outcome = future.result()
            except Exception as exc:  # a worker lost mid-task, after dask's own retries
                outcome = VideoOutcome(job.input, "failed", _one_line(exc), exit_code=1)
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    return BatchSummary(_in_order(jobs, outcomes), time.perf_counter() - start)


def _in_order(
    jobs: Sequence[VideoJob], outcomes: Iterable[VideoOutcome]
) -> tuple[VideoOutcome, ...]:
    """Outcomes in the order of the inputs (they complete in any order)."""
    by_input = {o.input: o for o in outcomes}
    return tuple(by_input[j.input] for j in jobs if j.input in by_input)


def run_batch(
    jobs: Sequence[VideoJob],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    on_outcome: OnOutcome | None = None,
) -> BatchSummary:
    """Run ``jobs`` on a Dask cluster (``scheduler``), a local pool, or in this process."""
    if scheduler:
        return run_dask(jobs, scheduler, on_outcome)
    if workers <= 1 or len(jobs) <= 1:
        return run_serial(jobs, on_outcome)
    return run_local(jobs, min(workers, len(jobs)), on_outcome)


def summary_rows(summary: BatchSummary) -> Iterator[tuple[str, str, str, str]]:
    """``(status, input, seconds, detail)`` per input, for the summary table."""
    for o in summary.outcomes:
        yield o.status, o.input, f"{o.seconds:.1f}" if o.status == "done" else "", o.detail


def format_summary(summary: BatchSummary) -> str:
    """The table printed at the end: one row per input, then the totals."""
    rows = [("status", "input", "s", "detail"), *summary_rows(summary)]
    widths = [min(max(len(r[i]) for r in rows), 60) for i in range(3)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3]
        for r in rows
    ]
    lines.append(
        f"{summary.count('done')} done, {summary.count('skipped')} skipped, "
        f"{summary.count('failed')} failed in {summary.seconds:.1f} s"
    )
    return "\n".join(lines)


__all__ = [
    "BatchSummary",
    "ModelRequest",
    "VideoJob",
    "VideoOutcome",
    "expand_inputs",
    "format_summary",
    "is_done",
    "make_jobs",
    "process_video",
    "run_batch",
    "run_dask",
    "run_local",
    "run_serial",
]
