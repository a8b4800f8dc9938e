"""Render a synthetic head-turn video with known yaw from the scikit-image astronaut photo.

The source is ``skimage.data.astronaut()`` (Eileen Collins, NASA, public domain). Its face
landmarks (the project's MediaPipe adapter) become a textured 3D head (head_model.py). Each
frame rotates only the head about a vertical axis ~9 cm behind the nose tip (neck rotation:
the body stays still), projects it with a pinhole camera and warps every visible triangle's
texture from the photo, far to near, over the photo with the head inpainted. A ground-truth
CSV (one row per frame) is written next to the video.

Angles are relative to the head's pose in the photo, in the project's conventions
(docs/conventions.md: yaw, then pitch about the head's left-right axis, then roll about
its face normal, intrinsic y-x'-z''):
  yaw > 0: the subject turns to their own LEFT, the face points to image right;
  pitch > 0: FLEXION, chin down, the face points to image bottom (< 0: extension);
  roll > 0: lateral flexion to the subject's own left shoulder (top of the head to image
  right).
Renders like this are biased for absolute angles (the face landmarker under-reports the
turn on them): use them for coverage, direction and smoothness only.

    .venv/bin/python samples/make_head_turn.py --face-model ../shared/models/face_landmarker.task
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from head_model import Camera, HeadMesh, build_head, clean_background, head_mask

ROOT = Path(__file__).resolve().parents[1]
STRETCH = (3.0, 8.0)  # area stretch above which blurred textures are used (sigma 1.5, 4)
CSV_HEADER = (
    "# Ground truth for {video} ({size}, {fps:g} fps, {n} frames): synthetic render of"
    " skimage.data.astronaut() (Eileen Collins, NASA, public domain) made by"
    " samples/make_head_turn.py --pattern {pattern} --max-yaw {max_yaw:g} --hold {hold:g} --rest"
    " {rest:g} --seconds {seconds:g}. Angles in degrees"
    " relative to the head pose in the photo, in the project's conventions (docs/conventions.md,"
    " head_yaw/pitch/roll_deg): yaw>0: subject turns to their own LEFT (face points to image"
    " right); pitch>0: FLEXION, chin down (<0: extension); roll>0: head tilts toward own left"
    " shoulder."
    " Renders are BIASED for absolute angles: the face landmarker under-reports the true turn"
    " on them (~0.7-0.9 of it, see samples/README.md); use them for coverage, direction and"
    " smoothness, never to fit a gain or correction."
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "samples" / "head_turn.mp4")
    p.add_argument("--max-yaw", type=float, default=40.0, help="degrees, at most 90")
    p.add_argument("--pattern", choices=("turn", "sweep"), default="turn")
    p.add_argument("--seconds", type=float, default=17.0)
    p.add_argument("--fps", type=float, default=30.0)
    p.add_argument("--size", default="320x240", help="WIDTHxHEIGHT")
    p.add_argument(
        "--hold",
        type=float,
        default=4.5,
        help="seconds held at +-max (turn): effortless holds need 3 s and more",
    )
    p.add_argument("--rest", type=float, default=1.0, help="seconds held at 0 (turn)")
    p.add_argument(
        "--pitch-amp",
        type=float,
        default=0.0,
        help="degrees, sine over the clip (pitch > 0 = flexion, chin down)",
    )
    p.add_argument(
        "--roll-amp",
        type=float,
        default=0.0,
        help="degrees, sine over the clip (roll > 0 = toward the subject's left shoulder)",
    )
    p.add_argument("--top", type=float, default=0.66, help="top share of the photo shown")
    p.add_argument("--face-model", type=Path, default=None)
    args = p.parse_args(argv)
    args.width, args.height = (int(v) for v in args.size.lower().split("x"))
    if not 0 < args.max_yaw <= 90:
        p.error(f"--max-yaw must be in (0, 90], got {args.max_yaw}")
    return args


def resolve_face_model(path: Path | None) -> Path:
    """The face model through rom_tracker.media.models: --face-model (checked against the official
    SHA-256), else the user cache, $ROM_TRACKER_MODEL_MIRROR or the official URL."""
    from rom_tracker.errors import RomTrackerError
    from rom_tracker.media import models

    try:
        return models.resolve("face_landmarker", path)
    except RomTrackerError as exc:
        sys.exit(str(exc))


def yaw_track(
    pattern: str, t: np.ndarray, seconds: float, max_yaw: float, *, hold: float, rest: float
) -> np.ndarray:
    """True yaw (deg) at times t. turn: 0 -> +max -> 0 -> -max -> 0, cosine ramps, held
    ``hold`` s at +-max and ``rest`` s at 0; sweep: linear 0 -> +max -> -max -> 0."""
    if pattern == "sweep":  # triangle wave starting at 0, going up first
        return max_yaw * (2 / np.pi) * np.arcsin(np.sin(2 * np.pi * t / seconds))
    stops = [0.0, max_yaw, 0.0, -max_yaw, 0.0]
    holds = [rest, hold, rest, hold, rest]
    ramp = (seconds - sum(holds)) / (len(stops) - 1)
    if ramp <= 0:
        sys.exit(f"--seconds {seconds} is too short for holds of {sum(holds)} s and 4 turns")
    yaw = np.zeros_like(t)
    start = holds[0]
    for (a, b), after in zip(itertools.pairwise(stops), holds[1:], strict=True):
        s = np.clip((t - start) / ramp, 0.0, 1.0)
        yaw = np.where(t >= start, a + (b - a) * (1 - np.cos(np.pi * s)) / 2, yaw)
        start += ramp + after
    return yaw


def rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """Head rotation in the render's camera frame (x right, y down, z forward) from the
    project's head angles in degrees (yaw > 0 own left, pitch > 0 flexion, roll > 0 own
    left shoulder). With F = diag(1, -1, -1) (to the conventions' frame: y up, z toward the
    viewer), F @ rotation(...) @ F is rom_tracker.kinematics.head.rotation_from_head_angles;
    tests/test_samples.py checks it."""
    y, p, r = np.radians([-yaw, pitch, roll])
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    return ry @ rx @ rz


def source_frame(width: int, height: int, top: float = 0.66) -> np.ndarray:
    """The astronaut photo cropped to the output aspect, resized: its top ``top`` of the
    height (0.66: head and shoulders; 0.75: down to the upper chest, the most a 4:3 frame
    can show of this square photo), centred across."""
    from skimage import data

    photo = data.astronaut()
    h = round(photo.shape[0] * top)
    w = round(h * width / height)
    if w > photo.shape[1]:
        most = photo.shape[1] * height / width / photo.shape[0]
        sys.exit(f"--top {top:g} is too tall for a {width}x{height} frame: at most {most:.2f}")
    x0 = (photo.shape[1] - w) // 2
    return cv2.resize(photo[:h, x0 : x0 + w], (width, height), interpolation=cv2.INTER_AREA)


def face_landmarks(rgb: np.ndarray, model: Path) -> np.ndarray:
    """(478, 3) landmarks in pixels of ``rgb`` (z scaled like x) from the project's adapter."""
    from rom_tracker.media.landmarks import FaceLandmarker

    with FaceLandmarker(model, video=False) as fl:
        found = fl.process(rgb, 0.0)
    if found is None:
        sys.exit("the face landmarker found no face in the source photo")
    xyz = found[0].astype(np.float64)
    return xyz * np.array([rgb.shape[1], rgb.shape[0], rgb.shape[1]])


