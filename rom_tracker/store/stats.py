"""Measurement noise of a person's values, and the comparison of two sessions.

MDC95 (minimal detectable change, 95 %) per movement/side/mode, from that profile's own
repeated trials:

- **within-session** (preferred): where sessions hold two or more trials of the key, the
  pooled within-session SD, ``sqrt(sum((n_i - 1) s_i^2) / sum(n_i - 1))``: the spread of
  repeats taken minutes apart, which is measurement noise plus moment-to-moment variation.
- **across-sessions** (fallback): where every session has one value, the SD of the
  values of at least three sessions. It also holds any real change over time, so it
  overestimates the noise: a change that exceeds it is real with more confidence still.
- otherwise unknown (NaN; ``exceeds_mdc`` is None).

Then ``SEM = SD`` and ``MDC95 = 1.96 * sqrt(2) * SEM`` (:mod:`rom_tracker.rom.reliability`).
A session's value is the mean of its trials' values; the MDC is that of a single trial,
which is conservative for means.

Bounds ("at least" values, :mod:`rom_tracker.rom.bounds`) are never used as measurements:
the MDC, asymmetry and the effort gap use measured values only. A session value that
includes a bound is itself a bound (the mean of lower bounds is a lower bound). A change is
then judged only where it is provable: a real gain when the "after" bound exceeds a
measured "before" by more than the MDC95, a real loss when a measured "after" lies more
than the MDC95 below the "before" bound; otherwise it cannot be judged, and the verdict
says why.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from rom_tracker.rom.movements import MODES, MOVEMENTS
from rom_tracker.rom.reliability import mdc95 as mdc95_from_sem
from rom_tracker.rom.reliability import sem
from rom_tracker.store.records import CompareRow, ProgressRecord, StoredTrial

Key = tuple[str, str, str]  # movement, side, mode
MDC_FACTOR = mdc95_from_sem(1.0)  # 1.96 * sqrt(2)
MIN_SESSIONS_ACROSS = 3


def sort_key(key: Key) -> tuple[int, str, int]:
    movement, side, mode = key
    order = list(MOVEMENTS)
    return (
        order.index(movement) if movement in MOVEMENTS else len(order),
        side,
        MODES.index(mode) if mode in MODES else len(MODES),
    )


def mdc95(history: Iterable[ProgressRecord]) -> dict[Key, tuple[float, str]]:
    """(MDC95 in degrees, how it was estimated) per key with enough repeated values."""
    values: dict[Key, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in history:
        if math.isfinite(r.value_deg) and not r.at_least:
            values[(r.movement, r.side, r.mode)][r.session_id].append(r.value_deg)
    out: dict[Key, tuple[float, str]] = {}
    for key, by_session in values.items():
        groups = [np.asarray(v) for v in by_session.values()]
        dof = sum(g.size - 1 for g in groups)
        if dof > 0:
            ss = sum(float(np.sum((g - g.mean()) ** 2)) for g in groups)
            out[key] = (mdc95_from_sem(math.sqrt(ss / dof)), "within-session")
        elif len(groups) >= MIN_SESSIONS_ACROSS:
            means = [float(g.mean()) for g in groups]
            out[key] = (mdc95_from_sem(sem(means)), "across-sessions")
    return out


def _mean_by_key(
    trials: Sequence[StoredTrial], *, measured_only: bool = False
) -> dict[Key, list[float]]:
    out: dict[Key, list[float]] = defaultdict(list)
    for t in trials:
        vals = out[(t.movement, t.side, t.mode)]
        if math.isfinite(t.value_deg) and not (measured_only and t.at_least):
            vals.append(t.value_deg)
    return out


def _bounds_by_key(trials: Sequence[StoredTrial]) -> set[Key]:
    return {(t.movement, t.side, t.mode) for t in trials if t.at_least}


def judge(a: float, a_bound: bool, b: float, b_bound: bool, mdc: float) -> tuple[bool | None, str]:
    """``(exceeds_mdc, verdict)`` of the change from ``a`` (before) to ``b`` (after), each
    a measurement or a lower bound. ``exceeds_mdc`` is True only for a provable change,
    None where it cannot be judged; the verdict says which, in words."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return None, "not measured in both sessions"
    if not math.isfinite(mdc):
        return None, "MDC unknown (repeat trials to know the noise)"
    change = b - a
    if not (a_bound or b_bound):
        if abs(change) <= mdc:
            return False, "within noise"
        return True, "real gain" if change > 0 else "real loss"
    if a_bound and b_bound:
        return None, "cannot judge: both values are only bounds (at least)"
    if b_bound:
        if change > mdc:
            return True, "real gain (after is at least this)"
        return None, (
            f"cannot judge: after is at least {b:.1f} (a bound), not more than the MDC95 "
            f"above before"
        )
    if -change > mdc:
        return True, "real loss (before was at least this)"
    return None, f"cannot judge: before is at least {a:.1f} (a bound)"


def compare(
    trials_a: Sequence[StoredTrial],
    trials_b: Sequence[StoredTrial],
    history: Iterable[ProgressRecord],
    mdc_by_key: Mapping[Key, float] | None = None,
) -> list[CompareRow]:
    a, b = _mean_by_key(trials_a), _mean_by_key(trials_b)
    bound_a, bound_b = _bounds_by_key(trials_a), _bounds_by_key(trials_b)
    estimated = mdc95(history)
    rows = []
    for key in sorted(set(a) | set(b), key=sort_key):
        va, vb = a.get(key, []), b.get(key, [])
        mean_a = float(np.mean(va)) if va else math.nan
        mean_b = float(np.mean(vb)) if vb else math.nan
        change = mean_b - mean_a
        if mdc_by_key is not None and key in mdc_by_key:
            mdc, source = float(mdc_by_key[key]), "given"
        elif key in estimated:
            mdc, source = estimated[key]
        else:
            mdc, source = math.nan, None
        exceeds, verdict = judge(mean_a, key in bound_a, mean_b, key in bound_b, mdc)
        rows.append(
            CompareRow(
                movement=key[0],
                side=key[1],
                mode=key[2],
                a_deg=mean_a,
                b_deg=mean_b,
                change_deg=change,
                mdc95_deg=mdc,
                mdc_source=source if math.isfinite(mdc) else None,
                exceeds_mdc=exceeds,
                n_a=len(va),
                n_b=len(vb),
                a_at_least=key in bound_a,
                b_at_least=key in bound_b,
                verdict=verdict,
            )
        )
    return rows


def effort_gaps(trials: Sequence[StoredTrial]) -> list[dict[str, float | str]]:
    """Per movement and side with both modes measured: active minus effortless (degrees).
    Measured values only: a bound ("at least") has no gap."""
    means = {k: float(np.mean(v)) for k, v in _mean_by_key(trials, measured_only=True).items() if v}
    out: list[dict[str, float | str]] = []
    pairs = sorted({(m, s) for m, s, _ in means}, key=lambda ms: sort_key((*ms, MODES[0])))
    for movement, side in pairs:
        eff, act = means.get((movement, side, "effortless")), means.get((movement, side, "active"))
        if eff is not None and act is not None:
            out.append(
                {
                    "movement": movement,
                    "side": side,
                    "effortless_deg": eff,
                    "active_deg": act,
                    "gap_deg": act - eff,
                }
            )
    return out
