"""The posture monitor, Qt-free: calibrate a good sitting posture, then watch for a forward
head and a head held down, count sitting time and time in good posture, and offer a Micro
Pause after a chosen sitting time.

Gentle by design: a posture only counts as off after it has lasted ``min_off_s``; a Micro
Pause is *offered* (never forced), and once dismissed it is not offered again for
``snooze_s``. Stepping away from the camera for ``away_reset_s`` counts as a break and
starts the sitting time again.

Signals, per frame (``posture_metrics``):

* ``pitch_deg``: head pitch (``head_pitch_deg``, positive = chin down). Head down =
  pitch more than ``head_down_deg`` above the calibrated pitch.
* ``neck_ratio``: vertical distance from the nose down to the middle of the shoulder line,
  divided by the shoulder width (pose image landmarks, in pixels, so independent of the
  distance to the camera). A head that juts forward and down, or a slumped upper back,
  brings the nose toward the shoulder line: forward head = the ratio below
  ``1 - forward_head_drop`` times the calibrated one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

NOSE, LEFT_SHOULDER, RIGHT_SHOULDER = 0, 11, 12
VISIBLE = 0.5

UNCALIBRATED, CALIBRATING, MONITORING = "uncalibrated", "calibrating", "monitoring"
GOOD, FORWARD_HEAD, HEAD_DOWN, AWAY, UNKNOWN = "good", "forward head", "head down", "away", ""


def posture_metrics(
    pitch_deg: float | None,
    pose_xyz: np.ndarray | None,
    visibility: np.ndarray | None,
    size: tuple[int, int],
) -> tuple[float, float]:
    """``(pitch_deg, neck_ratio)`` of one frame; NaN where not seen.

    ``pose_xyz``: (33, 3) normalised image landmarks; ``visibility``: (33,); ``size``:
    (width, height) in pixels.
    """
    pitch = math.nan if pitch_deg is None else float(pitch_deg)
    if pose_xyz is None:
        return pitch, math.nan
    pts = np.asarray(pose_xyz, dtype=np.float64)[[NOSE, LEFT_SHOULDER, RIGHT_SHOULDER], :2]
    pts = pts * np.asarray(size, dtype=np.float64)
    if visibility is not None:
        vis = np.asarray(visibility, dtype=np.float64)[[NOSE, LEFT_SHOULDER, RIGHT_SHOULDER]]
        if not np.all(vis >= VISIBLE):
            return pitch, math.nan
    nose, left, right = pts
    width = float(np.hypot(*(left - right)))
    if not np.isfinite(pts).all() or width < 1.0:
        return pitch, math.nan
    return pitch, float(((left[1] + right[1]) / 2.0 - nose[1]) / width)


def check_positive(settings: object) -> None:
    """Every field of a settings dataclass must be a finite number above 0."""
    for name in getattr(settings, "__dataclass_fields__", ()):
        value = getattr(settings, name)
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value!r}")


@dataclass(frozen=True)
class PostureSettings:
    calibrate_s: float = 5.0
    forward_head_drop: float = 0.15
    head_down_deg: float = 15.0
    min_off_s: float = 5.0
    away_after_s: float = 3.0
    away_reset_s: float = 120.0
    break_after_s: float = 45 * 60.0
    snooze_s: float = 20 * 60.0
    # longest time one update may add: a bigger gap (sleep, a paused camera) is not counted
    max_step_s: float = 1.0

    def __post_init__(self) -> None:
        check_positive(self)
        if self.forward_head_drop >= 1:
            raise ValueError(f"forward_head_drop must be below 1, got {self.forward_head_drop}")


@dataclass(frozen=True)
class Baseline:
    pitch_deg: float
    neck_ratio: float


@dataclass(frozen=True)
class PostureState:
    """What the posture screen shows (times in seconds)."""

    phase: str = UNCALIBRATED
    status: str = UNKNOWN
    calibrate_left_s: float = math.nan
    baseline: Baseline | None = None
    pitch_change_deg: float = math.nan
    neck_ratio_change: float = math.nan  # fraction of the baseline, negative = forward
    sitting_s: float = 0.0
    good_s: float = 0.0
    monitored_s: float = 0.0
    offer_break: bool = False
    breaks_taken: int = 0

    @property
    def good_fraction(self) -> float:
        return self.good_s / self.monitored_s if self.monitored_s > 0 else math.nan


@dataclass
class _Clock:
    last_t: float = math.nan
    last_seen_t: float = math.nan
    off_since: float = math.nan
    off_kind: str = ""
    snooze_until: float = -math.inf
    calib_t0: float = math.nan
    samples: list[tuple[float, float]] = field(default_factory=list)


class PostureMonitor:
    """Feed it ``update(t_s, pitch_deg, neck_ratio)`` for every frame (NaN: not seen)."""

    def __init__(self, settings: PostureSettings | None = None) -> None:
        self.settings = settings or PostureSettings()
        self.state = PostureState()
        self._c = _Clock()

    @property
    def changing(self) -> bool:
        """Calibrating, or a posture seen off that has not lasted ``min_off_s`` yet (or a
        return to good): a sampler should look often now."""
        c, st = self._c, self.state
        return st.phase == CALIBRATING or (c.off_kind or GOOD) != st.status

    def calibrate(self, t_s: float) -> PostureState:
        """Start (or restart) calibration: sit well for ``calibrate_s`` seconds."""
        self._c.calib_t0, self._c.samples = float(t_s), []
        self.state = replace(
            self.state,
            phase=CALIBRATING,
            status=UNKNOWN,
            calibrate_left_s=self.settings.calibrate_s,
        )
        return self.state

    def set_baseline(self, baseline: Baseline) -> PostureState:
        """Use a remembered calibration (e.g. from the settings) and start monitoring."""
        self.state = replace(self.state, phase=MONITORING, baseline=baseline)
        return self.state

    def dismiss(self, t_s: float) -> PostureState:
        """Not now: the Micro Pause is not offered again for ``snooze_s``."""
        self._c.snooze_until = float(t_s) + self.settings.snooze_s
        self.state = replace(self.state, offer_break=False)
        return self.state

    def break_taken(self, t_s: float) -> PostureState:
        """A Micro Pause was done: sitting time starts again."""
        self._c.snooze_until = -math.inf
        self.state = replace(
            self.state, sitting_s=0.0, offer_break=False, breaks_taken=self.state.breaks_taken + 1
        )
        return self.state

    def update(self, t_s: float, pitch_deg: float, neck_ratio: float) -> PostureState:
        t, c, s = float(t_s), self._c, self.settings
        dt = 0.0 if math.isnan(c.last_t) else max(0.0, min(t - c.last_t, s.max_step_s))
        c.last_t = t
        seen = math.isfinite(pitch_deg) or math.isfinite(neck_ratio)
        if seen:
            if math.isfinite(c.last_seen_t) and t - c.last_seen_t >= s.away_reset_s:
                self.state = replace(self.state, sitting_s=0.0, offer_break=False)
            c.last_seen_t = t
        st = self.state
        if st.phase == CALIBRATING:
            return self._calibrating(t, pitch_deg, neck_ratio)
        if st.phase != MONITORING or st.baseline is None:
            return st
        away = not math.isfinite(c.last_seen_t) or t - c.last_seen_t > s.away_after_s
        if away:
            self.state = replace(st, status=AWAY)
            return self.state
        kind, d_pitch, d_ratio = self._classify(st.baseline, pitch_deg, neck_ratio)
        status = st.status if st.status in (GOOD, FORWARD_HEAD, HEAD_DOWN) else GOOD
        if seen:  # a frame without the person keeps the last status (blinks of tracking)
            if kind != c.off_kind:
                c.off_since, c.off_kind = (math.nan, "") if kind == GOOD else (t, kind)
            if kind == GOOD:
                status = GOOD
            elif t - c.off_since >= s.min_off_s:
                status = kind
        sitting = st.sitting_s + dt
        self.state = replace(
            st,
            status=status,
            pitch_change_deg=d_pitch,
            neck_ratio_change=d_ratio,
            sitting_s=sitting,
            monitored_s=st.monitored_s + dt,
            good_s=st.good_s + (dt if status == GOOD else 0.0),
            offer_break=st.offer_break or (sitting >= s.break_after_s and t >= c.snooze_until),
        )
        return self.state

    def _classify(self, base: Baseline, pitch: float, ratio: float) -> tuple[str, float, float]:
        s = self.settings
        d_pitch = pitch - base.pitch_deg if math.isfinite(base.pitch_deg) else math.nan
        d_ratio = (
            ratio / base.neck_ratio - 1.0
            if math.isfinite(base.neck_ratio) and base.neck_ratio > 0
            else math.nan
        )
        if math.isfinite(d_pitch) and d_pitch > s.head_down_deg:
            return HEAD_DOWN, d_pitch, d_ratio
        if math.isfinite(d_ratio) and d_ratio < -s.forward_head_drop:
            return FORWARD_HEAD, d_pitch, d_ratio
        return GOOD, d_pitch, d_ratio

    def _calibrating(self, t: float, pitch: float, ratio: float) -> PostureState:
        c, s = self._c, self.settings
        if math.isfinite(pitch) or math.isfinite(ratio):
            c.samples.append((pitch, ratio))
        left = s.calibrate_s - (t - c.calib_t0)
        if left > 0:
            self.state = replace(self.state, calibrate_left_s=left)
            return self.state
        a = np.asarray(c.samples, dtype=np.float64).reshape(-1, 2)
        seen = np.isfinite(a)
        if seen[:, 0].sum() < 3 and seen[:, 1].sum() < 3:  # nobody seen: try again
            return self.calibrate(t)
        with np.errstate(all="ignore"):
            med = [float(np.nanmedian(a[:, i])) if seen[:, i].any() else math.nan for i in (0, 1)]
        c.off_since, c.off_kind = math.nan, ""
        self.state = replace(
            self.state,
            phase=MONITORING,
            status=GOOD,
            calibrate_left_s=math.nan,
            baseline=Baseline(*med),
        )
        return self.state
