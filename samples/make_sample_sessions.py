"""Make samples/sample_sessions.json: a demo profile whose neck ranges grow over four weeks,
measured by the real pipeline on rendered protocol videos.

For each week: make_protocol_video.py renders the astronaut performing the guided neck
Micro Pause with that week's ranges (effortless:active degrees from her centre) into a
temporary folder; ``rom-tracker record --protocol neck_micro_pause --mode guided
--started-at WEEK`` measures it into a temporary database under the profile "demo"
(check_protocol_video.py prints measured beside rendered); finally ``rom-tracker export
--profile demo --format json`` writes the sample. Only the rendered *input* is made up:
every stored value is what the pipeline measured. Renders are BIASED (the face landmarker
reads about 0.8 of a rendered turn, see samples/README.md): the values show the progress
charts and comparisons working, not true angles.

Neck rotation is rendered --patient (make_protocol_video.py): its effortless pose is held
until the step's timeout, because the runner sometimes finds no hold there (the pose
model's trunk yaw still jitters after the live stabiliser, see samples/README.md); a
missed hold then leaves that one value empty, as it would in a real session, instead of
putting the later steps out of step. Stops without writing the sample when a recording
does not reach the end of the protocol; lists the steps without a value. Takes about 3
minutes per week on 2 cores.

    .venv/bin/python samples/make_sample_sessions.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import make_protocol_video
from check_protocol_video import ROOT, check, rom_tracker

PROFILE = "demo"
#: (session start, {range option: (effortless, active)} degrees from centre). Rotation
#: stays within 40 deg: this render loses the face beyond about 45 deg to her right.
WEEKS = (
    (
        "2026-10-05T08:30:00Z",
        {"rotation": (22, 32), "flexion": (14, 22), "extension": (10, 17), "lateral": (10, 17)},
    ),
    (
        "2026-10-12T08:40:00Z",
        {"rotation": (25, 35), "flexion": (16, 25), "extension": (12, 19), "lateral": (12, 20)},
    ),
    (
        "2026-10-19T08:35:00Z",
        {"rotation": (28, 38), "flexion": (18, 27), "extension": (13, 21), "lateral": (13, 22)},
    ),
    (
        "2026-10-26T08:30:00Z",
        {"rotation": (31, 40), "flexion": (20, 30), "extension": (15, 23), "lateral": (15, 25)},
    ),
)
NOTES = (
    "Sample profile made by samples/make_sample_sessions.py: the real pipeline measuring "
    "rendered videos of a photo-textured head (skimage astronaut, public domain) performing "
    "the guided neck Micro Pause with growing ranges. Renders are biased: see samples/README.md."
)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "samples" / "sample_sessions.json")
    p.add_argument("--protocol", default="neck_micro_pause")
    p.add_argument("--work", type=Path, help="keep videos and database here (default: temp)")
    p.add_argument("--face-model", type=Path, default=None)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        db = work / "demo.sqlite3"
        if db.exists():
            sys.exit(f"{db} exists: give an empty --work folder")
        sys.path.insert(0, str(ROOT))
        from rom_tracker.store import Store

        with Store.open(db) as store:
            store.add_profile(PROFILE, NOTES, created_at=WEEKS[0][0])
        failed, missing = [], []
        for week, (started_at, ranges) in enumerate(WEEKS, start=1):
            video = work / f"week{week}.mp4"
            options = [f"--{name}={e}:{a}" for name, (e, a) in ranges.items()]
            options += ["--face-model", str(args.face_model)] if args.face_model else []
            render = ["--protocol", args.protocol, "--out", str(video), *options]
            make_protocol_video.main([*render, "--patient", "neck_rotation"])
            rendered = " ".join(o[2:] for o in options if o.startswith("--") and ":" in o)
            notes = f"week {week}: rendered {rendered} (effortless:active, deg)"
            done = check(video, db, PROFILE, started_at=started_at, notes=notes)
            if not done.reached_end:
                failed.append(week)
            missing += [f"week {week} {r.movement} {r.side} {r.mode}" for r in done.missing]
        if failed:
            sys.exit(f"weeks {failed} did not reach the end of the protocol: no {args.out}")
        if missing:
            print(f"no value (stored empty): {'; '.join(missing)}")
        export = ["export", "--profile", PROFILE, "--format", "json", "--out", str(args.out)]
        rom_tracker(*export, "--db", str(db))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
