"""Scripted angle streams for the UI tests: a person doing what a protocol asks."""

from __future__ import annotations

import numpy as np

FPS = 30.0


def segment(start: float, end: float, seconds: float) -> np.ndarray:
    """A smooth move from ``start`` to ``end`` degrees lasting ``seconds`` (at FPS)."""
    n = max(1, round(seconds * FPS))
    x = np.linspace(0.0, 1.0, n, endpoint=False)
    return start + (end - start) * (0.5 - 0.5 * np.cos(np.pi * x))


def still(value: float, seconds: float, seed: int = 0, jitter: float = 0.3) -> np.ndarray:
    n = max(1, round(seconds * FPS))
    return value + np.random.default_rng(seed).normal(0.0, jitter, n)


def neck_rotation_session(left: float = 40.0, right: float = 35.0) -> np.ndarray:
    """neck_rotation_deg for: neutral, effortless left hold, back, effortless right hold."""
    return np.concatenate(
        [
            still(0.0, 3.0, 1),
            segment(0.0, left, 2.5),
            still(left, 4.0, 2),
            segment(left, 0.0, 2.0),
            still(0.0, 3.0, 3),
            segment(0.0, -right, 2.5),
            still(-right, 4.0, 4),
            segment(-right, 0.0, 2.0),
            still(0.0, 2.0, 5),
        ]
    )


def times(n: int, t0: float = 0.0) -> np.ndarray:
    return t0 + np.arange(n) / FPS


class Actor:
    """A scripted person who does what the current step asks: still at neutral, a slow
    move to ``effortless`` degrees and a hold, or a move out to ``active`` and back.

    ``angles(t, step)`` returns the angle columns (all of the head group) for a frame.
    """

    COLUMNS = ("neck_rotation_deg", "head_pitch_deg", "head_roll_deg", "head_yaw_deg")

    def __init__(self, effortless: float = 35.0, active: float = 55.0, seed: int = 0) -> None:
        self.effortless, self.active = effortless, active
        self.rng = np.random.default_rng(seed)
        self._key: object = None
        self._t0 = 0.0

    def angles(self, t: float, step: object, key: object) -> dict[str, float]:
        from rom_tracker.rom.movements import movement

        if key != self._key:
            self._key, self._t0 = key, t
        dt = t - self._t0
        out = {c: float(self.rng.normal(0.0, 0.2)) for c in self.COLUMNS}
        kind = getattr(step, "kind", "")
        if kind != "measure":
            return out
        ms = movement(step.movement).side(step.side)  # type: ignore[attr-defined]
        if step.mode == "effortless":  # type: ignore[attr-defined]
            value = self.effortless * min(1.0, dt / 2.0)
        else:
            value = self.active * max(0.0, 1.0 - abs(dt - 1.5) / 1.5)
        out[ms.column] += ms.sign * value
        return out


# --- fake live results and estimators (no camera, no models) -------------------------

POSE_WORLD = np.zeros((33, 3), np.float32)
POSE_WORLD[[11, 12, 23, 24, 25, 26]] = [
    [0.18, -0.5, 0.0],
    [-0.18, -0.5, 0.0],
    [0.1, 0.0, 0.0],
    [-0.1, 0.0, 0.0],
    [0.1, 0.45, 0.0],
    [-0.1, 0.45, 0.0],
]
POSE_IMAGE = (POSE_WORLD * 0.5 + 0.5).astype(np.float32)
POSE_IMAGE[0] = (0.5, 0.2, 0.0)  # nose above the shoulders


def face_output(yaw: float, pitch: float = 0.0, roll: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """What the face adapter returns for a head at these angles (degrees)."""
    from rom_tracker.kinematics.head import rotation_from_head_angles

    matrix = np.eye(4, dtype=np.float32)
    matrix[:3, :3] = rotation_from_head_angles([yaw], [pitch], [roll])[0]
    matrix[2, 3] = -50.0
    xyz = np.full((478, 3), 0.5, np.float32)
    xyz[:, 0] += 0.1 * np.cos(np.linspace(0, 2 * np.pi, 478))
    xyz[:, 1] += 0.1 * np.sin(np.linspace(0, 2 * np.pi, 478)) - 0.2
    return xyz, matrix


POSE_VISIBLE = np.zeros(33, np.float32)
POSE_VISIBLE[[0, 11, 12, 23, 24, 25, 26]] = 1.0  # the others: not seen


def pose_output() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return POSE_IMAGE.copy(), POSE_WORLD.copy(), POSE_VISIBLE.copy()


def fake_result(index: int, t_s: float, angles: dict[str, float], *, pose: bool = True):
    """A LiveResult carrying ``angles`` (all other columns NaN) and a small grey frame."""
    from rom_tracker.kinematics.table import columns_for
    from rom_tracker.live.result import LiveResult

    full = {c: float(angles.get(c, np.nan)) for c in columns_for("all")}
    image, world, vis = pose_output()
    return LiveResult(
        index=index,
        t_s=t_s,
        rgb=np.full((120, 160, 3), 90, np.uint8),
        face_xyz=face_output(0.0)[0],
        face_matrix=None,
        pose_xyz=image if pose else None,
        pose_world=world if pose else None,
        pose_visibility=vis if pose else None,
        angles=full,
        angles_smoothed=None,
        t_capture=0.0,
        t_inferred=0.02,
        dropped_frames_total=0,
        fps=30.0,
    )
