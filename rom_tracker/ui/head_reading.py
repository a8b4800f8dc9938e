"""How sure the head reading is, in plain words, for the live view. Qt-free.

The head yaw comes from the face landmarker's matrix, corrected for its under-read
(:mod:`rom_tracker.kinematics.face_model`); where no face is seen there is no reading (the
pose-landmark yaw only takes part when asked for, :mod:`rom_tracker.kinematics.fusion`).
The live view says where the reading comes from under the big number and greys the number
out when the reading is less than :data:`DIM_BELOW` sure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: A reading less sure than this is shown greyed out. ``head_confidence`` is 5 degrees over
#: the mean error measured at that yaw on real photos (``kinematics.face_model``), so 0.5
#: greys out readings expected to err by more than about 10 degrees on average: measured
#: per confidence range in docs/accuracy.md ("confidence").
DIM_BELOW = 0.5
#: Confidence shown as a number only below this (a face reading near the front is 1.0).
SHOW_CONFIDENCE_BELOW = 0.95
#: Columns read from the fused head yaw: the note applies to movements measured on them
#: (head pitch and roll come from the face alone).
YAW_COLUMNS = frozenset({"head_yaw_deg", "neck_rotation_deg"})

_WHERE = {
    "face": "from the face",
    "fused": "from face + body landmarks",
    "pose": "from body landmarks (face out of view)",
}


@dataclass(frozen=True)
class HeadReading:
    """``text``: one line for under the number ("" when nothing is to be said);
    ``dim``: show the number greyed out."""

    text: str
    dim: bool


NOTHING = HeadReading("", False)


def head_reading(source: str, confidence: float) -> HeadReading:
    """The note for a head yaw from ``source`` (``face``, ``pose``, ``fused``, or ``""``:
    not seen) with ``confidence`` in [0, 1] (NaN: not computed)."""
    where = _WHERE.get(source)
    if where is None or not math.isfinite(confidence):
        return NOTHING
    if confidence < SHOW_CONFIDENCE_BELOW:
        shown = math.floor(10 * confidence) / 10  # rounded down: 0.49 reads 0.4, as dimmed
        where = f"{where}, confidence {shown:.1f}"
    return HeadReading(where, confidence < DIM_BELOW)


__all__ = ["DIM_BELOW", "NOTHING", "YAW_COLUMNS", "HeadReading", "head_reading"]
