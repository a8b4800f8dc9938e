"""Where the faces are in every frame, and how they are hidden (``annotate --blur-faces``).

The region of a frame is the box around the face landmarks (478 points, widened to take in
the hair, ears and chin), joined with the box around the pose model's head points (nose,
eyes, ears, mouth: it still finds a head in profile, where the face model gives up). A
frame where neither model found a head is never left clear: it takes the region of the
nearest frame that has one (before or after), widened by ``WIDEN_PER_FRAME`` of its size
for each frame of distance, so a head that moved while the models lost it stays covered.
Each region is then joined with those of its ``NEIGHBOURS`` frames either side (the head
moves between frames). A video where no head is found at all is hidden whole.

Hiding averages the region down to ``BLOCKS`` blocks across and stretches them back
smoothly (a pixelation without the block edges, as strong as a blur over a fifth of the
face, at a fraction of its cost): no face detector finds a face in it, and nobody can be
recognised from it.
"""

from __future__ import annotations

import cv2
import numpy as np

from rom_tracker.types import Landmarks

POSE_HEAD = tuple(range(11))  # BlazePose 0-10: nose, eyes, ears, mouth
FACE_MARGIN = (0.30, 0.55, 0.30, 0.25)  # left, top, right, bottom, fraction of the size
POSE_SCALE = 2.4  # pose head box (eyes to ears) -> whole head
WIDEN_PER_FRAME = 0.06
MAX_WIDEN = 3.0
NEIGHBOURS = 2
BLOCKS = 5
VISIBLE = 0.3


def _grow(box: np.ndarray, margins: tuple[float, float, float, float]) -> np.ndarray:
    w, h = box[..., 2] - box[..., 0], box[..., 3] - box[..., 1]
    size = np.maximum(w, h)
    left, top, right, bottom = margins
    return np.stack(
        [
            box[..., 0] - left * size,
            box[..., 1] - top * size,
            box[..., 2] + right * size,
            box[..., 3] + bottom * size,
        ],
        axis=-1,
    )


def _bbox(px: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """(T, 4) box of the points ``px (T, N, 2)`` where ``ok (T, N)``; NaN where none."""
    x = np.where(ok, px[..., 0], np.nan)
    y = np.where(ok, px[..., 1], np.nan)
    out = np.full((px.shape[0], 4), np.nan)
    has = ok.any(axis=1)
    if has.any():
        out[has] = np.stack(
            [
                np.nanmin(x[has], axis=1),
                np.nanmin(y[has], axis=1),
                np.nanmax(x[has], axis=1),
                np.nanmax(y[has], axis=1),
            ],
            axis=1,
        )
    return out


def _union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lo = np.fmin(a[:, :2], b[:, :2])
    hi = np.fmax(a[:, 2:], b[:, 2:])
    return np.concatenate([lo, hi], axis=1)


def detected_boxes(lm: Landmarks) -> np.ndarray:
    """``(T, 4)`` float pixels (x0, y0, x1, y1) of the head in each frame; NaN: not found."""
    scale = np.array([lm.size.width, lm.size.height], dtype=np.float64)
    face_px = lm.face.image_xyz[..., :2].astype(np.float64) * scale
    face_ok = np.isfinite(face_px).all(axis=2) & lm.face.found[:, None]
    face = _grow(_bbox(face_px, face_ok), FACE_MARGIN)
    pose_px = lm.pose.image_xyz[:, POSE_HEAD, :2].astype(np.float64) * scale
    with np.errstate(invalid="ignore"):
        pose_ok = np.isfinite(pose_px).all(axis=2) & (lm.pose.visibility[:, POSE_HEAD] >= VISIBLE)
    pose_ok &= pose_ok.sum(axis=1, keepdims=True) >= 2  # one point gives no size
    pb = _bbox(pose_px, pose_ok)
    centre = (pb[:, :2] + pb[:, 2:]) / 2
    half = np.maximum(pb[:, 2] - pb[:, 0], pb[:, 3] - pb[:, 1])[:, None] * POSE_SCALE / 2
    pose = np.concatenate([centre - half, centre + half * np.array([1.0, 1.2])], axis=1)
    return _union(face, pose)


def fill_gaps(boxes: np.ndarray) -> np.ndarray:
    """Every frame gets a region: its own, else the nearest frame's widened by distance
    (:data:`WIDEN_PER_FRAME` per frame, at most :data:`MAX_WIDEN` times); then joined with
    its :data:`NEIGHBOURS`. All NaN in: all NaN out (the caller hides the whole frame)."""
    boxes = np.asarray(boxes, dtype=np.float64)
    n = boxes.shape[0]
    have = np.flatnonzero(np.isfinite(boxes).all(axis=1))
    if not have.size:
        return np.full_like(boxes, np.nan)
    idx = np.arange(n)
    pos = np.clip(np.searchsorted(have, idx), 0, have.size - 1)
    before = have[np.maximum(pos - 1, 0)]
    after = have[pos]
    nearest = np.where(np.abs(idx - before) <= np.abs(after - idx), before, after)
    gap = np.abs(idx - nearest).astype(np.float64)
    src = boxes[nearest]
    centre = (src[:, :2] + src[:, 2:]) / 2
    half = (src[:, 2:] - src[:, :2]) / 2 * np.minimum(1 + WIDEN_PER_FRAME * gap, MAX_WIDEN)[:, None]
    out = np.concatenate([centre - half, centre + half], axis=1)
    joined = out.copy()
    for k in range(1, NEIGHBOURS + 1):
        for shifted in (out[np.maximum(idx - k, 0)], out[np.minimum(idx + k, n - 1)]):
            joined = _union(joined, shifted)
    return joined


def face_regions(lm: Landmarks) -> np.ndarray:
    """``(T, 4)`` integer pixel boxes to hide, clipped to the frame; the whole frame where
    no head was found anywhere in the video."""
    w, h = lm.size.width, lm.size.height
    boxes = fill_gaps(detected_boxes(lm))
    boxes = np.where(np.isfinite(boxes), boxes, np.array([0.0, 0.0, w, h]))
    lo = np.floor(boxes[:, :2]).clip(0, [w, h])
    hi = np.ceil(boxes[:, 2:]).clip(0, [w, h])
    return np.concatenate([lo, hi], axis=1).astype(np.int64)


def hide(bgr: np.ndarray, box: np.ndarray) -> None:
    """Pixelate then blur ``box`` (x0, y0, x1, y1) of ``bgr`` in place."""
    x0, y0, x1, y1 = (int(v) for v in box)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    roi = bgr[y0:y1, x0:x1]
    w, h = x1 - x0, y1 - y0
    bw = max(1, BLOCKS)
    bh = max(1, round(BLOCKS * h / w))
    small = cv2.resize(roi, (bw, bh), interpolation=cv2.INTER_AREA)
    roi[:] = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
