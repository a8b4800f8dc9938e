"""``rom-tracker batch``: input expansion, then real models on short clips of the shared
videos with a bad input among them, locally and on a Dask LocalCluster (loopback)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rom_tracker.analyze import AnalyzeSettings
from rom_tracker.batch import (
    ModelRequest,
    VideoJob,
    expand_inputs,
    make_jobs,
    process_video,
    run_batch,
    run_dask,
)
from rom_tracker.cli import main
from rom_tracker.errors import UsageError

# ----------------------------------------------------------------------------- inputs


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_folders_recurse_keep_subfolders_and_globs_match(tmp_path: Path) -> None:
    root = tmp_path / "in"
    a = touch(root / "s1" / "trial.mp4")
    b = touch(root / "s2" / "trial.MOV")
    touch(root / "s2" / "notes.txt")
    c = touch(tmp_path / "loose" / "c.mp4")
    d = touch(tmp_path / "loose" / "d.mp4")
    out = tmp_path / "out"
    pairs = expand_inputs([str(root), str(tmp_path / "loose" / "*.mp4"), str(c)], out)
    assert pairs == [
        (a, out / "s1"),
        (b, out / "s2"),
        (c, out),
        (d, out),
    ]  # c named twice: once


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (["a/x.mp4", "b/x.mp4"], "would both write"),
        (["*.nothing"], "matches no file"),
        (["empty"], "holds no videos"),
    ],
    ids=["same-stem", "glob-no-match", "folder-without-videos"],
)
def test_input_errors_name_the_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, specs: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    touch(tmp_path / "a" / "x.mp4")
    touch(tmp_path / "b" / "x.mp4")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match=message):
        expand_inputs(specs, tmp_path / "out")


def test_missing_file_is_a_failed_input_not_a_crash(tmp_path: Path) -> None:
    job = VideoJob(
        str(tmp_path / "gone.mp4"),
        str(tmp_path / "out"),
        AnalyzeSettings(),
        ModelRequest(face=None, pose=None),
    )
    outcome = process_video(job)
    assert outcome.status == "failed" and outcome.exit_code == 3
    assert "gone.mp4" in outcome.detail and "\n" not in outcome.detail


# ----------------------------------------------------------------------------- real models


@pytest.fixture(scope="module")
def videos(
    shared_dir: Path, tmp_path_factory: pytest.TempPathFactory, first_frames: Callable[..., Path]
) -> Path:
    """in/face.mp4, in/sub/walk.mp4 (real clips) and in/bad.mp4 (not a video)."""
    root = tmp_path_factory.mktemp("batch-in")
    data = shared_dir / "data" / "videos"
    first_frames(data / "faces" / "d20.mp4", root / "face.mp4", 30)
    first_frames(data / "sports2d" / "running_side.mp4", root / "sub" / "walk.mp4", 47)
    (root / "bad.mp4").write_bytes(b"\x00not a video" * 100)
    return root


def statuses(summary) -> dict[str, str]:
    return {Path(o.input).name: o.status for o in summary.outcomes}


@pytest.mark.real
def test_local_pool_is_idempotent_resumable_and_survives_a_bad_input(
    videos: Path, tmp_path: Path, use_models: dict[str, str]
) -> None:
    out = tmp_path / "out"
    settings = AnalyzeSettings(what="all")
    jobs = make_jobs([str(videos)], out, settings, ModelRequest.for_settings(settings))
    first = run_batch(jobs, workers=2)
    for o in first.outcomes:
        print(o.status, o.input, o.detail, o.worker)
    assert statuses(first) == {"bad.mp4": "failed", "face.mp4": "done", "walk.mp4": "done"}
    assert first.exit_code == 3
    assert (out / "face.json").is_file() and (out / "sub" / "walk.json").is_file()
    assert len({o.worker for o in first.outcomes}) == 2, "expected both workers to take part"

    again = run_batch(jobs, workers=2)
    assert statuses(again) == {"bad.mp4": "failed", "face.mp4": "skipped", "walk.mp4": "skipped"}

    # An interrupted run (JSON not yet published) is finished by the next one.
    (out / "face.json").unlink()
    resumed = run_batch(jobs, workers=2)
    assert statuses(resumed)["face.mp4"] == "done"
    assert statuses(resumed)["walk.mp4"] == "skipped"

    # Other settings are other results: not skipped.
    hip = AnalyzeSettings(what="hip")
    redo = run_batch(
        make_jobs([str(videos / "face.mp4")], out, hip, ModelRequest.for_settings(hip))
    )
    assert statuses(redo) == {"face.mp4": "done"}
    assert json.loads((out / "face.json").read_text())["settings"]["what"] == "hip"


@pytest.mark.real
def test_cli_force_and_summary_table(
    videos: Path, tmp_path: Path, use_models: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["-q", "batch", str(videos / "face.mp4"), str(videos / "bad.mp4"), "--out", str(out)]
    assert main([*args, "--workers", "1"]) == 3
    assert main([*args, "--workers", "2"]) == 3
    table = capsys.readouterr().out
    print(table)
    assert "0 done, 1 skipped, 1 failed" in table
    assert "cannot decode" in table or "not a video" in table
    assert main([*args, "--force"]) == 3
    assert "1 done, 0 skipped, 1 failed" in capsys.readouterr().out


@pytest.mark.real
def test_dask_local_cluster_runs_the_same_jobs(
    videos: Path, tmp_path: Path, use_models: dict[str, str]
) -> None:
    import distributed  # in the test extra (rom-tracker[dask])

    out = tmp_path / "out"
    settings = AnalyzeSettings(what="all")
    request = ModelRequest.for_settings(settings, mirror=use_models["ROM_TRACKER_MODEL_MIRROR"])
    jobs = make_jobs([str(videos)], out, settings, request)
    with distributed.LocalCluster(
        processes=True,
        n_workers=2,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        summary = run_batch(jobs, scheduler=cluster.scheduler_address)
        for o in summary.outcomes:
            print(o.status, o.input, o.detail, o.worker)
        assert statuses(summary) == {"bad.mp4": "failed", "face.mp4": "done", "walk.mp4": "done"}
        again = run_batch(jobs, scheduler=cluster.scheduler_address)
        assert statuses(again)["face.mp4"] == "skipped"
    assert (out / "sub" / "walk.npz").is_file()


def test_unreachable_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    job = VideoJob("x.mp4", str(tmp_path), AnalyzeSettings(), ModelRequest(None, None))
    with pytest.raises(UsageError, match="Dask scheduler"):
        run_dask([job], "tcp://127.0.0.1:9", connect_timeout_s=2.0)


@pytest.mark.real
def test_measure_options_give_analyzes_numbers_and_are_part_of_the_skip_key(
    shared_dir: Path,
    tmp_path: Path,
    use_models: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    first_frames: Callable[..., Path],
) -> None:
    """batch --neutral first:1s (two real clips, two worker processes) writes the same CSV
    as analyze --neutral first:1s; a rerun with another --neutral, --camera or --no-filter
    redoes the inputs, a rerun with the same options skips them."""
    data = shared_dir / "data" / "videos" / "faces"
    clips = [
        str(first_frames(data / "d20.mp4", tmp_path / "in" / "d20.mp4", 60)),
        str(first_frames(data / "d12.mp4", tmp_path / "in" / "d12.mp4", 60)),
    ]
    neutral = ["--neutral", "first:1s"]
    assert main(["-q", "analyze", *clips, *neutral, "--out", str(tmp_path / "a")]) == 0
    batch = ["-q", "batch", *clips, "--workers", "2", "--out", str(tmp_path / "b")]
    assert main([*batch, *neutral]) == 0
    assert "2 done, 0 skipped" in capsys.readouterr().out
    for name in ("d20.csv", "d12.csv"):
        by_analyze = (tmp_path / "a" / name).read_text()
        assert (tmp_path / "b" / name).read_text() == by_analyze, name
    summary = json.loads((tmp_path / "b" / "d20.json").read_text())
    assert summary["settings"]["neutral"] == "first:1s"
    assert summary["head"]["neutral_frames"] > 0
    before = (tmp_path / "b" / "d20.csv").read_text()

    for options, done in [
        (neutral, "0 done, 2 skipped"),
        (["--neutral", "still"], "2 done, 0 skipped"),
        (["--neutral", "still"], "0 done, 2 skipped"),
        (["--neutral", "still", "--camera", "none"], "2 done, 0 skipped"),
        (["--neutral", "still", "--camera", "none", "--no-filter"], "2 done, 0 skipped"),
    ]:
        assert main([*batch, *options]) == 0
        table = capsys.readouterr().out
        print(options, table.splitlines()[-1])
        assert done in table, (options, table)
    after = (tmp_path / "b" / "d20.csv").read_text()

    def columns(csv: str) -> str:
        return next(line for line in csv.splitlines() if not line.startswith("#"))

    assert "head_yaw_deg_filt" in columns(before)
    assert "head_yaw_deg" in columns(after) and "_filt" not in columns(after)


@pytest.mark.real
def test_an_edited_calibration_file_redoes_the_input(
    shared_dir: Path,
    tmp_path: Path,
    use_models: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    first_frames: Callable[..., Path],
) -> None:
    """The skip key holds the --camera file's contents (SHA-256 of its bytes), not only its
    path: a rerun with the file unchanged skips the input, with the file edited redoes it.
    The JSON records the path and the hash."""
    video = first_frames(shared_dir / "data/videos/faces/d20.mp4", tmp_path / "d20.mp4", 20)
    cam = tmp_path / "cam.toml"
    batch = ["-q", "batch", str(video), "--camera", str(cam), "--out", str(tmp_path / "out")]
    for hfov, done in [
        (65, "1 done, 0 skipped"),
        (65, "0 done, 1 skipped"),
        (75, "1 done, 0 skipped"),  # the same path, other contents
        (75, "0 done, 1 skipped"),
    ]:
        cam.write_text(f"[camera]\nwidth = 1280\nheight = 720\nhfov_deg = {hfov}\n")
        assert main(batch) == 0
        table = capsys.readouterr().out
        print(hfov, table.splitlines()[-1])
        assert done in table, (hfov, table)
    summary = json.loads((tmp_path / "out" / "d20.json").read_text())
    assert summary["settings"]["camera"] == str(cam)
    assert summary["settings"]["camera_sha256"] == hashlib.sha256(cam.read_bytes()).hexdigest()
    assert summary["head"]["camera"]["hfov_deg"] == pytest.approx(75)


# ----------------------------------------------------------------------------- a real cluster


def _scheduler_address(info: Path, proc: subprocess.Popen[bytes], timeout_s: float) -> str:
    """The address ``dask scheduler --scheduler-file info`` wrote, once it has."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"dask scheduler exited with {proc.returncode}")
        with contextlib.suppress(FileNotFoundError, json.JSONDecodeError, KeyError):
            return str(json.loads(info.read_text())["address"])
        time.sleep(0.2)
    raise AssertionError(f"dask scheduler wrote no {info} in {timeout_s:g} s")


