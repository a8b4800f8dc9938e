"""Browser-playable video: the writer's H.264 (read back by PyAV: codec, frame count, size,
rate), the mp4v fallback with one line, and an annotated video playing in headless
Chromium's <video> element (with mp4v, which Chromium refuses, as the control)."""

from __future__ import annotations

import html
import logging
import re
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

from rom_tracker.annotate import encoders
from rom_tracker.annotate.video_out import AtomicVideoWriter
from rom_tracker.cli import main
from rom_tracker.report.pdf import headless_args

ROOT = Path(__file__).resolve().parents[2]
HEAD_TURN = ROOT / "samples" / "head_turn.mp4"


def _write(out: Path, n: int, size: tuple[int, int], fps: float, *, h264: bool = True) -> str:
    rng = np.random.default_rng(0)
    with AtomicVideoWriter(out, fps, size, h264=h264) as writer:
        for i in range(n):
            img = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
            img[:, : 4 * i % size[0]] = 40  # moving content: real P/B frames
            writer.write(img)
        writer.publish()
    return writer.codec


def _read_back(path: Path) -> tuple[str, int, tuple[int, int], float]:
    with av.open(str(path)) as box:
        stream = box.streams.video[0]
        n = sum(1 for _ in box.decode(video=0))
        rate = float(stream.average_rate or 0)
        return stream.codec_context.name, n, (stream.width, stream.height), rate


def test_pyav_has_libx264() -> None:
    assert encoders.h264_problem() is None, "PyAV from the lock bundles libx264"


@pytest.mark.parametrize("fps", [30.0, 29.97, 25.0, 12.5])
def test_h264_keeps_frame_count_size_and_rate(tmp_path: Path, fps: float) -> None:
    out = tmp_path / "v.mp4"
    assert _write(out, 23, (96, 64), fps) == "h264"
    codec, n, size, rate = _read_back(out)
    assert (codec, n, size) == ("h264", 23, (96, 64))
    assert rate == pytest.approx(fps, abs=1e-3)
    assert _moov_first(out), "+faststart: the index before the data"
    assert [p.name for p in tmp_path.iterdir()] == ["v.mp4"]


def _moov_first(path: Path) -> bool:
    head = path.read_bytes()[:4096]
    return b"moov" in head and (b"mdat" not in head or head.find(b"moov") < head.find(b"mdat"))


def test_sound_added_keeps_h264_and_faststart(tmp_path: Path) -> None:
    import wave

    from rom_tracker.annotate.audio_mux import mux_audio

    out = tmp_path / "v.mp4"
    _write(out, 30, (96, 64), 30.0)
    with wave.open(str(tmp_path / "t.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.sin(np.arange(16000) / 8) * 8000).astype("<i2").tobytes())
    mux_audio(out, tmp_path / "t.wav")
    with av.open(str(out)) as box:
        assert box.streams.video[0].codec_context.name == "h264" and box.streams.audio
    assert _read_back(out)[:3] == ("h264", 30, (96, 64)) and _moov_first(out)


def test_falls_back_to_mp4v_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(encoders, "h264_problem", lambda: "PyAV (av) is not installed")
    with caplog.at_level(logging.WARNING):
        assert _write(tmp_path / "v.mp4", 10, (64, 48), 30.0) == "mpeg4"
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "PyAV (av) is not installed: writing v.mp4 as MPEG-4 Part 2 (mp4v), which browsers "
        "do not play inline"
    ]
    assert _read_back(tmp_path / "v.mp4")[:3] == ("mpeg4", 10, (64, 48))


@pytest.mark.parametrize("h264", [True, False])
def test_odd_size_loses_one_pixel_as_mp4v_did(tmp_path: Path, h264: bool) -> None:
    _write(tmp_path / "v.mp4", 5, (65, 49), 30.0, h264=h264)
    assert _read_back(tmp_path / "v.mp4")[1:3] == (5, (64, 48))


def test_error_while_encoding_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), AtomicVideoWriter(tmp_path / "v.mp4", 30, (64, 48)) as w:
        w.write(np.zeros((48, 64, 3), np.uint8))
        raise RuntimeError("interrupted")
    assert not list(tmp_path.iterdir())


PAGE = """<!doctype html><html><body><video id=v src="{src}" muted preload=auto></video>
<pre id=o>pending</pre><script>
const v = document.getElementById('v'), o = document.getElementById('o');
v.addEventListener('canplay', () => {{ o.textContent =
  'readyState=' + v.readyState + ' duration=' + v.duration + ' size=' + v.videoWidth + 'x' +
  v.videoHeight; }});
v.addEventListener('error', () => {{ o.textContent = 'error ' + v.error.code; }});
</script></body></html>"""


def play_in_chromium(video: Path, work: Path, browser: str) -> str:
    """What headless Chromium's <video> says of ``video``: ``readyState=.. duration=..
    size=WxH`` once it can play, ``error N`` if it cannot."""
    page = video.parent / f"{video.stem}.html"
    page.write_text(PAGE.format(src=html.escape(video.name)), encoding="utf-8")
    done = subprocess.run(
        [*headless_args(browser, str(work / "profile")), "--allow-file-access-from-files",
         "--autoplay-policy=no-user-gesture-required", "--virtual-time-budget=10000",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    found = re.search(r'<pre id="o">([^<]*)</pre>', done.stdout)
    assert found, done.stdout[-2000:]
    return found.group(1)


@pytest.mark.real
@pytest.mark.slow
def test_annotated_video_plays_in_chromium(
    use_models, tmp_path: Path, first_frames, video_shape, chromium: str
) -> None:
    clip = first_frames(HEAD_TURN, tmp_path / "in" / "clip.mp4", 60)
    out = tmp_path / "out" / "a.mp4"
    assert main(["-q", "annotate", str(clip), "--out", str(out), "--what", "head"]) == 0
    codec, n, size, rate = _read_back(out)
    assert (codec, n, size) == ("h264", 60, (320, 240)) and rate == pytest.approx(30.0)
    assert video_shape(out) == video_shape(clip)
    said = play_in_chromium(out, tmp_path, chromium)
    print(f"chromium: {said}")
    assert said == "readyState=4 duration=2 size=320x240"
    # the control: the same frames as mp4v (the old writer) do not play
    said = play_in_chromium(clip, tmp_path, chromium)
    print(f"chromium on mp4v: {said}")
    assert said.startswith("error")
