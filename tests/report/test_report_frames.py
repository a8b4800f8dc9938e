"""The report's end-range frames from kept videos: before/after JPEGs inline (faces hidden
by default), rendered by headless Chromium, --clips as inline H.264 that Chromium plays,
and the PDF still on A4."""

from __future__ import annotations

import base64
import io
import re
import subprocess
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from rom_tracker.report.pdf import headless_args

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.real, pytest.mark.slow]


@pytest.fixture
def kept(kept_sessions):
    """Profile "alex": two sessions with their videos kept (tests/conftest.py)."""
    return kept_sessions


def _report(kept, name: str, *extra: str) -> tuple[Path, str]:
    out = kept.work / name
    done = kept.cli("report", "--profile", "alex", "--out", str(out),
                *extra)  # fmt: skip
    assert done.returncode == 0, done.stderr
    print(done.stdout.strip(), f"({out.stat().st_size / 1024:.0f} KiB file)")
    return out, done.stdout


def _inline(html: str, kind: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(rf'src="data:{kind};base64,([^"]+)"', html)]


def test_before_after_frames_inline_faces_hidden(kept) -> None:
    out, said = _report(kept, "r.html")
    html = out.read_text(encoding="utf-8")
    assert "End of range, before and after" in html and "Faces are hidden" in html
    assert not re.search(r"https?://", html) and "<script" not in html
    jpegs = _inline(html, "image/jpeg")
    assert len(jpegs) == 2 and "1 before/after frame pair(s)" in said
    hidden = [cv2.imdecode(np.frombuffer(j, np.uint8), cv2.IMREAD_COLOR) for j in jpegs]
    assert all(img.shape == (240, 320, 3) for img in hidden)
    shown_page, _ = _report(kept, "shown.html", "--show-faces")
    shown_html = shown_page.read_text(encoding="utf-8")
    assert "Faces are shown" in shown_html
    shown = [cv2.imdecode(np.frombuffer(j, np.uint8), cv2.IMREAD_COLOR) for j in _inline(shown_html, "image/jpeg")]  # fmt: skip
    # the stills differ where the head is (hidden there), and only there
    for h, s in zip(hidden, shown, strict=True):
        ys, xs = np.nonzero(np.abs(h.astype(int) - s.astype(int)).max(axis=2) > 40)
        print(f"hidden vs shown: {ys.size} px differ, rows {ys.min()}-{ys.max()}, "
              f"columns {xs.min()}-{xs.max()}")  # fmt: skip
        assert ys.size > 3000 and ys.max() < 200  # a head-sized patch, above the gauge


PROBE = """<script>
window.addEventListener('load', () => {
  const out = [...document.querySelectorAll('img')].map(i => i.complete + ':' + i.naturalWidth);
  const vids = [...document.querySelectorAll('video')];
  let pending = vids.length;
  const done = () => { const p = document.createElement('pre'); p.id = 'probe';
    p.textContent = out.join(' '); document.body.appendChild(p); };
  if (!pending) { done(); return; }
  vids.forEach(v => {
    const seen = (what) => { out.push(what); if (--pending === 0) done(); };
    v.addEventListener('canplay', () => seen('video:' + v.readyState + ':' + v.duration), {once: true});
    v.addEventListener('error', () => seen('video-error:' + v.error.code), {once: true});
    v.preload = 'auto'; v.load();
  });
});
</script>"""


def _probe(page: Path, work: Path, browser: str) -> list[str]:
    """What headless Chromium says of the page's images and videos (a copy of the page
    with a probe script: the report itself has none)."""
    probed = page.with_name(page.stem + "-probe.html")
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"))
    done = subprocess.run(
        [*headless_args(browser, str(work / "profile")), "--virtual-time-budget=15000",
         "--autoplay-policy=no-user-gesture-required", "--dump-dom", probed.as_uri()],
        capture_output=True, text=True, timeout=180, check=True,
    )  # fmt: skip
    found = re.search(r'<pre id="probe">([^<]*)</pre>', done.stdout)
    assert found, done.stdout[-1500:]
    return found.group(1).split()


def test_frames_render_and_clips_play_in_chromium(kept, chromium: str) -> None:
    out, _ = _report(kept, "clips.html", "--clips")
    html = out.read_text(encoding="utf-8")
    clips = _inline(html, "video/mp4")
    assert len(clips) == 2
    for clip in clips:
        with av.open(io.BytesIO(clip)) as box:
            n = sum(1 for _ in box.decode(video=0))
            assert box.streams.video[0].codec_context.name == "h264" and 80 <= n <= 91, n
    said = _probe(out, kept.work, chromium)
    print(f"chromium: {said}")
    assert said[:2] == ["true:320", "true:320"]  # both stills decoded at their width
    videos = [s.split(":") for s in said[2:]]
    assert len(videos) == 2 and all(v[0] == "video" and int(v[1]) >= 3 for v in videos), said
    assert all(2.5 <= float(v[2]) <= 3.1 for v in videos), said


def test_pdf_on_a4_with_the_frames(kept, chromium: str) -> None:
    out, _ = _report(kept, "r.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 595.9) < 1.5 and abs(float(h) - 842.9) < 1.5 for w, h in boxes), boxes  # fmt: skip
    assert data.count(b"/Subtype /Image") >= 2 or data.count(b"/Image") >= 2  # the stills
