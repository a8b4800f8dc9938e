"""The live pipeline with fake sources and scripted estimators, plus one real video.

No test asserts a time: slow estimators only make frame dropping certain.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from rom_tracker.errors import InputError
from rom_tracker.kinematics.face_model import correct_face_yaw, face_confidence
from rom_tracker.kinematics.head import rotation_from_head_angles
from rom_tracker.kinematics.table import AngleOptions, compute_angles
from rom_tracker.live.intake import LatestFrameReader
from rom_tracker.live.processor import LiveProcessor, run_live
from rom_tracker.live.result import LiveResult
from rom_tracker.media.capture import Frame, SourceInfo, open_source
from rom_tracker.media.models import resolve
from rom_tracker.pipeline import ModelPaths, run_models

RGB = np.zeros((24, 32, 3), np.uint8)


class FakeSource:
    """``n`` synthetic frames at ``fps`` (None: endless); records that its finally ran.

    fail_at: raise InputError instead of yielding that frame.
    block_at: stop delivering at that frame until ``unblock`` is set (a silent camera).
    """

    def __init__(
        self,
        n: int | None,
        fps: float = 100.0,
        *,
        kind: str = "video",
        fail_at: int | None = None,
        block_at: int | None = None,
    ) -> None:
        self.n, self.fps, self.fail_at, self.block_at = n, fps, fail_at, block_at
        self.info = SourceInfo(kind, f"fake-{kind}", "fake", fps, n or 0, 32, 24)
        self.released = threading.Event()
        self.unblock = threading.Event()
        self.yielded = 0

    def __iter__(self) -> Iterator[Frame]:
        try:
            i = 0
            while self.n is None or i < self.n:
                if i == self.fail_at:
                    raise InputError(f"{self.info.label}: read error at frame {i}", "retry")
                if i == self.block_at:
                    self.unblock.wait(10.0)
                    return
                rgb = RGB.copy()
                rgb[0, 0, 0] = i % 256
                self.yielded += 1
                yield Frame(index=i, t_s=i / self.fps, rgb=rgb)
                i += 1
        finally:
            self.released.set()


def yaw_matrix(yaw_deg: float) -> np.ndarray:
    m = np.eye(4, dtype=np.float32)
    m[:3, :3] = rotation_from_head_angles([yaw_deg], [0.0], [0.0])[0]
    return m


class ScriptedFace:
    """Face 'model': head yaw = frame index (in degrees, read back from the pixel), after
    ``delay_s``; records the timestamps it was called with; raises on call ``fail_at``."""

    def __init__(self, delay_s: float = 0.0, fail_at: int | None = None) -> None:
        self.delay_s, self.fail_at = delay_s, fail_at
        self.times: list[float] = []

    def __call__(self, rgb: np.ndarray, t_s: float) -> tuple[np.ndarray, np.ndarray] | None:
        index = int(rgb[0, 0, 0])
        if len(self.times) == self.fail_at:
            raise RuntimeError(f"estimator crashed on call {self.fail_at}")
        self.times.append(t_s)
        if self.delay_s:
            time.sleep(self.delay_s)
        return np.full((478, 3), 0.5, np.float32), yaw_matrix(float(index))


def no_pose(rgb: np.ndarray, t_s: float) -> None:
    return None


def collect(processor: LiveProcessor) -> tuple[list[LiveResult], list[BaseException]]:
    results: list[LiveResult] = []
    errors: list[BaseException] = []
    processor.on_result = results.append
    processor.on_error = errors.append
    return results, errors


def test_slow_estimator_drops_stale_frames_and_counts_them() -> None:
    source = FakeSource(60, fps=200.0)  # paced at 200 fps; the estimator manages ~50
    face = ScriptedFace(delay_s=0.02)
    proc = LiveProcessor(source, what="head", face=face, pose=no_pose, realtime=True)
    results, errors = collect(proc)
    with proc:
        assert proc.wait(20.0)
    assert not errors
    assert source.released.is_set()
    indices = [r.index for r in results]
    print(f"processed {len(results)} of 60, dropped {proc.dropped}")
    assert indices == sorted(set(indices)), "results out of order or repeated"
    assert proc.dropped > 0
    # every frame was either processed or dropped as stale (the last one may be unread)
    assert len(results) + proc.dropped in (59, 60)
    assert [r.dropped_frames_total for r in results] == sorted(
        r.dropped_frames_total for r in results
    )
    # timestamps handed to the model strictly increase (MediaPipe VIDEO mode)
    assert all(b > a for a, b in zip(face.times, face.times[1:], strict=False))


def test_results_carry_angles_landmarks_and_timing() -> None:
    source = FakeSource(20, fps=50.0)
    proc = LiveProcessor(source, what="head", face=ScriptedFace(), pose=no_pose, realtime=True)
    results = run_live(proc, timeout=20.0)
    assert results
    for r in results:
        assert set(r.angles) == {
            "head_yaw_deg",
            "head_pitch_deg",
            "head_roll_deg",
            "neck_rotation_deg",
            "trunk_yaw_deg",
        }
        assert r.angles["head_yaw_deg"] == pytest.approx(correct_face_yaw(r.index), abs=1e-3)
        assert math.isnan(r.angles["neck_rotation_deg"])  # no pose: no trunk, no neck angle
        assert r.face_xyz is not None and r.face_xyz.shape == (478, 3)
        assert r.pose_xyz is None and r.pose_visibility is None
        assert r.t_inferred >= r.t_capture and r.latency_s >= 0
        assert r.rgb.shape == RGB.shape
        assert r.angles_smoothed is None and r.display_angles is r.angles
    assert np.isfinite(results[-1].fps)


def test_stop_releases_an_endless_source() -> None:
    source = FakeSource(None, fps=100.0, kind="camera")
    proc = LiveProcessor(source, what="head", face=ScriptedFace(), pose=no_pose, realtime=True)
    results, errors = collect(proc)
    proc.start()
    deadline = time.monotonic() + 20.0
    while len(results) < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.stop()
    assert len(results) >= 5
    assert source.released.is_set(), "the source's finally did not run"
    assert proc.done.is_set()
    assert not errors, "a requested stop is not an error"


def test_error_mid_stream_is_reported_not_raised() -> None:
    source = FakeSource(100, fps=100.0, fail_at=10)
    finished = threading.Event()
    proc = LiveProcessor(
        source, what="head", face=ScriptedFace(), pose=no_pose, on_finished=finished.set
    )
    results, errors = collect(proc)
    with proc:
        assert proc.wait(20.0)
    assert finished.is_set()
    assert len(errors) == 1 and isinstance(errors[0], InputError)
    assert "frame 10" in str(errors[0])
    assert all(r.index < 10 for r in results)
    assert source.released.is_set()
    with pytest.raises(InputError, match="frame 10"):
        run_live(LiveProcessor(FakeSource(100, fail_at=10), what="head", face=ScriptedFace()), 20.0)


@pytest.mark.parametrize(
    ("source", "stall_s", "message"),
    [
        (FakeSource(5, kind="camera"), 5.0, "stopped delivering frames"),
        (FakeSource(None, kind="camera", block_at=5), 0.3, "delivered no frame for"),
    ],
    ids=["camera-ends", "camera-silent"],
)
def test_lost_camera_is_an_error_event_not_a_hang(
    source: FakeSource, stall_s: float, message: str
) -> None:
    proc = LiveProcessor(
        source, what="head", face=ScriptedFace(), stall_timeout_s=stall_s, realtime=False
    )
    _, errors = collect(proc)
    try:
        with proc:
            assert proc.wait(20.0), "the processor hung on a lost camera"
    finally:
        source.unblock.set()
    assert len(errors) == 1 and isinstance(errors[0], InputError), errors
    assert message in str(errors[0])
    print(errors[0])


def test_estimator_failure_is_reported_and_the_source_released() -> None:
    source = FakeSource(50, fps=100.0)
    proc = LiveProcessor(source, what="head", face=ScriptedFace(fail_at=3), realtime=True)
    _, errors = collect(proc)
    with proc:
        assert proc.wait(20.0)
    assert len(errors) == 1 and "call 3" in str(errors[0])
    assert source.released.is_set()


def test_reader_keeps_only_the_newest_frame() -> None:
    source = FakeSource(30)
    with LatestFrameReader(source, realtime=False) as reader:
        assert reader.finished.wait(10.0)
        item = reader.get(timeout=1.0)
        assert item is not None and item.frame.index == 29
        assert reader.get(timeout=0.05) is None
    assert reader.dropped == 29 and reader.frames_read == 30
    assert reader.released.is_set() and reader.error is None


def test_display_smoothing_hook() -> None:
    from rom_tracker.rom import filters

    proc = LiveProcessor(
        FakeSource(10, fps=30.0),
        what="head",
        face=ScriptedFace(),
        smoothing=filters.OneEuroFilter(),
        realtime=False,
    )
    results = run_live(proc, timeout=20.0)
    assert results and all(r.angles_smoothed is not None for r in results)
    first = results[0]
    assert first.display_angles["head_yaw_deg"] == pytest.approx(first.angles["head_yaw_deg"])


# a head turned by ``yaw`` in the pose image: BlazePose index -> (x, y, z) cm in the head's
# frame (x toward the subject's left, z toward the face's front), as tests/kinematics
HEAD_POINTS = {
    0: (0.0, 0.0, 10.0),  # nose
    2: (3.2, -3.0, 10.0),  # eyes
    5: (-3.2, -3.0, 10.0),
    7: (7.3, -1.0, 0.0),  # ears
    8: (-7.3, -1.0, 0.0),
    9: (2.5, 4.0, 10.0),  # mouth corners
    10: (-2.5, 4.0, 10.0),
}


def head_pose(yaw_deg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the pose adapter returns for a head alone (body not seen), turned by yaw."""
    image = np.zeros((33, 3), np.float32)
    yaw = math.radians(yaw_deg)
    for i, (x, y, z) in HEAD_POINTS.items():
        image[i] = (0.5 + 0.03 * (x * math.cos(yaw) + z * math.sin(yaw)), 0.4 + 0.03 * y, 0.0)
    visibility = np.zeros(33, np.float32)
    visibility[list(HEAD_POINTS)] = 1.0
    return image, np.zeros((33, 3), np.float32), visibility


