"""The annotate job: one video in, one annotated MP4 out (see :mod:`rom_tracker.annotate`)."""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rom_tracker.analyze import AnalyzeSettings, filter_columns
from rom_tracker.annotate import draw
from rom_tracker.annotate.faces import face_regions, hide
from rom_tracker.annotate.video_out import AtomicVideoWriter, KeptFrames
from rom_tracker.display.overlay import overlay_for
from rom_tracker.errors import InputError, NothingDetectedError, UsageError
from rom_tracker.kinematics.table import compute_angles
from rom_tracker.media.capture import Frame, Source, VideoSource
from rom_tracker.pipeline import ModelPaths, What, run_models
from rom_tracker.rom.movements import MOVEMENTS
from rom_tracker.rom.phases import detect_phases, trial_phases
from rom_tracker.types import Landmarks

log = logging.getLogger(__name__)

#: the main reading per --what: column, title, scale, words for + and -
GAUGES: dict[str, tuple[str, draw.Gauge]] = {
    "head": ("neck_rotation_deg", draw.Gauge("Neck rotation", -90, 90, "left", "right")),
    "all": ("neck_rotation_deg", draw.Gauge("Neck rotation", -90, 90, "left", "right")),
    "hip": ("hip_flexion_left_deg", draw.Gauge("Hip flexion, left", -30, 120)),
}
OTHERS = {
    "head": (("head_pitch_deg", "flexion"), ("head_roll_deg", "lateral flexion")),
    "hip": (
        ("hip_flexion_right_deg", "hip flexion R"),
        ("hip_abduction_left_deg", "abduction L"),
        ("hip_abduction_right_deg", "abduction R"),
    ),
    "all": (
        ("head_pitch_deg", "neck flexion"),
        ("hip_flexion_left_deg", "hip flexion L"),
        ("hip_flexion_right_deg", "hip flexion R"),
    ),
}


@dataclass(frozen=True)
class TrialInfo:
    """A stored trial to show: its movement, side, value and ``detail`` (holds, reps)."""

    movement: str
    side: str
    mode: str
    value_deg: float
    started_s: float  # the trial's span, in the time of the recording it came from
    ended_s: float
    detail: Mapping[str, Any] = field(default_factory=dict)
    at_least: bool = False  # value_deg is only a lower bound (rom_tracker.rom.bounds)


@dataclass(frozen=True)
class AnnotateSettings:
    what: What = "all"
    blur_faces: bool = False
    min_confidence: float = 0.5


@dataclass(frozen=True)
class AnnotateResult:
    source: str
    out: Path
    frames: int
    width: int
    height: int
    fps: float
    hidden_frames: int  # frames with a hidden face region


def _angles(lm: Landmarks, what: What, stored: bool) -> dict[str, np.ndarray]:
    """The angle table as ``analyze`` computes it (its settings, camera and filter); for a
    stored trial (``stored``), without the off-axis camera correction, as ``record`` and the
    app measured the value they stored (``kinematics.table.angle_table``), so the reading
    drawn at the end of range is the stored value's (the correction moves every head yaw
    of a head off the image centre by about the same amount: +4 deg on the head-turn render,
    whose head sits 23 px left of the centre of its 320 px)."""
    settings = AnalyzeSettings(what=what, camera="none" if stored else "auto")
    camera = settings.calibration(lm.size.width, lm.size.height, still=False)
    options = settings.angle_options(camera, lm.size.width, lm.size.height, still=False)
    values = dict(compute_angles(lm, what, options).values)
    if len(lm) > 1:
        values.update(filter_columns(lm.t_s, values))
    return values


