"""Replay speed: ``analyze`` vs a minimal raw MediaPipe loop over the same 640x480 video.

Rows (each a median of ``--runs`` alternating runs, all in this one process run):

* head+hip: ``analyze_source(what="all")`` (decode, face + pose, angles, CSV/NPZ/JSON
  written) vs the raw loop: OpenCV decode + ``detect_for_video`` of face and pose in two
  threads, results discarded.
* pose only: ``analyze`` with the face model off vs the raw pose-only loop.

Both sides create their landmarkers inside the timed region (analyze has to), with the same
options. Target: ratio (analyze fps / raw fps) >= 0.9. "CPU ratio" is raw CPU seconds per
frame / analyze CPU seconds per frame (all threads of this process, medians): how much
work analyze adds, less disturbed than wall time when other work shares the machine.

    .venv/bin/python bench/replay_speed.py [--runs 5] [--video PATH]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run


def raw_loop(video: Path, face_path: Path | None, pose_path: Path | None) -> int:
    """Decode + both models in two threads, as a minimal MediaPipe app would. Frames read."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import vision

    mode = vision.RunningMode.VIDEO
    face = pose = None
    if face_path is not None:
        face = vision.FaceLandmarker.create_from_options(
            vision.FaceLandmarkerOptions(
                base_options=mp.tasks.BaseOptions(model_asset_path=str(face_path)),
                running_mode=mode,
                num_faces=1,
                output_facial_transformation_matrixes=True,
            )
        )
    if pose_path is not None:
        pose = vision.PoseLandmarker.create_from_options(
            vision.PoseLandmarkerOptions(
                base_options=mp.tasks.BaseOptions(model_asset_path=str(pose_path)),
                running_mode=mode,
                num_poses=1,
            )
        )
    cap = cv2.VideoCapture(str(video))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    n = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            image = mp.Image(
                image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            )
            t_ms = round(n * 1000.0 / fps)
            job = pool.submit(face.detect_for_video, image, t_ms) if face else None
            if pose is not None:
                pose.detect_for_video(image, t_ms)
            if job is not None:
                job.result()
            n += 1
    cap.release()
    for task in (face, pose):
        if task is not None:
            task.close()
    return n


def analyze_once(video: Path, face_path: Path | None, pose_path: Path, what: str) -> int:
    from rom_tracker.analyze import AnalyzeSettings, analyze_source
    from rom_tracker.media.capture import open_source
    from rom_tracker.pipeline import ModelPaths

    with tempfile.TemporaryDirectory() as out:
        result = analyze_source(
            open_source(video),
            Path(out),
            ModelPaths(face=face_path, pose=pose_path),
            AnalyzeSettings(what=what),  # type: ignore[arg-type]
        )
    return result.frames


def compare(label: str, raw, ours, runs: int) -> tuple[str, ...]:
    raw_fps: list[float] = []
    our_fps: list[float] = []
    raw_cpu: list[float] = []
    our_cpu: list[float] = []
    for _ in range(runs):  # alternate, so slow spells of a shared machine hit both sides
        for fn, fps, cpu in ((raw, raw_fps, raw_cpu), (ours, our_fps, our_cpu)):
            cpu0, start = time.process_time(), time.perf_counter()
            frames = fn()
            fps.append(frames / (time.perf_counter() - start))
            cpu.append((time.process_time() - cpu0) / frames)
    ratios = [o / r for o, r in zip(our_fps, raw_fps, strict=True)]
    r_med, o_med = statistics.median(raw_fps), statistics.median(our_fps)
    ratio = o_med / r_med
    cpu_ratio = statistics.median(raw_cpu) / statistics.median(our_cpu)
    return (
        label,
        f"{r_med:.1f}",
        f"{o_med:.1f}",
        f"{ratio:.3f}",
        f"{min(ratios):.2f}-{max(ratios):.2f}",
        f"{cpu_ratio:.3f}",
        "yes" if ratio >= 0.9 else "NO",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--video", type=Path, default=None)
    args = parser.parse_args()

    from rom_tracker.media.models import resolve
    from rom_tracker.media.nativelog import divert_native_stderr

    divert_native_stderr()
    video = args.video or _common.face_video_640x480()
    face = resolve("face_landmarker")
    pose = resolve("pose_landmarker_lite")
    raw_loop(video, face, pose)  # warm-up: page cache, first-load costs
    rows = [
        compare(
            "head+hip: analyze vs raw face+pose (2 threads)",
            lambda: raw_loop(video, face, pose),
            lambda: analyze_once(video, face, pose, "all"),
            args.runs,
        ),
        compare(
            "pose only: analyze --what hip vs raw pose loop",
            lambda: raw_loop(video, None, pose),
            lambda: analyze_once(video, None, pose, "hip"),
            args.runs,
        ),
    ]
    print(_common.machine())
    print(f"video: {video} ({args.runs} runs each, medians)")
    header = (
        "comparison",
        "raw fps",
        "analyze fps",
        "ratio",
        "per-run ratios",
        "CPU ratio",
        ">= 0.9",
    )
    print(_common.table(rows, header))


if __name__ == "__main__":
    main()