def area(tri: np.ndarray) -> float:
    """Area of a (3, 2) triangle."""
    u, v = tri[1] - tri[0], tri[2] - tri[0]
    return float(abs(u[0] * v[1] - u[1] * v[0])) / 2


def render(
    background: np.ndarray,
    textures: list[np.ndarray],
    mesh: HeadMesh,
    rot: np.ndarray,
    cam: Camera,
) -> np.ndarray:
    """One frame: rotate the head about its pivot, cull back faces, paint far to near. A
    triangle stretched more than STRETCH[i] times in area samples textures[i + 1] (blurred),
    so the photo's few pixels of the side of the head smear smoothly, not in streaks."""
    frame = background.copy()
    verts = (mesh.verts - mesh.pivot) @ rot.T + mesh.pivot
    pts = cam.project(verts).astype(np.float32)
    a, b, c = (verts[mesh.tris[:, i]] for i in range(3))
    centroid = (a + b + c) / 3
    facing = np.einsum("ij,ij->i", np.cross(b - a, c - a), centroid) < 0
    order = np.argsort(-centroid[:, 2])
    hgt, wid = frame.shape[:2]
    for tri in mesh.tris[order[facing[order]]]:
        dst, src = pts[tri], mesh.uv[tri]
        x0, y0 = np.floor(dst.min(axis=0)).astype(int) - 1
        x1, y1 = np.ceil(dst.max(axis=0)).astype(int) + 2
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, wid), min(y1, hgt)
        src_area = area(src)
        if x1 <= x0 or y1 <= y0 or src_area < 1e-3:
            continue
        stretch = area(dst) / src_area
        local = dst - np.array([x0, y0], np.float32)
        patch = cv2.warpAffine(
            textures[int(np.searchsorted(STRETCH, stretch))],
            cv2.getAffineTransform(src, local),
            (x1 - x0, y1 - y0),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REFLECT,
        )
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        fixed = np.round(local * 16).astype(np.int32)
        cv2.fillConvexPoly(mask, fixed, 1, cv2.LINE_8, 4)
        cv2.polylines(mask, [fixed], True, 1, 1, cv2.LINE_8, 4)  # overlap: no cracks
        roi = frame[y0:y1, x0:x1]
        roi[mask > 0] = patch[mask > 0]
    return frame