# frame index -> (face yaw, pose yaw), None: that model sees nothing
HEAD_SCRIPT = [(10.0, None)] * 3 + [(65.0, 65.0)] * 3 + [(None, 85.0)] * 3 + [(None, None)] * 3


def scripted_face(rgb: np.ndarray, t_s: float) -> tuple[np.ndarray, np.ndarray] | None:
    yaw = HEAD_SCRIPT[int(rgb[0, 0, 0])][0]
    return None if yaw is None else (np.full((478, 3), 0.5, np.float32), yaw_matrix(yaw))


def scripted_pose(rgb: np.ndarray, t_s: float) -> tuple[np.ndarray, ...] | None:
    yaw = HEAD_SCRIPT[int(rgb[0, 0, 0])][1]
    return None if yaw is None else head_pose(yaw)


def test_results_say_where_the_head_yaw_came_from_and_how_sure_it_is() -> None:
    proc = LiveProcessor(
        FakeSource(len(HEAD_SCRIPT), fps=20.0),  # paced: a frame dropped is very unlikely
        what="head",
        face=scripted_face,
        pose=scripted_pose,
        realtime=True,
    )
    results = run_live(proc, timeout=20.0)
    got = {r.index: (r.head_source, round(r.head_confidence, 2)) for r in results}
    print("frame: (source, confidence):", got)
    by_source: dict[str, list[LiveResult]] = {}
    for r in results:
        face_yaw, _ = HEAD_SCRIPT[r.index]
        # the head yaw is the face's alone: no face, no reading (the pose yaw is not used)
        assert r.head_source == ("face" if face_yaw is not None else "")
        by_source.setdefault(r.head_source, []).append(r)
        if face_yaw is not None:
            want = float(face_confidence(correct_face_yaw(face_yaw)))
            assert r.head_confidence == pytest.approx(want)
    assert set(by_source) == {"face", ""}
    assert all(
        r.head_confidence == 1.0 for r in by_source["face"] if abs(r.angles["head_yaw_deg"]) < 10
    )
    assert all(r.head_confidence == 0.0 for r in by_source[""])
    assert all(math.isnan(r.angles["head_yaw_deg"]) for r in by_source[""])


