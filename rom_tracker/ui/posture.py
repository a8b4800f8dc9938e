"""The posture judgement moved to :mod:`rom_tracker.monitor.posture` (Qt-free, used by the
tray monitor and the benchmark too); its names stay importable from here."""

from rom_tracker.monitor.posture import (
    AWAY,
    CALIBRATING,
    FORWARD_HEAD,
    GOOD,
    HEAD_DOWN,
    MONITORING,
    UNCALIBRATED,
    UNKNOWN,
    Baseline,
    PostureMonitor,
    PostureSettings,
    PostureState,
    posture_metrics,
)

__all__ = [
    "AWAY",
    "CALIBRATING",
    "FORWARD_HEAD",
    "GOOD",
    "HEAD_DOWN",
    "MONITORING",
    "UNCALIBRATED",
    "UNKNOWN",
    "Baseline",
    "PostureMonitor",
    "PostureSettings",
    "PostureState",
    "posture_metrics",
]