def write_outputs(
    out: Path,
    frames: Iterator[np.ndarray],
    size: tuple[int, int],
    fps: float,
    table: np.ndarray,
    *,
    header: str,
) -> None:
    """The video (mp4v for .mp4, VP9 for .webm) and its CSV, each via temp file + rename."""
    fourcc = cv2.VideoWriter.fourcc(*("VP90" if out.suffix == ".webm" else "mp4v"))
    tmp = out.with_name(f".{out.stem}.tmp{out.suffix}")
    width, height = size
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(tmp), fourcc, fps, (width, height))
    if not writer.isOpened():
        sys.exit(f"OpenCV cannot write {out.suffix} video to {tmp}")
    for frame in frames:
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    os.replace(tmp, out)
    csv = out.with_suffix(".csv")
    tmp_csv = csv.with_name(f".{csv.name}.tmp")
    with open(tmp_csv, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(header + "\n")
        fh.write("frame,t_s,yaw_deg,pitch_deg,roll_deg\n")
        for i, (t, yaw, pitch, roll) in enumerate(table):
            fh.write(f"{i},{t:.4f},{yaw:.3f},{pitch:.3f},{roll:.3f}\n")
    os.replace(tmp_csv, csv)


@dataclass(frozen=True)
class Scene:
    """Everything a frame needs: the background (head inpainted), the head's textures
    (sharp, then blurred for stretched triangles), its mesh and the camera."""

    background: np.ndarray
    textures: list[np.ndarray]
    mesh: HeadMesh
    cam: Camera

    def frame(self, yaw: float, pitch: float, roll: float) -> np.ndarray:
        """One RGB frame with the head at the project's angles (degrees, see rotation)."""
        return render(
            self.background, self.textures, self.mesh, rotation(yaw, pitch, roll), self.cam
        )


def build_scene(width: int, height: int, face_model: Path | None, *, top: float = 0.66) -> Scene:
    """The astronaut's head as a textured mesh in a width x height frame showing the top
    ``top`` of the photo (see source_frame)."""
    sys.path.insert(0, str(ROOT))  # rom_tracker from this checkout, installed or not
    cam = Camera(f=float(width), cx=width / 2, cy=height / 2)
    photo = source_frame(width, height, top)
    lm = face_landmarks(photo, resolve_face_model(face_model))
    mask = head_mask(photo, lm)
    mesh = build_head(photo, lm, cam, mask)
    textures = [mesh.texture] + [cv2.GaussianBlur(mesh.texture, (0, 0), sg) for sg in (1.5, 4.0)]
    background = clean_background(photo, mask, grow=max(3, width // 100))
    return Scene(background, textures, mesh, cam)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    scene = build_scene(args.width, args.height, args.face_model, top=args.top)
    n = round(args.seconds * args.fps)
    t = np.arange(n) / args.fps
    yaw = yaw_track(args.pattern, t, args.seconds, args.max_yaw, hold=args.hold, rest=args.rest)
    pitch = args.pitch_amp * np.sin(2 * np.pi * t / args.seconds)
    roll = args.roll_amp * np.sin(4 * np.pi * t / args.seconds)
    frames = (scene.frame(*angles) for angles in zip(yaw, pitch, roll, strict=True))
    table = np.stack([t, yaw, pitch, roll], axis=1)
    header = CSV_HEADER.format(video=args.out.name, n=n, **vars(args))
    write_outputs(args.out, frames, (args.width, args.height), args.fps, table, header=header)
    print(f"wrote {args.out} ({n} frames) and {args.out.with_suffix('.csv')}")


if __name__ == "__main__":
    main()
