"""End-range stills (and short clips) of stored trials, for the report
(``rom-tracker report``; :mod:`rom_tracker.report.frames` shows them).

For each movement, side and mode measured in both the before and the after session, the
trial of each (:func:`rom_tracker.annotate.pairing.pair_for_row`) is found in its session's
kept video, the video is measured as ``annotate`` measures it (once per video, however
many trials it holds), and the frame at the trial's end of range
(:func:`rom_tracker.annotate.before_after.end_range_s`) is drawn as ``annotate`` draws it,
faces hidden unless asked otherwise, scaled to at most ``STILL_WIDTH`` pixels across and
encoded as a JPEG of quality ``JPEG_QUALITY``. A clip is the ``CLIP_S`` seconds around it,
drawn and scaled the same, in H.264.

Nothing is written beside the report: a clip is encoded in a private temporary folder and
read back as bytes.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from rom_tracker.annotate.before_after import Half, end_range_s, nearest_frame
from rom_tracker.annotate.job import AnnotateSettings, Measured, face_on_left, measure
from rom_tracker.annotate.pairing import pair_for_row
from rom_tracker.annotate.video_out import AtomicVideoWriter
from rom_tracker.errors import InputError
from rom_tracker.media.capture import open_source
from rom_tracker.pipeline import ModelPaths, What
from rom_tracker.rom.movements import MOVEMENTS
from rom_tracker.store import CompareRow, Session, Store

log = logging.getLogger(__name__)

STILL_WIDTH = 480
JPEG_QUALITY = 72
CLIP_S = 3.0  # seconds, centred on the end of range


@dataclass(frozen=True)
class Still:
    label: str
    jpeg: bytes
    clip: bytes = b""


@dataclass(frozen=True)
class StillPair:
    movement: str
    side: str
    mode: str
    before: Still
    after: Still


@dataclass(frozen=True)
class Stills:
    """The report's end-range frames (the shape :class:`rom_tracker.report.frames.
    EndRangeFrames` reads)."""

    pairs: tuple[StillPair, ...]
    missing: tuple[str, ...]  # "neck rotation, left, effortless: trial 5 (session 1, ...)"
    faces_hidden: bool = True


def _scaled(img: np.ndarray) -> np.ndarray:
    h, w = img.shape[:2]
    if w <= STILL_WIDTH:
        return img
    size = (STILL_WIDTH, round(h * STILL_WIDTH / w / 2) * 2)
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA)


def _drawn(m: Measured, first: int, last: int) -> list[np.ndarray]:
    """Frames ``first`` .. ``last`` of the measured video, drawn and scaled."""
    right = face_on_left(m.lm)
    out = []
    for i, img in enumerate(m.frames.bgr_frames()):
        if i > last:
            break
        if i >= first:
            m.draw(img, i, right)
            out.append(_scaled(img))
    return out


def _clip(frames: list[np.ndarray], fps: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="rom-tracker-clip-") as work:
        out = Path(work) / "clip.mp4"
        h, w = frames[0].shape[:2]
        with AtomicVideoWriter(out, fps, (w, h)) as writer:
            for img in frames:
                writer.write(img)
            writer.publish()
        return out.read_bytes()


def still(m: Measured, half: Half, clips: bool) -> Still:
    """The trial's end-range frame as a JPEG (and its clip as MP4 bytes when ``clips``)."""
    peak = nearest_frame(m.lm.t_s, end_range_s(half.trial))
    span = round(CLIP_S * m.fps / 2) if clips else 0
    first, last = max(peak - span, 0), min(peak + span, len(m.lm) - 1)
    frames = _drawn(m, first, last)
    ok, jpeg = cv2.imencode(".jpg", frames[peak - first], [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:  # pragma: no cover - OpenCV always encodes a BGR uint8 frame
        raise InputError(f"cannot encode the frame of {half.video}", "report this with --debug")
    return Still(half.label, jpeg.tobytes(), _clip(frames, m.fps) if clips else b"")


def end_range_stills(
    store: Store,
    sessions: tuple[int, int],
    rows: Sequence[CompareRow],
    models: ModelPaths,
    *,
    blur_faces: bool = True,
    clips: bool = False,
    on_video: Callable[[Path], None] | None = None,
) -> Stills:
    """The stills of every row measured in both sessions whose trials have kept videos;
    the others listed in ``missing``. ``models``: face and pose (the faces are found with
    both). ``on_video`` is told of each video measured."""
    needs = {MOVEMENTS[r.movement].needs for r in rows}
    what: What = "all" if len(needs) != 1 else ("hip" if needs == {"hip"} else "head")
    settings = AnnotateSettings(what=what, blur_faces=blur_faces)  # models: both, always
    measured: dict[Path, Measured] = {}
    pairs, missing = [], []
    for row in rows:
        if not (row.n_a and row.n_b):
            continue
        try:
            pair = pair_for_row(store, sessions[0], sessions[1], row)
        except InputError as exc:
            title = f"{row.movement.replace('_', ' ')}, {row.side}, {row.mode}"
            missing.append(f"{title}: {exc.problem}")
            continue
        shots = []
        for half in pair.halves:
            if half.video not in measured:
                if on_video is not None:
                    on_video(half.video)
                source = open_source(str(half.video))
                measured[half.video] = measure(source, models, settings, budget=0)
            shots.append(still(measured[half.video].with_trial(half.trial), half, clips))
        pairs.append(StillPair(row.movement, row.side, row.mode, shots[0], shots[1]))
    return Stills(tuple(pairs), tuple(missing), blur_faces)


def kept_a_video(session: Session) -> bool:
    return bool((session.settings if isinstance(session.settings, dict) else {}).get("kept_video"))


def report_stills(
    store: Store,
    before: Session,
    after: Session,
    rows: Sequence[CompareRow],
    models: Callable[[], ModelPaths],
    *,
    blur_faces: bool = True,
    clips: bool = False,
) -> Stills | None:
    """The report's end-range frames, or None (no model run) when neither session kept a
    video or there is nothing to compare; ``models`` is called only when needed."""
    if not rows or not (kept_a_video(before) or kept_a_video(after)):
        return None
    return end_range_stills(
        store,
        (before.id, after.id),
        rows,
        models(),
        blur_faces=blur_faces,
        clips=clips,
        on_video=lambda p: log.info("measuring %s for its end-range frames", p.name),
    )
