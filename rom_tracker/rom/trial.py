"""One measured trial of a movement, side and mode, and the function that measures it.

Pure numpy/scipy.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from rom_tracker.rom import movements
from rom_tracker.rom.bounds import RELIABLE_YAW_DEG, Bound, reach_bound
from rom_tracker.rom.filters import as_series
from rom_tracker.rom.holds import best_hold, detect_holds
from rom_tracker.rom.movements import MODES
from rom_tracker.rom.peaks import active_value, detect_reps

#: keyword thresholds ``measure_trial`` passes on, per mode
HOLD_OPTIONS = frozenset(
    {
        "speed_threshold_deg_s",
        "min_duration_s",
        "smooth",
        "max_gap_s",
        "speed_window_s",
        "min_hold_deg",
    }
)
REP_OPTIONS = frozenset(
    {"min_amplitude_deg", "min_separation_s", "smooth", "peak_window_s", "max_gap_s"}
)

#: default for ``min_hold_deg``: a hold nearer neutral than this is resting, not a range
MIN_HOLD_DEG = 5.0


@dataclass(frozen=True, eq=False)
class TrialResult:
    """The result of one trial, as stored.

    * ``movement``/``side``/``mode``: see ``rom_tracker.rom.movements``; mode is
      ``"effortless"`` or ``"active"``; ``guided``: measured within a guided protocol.
    * ``value_deg``: the range in degrees, positive in the movement's direction: the mean
      of the best hold (effortless) or the highest robust peak (active); NaN when there is
      none (no hold: no effortless value).
    * ``sd_deg``: effortless: the hold's SD (steadiness); active: the SD of the
      repetitions' peaks (NaN with fewer than two).
    * ``duration_s``: effortless: the hold's duration; active: the best repetition's
      duration; NaN when there is no value.
    * ``reps``: active: repetitions counted; effortless: holds found.
    * ``started_s``/``ended_s``: first and last timestamp of the trial, in the source's
      time (seconds).
    * ``detail``: JSON-serialisable information (the holds or repetitions found, the
      column and sign used, the thresholds).
    * ``t_s``: ``(T,)`` float64 seconds; ``angle_deg``: ``(T,)`` float32, the trial's raw
      series signed by the movement (positive in its direction), NaN where not seen.
    * ``at_least``: the value is a lower bound, not a measurement (the turn went beyond
      what the camera reads reliably); ``reason`` says why (``rom_tracker.rom.bounds``:
      ``"beyond reliable range"`` or ``"face lost"``), ``""`` for a measured value.
    """

    movement: str
    side: str
    mode: str
    guided: bool
    value_deg: float
    sd_deg: float
    duration_s: float
    reps: int
    started_s: float
    ended_s: float
    detail: dict[str, Any] = field(default_factory=dict)
    t_s: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    angle_deg: npt.NDArray[np.float32] = field(
        default_factory=lambda: np.zeros(0, dtype=np.float32)
    )
    at_least: bool = False
    reason: str = ""

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode: expected one of {', '.join(MODES)}, got {self.mode!r}")
        movements.movement(self.movement).side(self.side)  # KeyError naming the known ones
        t = np.asarray(self.t_s, dtype=np.float64)
        a = np.asarray(self.angle_deg, dtype=np.float32)
        if t.ndim != 1 or a.shape != t.shape:
            raise ValueError(
                f"t_s and angle_deg: expected equal shapes (T,), got {t.shape}, {a.shape}"
            )
        object.__setattr__(self, "t_s", t)
        object.__setattr__(self, "angle_deg", a)
        try:
            json.dumps(self.detail, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"detail: must be JSON-serialisable without NaN ({exc})") from None
        if self.at_least != bool(self.reason):
            raise ValueError(
                f"at_least={self.at_least} with reason {self.reason!r}: a bound needs its "
                "reason, and a measured value has none"
            )

    @property
    def has_value(self) -> bool:
        return math.isfinite(self.value_deg)


def _split(mode: str, thresholds: dict[str, Any]) -> dict[str, Any]:
    allowed = HOLD_OPTIONS if mode == "effortless" else REP_OPTIONS
    unknown = sorted(set(thresholds) - allowed)
    if unknown:
        raise TypeError(
            f"measure_trial({mode}): unknown threshold(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(allowed))}"
        )
    return dict(thresholds)


def _nan_to_none(x: float) -> float | None:
    return x if math.isfinite(x) else None


def measure_trial(
    movement: str,
    side: str,
    mode: str,
    t: npt.ArrayLike,
    table_column_values: npt.ArrayLike,
    *,
    guided: bool = False,
    camera_yaw: npt.ArrayLike | None = None,
    reach_limit_deg: float = RELIABLE_YAW_DEG,
    **thresholds: Any,
) -> TrialResult:
    """Measure one trial from the raw angle column of the movement (``(T,)`` degrees, as in
    the angle table) at timestamps ``t (T,)`` seconds.

    Applies the movement's sign (``movements.movement(name).side(side).sign``) so the
    movement's direction is positive, then finds holds (``effortless``; thresholds of
    ``detect_holds`` plus ``min_hold_deg``, default 5: holds nearer neutral are resting) or
    repetitions (``active``; thresholds of ``detect_reps``). Unknown thresholds raise
    TypeError.

    ``camera_yaw (T,)``: the head's yaw relative to the camera (degrees, NaN: no face), for
    movements read from the face: a value from beyond the reliable range, or a turn that
    lost the face, is then marked ``at_least`` (:func:`rom_tracker.rom.bounds.reach_bound`;
    beyond ``reach_limit_deg`` from the camera).
    """
    if mode not in MODES:
        raise ValueError(f"mode: expected one of {', '.join(MODES)}, got {mode!r}")
    ms = movements.movement(movement).side(side)
    tt, raw = as_series(t, table_column_values)
    if raw.ndim != 1:
        raise ValueError(f"table_column_values: expected shape (T,), got {raw.shape}")
    signed = ms.sign * raw
    opts = _split(mode, thresholds)
    detail: dict[str, Any] = {"column": ms.column, "sign": ms.sign, "thresholds": dict(opts)}
    value = sd = duration = math.nan
    count = 0
    window: tuple[float, float] | None = None
    if tt.size and mode == "effortless":
        min_hold = float(opts.pop("min_hold_deg", MIN_HOLD_DEG))
        holds = [h for h in detect_holds(tt, signed, **opts) if h.mean_deg >= min_hold]
        best = best_hold(holds, +1)
        detail["holds"] = [h.to_dict() for h in holds]
        detail["best"] = None if best is None else holds.index(best)
        count = len(holds)
        if best is not None:
            value, sd, duration = best.mean_deg, best.sd_deg, best.duration_s
            window = (best.start_s, best.end_s)
    elif tt.size:
        reps = detect_reps(tt, signed, **opts)
        value, count = active_value(reps)
        detail["reps"] = [r.to_dict() for r in reps]
        if reps:
            i = max(range(len(reps)), key=lambda k: reps[k].peak_deg)
            detail["best"] = i
            duration = reps[i].end_s - reps[i].start_s
            sd = float(np.std([r.peak_deg for r in reps], ddof=1)) if count > 1 else math.nan
            window = (float(tt[0]), float(tt[-1]))  # how far the head went, in the trial
        else:
            detail["best"] = None
    bound = Bound(False, "", value)
    if camera_yaw is not None and tt.size:
        _, reach = as_series(tt, camera_yaw)
        bound = reach_bound(
            tt,
            signed,
            ms.sign * reach,
            value,
            window,
            lost=mode == "active",
            limit_deg=reach_limit_deg,
        )
        value = bound.value_deg
        detail["bound"] = {"at_least": bound.at_least, "reason": bound.reason}
    detail["value_deg"] = _nan_to_none(value)
    return TrialResult(
        movement=movement,
        side=side,
        mode=mode,
        guided=bool(guided),
        value_deg=float(value),
        sd_deg=float(sd),
        duration_s=float(duration),
        reps=int(count),
        started_s=float(tt[0]) if tt.size else math.nan,
        ended_s=float(tt[-1]) if tt.size else math.nan,
        detail=detail,
        t_s=tt,
        angle_deg=signed.astype(np.float32),
        at_least=bound.at_least,
        reason=bound.reason,
    )