def test_no_head_group_no_head_confidence() -> None:
    proc = LiveProcessor(
        FakeSource(3), what="hip", face=scripted_face, pose=scripted_pose, realtime=True
    )
    results = run_live(proc, timeout=20.0)
    assert results
    assert all(math.isnan(r.head_confidence) and r.head_source == "" for r in results)


def test_needs_models_or_estimators() -> None:
    with pytest.raises(ValueError, match="models or injected"):
        LiveProcessor(FakeSource(1))


@pytest.mark.real
def test_real_face_video_played_live(shared_dir: Path, use_models: dict[str, str]) -> None:
    models = ModelPaths(face=resolve("face_landmarker"), pose=resolve("pose_landmarker_lite"))
    source = open_source(shared_dir / "data/videos/faces/d20.mp4")
    results: list[LiveResult] = []
    proc = LiveProcessor(source, models, "head", results.append, realtime=True)
    with proc:
        deadline = time.monotonic() + 60.0
        while len(results) < 40 and not proc.done.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert proc.error is None, proc.error
    assert len(results) >= 40
    yaw = np.array([r.angles["head_yaw_deg"] for r in results])
    latency_ms = np.array([r.latency_s for r in results]) * 1000
    print(
        f"d20 live: {len(results)} results, {proc.dropped} dropped, "
        f"fps {results[-1].fps:.1f}, latency median {np.median(latency_ms):.0f} ms, "
        f"yaw {np.nanmin(yaw):.1f}..{np.nanmax(yaw):.1f} deg"
    )
    assert np.isfinite(yaw).mean() > 0.9, "face not found in most live frames"
    assert np.nanmax(np.abs(yaw)) < 60
    assert all(r.face_xyz is not None and r.face_xyz.shape == (478, 3) for r in results[-5:])
    assert [r.index for r in results] == sorted({r.index for r in results})


@pytest.mark.real
def test_live_pose_yaw_calibration_matches_analyze(
    shared_dir: Path, use_models: dict[str, str]
) -> None:
    """Live fits the pose-yaw model on the frames seen so far; by the end of a real video
    it is the one ``analyze`` fits on the whole recording."""
    models = ModelPaths(face=resolve("face_landmarker"), pose=resolve("pose_landmarker_lite"))
    video = shared_dir / "data/videos/faces/d12.mp4"
    proc = LiveProcessor(open_source(video), models, "head", realtime=True)
    results = run_live(proc, timeout=120.0)
    lm = run_models(open_source(video), models)
    whole = compute_angles(lm, "head", AngleOptions(calibrate_pose_yaw=True)).pose_yaw_model
    live = proc.pose_yaw.model
    print(f"d12: live {live} ({len(results)} frames) | analyze {whole}")
    assert live.calibrated and whole.calibrated
    assert abs(live.gain - whole.gain) < 0.1
    assert abs(live.offset - whole.offset) < 0.02
