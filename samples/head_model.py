"""The astronaut photo's head as a textured 3D model (used by make_head_turn.py).

From the face landmarks (pixels, z scaled like x) and the photo: a head mask (GrabCut), a
texture that never shows the wall, the background with the head inpainted, and a mesh:
the face (Delaunay of the landmarks), rings from the face boundary out to the head's
silhouette curving back along a quarter ellipse, and rings over the back of the head (the
crown and occiput, the lower back of the head and the back of the neck), which is
textured from a side view painted from the photo (hair, hairline, neck, an ear): the photo
never showed it, and a profile (up to 90 degrees of yaw) needs it. All 3D points are in cm
in the camera frame (x right, y down, z away from the camera).
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
# Rings from the face boundary (t=0) to the silhouette (t=1): close near 1, where they curve
# back fastest (the crown's outline in profile).
RING_T = (0.0, 0.35, 0.65, 0.85, 0.96, 1.0)
NOSE_TIP, RIGHT_IRIS, LEFT_IRIS = 1, 468, 473
# The back of the head, in cm from the centre of the silhouette at the pivot's depth (y down,
# z back): rings at these angles from the silhouette (0) to the back (90 degrees); the occiput
# BACK_OF_HEAD_CM behind, down to OCCIPUT_Y below the centre, easing into the back of the neck
# (NECK_BACK_CM behind) by NAPE_Y.
BACK_ANGLES = (0.0, 10.0, 20.0, 30.0, 42.0, 55.0, 68.0, 80.0, 90.0)
BACK_OF_HEAD_CM, NECK_BACK_CM = 11.0, 5.5
BACK_FULLNESS = 0.8  # superellipse exponent 2 / 0.8: rounder than an ellipse over the crown
OCCIPUT_Y, NAPE_Y = 1.0, 7.5
# The side panel (the back's texture, seen from the side), in the same cm: the hair ends at
# SIDE_HAIR_Y just behind the silhouette and at NAPE_HAIR_Y at the back; the ear (EAR_SIZE:
# height, width) is centred EAR_CENTRE (behind, below) and leans back by EAR_TILT_DEG.
SIDE_HAIR_Y, NAPE_HAIR_Y = 1.2, 6.0
EAR_CENTRE, EAR_SIZE, EAR_TILT_DEG = (2.6, -1.0), (5.8, 3.2), 15.0
NECK_SHADE = 0.85  # the neck's skin, in the shadow of the jaw, against the face's


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
    """Textured head: vertices (N, 3) cm in the camera frame, texture coords (N, 2) px in
    ``texture`` (H, W, 3) uint8 RGB (the photo's head on top, the side panel below it),
    triangles (M, 3) wound outward and the rotation pivot (3,) cm."""

    verts: np.ndarray
    uv: np.ndarray
    tris: np.ndarray
    pivot: np.ndarray
    texture: np.ndarray


@dataclass(frozen=True)
class SideChart:
    """Texture coordinates for the back of the head: its points seen from the side (depth
    behind ``centre`` across, height down), ``px_per_cm``, in a panel starting at texture row
    ``row0`` and covering heights ``y_range`` (cm below the centre) and depths -z_margin ..
    BACK_OF_HEAD_CM + z_margin. Both sides of the head share it (mirror images)."""

    centre: np.ndarray
    px_per_cm: float
    row0: int
    y_range: tuple[float, float]
    z_margin: float = 2.0

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the panel."""
        span = (self.y_range[1] - self.y_range[0], BACK_OF_HEAD_CM + 2 * self.z_margin)
        return (math.ceil(span[0] * self.px_per_cm), math.ceil(span[1] * self.px_per_cm))

    def uv(self, p: np.ndarray) -> np.ndarray:
        """(N, 3) head points, cm in the camera frame at rest -> (N, 2) texture px."""
        col = (p[:, 2] - self.centre[2] + self.z_margin) * self.px_per_cm
        row = (p[:, 1] - self.centre[1] - self.y_range[0]) * self.px_per_cm + self.row0
        return np.stack([col, row], axis=1)

    def grid(self) -> tuple[np.ndarray, np.ndarray]:
        """(behind, below) cm of every panel pixel (its centre, as in uv), each (rows, columns)."""
        rows, cols = self.shape
        behind = np.arange(cols) / self.px_per_cm - self.z_margin
        below = np.arange(rows) / self.px_per_cm + self.y_range[0]
        return np.meshgrid(behind, below)


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


def hair_texture(
    rgb: np.ndarray, hair: np.ndarray, shape: tuple[int, int], patch: int
) -> np.ndarray:
    """A (rows, columns) = ``shape`` RGB float image of hair: ``patch``-px squares of the photo
    from within the ``hair`` mask, at random (seeded), each shifted to the hair's mean colour
    (strands without blotches of light and shade), overlapping and blended with Gaussian
    weights."""
    inside = cv2.erode(hair, np.ones((patch, patch), np.uint8))
    ys, xs = np.nonzero(inside)
    if ys.size == 0:
        raise ValueError("no hair in the photo wide enough to sample the back of the head from")
    mean = rgb[hair > 0].mean(axis=0)
    rng = np.random.default_rng(0)
    window = cv2.getGaussianKernel(patch, patch / 4)
    window = (window @ window.T)[..., None]
    half, step = patch // 2, max(1, patch // 3)
    acc = np.zeros((shape[0] + 2 * patch, shape[1] + 2 * patch, 3))
    weight = np.zeros((*acc.shape[:2], 1))
    for r, c in itertools.product(range(0, shape[0] + half, step), range(0, shape[1] + half, step)):
        i = rng.integers(ys.size)
        src = rgb[ys[i] - half : ys[i] - half + patch, xs[i] - half : xs[i] - half + patch]
        src = src - src.mean(axis=(0, 1)) + mean
        acc[r : r + patch, c : c + patch] += window * src
        weight[r : r + patch, c : c + patch] += window
    return (acc / np.maximum(weight, 1e-9))[half : half + shape[0], half : half + shape[1]]


def band(x: np.ndarray, lo: float, hi: float, soft: float) -> np.ndarray:
    """1 for lo < x < hi, easing to 0 over ``soft`` beyond either end."""
    return np.clip(np.minimum(x - lo, hi - x) / soft + 0.5, 0.0, 1.0)


def paint_ear(tex: np.ndarray, skin: np.ndarray, behind: np.ndarray, below: np.ndarray) -> None:
    """Paint an ear into the side-view ``tex`` (rows, columns, 3) float, in place, at
    EAR_CENTRE (cm, side view; ``behind``/``below`` give each pixel's): a straight front
    edge, a round back (the helix, a lighter rim with a groove inside it), the lobe narrower,
    the dark bowl (concha) and ear canal toward the front, and a soft shadow behind."""
    t = math.radians(EAR_TILT_DEG)
    dz, dy = behind - EAR_CENTRE[0], below - EAR_CENTRE[1]
    # Ear frame in half sizes: across from front (-1) to back (1), along from top (-1).
    along = (-dz * math.sin(t) + dy * math.cos(t)) / (EAR_SIZE[0] / 2)
    across = (dz * math.cos(t) + dy * math.sin(t)) / (EAR_SIZE[1] / 2)
    across = across / (1 - 0.35 * np.clip(along, 0, 1) ** 2)  # the lobe is narrower
    power = np.where(across < 0, 4.0, 2.0)  # a flatter front edge
    inside = 1 - (np.abs(across) ** power + along**2) ** 0.5
    rim = (across > -0.3) | (along < -0.4)  # the helix runs over the top and down the back
    light = 1 + 0.08 * band(inside, 0.0, 0.18, 0.05) * rim
    light -= 0.22 * band(inside, 0.2, 0.32, 0.06) * rim * (along < 0.45)  # groove (scapha)
    bowl = np.clip(1 - np.hypot((across + 0.25) / 0.42, (along - 0.08) / 0.4), 0, 1)
    light -= 0.45 * np.sqrt(bowl)
    light -= 0.4 * np.clip(1 - np.hypot(across + 0.55, along - 0.12) / 0.14, 0, 1)  # canal
    ear = skin * np.array([1.0, 0.94, 0.93]) * light[..., None]
    cast = 1 - (np.abs(across - 0.35) ** 2 + (along - 0.1) ** 2) ** 0.5  # shifted back, down
    tex *= 1 - 0.4 * np.clip(cast / 0.3 + 0.3, 0.0, 1.0)[..., None]
    cover = np.clip(inside / 0.06, 0.0, 1.0)[..., None]
    tex[:] = tex * (1 - cover) + ear * cover


def side_panel(rgb: np.ndarray, mask: np.ndarray, lm: np.ndarray, chart: SideChart) -> np.ndarray:
    """The back of the head seen from the side (SideChart): hair sampled from the photo's
    hair, down to a hairline that runs from SIDE_HAIR_Y behind the ear to NAPE_HAIR_Y at the
    back, the neck's skin below it, and an ear; (rows, columns, 3) uint8."""
    behind, below = chart.grid()
    px = chart.px_per_cm
    hull = cv2.convexHull(np.round(lm[:, :2]).astype(np.int32))
    face = np.zeros(mask.shape, np.uint8)
    cv2.fillConvexPoly(face, hull, 255)
    skin = np.median(rgb[face > 0], axis=0)
    # Hair: inside the head, away from its edge and the face, above where the side hair ends.
    hair = cv2.erode(mask, np.ones((3, 3), np.uint8))
    hair[cv2.dilate(face, np.ones((5, 5), np.uint8)) > 0] = 0
    hair[round(lm[:, 1].mean() + SIDE_HAIR_Y * px) :] = 0
    patch = max(5, round(1.5 * px) | 1)
    tex = hair_texture(rgb, hair, chart.shape, patch)
    # Hairline: soft, just behind the ear at SIDE_HAIR_Y, at the back NAPE_HAIR_Y.
    s = np.clip((behind - EAR_CENTRE[0]) / (BACK_OF_HEAD_CM * 0.6), 0.0, 1.0)
    line = SIDE_HAIR_Y + (NAPE_HAIR_Y - SIDE_HAIR_Y) * (1 - np.cos(np.pi * s)) / 2
    neck = np.clip((below - line) / 0.6 + 0.5, 0.0, 1.0)[..., None]
    shade = 0.75 + 0.2 * np.clip((below - line) / 3.0, 0.0, 1.0)[..., None]  # under the hair
    tex = tex * (1 - neck) + skin * NECK_SHADE * shade * neck
    paint_ear(tex, skin, behind, below)
    return np.clip(cv2.GaussianBlur(tex, (0, 0), 0.5), 0, 255).astype(np.uint8)


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


def photo_scale(lm: np.ndarray) -> float:
    """Pixels per cm at the face in the photo (from the distance between the irises)."""
    return float(np.linalg.norm(lm[RIGHT_IRIS, :2] - lm[LEFT_IRIS, :2]) / IRIS_DISTANCE_CM)


def front_of_head(
    lm: np.ndarray, cam: Camera, mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The face (Delaunay of the landmarks) and rings from the face boundary out to the head's
    silhouette, curving back to the pivot's depth along a quarter ellipse: vertices (cm),
    texture coordinates (photo px), triangles facing the camera, the silhouette ring's vertex
    indices, and the (3,) centre of the silhouette at the pivot's depth (cm)."""
    px_per_cm = photo_scale(lm)
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
    tris = np.concatenate([Delaunay(lm[:, :2]).simplices, strips(rings)])
    # Wind the front to face the camera at rest (normal towards the camera at the origin).
    a, b, c = (verts[tris[:, i]] for i in range(3))
    away = np.einsum("ij,ij->i", np.cross(b - a, c - a), a + b + c) > 0
    tris[away] = tris[away][:, [0, 2, 1]]
    centre = cam.unproject(edge[None, :, :2].mean(axis=1), depth_cm(np.array([pivot_z_px])))[0]
    return verts, uv, tris, rings[-1], centre


def back_depth(y: np.ndarray) -> np.ndarray:
    """Depth (cm) of the back of the head behind the silhouette's centre at heights ``y`` (cm
    below the centre): the occiput down to OCCIPUT_Y, then easing into the back of the neck by
    NAPE_Y."""
    s = np.clip((y - OCCIPUT_Y) / (NAPE_Y - OCCIPUT_Y), 0.0, 1.0)
    return NECK_BACK_CM + (BACK_OF_HEAD_CM - NECK_BACK_CM) * (1 + np.cos(np.pi * s)) / 2


def back_of_head(rim: np.ndarray, centre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rings from the silhouette ``rim`` (K, 3) cm back to the back of the head: above the
    centre a half superellipsoid closing at the occiput, below it straight back to a midline
    whose depth is back_depth (the lower back of the head, then the neck). Returns the vertices
    (len(BACK_ANGLES) * K, 3), starting with a copy of the rim, and the triangles (local
    indices) wound outward."""
    d = rim - centre
    up = d[:, 1] <= 0
    depth = np.where(up, BACK_OF_HEAD_CM, back_depth(d[:, 1]))
    rings = []
    for angle in np.radians(BACK_ANGLES):
        # a superellipse (exponent 2 / BACK_FULLNESS): rounder over the crown than an ellipse
        cos, sin = (max(v, 0.0) ** BACK_FULLNESS for v in (math.cos(angle), math.sin(angle)))
        x = centre[0] + d[:, 0] * cos
        y = np.where(up, centre[1] + d[:, 1] * cos, rim[:, 1])
        z = rim[:, 2] + (centre[2] + depth - rim[:, 2]) * sin
        rings.append(np.stack([x, y, z], axis=1))
    verts = np.concatenate(rings)
    k = len(rim)
    tris = strips([j * k + np.arange(k) for j in range(len(BACK_ANGLES))])
    # Outward: away from a point inside: above the centre, the superellipsoid's middle; below
    # it, the middle of the cross-section at the triangle's height.
    a, b, c = (verts[tris[:, i]] for i in range(3))
    mid = (a + b + c) / 3
    below = np.maximum(mid[:, 1] - centre[1], 0.0)
    inner = centre + np.stack([0 * below, below, back_depth(below) / 2], axis=1)
    inward = np.einsum("ij,ij->i", np.cross(b - a, c - a), mid - inner) < 0
    tris[inward] = tris[inward][:, [0, 2, 1]]
    return verts, tris


def build_head(rgb: np.ndarray, lm: np.ndarray, cam: Camera, mask: np.ndarray) -> HeadMesh:
    """Head mesh and its texture atlas from the photo, its landmarks in pixels and the head
    mask: the front (front_of_head) textured from the photo, the back (back_of_head) from a
    side-view panel below it (side_panel: hair, the ears, the neck) through SideChart."""
    verts, uv, front, rim, centre = front_of_head(lm, cam, mask)
    back, behind = back_of_head(verts[rim], centre)
    px_per_cm = photo_scale(lm)
    y_range = (float(back[:, 1].min() - centre[1]) - 1, float(back[:, 1].max() - centre[1]) + 1)
    chart = SideChart(centre, px_per_cm, rgb.shape[0], y_range)
    panel = side_panel(rgb, mask, lm, chart)
    texture = np.zeros((rgb.shape[0] + panel.shape[0], max(rgb.shape[1], panel.shape[1]), 3))
    texture[: rgb.shape[0], : rgb.shape[1]] = head_texture(rgb, mask)
    texture[rgb.shape[0] :, : panel.shape[1]] = panel
    pivot = np.array([verts[NOSE_TIP, 0], centre[1], centre[2]])
    return HeadMesh(
        np.concatenate([verts, back]),
        np.concatenate([uv, chart.uv(back)]).astype(np.float32),
        np.concatenate([front, behind + len(verts)]),
        pivot,
        texture.astype(np.uint8),
    )


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
