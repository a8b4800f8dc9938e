"""The end of the neck's range on real people: Pointing'04 series made into turn videos.

Each Pointing'04 series is one person turning the head with the body still, photographed at
every pan from -90 to +90 (tilt 0). :func:`turn_videos` strings a series' photos into a
video of one neck-rotation trial, as a person at a webcam would do it, at 15 fps:

* **front** (camera straight ahead): hold the neutral (pan 0) for :data:`NEUTRAL_S`, turn
  through every 15 degrees to pan 90 on the measured side (:data:`STEP_S` per photo), hold
  the end for :data:`END_S`, and come back to the neutral.
* **side** (the side set-up: the camera stands 45 degrees toward the measured side): the
  neutral is pan 45 *away* from the camera side, the turn goes through pan 0 to pan 45 on
  the measured side (a nominal 90-degree turn), holds, and comes back.

Side ``left`` is the subject's own left, our yaw > 0; Pointing'04's pan > 0 is the subject's
own right, so our yaw is ``-pan`` (``../shared/data/README.md``). The nominal turn is not
the head's turn: the subjects looked at marks, and the eyes did part of each turn (about
10 degrees at a nominal 30; photos at a nominal 90 show about 75-85 degrees of head turn).

Used by ``bench/end_of_range.py`` (the "end of range" section of ``docs/accuracy.md``) and
its tests. Writes the videos with OpenCV (MPEG-4 Part 2): test material only, never a
person's frames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

#: ``person{ID:2}{series:1}{number:2}{tilt}{pan}.jpg``
P04_PHOTO = re.compile(r"person(\d\d)(\d)(\d\d)([+-]\d+)([+-]\d+)\.jpg$")
FPS = 15.0
NEUTRAL_S = 3.0  # the neutral hold (the side set-up takes the first still hold as neutral)
STEP_S = 0.4  # each 15-degree step of the turn
END_S = 2.0  # the hold at the end of the turn
BACK_S = 1.5  # the neutral again, after the return
SETUPS = ("front", "side")
SIDES = ("left", "right")
#: the pan (degrees, Pointing'04 sign) the side set-up starts from, per measured side: the
#: camera stands toward the measured side, so the neutral face looks away from it
SIDE_NEUTRAL_PAN = {"left": 45, "right": -45}


@dataclass(frozen=True)
class TurnVideo:
    """One built trial: ``path`` of the video, whose person and series, the ``setup`` and
    measured ``side``; ``neutral_pan``/``end_pan`` the photos' nominal pans (Pointing'04
    sign); ``nominal_deg`` the nominal turn; ``neutral_photo``/``end_photo`` the two photos
    (for the frontal reading of the same poses)."""

    path: Path
    person: int
    series: int
    setup: str
    side: str
    neutral_pan: int
    end_pan: int
    nominal_deg: float
    neutral_photo: Path
    end_photo: Path


def series_photos(data: Path) -> dict[tuple[int, int], dict[int, Path]]:
    """``(person, series) -> {pan: photo}`` for the tilt-0 photos of Pointing'04 dev."""
    out: dict[tuple[int, int], dict[int, Path]] = {}
    for photo in sorted((data / "headpose" / "pointing04_dev").glob("Person*/*.jpg")):
        m = P04_PHOTO.match(photo.name)
        if m is None or int(m.group(4)) != 0:
            continue
        out.setdefault((int(m.group(1)), int(m.group(2))), {})[int(m.group(5))] = photo
    return out


def pan_path(setup: str, side: str) -> list[tuple[int, float]]:
    """The (pan, seconds) of one trial: neutral hold, the turn, the end hold, the return."""
    toward = -1 if side == "left" else 1  # our left turn = Pointing'04 pan < 0
    if setup == "front":
        start, end = 0, 90 * toward
    elif setup == "side":
        start, end = -45 * toward, 45 * toward
    else:
        raise ValueError(f"setup: expected one of {SETUPS}, got {setup!r}")
    out = [(start, NEUTRAL_S)]
    out += [(p, STEP_S) for p in range(start + 15 * toward, end, 15 * toward)]
    out.append((end, END_S))
    out += [(p, STEP_S) for p in range(end - 15 * toward, start, -15 * toward)]
    out.append((start, BACK_S))
    return out


def write_video(frames: list[tuple[Path, float]], out: Path, fps: float = FPS) -> None:
    """Photos held for their seconds, as an MP4 at ``fps`` (every photo the first one's size)."""
    first = cv2.imread(str(frames[0][0]))
    if first is None:
        raise OSError(f"cannot read {frames[0][0]}")
    h, w = first.shape[:2]
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
    try:
        for photo, seconds in frames:
            image = cv2.imread(str(photo))
            if image is None:
                raise OSError(f"cannot read {photo}")
            image = cv2.resize(image, (w, h)) if image.shape[:2] != (h, w) else image
            for _ in range(max(1, round(seconds * fps))):
                writer.write(np.ascontiguousarray(image))
    finally:
        writer.release()


def turn_videos(
    data: Path, out_dir: Path, setups: tuple[str, ...] = SETUPS, sides: tuple[str, ...] = SIDES
) -> list[TurnVideo]:
    """Build every trial video of the dev people into ``out_dir`` (about 1 s each)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    videos = []
    for (person, series), photos in sorted(series_photos(data).items()):
        for setup in setups:
            for side in sides:
                path_pans = pan_path(setup, side)
                if any(p not in photos for p, _ in path_pans):
                    continue
                path = out_dir / f"p{person:02d}s{series}_{setup}_{side}.mp4"
                write_video([(photos[p], s) for p, s in path_pans], path)
                start, end = (
                    path_pans[0][0],
                    max(path_pans, key=lambda ps: abs(ps[0] - path_pans[0][0]))[0],
                )
                videos.append(
                    TurnVideo(
                        path=path,
                        person=person,
                        series=series,
                        setup=setup,
                        side=side,
                        neutral_pan=start,
                        end_pan=end,
                        nominal_deg=float(abs(end - start)),
                        neutral_photo=photos[start],
                        end_photo=photos[end],
                    )
                )
    return videos