@pytest.fixture
def dask_cluster(tmp_path: Path, model_env: dict[str, str]) -> Iterator[str]:
    """A ``dask scheduler`` and a ``dask worker`` (one process, one thread) started as a
    user starts them, on the loopback interface, the worker with the models; yields the
    scheduler's ``tcp://127.0.0.1:PORT``."""
    import distributed  # in the test extra (rom-tracker[dask])

    dask = str(Path(sys.executable).with_name("dask"))
    info = tmp_path / "scheduler.json"
    env = {**os.environ, **model_env}
    log = (tmp_path / "dask.log").open("wb")

    def start(*args: str) -> subprocess.Popen[bytes]:
        loopback = ["--host", "127.0.0.1", "--no-dashboard"]
        cmd = [dask, *args, *loopback]
        return subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)

    procs = [start("scheduler", "--port", "0", "--scheduler-file", str(info))]
    try:
        address = _scheduler_address(info, procs[0], 60.0)
        procs.append(start("worker", address, "--nworkers", "1", "--nthreads", "1"))
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(1, timeout=120)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
        print((tmp_path / "dask.log").read_text(errors="replace")[-3000:])


@pytest.mark.real
@pytest.mark.slow
def test_cli_batch_on_a_dask_scheduler_and_worker(
    videos: Path, tmp_path: Path, model_env: dict[str, str], dask_cluster: str
) -> None:
    """``rom-tracker batch --scheduler tcp://...`` from the shell: the worker does the two
    videos and reports the bad one; a second run skips what is done."""
    import distributed

    assert dask_cluster.startswith("tcp://127.0.0.1:")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "rom_tracker", "-q", "batch", str(videos), "--out", str(out)]
    env = {**os.environ, **model_env}
    done = subprocess.run(
        [*cmd, "--scheduler", dask_cluster], capture_output=True, text=True, env=env, check=False
    )
    print(done.stdout, done.stderr[-2000:])
    assert done.returncode == 3, done.stderr[-2000:]  # bad.mp4 failed, the others done
    assert "2 done, 0 skipped, 1 failed" in done.stdout
    assert (out / "face.json").is_file() and (out / "sub" / "walk.json").is_file()
    with distributed.Client(dask_cluster, timeout="30s") as client:
        prefixes = client.run_on_scheduler(
            lambda dask_scheduler: list(dask_scheduler.task_prefixes)
        )
    assert "process_video" in prefixes  # the jobs went through this scheduler
    again = subprocess.run(
        [*cmd, "--scheduler", dask_cluster], capture_output=True, text=True, env=env, check=False
    )
    assert again.returncode == 3 and "0 done, 2 skipped, 1 failed" in again.stdout, again.stdout
