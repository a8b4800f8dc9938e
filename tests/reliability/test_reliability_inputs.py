"""Catalogue, inputs: videos, photos, cameras and streams that are missing, unreadable,
truncated, undecodable, empty of people, crowded, huge, tiny or badly timestamped.

Each case runs the real CLI (``rom-tracker analyze``) in a subprocess where what the user
sees matters: exit code, one line on stderr, no traceback, no partial output. Capture
details (timestamps, a camera that goes away) are checked in-process with a fake OpenCV
capture. The observed behaviour of every case is tabulated in docs/reliability.md.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import wave
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from rom_tracker.cli import analyze_cmd, main
from rom_tracker.display.progress import Progress
from rom_tracker.errors import InputError
from rom_tracker.media import capture
from rom_tracker.media.capture import MAX_IMAGE_SIDE, ImageSource, VideoSource, open_source
from tests.support.reliability import (
    Cli,
    assert_error,
    files_under,
    gradient,
    needs_permissions,
    video_frames,
    write_image,
    write_video,
)

ROOT = Path(__file__).resolve().parents[2]
HEAD_TURN = ROOT / "samples" / "head_turn.mp4"  # index (moov) at the end of the file
MULTI = "data/videos/sports2d/demo_multi_person.mp4"
FACE = "data/videos/faces/d20.mp4"  # index (moov) at the start of the file

# ---------------------------------------------------------------- files that cannot be read


@needs_permissions
def test_unreadable_video_permission_denied(model_cli: Cli, tmp_path: Path) -> None:
    video = tmp_path / "locked.mp4"
    video.write_bytes(HEAD_TURN.read_bytes())
    video.chmod(0)
    try:
        r = model_cli("analyze", str(video), "--out", "out")
    finally:
        video.chmod(0o600)
    assert_error(r, 3, f"cannot read {video}", "Permission denied", "permissions")
    assert files_under(tmp_path / "out") == []


def _deny(path: Path) -> OSError:
    return PermissionError(13, "Permission denied", str(path))


def test_unreadable_video_and_photo_named_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as above where root reads everything: the OS refusal is simulated."""
    video = tmp_path / "locked.mp4"
    video.write_bytes(b"\0" * 100)
    photo = write_image(tmp_path / "locked.png", gradient(64, 48))
    real_open = Path.open

    def refuse_open(self: Path, *args: object, **kwargs: object) -> object:
        if self == video:
            raise _deny(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    def refuse_fromfile(path: object, *args: object, **kwargs: object) -> np.ndarray:
        raise _deny(Path(str(path)))

    monkeypatch.setattr(Path, "open", refuse_open)
    monkeypatch.setattr(capture.np, "fromfile", refuse_fromfile)
    for target in (video, photo):
        with pytest.raises(InputError) as info:
            open_source(target)
        assert info.value.exit_code == 3
        assert str(info.value).startswith(f"cannot read {target}: Permission denied - check")


def test_zero_byte_photo(model_cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "empty.jpg").write_bytes(b"")
    r = model_cli("analyze", "empty.jpg", "--out", "out")
    assert_error(r, 3, "empty.jpg is empty (0 bytes)", "JPEG or PNG")
    assert files_under(tmp_path / "out") == []


def test_truncated_video_without_its_index_is_refused(model_cli: Cli, tmp_path: Path) -> None:
    """An MP4 whose index (moov) is at the end loses it when cut: nothing to decode."""
    data = HEAD_TURN.read_bytes()
    assert data.rfind(b"moov") > len(data) // 2  # the index really is at the end
    cut = tmp_path / "half.mp4"
    cut.write_bytes(data[: len(data) // 2])
    r = model_cli("analyze", str(cut), "--out", "out")
    assert_error(r, 3, "cannot decode any frame", "truncated", "ffmpeg -i IN")
    assert files_under(tmp_path / "out") == []


@pytest.mark.real
def test_truncated_video_with_its_index_keeps_the_frames_and_warns(
    model_cli: Cli, tmp_path: Path, shared_dir: Path
) -> None:
    """An MP4 with its index first still decodes up to the cut: those frames are analysed
    and one warning says how many of the announced frames were missing."""
    data = (shared_dir / FACE).read_bytes()
    assert data.find(b"moov") < 100
    cut = tmp_path / "half.mp4"
    cut.write_bytes(data[: len(data) // 2])
    r = model_cli("-q", "analyze", str(cut), "--out", "out", "--what", "head")
    assert r.code == 0, str(r)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("WARNING"), r.err
    assert "only 81 of the 175 frames" in lines[0] and "truncated" in lines[0]
    summary = json.loads((tmp_path / "out" / "half.json").read_text())
    assert summary["frames"] == 81
    assert files_under(tmp_path / "out") == ["half.csv", "half.json", "half.npz"]


def _audio_only(path: Path) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        tone = (np.sin(np.arange(8000) / 5) * 1000).astype("<i2")
        wav.writeframes(tone.tobytes())
    return path


def _unknown_codec(path: Path) -> Path:
    """A valid AVI whose video stream names a codec (fourcc ``ZZZZ``) nobody decodes."""
    mjpg = path.with_name("mjpg.avi")
    writer = cv2.VideoWriter(str(mjpg), cv2.VideoWriter_fourcc(*"MJPG"), 30, (64, 48))
    assert writer.isOpened()
    for i in range(10):
        writer.write(np.full((48, 64, 3), i * 20, np.uint8))
    writer.release()
    data = mjpg.read_bytes()
    assert data.count(b"MJPG") == 2  # stream header handler + bitmap compression
    path.write_bytes(data.replace(b"MJPG", b"ZZZZ"))
    mjpg.unlink()
    return path


@pytest.mark.parametrize(
    ("name", "make"),
    [("codec.avi", _unknown_codec), ("sound.mp4", _audio_only)],
    ids=["unknown codec", "no video stream"],
)
def test_undecodable_video(model_cli: Cli, tmp_path: Path, name: str, make: object) -> None:
    path = make(tmp_path / name)  # type: ignore[operator]
    r = model_cli("analyze", str(path), "--out", "out")
    assert_error(r, 3, f"cannot decode any frame of {path}", "unsupported codec", "ffmpeg -i IN")
    assert files_under(tmp_path / "out") == []


# ---------------------------------------------------------------- photos


def test_tiny_photo_is_refused(model_cli: Cli, tmp_path: Path) -> None:
    write_image(tmp_path / "tiny.png", gradient(10, 10))
    r = model_cli("analyze", "tiny.png", "--out", "out")
    assert_error(r, 3, "only 10x10 pixels", "at least 32 pixels")
    assert files_under(tmp_path / "out") == []


@pytest.mark.real
def test_huge_photo_is_scaled_down(model_cli: Cli, tmp_path: Path, shared_dir: Path) -> None:
    face = video_frames(shared_dir / FACE, {0})[0]
    big = cv2.resize(face, (8000, 6000), interpolation=cv2.INTER_LINEAR)
    write_image(tmp_path / "big.jpg", big)
    del big
    r = model_cli("-q", "analyze", "big.jpg", "--out", "out", "--what", "head")
    assert r.code == 0 and not r.err, str(r)
    summary = json.loads((tmp_path / "out" / "big.json").read_text())
    assert summary["image_size"] == [MAX_IMAGE_SIDE, 3072]
    assert summary["face_frames"] == 1


def _hip_centre_x(npz: Path) -> np.ndarray:
    with np.load(npz) as arrays:
        hips = arrays["pose_image_xyz"][:, 23:25, 0]
        found = arrays["pose_found"]
    return np.where(found, hips.mean(axis=1), np.nan)


@pytest.fixture(scope="module")
def crowd(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """demo_multi_person.mp4: frame 60 as a photo (full size: at half size nobody is
    found in it), frames 0-109 at half size as a video."""
    folder = tmp_path_factory.mktemp("crowd")
    frames = video_frames(shared_dir / MULTI, set(range(110)))
    write_image(folder / "photo.png", frames[60])
    small = [cv2.resize(frames[i], (884, 497), interpolation=cv2.INTER_AREA) for i in range(110)]
    write_video(folder / "clip.mp4", small)
    return folder


@pytest.mark.real
def test_photo_with_several_people_measures_one(
    model_cli: Cli, crowd: Path, tmp_path: Path
) -> None:
    """Two people in view (a man jumping on a box at x~0.36, a woman walking nearer the
    camera at x~0.79): one person is measured, MediaPipe's most confident detection, here
    the woman (also in frames 90, 120 and 150, where she is at x~0.63, 0.46, 0.32)."""
    r = model_cli("-q", "analyze", str(crowd / "photo.png"), "--out", "out-photo")
    assert r.code == 0, str(r)
    x = _hip_centre_x(tmp_path / "out-photo" / "photo.npz")
    assert x.shape == (1,) and 0.7 < x[0] < 0.9, x


@pytest.mark.real
def test_video_with_several_people_keeps_one_person(
    model_cli: Cli, crowd: Path, tmp_path: Path
) -> None:
    """In a video the person found first is tracked from frame to frame (MediaPipe's VIDEO
    mode): the man on the box stays the measured person while the walker crosses the
    picture, as long as she does not pass in front of him (frames 0-109)."""
    r = model_cli("-q", "analyze", str(crowd / "clip.mp4"), "--out", "out-video", "--what", "hip")
    assert r.code == 0, str(r)
    x = _hip_centre_x(tmp_path / "out-video" / "clip.npz")
    seen = x[np.isfinite(x)]
    print(
        f"pose found in {seen.size} of {x.size} frames; hip centre x {seen.min():.2f}..{seen.max():.2f}"
    )
    assert seen.size >= 80
    assert np.all((seen > 0.3) & (seen < 0.45)), "the measured person changed"


# ---------------------------------------------------------------- cameras and streams


def test_absent_camera(model_cli: Cli) -> None:
    r = model_cli("analyze", "9", "--out", "out")
    assert_error(r, 3, "cannot open camera 9", "another index")


def test_unreachable_stream(model_cli: Cli) -> None:
    """A stream on a closed local port (FFmpeg's own networking; loopback only)."""
    r = model_cli("analyze", "rtsp://127.0.0.1:9/live", "--out", "out", timeout=120)
    assert_error(r, 3, "cannot open stream rtsp://127.0.0.1:9/live", "stream is running")


class FakeCapture:
    """Stands in for ``cv2.VideoCapture``: scripted frames and ``CAP_PROP_POS_MSEC``."""

    def __init__(self, times_ms: list[float], *, fps: float = 30.0, count: int = 0) -> None:
        self.times_ms = times_ms
        self.props = {
            cv2.CAP_PROP_FPS: fps,
            cv2.CAP_PROP_FRAME_COUNT: float(count or len(times_ms)),
            cv2.CAP_PROP_FRAME_WIDTH: 64.0,
            cv2.CAP_PROP_FRAME_HEIGHT: 48.0,
        }
        self.read_count = 0
        self.released = False

    def __call__(self, *args: object) -> FakeCapture:  # used as the class
        return self

    def isOpened(self) -> bool:  # OpenCV's name
        return True

    def get(self, prop: int) -> float:
        if prop == cv2.CAP_PROP_POS_MSEC:
            return self.times_ms[self.read_count - 1]
        return self.props.get(prop, 0.0)

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.read_count >= len(self.times_ms):
            return False, None
        self.read_count += 1
        return True, np.zeros((48, 64, 3), np.uint8)

    def release(self) -> None:
        self.released = True


@pytest.fixture
def fake_video(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"not read: the capture is fake")
    yield path


NAN = math.nan
TIMESTAMP_CASES = [
    # (container times in ms, what the frames must get in s)
    ([0, 33.4, 66.7, 100.0], [0, 0.0334, 0.0667, 0.1]),
    ([0, 33.4, 33.4, 20.0, 133.4], [0, 0.0334, 0.0334 + 1 / 30, 0.0334 + 2 / 30, 0.1334]),
    ([0, 0, 0, 0], [0, 1 / 30, 2 / 30, 3 / 30]),
    ([0, NAN, math.inf, 100.0], [0, 1 / 30, 2 / 30, 0.1]),
    ([0, -5.0, 66.7], [0, 1 / 30, 0.0667]),
]


@pytest.mark.parametrize(
    ("times_ms", "expected"),
    TIMESTAMP_CASES,
    ids=["increasing", "repeated and backwards", "all zero", "nan and inf", "negative"],
)
def test_broken_timestamps_are_repaired(
    times_ms: list[float],
    expected: list[float],
    fake_video: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeCapture(times_ms)
    monkeypatch.setattr(capture.cv2, "VideoCapture", fake)
    with caplog.at_level(logging.WARNING, logger="rom_tracker.capture"):
        frames = list(VideoSource(str(fake_video), kind="video"))
    t = np.array([f.t_s for f in frames])
    np.testing.assert_allclose(t, expected, atol=1e-9)
    assert np.all(np.diff(t) > 0)
    repairs = [r for r in caplog.records if "does not increase" in r.getMessage()]
    assert len(repairs) == (0 if times_ms == sorted(set(times_ms)) else 1)
    assert fake.released


def test_video_shorter_than_its_header_warns(
    fake_video: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeCapture([i * 1000 / 30 for i in range(40)], count=100)
    monkeypatch.setattr(capture.cv2, "VideoCapture", fake)
    with caplog.at_level(logging.WARNING, logger="rom_tracker.capture"):
        frames = list(VideoSource(str(fake_video), kind="video"))
    assert len(frames) == 40
    assert "only 40 of the 100 frames" in caplog.text


def test_camera_that_disappears_keeps_its_frames(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A camera unplugged mid-session: the frames already read are kept (the recorder
    measures and saves them), a warning says what happened, the device is released."""
    fake = FakeCapture([i * 1000 / 30 for i in range(5)])
    monkeypatch.setattr(capture.cv2, "VideoCapture", fake)
    with caplog.at_level(logging.WARNING, logger="rom_tracker.capture"):
        frames = list(open_source(0))
    assert len(frames) == 5
    assert "camera 0 stopped delivering frames after 5 frames" in caplog.text
    assert fake.released


def test_camera_that_gives_no_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture.cv2, "VideoCapture", FakeCapture([]))
    source = open_source(0)
    with pytest.raises(InputError, match="cannot open camera 0"):
        list(source)


DAMAGED_PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 50


@pytest.mark.parametrize(
    ("damaged", "read"),
    [(["b.png"], ["a.png", "d.png"]), (["a.png", "b.png"], ["d.png"])],
    ids=["midway", "first photos"],
)
def test_folder_photo_that_cannot_be_read_is_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damaged: list[str], read: list[str]
) -> None:
    """A damaged photo (and one too small to measure) is skipped with one warning each
    naming it; the other photos of the folder are read, numbered without gaps."""
    for name in ("a.png", "b.png", "d.png"):
        write_image(tmp_path / name, gradient(64, 48))
    for name in damaged:
        (tmp_path / name).write_bytes(DAMAGED_PNG)
    write_image(tmp_path / "c.png", gradient(10, 10))
    with caplog.at_level(logging.WARNING, logger="rom_tracker.capture"):
        source = ImageSource(tmp_path)
        frames = list(source)
    assert [f.name for f in frames] == read
    assert [f.index for f in frames] == list(range(len(read)))
    assert [p.name for p, _ in source.skipped] == sorted([*damaged, "c.png"])
    reasons = {p.name: reason for p, reason in source.skipped}
    assert reasons["c.png"].endswith("c.png is only 10x10 pixels, too small to find a person in")
    assert all(reasons[n].endswith(f"{n} is not a readable image") for n in damaged)
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == len(damaged) + 1
    assert all(w.startswith("skipping a photo of the folder: ") for w in warnings)
    assert [f.name for f in source] == read  # a second pass: the same photos, once
    assert [p.name for p, _ in source.skipped] == sorted([*damaged, "c.png"])


def test_folder_where_no_photo_can_be_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a.jpg").write_bytes(b"")
    (tmp_path / "b.jpg").write_bytes(b"\xff\xd8\xff garbage")
    with caplog.at_level(logging.WARNING), pytest.raises(InputError) as info:
        ImageSource(tmp_path)
    assert str(info.value) == (
        f"none of the 2 photos in folder {tmp_path} can be read (first: {tmp_path}/a.jpg "
        "is empty (0 bytes)) - use a JPEG or PNG photo"
    )
    assert not caplog.records  # the one error says it all


def photos_and_a_cut_one(shared_dir: Path, photos: Path, cut_name: str) -> tuple[list[Path], Path]:
    """Three real photos (AFLW2000-3D) copied into ``photos``, and a copy of the first cut
    in half, as a cut-off download or copy leaves it, named ``cut_name``."""
    photos.mkdir()
    originals = sorted((shared_dir / "data/headpose/aflw_dev").glob("*.jpg"))[:3]
    for src in originals:
        (photos / src.name).write_bytes(src.read_bytes())
    data = originals[0].read_bytes()
    cut = photos / cut_name
    cut.write_bytes(data[: len(data) // 2])
    return originals, cut


@pytest.mark.real
def test_folder_with_a_damaged_photo_measures_the_others(
    model_cli: Cli, tmp_path: Path, shared_dir: Path
) -> None:
    """Real photos and a truncated copy of one of them: the truncated JPEG is skipped with
    one warning line, every other photo is measured exactly as without it; the JSON lists
    the skipped photo and why. Exit 3, as for several inputs of which one fails
    (docs/errors.md)."""
    originals, cut = photos_and_a_cut_one(shared_dir, tmp_path / "photos", "image00050_cut.jpg")

    r = model_cli("-q", "analyze", "photos", "--out", "out", "--what", "head")
    print(r.out)
    assert r.code == 3, str(r)
    lines = r.err.strip().splitlines()
    assert lines == [
        f"WARNING rom_tracker.capture: skipping a photo of the folder: photos/{cut.name} "
        "is not a readable image - use a JPEG or PNG photo (or re-save it)"
    ], r.err
    assert "3 frames" in r.out and "1 unreadable skipped" in r.out
    assert files_under(tmp_path / "out") == ["photos.csv", "photos.json", "photos.npz"]
    summary = json.loads((tmp_path / "out" / "photos.json").read_text())
    assert summary["skipped"] == [
        {"photo": f"photos/{cut.name}", "reason": f"photos/{cut.name} is not a readable image"}
    ]
    assert summary["frames"] == 3 and summary["face_frames"] == 3

    cut.unlink()
    clean = model_cli("-q", "analyze", "photos", "--out", "clean", "--what", "head")
    assert clean.code == 0 and not clean.err, str(clean)
    with_cut = (tmp_path / "out" / "photos.csv").read_text()
    assert with_cut == (tmp_path / "clean" / "photos.csv").read_text()
    rows = [line for line in with_cut.splitlines() if not line.startswith("#")][1:]
    assert [row.split(",")[1] for row in rows] == [p.name for p in originals]


@pytest.mark.real
@pytest.mark.parametrize("cut_name", ["0_cut.jpg", "image00050_cut.jpg", "zz_cut.jpg"])
def test_folder_with_a_damaged_photo_ends_its_progress_full(
    tmp_path: Path,
    shared_dir: Path,
    use_models: dict[str, str],
    terminal,
    monkeypatch: pytest.MonkeyPatch,
    cut_name: str,
) -> None:
    """The damaged photo (first, second or last) is not a step the progress bar waits for:
    it ends at 3/3 (not 3/4) with the three other photos measured."""
    photos = tmp_path / "photos"
    photos_and_a_cut_one(shared_dir, photos, cut_name)
    monkeypatch.setattr("rom_tracker.cli.divert_native_stderr", lambda: False)
    monkeypatch.setattr(analyze_cmd, "Progress", functools.partial(Progress, stream=terminal))
    assert main(["analyze", str(photos), "--what", "head", "--out", str(tmp_path / "out")]) == 3
    print(terminal.last_draw())
    assert "100% 3/3 frames" in terminal.last_draw()