def _reading(
    what: What, table: dict[str, np.ndarray], trial: TrialInfo | None
) -> tuple[draw.Gauge, np.ndarray]:
    def col(name: str) -> np.ndarray:
        return table.get(
            name + "_filt", table.get(name, np.full(len(next(iter(table.values()))), np.nan))
        )

    if trial is not None:
        ms = MOVEMENTS[trial.movement].side(trial.side)
        title = f"{MOVEMENTS[trial.movement].title}, {trial.side} ({trial.mode})"
        lo = -30.0 if MOVEMENTS[trial.movement].needs == "hip" else -45.0
        gauge = draw.Gauge(
            title,
            lo,
            120.0 if lo == -30.0 else 90.0,
            target_deg=trial.value_deg,
            target_at_least=trial.at_least,
        )
        return gauge, ms.sign * col(ms.column)
    column, gauge = GAUGES[what]
    return gauge, col(column)


def _others(what: What, table: dict[str, np.ndarray]) -> list[tuple[np.ndarray, str]]:
    """The other readings drawn under the main one: (series, label)."""
    return [
        (table[c + "_filt"] if c + "_filt" in table else table[c], label)
        for c, label in OTHERS[what]
        if c in table
    ]


def face_on_left(lm: Landmarks) -> bool:
    """Whether the head is mostly in the left half (the panel then goes top right)."""
    nose = np.concatenate(
        [lm.face.image_xyz[lm.face.found, 1, 0], lm.pose.image_xyz[lm.pose.found, 0, 0]]
    )
    nose = nose[np.isfinite(nose)]
    return bool(nose.size) and float(np.median(nose)) < 0.5


def _phases(t_s: np.ndarray, values: np.ndarray, trial: TrialInfo | None, label: str) -> np.ndarray:
    """The trial's phases where its times fall in the video, else detected on the video."""
    if trial is not None:
        if trial.started_s <= t_s[-1] and trial.ended_s >= t_s[0]:
            return trial_phases(t_s, values, trial.detail)
        log.warning(
            "the trial's times (%.1f-%.1f s) are outside %s (0-%.1f s): its phases are "
            "detected on the video instead",
            trial.started_s,
            trial.ended_s,
            label,
            t_s[-1],
        )
    return detect_phases(t_s, values)


@dataclass
class Measured:
    """A video measured as ``analyze`` does (for a stored trial, as its value was: see
    :func:`_angles`), with all it takes to draw each frame: :meth:`draw` frame ``i`` (BGR,
    in place) as annotate does."""

    lm: Landmarks
    frames: KeptFrames
    gauge: draw.Gauge
    values: np.ndarray  # (T,) the main reading, signed
    phases: np.ndarray  # (T,) str
    others: list[tuple[np.ndarray, str]]
    regions: np.ndarray | None  # (T, 4) face boxes to hide, or None
    fps: float
    tables: dict[bool, dict[str, np.ndarray]]  # the angle tables computed, by ``stored``
    what: What
    label: str  # the source's, for messages

    def angles(self, stored: bool) -> dict[str, np.ndarray]:
        """The angle table: ``analyze``'s, or (``stored``) the one of a stored trial's value
        (see :func:`_angles`); computed once, shared by the copies of :meth:`with_trial`."""
        if stored not in self.tables:
            self.tables[stored] = _angles(self.lm, self.what, stored)
        return self.tables[stored]

    def with_trial(self, trial: TrialInfo | None) -> Measured:
        """The same video and landmarks, drawn for ``trial`` (its gauge, value, phases)."""
        table = self.angles(trial is not None)
        gauge, values = _reading(self.what, table, trial)
        phases = _phases(self.lm.t_s, values, trial, self.label)
        others = _others(self.what, table)
        return dataclasses.replace(self, gauge=gauge, values=values, phases=phases, others=others)

    @property
    def size(self) -> tuple[int, int]:
        return (self.lm.size.width, self.lm.size.height)

    def draw(self, img: np.ndarray, i: int, right: bool) -> None:
        lm, size = self.lm, self.size
        s = max(min(size) / 540.0, 0.6)  # text stays legible on small videos
        if self.regions is not None:
            hide(img, self.regions[i])
        face = lm.face.image_xyz[i] if lm.face.found[i] else None
        pose = lm.pose.image_xyz[i] if lm.pose.found[i] else None
        ov = overlay_for(face, pose, lm.pose.visibility[i] if pose is not None else None, size)
        draw.landmarks(img, ov, s, face=self.regions is None)
        lines = [
            f"{label}: {round(v[i]) + 0} deg" if math.isfinite(v[i]) else f"{label}: not seen"
            for v, label in self.others
        ]
        value = float(self.values[i])
        draw.panel(img, self.gauge, value, str(self.phases[i]), others=lines, s=s, right=right)
        draw.gauge_bar(img, self.gauge, value, s)

    @property
    def hidden_frames(self) -> int:
        r = self.regions
        return 0 if r is None else int(((r[:, 2] > r[:, 0]) & (r[:, 3] > r[:, 1])).sum())


