"""annotate vs analyze on the same 12 s 640x480 video (target: annotate at >= 0.8 of
analyze's speed, issue 13).

The video: the shared face video d13 as a 640x480 webcam-style clip (11.7 s, 352 frames,
``_common.face_video_640x480``). Both with ``--what all`` and the pose lite model; annotate
with and without --blur-faces. The runs alternate (analyze, annotate, annotate --blur-faces)
so a busy spell of a shared machine hits each; figures are medians of ``--runs`` runs.
"Speed ratio" = analyze's wall time / annotate's; "CPU ratio" = the same with the process's
CPU time (user + system, all threads), which a loaded machine disturbs less.

    ROM_TRACKER_MODEL_MIRROR=../shared/models .venv/bin/python bench/annotate_speed.py [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run

from rom_tracker.analyze import AnalyzeSettings, analyze_source
from rom_tracker.annotate import AnnotateSettings, annotate_video
from rom_tracker.media.capture import open_source
from rom_tracker.media.models import resolve
from rom_tracker.media.nativelog import divert_native_stderr
from rom_tracker.pipeline import ModelPaths


def cpu_s() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    divert_native_stderr()
    video = _common.face_video_640x480()
    models = ModelPaths(
        face=resolve("face_landmarker", progress=False),
        pose=resolve("pose_landmarker_lite", progress=False),
    )
    names = ("analyze", "annotate", "annotate --blur-faces")
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        jobs = {
            "analyze": lambda: analyze_source(
                open_source(video), out, models, AnalyzeSettings(what="all")
            ),
            "annotate": lambda: annotate_video(
                open_source(video), out / "a.mp4", models, AnnotateSettings(what="all")
            ),
            "annotate --blur-faces": lambda: annotate_video(
                open_source(video),
                out / "b.mp4",
                models,
                AnnotateSettings(what="all", blur_faces=True),
            ),
        }
        jobs["analyze"]()  # warm-up: caches, first model load
        for _ in range(args.runs):
            for name, job in jobs.items():
                c0 = cpu_s()
                times[name].append(_common.timed(job))
                cpu[name].append(cpu_s() - c0)
    print(_common.machine())
    print(f"input: {video.name}, 640x480, 352 frames (11.7 s); {args.runs} runs, medians\n")
    base = statistics.median(times["analyze"])
    base_cpu = statistics.median(cpu["analyze"])
    rows = []
    for name, values in times.items():
        med, med_cpu = statistics.median(values), statistics.median(cpu[name])
        rows.append(
            (
                name,
                f"{med:.2f}",
                f"{352 / med:.1f}",
                f"{base / med:.2f}",
                f"{med_cpu:.2f}",
                f"{base_cpu / med_cpu:.2f}",
                " ".join(f"{v:.2f}" for v in values),
            )
        )
    header = ("command", "median s", "frames/s", "speed ratio", "CPU s", "CPU ratio", "runs s")
    print(_common.table(rows, header))


if __name__ == "__main__":
    main()
