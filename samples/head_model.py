"""The astronaut photo's head as a textured 3D model (used by make_head_turn.py).

From the face landmarks (pixels, z scaled like x) and the photo: a head mask (GrabCut), a
texture that never shows the wall, the background with the head inpainted, and a mesh:
the face (Delaunay of the landmarks), rings from the face boundary out to the head's
silhouette curving back along a quarter ellipse, and rings over the back of the head. All
3D points are in cm in the camera frame (x right, y down, z away from the camera).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import cv2
import numpy as np
from scipy.spatial import ConvexHull, Delaunay

IRIS_DISTANCE_CM = 6.2  # adult interpupillary distance: sets the cm-per-pixel scale
PIVOT_BEHIND_NOSE_CM = 9.0  # vertical neck/head rotation axis, behind the nose tip
BACK_OF_HEAD_CM = 11.0  # from the pivot to the back of the head
# Rings over the back of the head: (degrees behind the silhouette, texture px beyond it).
BACK_RINGS = ((30.0, 5.0), (55.0, 11.0), (80.0, 18.0))
JAW_RAY_Y = 0.8  # the back of the head tapers away from the ears (ray y 0) to this ray y
RING_T = (0.0, 0.35, 0.7, 1.0)  # rings from the face boundary (t=0) to the silhouette (t=1)
NOSE_TIP, RIGHT_IRIS, LEFT_IRIS = 1, 468, 473


@dataclass(frozen=True)
class Camera:
    """Pinhole camera: focal length and principal point in pixels."""

    f: float
    cx: float
    cy: float

    def project(self, p: np.ndarray) -> np.ndarray:
        """(N, 3) camera-frame points -> (N, 2) pixels."""
        return self.f * p[:, :2] / p[:, 2:] + (self.cx, self.cy)

    def unproject(self, uv: np.ndarray, depth: np.ndarray) -> np.ndarray:
        """(N, 2) pixels and (N,) depths -> (N, 3) camera-frame points."""
        xy = (uv - (self.cx, self.cy)) * depth[:, None] / self.f
        return np.concatenate([xy, depth[:, None]], axis=1)


@dataclass(frozen=True)
class HeadMesh:
    """Textured head: vertices (N, 3) cm in the camera frame, texture coords (N, 2) px in the
    texture image, triangles (M, 3) wound outward and the rotation pivot (3,) cm."""

    verts: np.ndarray
    uv: np.ndarray
    tris: np.ndarray
    pivot: np.ndarray


def face_boundary(lm: np.ndarray, step: float = 6.0) -> tuple[np.ndarray, np.ndarray]:
    """The convex hull of the landmarks (counter-clockwise), with points added along its
    edges at most ``step`` px apart: (K, 3) points, and (K, 2) unit rays from its centre
    along which the rings around the face run."""
    corners = lm[ConvexHull(lm[:, :2]).vertices]
    pts = []
    for a, b in zip(corners, np.roll(corners, -1, axis=0), strict=True):
        n = max(1, math.ceil(np.linalg.norm(b[:2] - a[:2]) / step))
        pts.append(a + np.linspace(0.0, 1.0, n, endpoint=False)[:, None] * (b - a))
    edge = np.concatenate(pts)
    radial = edge[:, :2] - corners[:, :2].mean(axis=0)
    return edge, radial / np.linalg.norm(radial, axis=1, keepdims=True)


def head_mask(rgb: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """Head (hair + face) mask of the photo, uint8 0/255: GrabCut seeded with the face as
    foreground and a generous head-shaped region (hair on top, less at the jaw) as probable."""
    edge, radial = face_boundary(lm)
    face = edge[:, :2]
    up = np.clip((0.2 - radial[:, 1]) / 1.2, 0.0, 1.0)  # 1 above the head .. 0 at the jaw
    rough = face + radial * np.ptp(face[:, 1]) * (0.1 + 0.7 * up)[:, None]
    seeds = np.full(rgb.shape[:2], cv2.GC_BGD, np.uint8)
    cv2.fillPoly(seeds, [np.round(rough).astype(np.int32)], cv2.GC_PR_FGD)
    inner = face.mean(axis=0) + 0.85 * (face - face.mean(axis=0))
    cv2.fillPoly(seeds, [np.round(inner).astype(np.int32)], cv2.GC_FGD)
    cv2.setRNGSeed(0)  # GrabCut's k-means: deterministic masks
    models = (np.zeros((1, 65)), np.zeros((1, 65)))
    cv2.grabCut(rgb, seeds, (0, 0, 1, 1), *models, 5, cv2.GC_INIT_WITH_MASK)  # rect unused
    head = np.isin(seeds, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8)
    _, labels = cv2.connectedComponents(cv2.morphologyEx(head, cv2.MORPH_OPEN, np.ones((5, 5))))
    centre = np.round(face.mean(axis=0)).astype(int)
    return np.where(labels == labels[centre[1], centre[0]], 255, 0).astype(np.uint8)


def head_texture(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The photo inside the head, and beyond its edge (the outer 2 px, blended with the
    wall, included) the colour of the nearest pixel well inside, blurred: texture at the
    head's edge never picks up the wall, and the back of the head gets smooth colours."""
    keep = cv2.erode(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    inner = cv2.erode(mask, np.ones((7, 7), np.uint8))
    _, label = cv2.distanceTransformWithLabels(
        (inner == 0).astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL
    )
    ys, xs = np.nonzero(inner)  # raster order, as the labels
    beyond = cv2.GaussianBlur(rgb[ys[label - 1], xs[label - 1]], (0, 0), 6)
    return np.where(keep[..., None] > 0, rgb, beyond)


def silhouette_extension(mask: np.ndarray, start: np.ndarray, radial: np.ndarray) -> np.ndarray:
    """Distance (px) from each face-boundary point along its ray to the edge of the head
    mask, smoothed around the ring; at least 2 px."""
    steps = np.arange(0, mask.shape[0], dtype=np.float64)
    pts = np.round(start[:, None] + radial[:, None] * steps[None, :, None]).astype(int)
    pts = np.clip(pts, 0, np.array(mask.shape[::-1]) - 1)
    outside = mask[pts[..., 1], pts[..., 0]] == 0
    outside[:, 0] = False  # a boundary point may sit just outside the mask (chin shadow)
    ext = np.argmax(outside, axis=1).astype(np.float64) - 1.0
    ext = (np.roll(ext, 1) + 2 * ext + np.roll(ext, -1)) / 4
    return np.maximum(ext, 2.0)


def strips(rings: list[np.ndarray]) -> np.ndarray:
    """Triangles joining successive closed rings of vertex indices (equal lengths)."""
    out = []
    for r0, r1 in itertools.pairwise(rings):
        n0, n1 = np.roll(r0, -1), np.roll(r1, -1)
        out += [np.stack([r0, n0, r1], 1), np.stack([n0, n1, r1], 1)]
    return np.concatenate(out)


def smooth_rim_depth(lm: np.ndarray, width: float = 0.15, rounds: int = 30) -> np.ndarray:
    """Landmarks with z relaxed (Laplacian over the Delaunay neighbours, the convex hull's
    landmarks held fixed) within ``width`` face widths of the face boundary, where the
    landmarker's depth zigzags: unsmoothed, the turned cheek's edge tears into teeth."""
    tri = Delaunay(lm[:, :2])
    ptr, nbr = tri.vertex_neighbor_vertices
    hull = lm[ConvexHull(lm[:, :2]).vertices, :2].astype(np.float32)
    margin = width * np.ptp(lm[:, 0])
    dist = np.array([cv2.pointPolygonTest(hull, (float(x), float(y)), True) for x, y in lm[:, :2]])
    free = (dist > 0.5) & (dist < margin)
    out = lm.copy()
    for _ in range(rounds):
        mean = np.add.reduceat(out[nbr, 2], ptr[:-1]) / np.diff(ptr)
        out[free, 2] = mean[free]
    return out


def build_head(lm: np.ndarray, cam: Camera, mask: np.ndarray) -> HeadMesh:
    """Head mesh from landmarks in pixels and the head mask: the face (Delaunay of the
    landmarks); rings from the face boundary out to the head's silhouette, curving back to
    the pivot's depth along a quarter ellipse; rings over the back of the head (straight
    back below the ears), textured from the smooth fill beyond the silhouette (see head_texture)."""
    px_per_cm = np.linalg.norm(lm[RIGHT_IRIS, :2] - lm[LEFT_IRIS, :2]) / IRIS_DISTANCE_CM
    nose_depth = cam.f / px_per_cm  # the photo's scale holds at the nose tip
    pivot_z_px = lm[NOSE_TIP, 2] + PIVOT_BEHIND_NOSE_CM * px_per_cm

    def depth_cm(z_px: np.ndarray) -> np.ndarray:
        return nose_depth + (z_px - lm[NOSE_TIP, 2]) / px_per_cm

    lm = smooth_rim_depth(lm)
    edge, radial = face_boundary(lm)
    outer = edge[:, :2] + radial * silhouette_extension(mask, edge[:, :2], radial)[:, None]
    z_outer = np.maximum(edge[:, 2], pivot_z_px)
    k, n = len(edge), len(lm)
    uv_rings = [edge[:, :2] + t * (outer - edge[:, :2]) for t in RING_T]
    z_rings = [z_outer - (z_outer - edge[:, 2]) * math.sqrt(1 - t * t) for t in RING_T]
    uv = np.concatenate([lm[:, :2], *uv_rings])
    verts = cam.unproject(uv, depth_cm(np.concatenate([lm[:, 2], *z_rings])))
    rings = [n + j * k + np.arange(k) for j in range(len(RING_T))]
    front = np.concatenate([Delaunay(lm[:, :2]).simplices, strips(rings)])
    # Wind the front to face the camera at rest (normal towards the camera at the origin).
    a, b, c = (verts[front[:, i]] for i in range(3))
    away = np.einsum("ij,ij->i", np.cross(b - a, c - a), a + b + c) > 0
    front[away] = front[away][:, [0, 2, 1]]

    centre3 = cam.unproject(edge[None, :, :2].mean(axis=1), depth_cm(np.array([pivot_z_px])))[0]
    rim = verts[rings[-1]]
    back_rings = [rings[-1]]
    # Full depth at and above the ears, none at the chin (the neck hides the jaw's underside).
    depth = np.clip((JAW_RAY_Y - radial[:, 1]) / JAW_RAY_Y, 0.0, 1.0)[:, None]
    low = rim[:, 1] > centre3[1]  # below the ears the sides run straight back
    for angle, beyond in BACK_RINGS:
        a = math.radians(angle)
        back = rim + (centre3 - rim) * (1 - math.cos(a)) * depth
        back[:, 2] += BACK_OF_HEAD_CM * math.sin(a) * depth[:, 0]
        back[low, 1] = rim[low, 1]
        back_rings.append(len(uv) + np.arange(k))
        verts = np.concatenate([verts, back])
        uv = np.concatenate([uv, outer + radial * beyond])
    behind = strips(back_rings)
    a, b, c = (verts[behind[:, i]] for i in range(3))
    inward = np.einsum("ij,ij->i", np.cross(b - a, c - a), (a + b + c) / 3 - centre3) < 0
    behind[inward] = behind[inward][:, [0, 2, 1]]

    pivot = np.array([verts[NOSE_TIP, 0], centre3[1], centre3[2]])
    tris = np.concatenate([front, behind])
    return HeadMesh(verts, uv.astype(np.float32), tris, pivot)


def clean_background(rgb: np.ndarray, mask: np.ndarray, grow: int) -> np.ndarray:
    """The photo with the head (mask grown by ``grow`` px) inpainted."""
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1,) * 2))
    # Inpaint at half size (smoother, faster), then keep the photo outside the mask.
    small = cv2.inpaint(
        cv2.resize(rgb, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA),
        cv2.resize(mask, None, fx=0.5, fy=0.5),
        6,
        cv2.INPAINT_TELEA,
    )
    filled = cv2.GaussianBlur(cv2.resize(small, rgb.shape[1::-1]), (0, 0), 2)
    return np.where(mask[..., None] > 0, filled, rgb)