def measure(
    source: Source,
    models: ModelPaths,
    settings: AnnotateSettings,
    *,
    trial: TrialInfo | None = None,
    on_step: Callable[[], None] | None = None,
    budget: int | None = None,
) -> Measured:
    """The measuring pass of annotate over ``source`` (a video file); ``on_step`` per frame;
    ``budget``: bytes of decoded frames kept for the drawing pass."""
    if source.info.kind != "video" or not isinstance(source, VideoSource):
        raise UsageError(
            f"annotate needs a video file, not a {source.info.kind}",
            "record one with `rom-tracker record --keep-video PATH`",
        )
    if settings.blur_faces and models.face is None:
        raise UsageError(
            "--blur-faces needs the face model", "do not pass --what hip alone"
        )  # pragma: no cover

    def measured(_frame: Frame) -> None:
        if on_step is not None:
            on_step()

    frames = KeptFrames(source) if budget is None else KeptFrames(source, budget)
    lm = run_models(frames, models, min_confidence=settings.min_confidence, on_frame=measured)
    if len(lm) == 0:
        raise NothingDetectedError(f"{source.info.label} has no frames", "check the input plays")
    stored = trial is not None
    table = _angles(lm, settings.what, stored)
    gauge, values = _reading(settings.what, table, trial)
    others = _others(settings.what, table)
    regions = face_regions(lm) if settings.blur_faces else None
    if regions is not None and not (lm.face.found.any() or lm.pose.found.any()):
        log.warning("%s: no head found anywhere: every frame is hidden whole", source.info.label)
    fps = source.info.fps if math.isfinite(source.info.fps) and source.info.fps > 0 else 30.0
    phases = _phases(lm.t_s, values, trial, source.info.label)
    return Measured(
        lm, frames, gauge, values, phases, others, regions, fps, {stored: table}, settings.what,
        source.info.label,
    )  # fmt: skip


def annotate_video(
    source: Source,
    out: Path,
    models: ModelPaths,
    settings: AnnotateSettings,
    *,
    trial: TrialInfo | None = None,
    on_step: Callable[[], None] | None = None,
) -> AnnotateResult:
    """Measure ``source`` (a video file) as ``analyze`` does, then write the annotated copy
    to ``out`` (.mp4) atomically. ``on_step`` is called for every frame of each pass (two
    steps a frame: for a progress bar)."""
    m = measure(source, models, settings, trial=trial, on_step=on_step)
    n = len(m.lm)
    right = face_on_left(m.lm)
    with AtomicVideoWriter(out, m.fps, m.size) as writer:
        for i, img in enumerate(m.frames.bgr_frames()):
            if i >= n:
                break
            m.draw(img, i, right)
            writer.write(img)
            if on_step is not None:
                on_step()
        if writer.frames != n:
            raise InputError(
                f"{source.info.label} gave {writer.frames} frames on the second reading, "
                f"{n} on the first",
                "check the file is not being written to",
            )
        writer.publish()
    w, h = m.size
    return AnnotateResult(source.info.label, out, n, w, h, m.fps, m.hidden_frames)
