"""TrunkStabiliser: a jittery still trunk no longer shakes neck rotation."""

from __future__ import annotations

import math

import numpy as np

from rom_tracker.rom.streaming import TrunkStabiliser


def test_trunk_jitter_is_removed_from_neck_rotation() -> None:
    rng = np.random.default_rng(0)
    stab = TrunkStabiliser()
    neck = []
    for i in range(300):  # 10 s at 30 fps: head held at 30 deg, trunk still but jittery
        t = i / 30
        trunk = float(rng.normal(0.0, 4.0))
        out = stab.update(
            t, {"head_yaw_deg": 30.0, "trunk_yaw_deg": trunk, "neck_rotation_deg": 30.0 - trunk}
        )
        neck.append(out["neck_rotation_deg"])
    late = np.array(neck[60:])
    raw_sd = 4.0
    print(f"neck SD after 2 s: {late.std():.2f} deg (raw trunk SD {raw_sd})")
    assert late.std() < raw_sd / 3
    assert abs(late.mean() - 30.0) < 2.0


def test_lost_trunk_is_bridged_briefly_then_left_unknown() -> None:
    stab = TrunkStabiliser(hold_s=0.5)
    stab.update(0.0, {"head_yaw_deg": 10.0, "trunk_yaw_deg": 5.0, "neck_rotation_deg": 5.0})
    gap = {"head_yaw_deg": 20.0, "trunk_yaw_deg": math.nan, "neck_rotation_deg": math.nan}
    assert stab.update(0.3, gap)["neck_rotation_deg"] == 15.0
    assert math.isnan(stab.update(1.0, gap)["neck_rotation_deg"])


def test_other_columns_untouched() -> None:
    stab = TrunkStabiliser()
    angles = {"hip_flexion_left_deg": 12.5}
    assert stab.update(0.0, angles) == angles
