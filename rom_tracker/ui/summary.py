"""The results of a measured session, per movement and side: this session, the last one,
the change and whether it is real (the person's MDC95; bounds judged only where provable).
Qt-free."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from rom_tracker.store import Store
from rom_tracker.store.stats import judge, mdc95, sort_key


@dataclass(frozen=True)
class SummaryRow:
    """One movement and side of the results: this session, the last one, and the change.

    Degrees; NaN = not measured. ``*_at_least``: that value is a lower bound ("at least",
    ``rom_tracker.rom.bounds``). ``exceeds_mdc`` is None when the change cannot be judged:
    the person's MDC95 is not known yet, or a bound proves nothing
    (``rom_tracker.store.stats.judge``).
    """

    movement: str
    side: str
    effortless_deg: float = math.nan
    active_deg: float = math.nan
    last_effortless_deg: float = math.nan
    last_active_deg: float = math.nan
    mdc_effortless_deg: float = math.nan
    mdc_active_deg: float = math.nan
    effortless_at_least: bool = False
    active_at_least: bool = False
    last_effortless_at_least: bool = False
    last_active_at_least: bool = False

    @property
    def gap_deg(self) -> float:
        """Effort gap: active minus effortless (measured values only: NaN with a bound)."""
        if self.effortless_at_least or self.active_at_least:
            return math.nan
        return self.active_deg - self.effortless_deg

    @property
    def change_effortless_deg(self) -> float:
        return self.effortless_deg - self.last_effortless_deg

    @property
    def change_active_deg(self) -> float:
        return self.active_deg - self.last_active_deg

    def exceeds_mdc(self, mode: str) -> bool | None:
        return judge(
            getattr(self, f"last_{mode}_deg"),
            getattr(self, f"last_{mode}_at_least"),
            getattr(self, f"{mode}_deg"),
            getattr(self, f"{mode}_at_least"),
            getattr(self, f"mdc_{mode}_deg"),
        )[0]


def summarize(store: Store, session_id: int) -> list[SummaryRow]:
    """Per movement and side of a stored session: effortless and active values (mean of
    the trials), the last earlier session's values and the person's MDC95."""
    session = store.session(session_id)
    now: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    bound: set[tuple[str, str, str]] = set()
    for t in session.trials:
        vals = now[(t.movement, t.side, t.mode)]
        if math.isfinite(t.value_deg):
            vals.append(t.value_deg)
            if t.at_least:
                bound.add((t.movement, t.side, t.mode))
    history = store.progress(session.profile)
    order = {s.id: (s.started_at, s.id) for s in store.sessions(session.profile)}
    mine = order[session_id]
    earlier: dict[tuple[str, str, str], dict[int, list[float]]] = defaultdict(dict)
    earlier_bound: set[tuple[tuple[str, str, str], int]] = set()
    for h in history:
        if order[h.session_id] < mine:
            key = (h.movement, h.side, h.mode)
            earlier[key].setdefault(h.session_id, []).append(h.value_deg)
            if h.at_least:
                earlier_bound.add((key, h.session_id))
    latest = {key: max(by, key=order.__getitem__) for key, by in earlier.items()}
    last = {key: _mean(earlier[key][sid]) for key, sid in latest.items()}  # the latest one
    mdc = mdc95(history)
    rows = []
    for m, s in dict.fromkeys((m, s) for m, s, _ in sorted(now, key=sort_key)):
        rows.append(
            SummaryRow(
                movement=m,
                side=s,
                effortless_deg=_mean(now.get((m, s, "effortless"))),
                active_deg=_mean(now.get((m, s, "active"))),
                last_effortless_deg=last.get((m, s, "effortless"), math.nan),
                last_active_deg=last.get((m, s, "active"), math.nan),
                mdc_effortless_deg=mdc.get((m, s, "effortless"), (math.nan, ""))[0],
                mdc_active_deg=mdc.get((m, s, "active"), (math.nan, ""))[0],
                effortless_at_least=(m, s, "effortless") in bound,
                active_at_least=(m, s, "active") in bound,
                last_effortless_at_least=((m, s, "effortless"), latest.get((m, s, "effortless")))
                in earlier_bound,
                last_active_at_least=((m, s, "active"), latest.get((m, s, "active")))
                in earlier_bound,
            )
        )
    return rows


def _mean(values: list[float] | None) -> float:
    return float(np.mean(values)) if values else math.nan
