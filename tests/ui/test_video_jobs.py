"""The Progress tab's work on kept videos: "Side by side..." made off the GUI thread (the
window stays live, progress shown), opened when done; a session without a kept video says
why; "Report..." with kept videos writes the end-range frames on a worker thread."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from rom_tracker.store import Store
from rom_tracker.store.exchange import import_sessions

pytestmark = pytest.mark.gui
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "sample_sessions.json"


def _view(qtbot, store: Store, profile: str):
    from rom_tracker.ui.progress_view import ProgressView

    view = ProgressView(store, lambda: profile)
    qtbot.addWidget(view)
    view.refresh()
    return view


@pytest.mark.real
@pytest.mark.slow
def test_side_by_side_off_the_gui_thread(qtbot, tmp_path: Path, kept_sessions, real_models) -> None:
    from PySide6.QtCore import Qt

    with Store.open(kept_sessions.db) as store:
        view = _view(qtbot, store, "alex")
        view.side.setCurrentIndex(view.side.findData("left"))
        assert (view.before.currentData(), view.after.currentData()) == (1, 2)
        opened: list[Path] = []
        view.ask_video_path = lambda suggested: tmp_path / "ba"
        view.open_report = opened.append
        view.models = lambda: real_models
        qtbot.mouseClick(view.side_by_side_button, Qt.MouseButton.LeftButton)
        job = view.job
        assert job is not None and not view.side_by_side_button.isEnabled()
        progress: list[int] = []
        job.progress.connect(lambda done, total: progress.append(done))
        out = tmp_path / "ba.mp4"
        qtbot.waitUntil(lambda: opened == [out], timeout=300_000)  # whenever the job ends
        assert view.side_by_side_button.isEnabled()
        assert opened == [out] and view.message.text() == f"Video written to {out}"
        assert progress and progress[-1] == job.total  # progress was reported to the end
        with av.open(str(out)) as box:
            assert box.streams.video[0].codec_context.name == "h264"
            assert sum(1 for _ in box.decode(video=0)) > 100


@pytest.mark.real
@pytest.mark.slow
def test_report_with_kept_videos_has_the_frames(
    qtbot, tmp_path: Path, kept_sessions, real_models
) -> None:
    with Store.open(kept_sessions.db) as store:
        view = _view(qtbot, store, "alex")
        opened: list[Path] = []
        view.ask_report_path = lambda suggested: tmp_path / "client.html"
        view.open_report = opened.append
        view.models = lambda: real_models
        path = view.write_report()
        assert path == tmp_path / "client.html" and view.job is not None
        assert "measuring the kept videos" in view.message.text()
        qtbot.waitUntil(lambda: opened == [path], timeout=300_000)  # whenever the job ends
        html = path.read_text(encoding="utf-8")
        assert "End of range, before and after" in html and "Faces are hidden" in html
        assert html.count('src="data:image/jpeg;base64,') == 2


def test_without_kept_video_the_view_says_why(qtbot, tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.sqlite3") as store:
        import_sessions(store, SAMPLE)
        view = _view(qtbot, store, "demo")
        asked: list[Path] = []
        view.ask_video_path = asked.append
        assert view.side_by_side() is None
        text = view.message.text()
        assert text.startswith("No side by side: trial ") and "has no kept video" in text
        assert "--keep-video" in text and asked == []  # nothing asked, nothing written
