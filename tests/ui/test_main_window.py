"""The main window end to end without a camera: a scripted person through the guided neck
Micro Pause, a session in the store and in the progress view, a lost camera with retry and
a video's end with play again on real worker threads, the camera released on close,
settings remembered."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import numpy as np
import pytest
from ui_streams import FPS, Actor, face_output, fake_result, pose_output

from rom_tracker.kinematics.face_model import correct_face_yaw
from rom_tracker.media.capture import Frame
from rom_tracker.speech.engine import VoiceSettings
from rom_tracker.store import Store

pytestmark = pytest.mark.gui


class FakeCamera:
    """A camera that delivers ``n`` frames at ~FPS and then stops (unplugged); with
    ``kind="video"``, a video file of ``n`` frames played as if live, which ends."""

    def __init__(self, n: int, kind: str = "camera") -> None:
        self.n = n
        self.info = SimpleNamespace(kind=kind, label=f"fake {kind}")
        self.released = threading.Event()

    def __iter__(self) -> Iterator[Frame]:
        try:
            for i in range(self.n):
                time.sleep(1.0 / FPS)
                yield Frame(i, i / FPS, np.full((96, 128, 3), 60, np.uint8))
        finally:
            self.released.set()


class Factory:
    """Starts real LiveProcessors on fake cameras (or videos) with scripted estimators: a
    head turned ``yaw`` degrees (20)."""

    def __init__(self, frames: int, kind: str = "camera") -> None:
        self.frames, self.kind, self.yaw = frames, kind, 20.0
        self.cameras: list[FakeCamera] = []

    def __call__(self, spec: str, callbacks):
        from rom_tracker.live.processor import LiveProcessor

        camera = FakeCamera(self.frames, self.kind)
        self.cameras.append(camera)
        yaw = self.yaw
        return LiveProcessor(
            camera,
            None,
            "all",
            callbacks.on_result,
            on_error=callbacks.on_error,
            on_finished=callbacks.on_finished,
            stall_timeout_s=1.0,
            face=lambda rgb, t: face_output(yaw),
            pose=lambda rgb, t: pose_output(),
        ).start()


def make_window(qtbot, store: Store, settings, factory=None):
    from rom_tracker.ui.bridge import LiveBridge
    from rom_tracker.ui.main_window import MainWindow

    bridge = LiveBridge(factory or Factory(10_000))
    window = MainWindow(store, settings, bridge, source="fake", profile="alex")
    qtbot.addWidget(window)
    window.show()
    return window


def test_guided_neck_micro_pause_to_the_end_then_progress(qtbot, store: Store, settings) -> None:
    from rom_tracker.ui.flow import RESULTS
    from rom_tracker.ui.guided_view import RESULTS_PAGE, RUNNING_PAGE
    from rom_tracker.ui.main_window import TAB_OF
    from rom_tracker.ui.progress_view import ProgressView

    window = make_window(qtbot, store, settings, factory=lambda spec, cb: None)
    window.guided.by_protocol.setChecked(True)
    window.guided.protocols.setCurrentIndex(window.guided.protocols.findData("neck_micro_pause"))
    window.set_view("guided")
    qtbot.mouseClick(window.guided.start_button, qtbot_button())
    assert window.guided.stack.currentIndex() == RUNNING_PAGE
    cues: list[str] = []
    actor = Actor(effortless=30.0, active=50.0)
    t, i = 0.0, 0
    while window.flow.view.phase != RESULTS and t < 400.0:
        batch = []
        for _ in range(10):  # results arrive in batches, as from the bridge
            v = window.flow.view
            batch.append(fake_result(i, t, actor.angles(t, v.step, v.step_index)))
            t, i = t + 1.0 / FPS, i + 1
        window.on_results(batch)
        if not cues or cues[-1] != window.guided.cue.text():
            cues.append(window.guided.cue.text())
    assert window.flow.view.phase == RESULTS
    assert window.guided.stack.currentIndex() == RESULTS_PAGE
    assert len(cues) >= 20  # every step's cue was shown
    assert window.guided.table.rowCount() == 6
    (session,) = store.sessions("alex")
    assert session.n_trials == 12 and session.protocol == "neck_micro_pause"

    window.set_view("progress")
    assert window.tabs.currentIndex() == TAB_OF["progress"]
    progress: ProgressView = window.progress
    assert progress.movement.currentData() == "neck_rotation"
    _, y = progress.series[("effortless", True)].getData()
    assert len(y) == 1 and abs(y[0] - 30.0) < 2.0


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_live_feed_on_worker_threads_reaches_the_plot(qtbot, store: Store, settings) -> None:
    window = make_window(qtbot, store, settings)
    with qtbot.waitSignal(window.bridge.results, timeout=5000):
        window.retry()
    qtbot.waitUntil(lambda: window.results_seen >= 20, timeout=5000)
    window.live.plot.refresh()
    _, y = window.live.plot.curves[0].getData()
    assert len(y) >= 10 and np.nanmedian(y) == pytest.approx(correct_face_yaw(20.0), abs=0.5)
    assert window.live.gauge.ranges["left"].current_deg == pytest.approx(
        correct_face_yaw(20.0), abs=0.5
    )
    camera = window.bridge.factory.cameras[-1]
    window.close()
    assert camera.released.wait(3.0)  # the camera was released on close
    assert window.bridge.processor is None


def test_lost_camera_shows_retry_and_keeps_the_measurement(qtbot, store: Store, settings) -> None:
    from rom_tracker.ui.flow import RUNNING, Plan

    factory = Factory(frames=15)
    window = make_window(qtbot, store, settings, factory)
    window.start_plan(Plan("alex", movement="neck_rotation", mode="effortless"))
    with qtbot.waitSignal(window.bridge.failed, timeout=5000) as blocker:
        window.retry()
    assert "stopped delivering frames" in blocker.args[0]
    assert window.banner.isVisible()
    assert window.retry_button.text() == "Retry"
    assert "camera" in window.banner_text.text() and "ended" not in window.banner_text.text()
    assert "paused" in window.banner_text.text()
    assert window.flow.view.phase == RUNNING
    factory.frames = 10_000
    with qtbot.waitSignal(window.bridge.results, timeout=5000):
        qtbot.mouseClick(window.retry_button, qtbot_button())
    assert not window.banner.isVisible()
    assert window.flow.view.phase == RUNNING
    assert len(factory.cameras) == 2
    window.close()


def test_video_end_offers_play_again_and_keeps_what_was_measured(
    qtbot, store: Store, settings
) -> None:
    """A video played without loop comes to its end: no camera-lost banner; Play again
    goes on from what is on screen (plot, gauge), on one time line with a gap."""
    factory = Factory(frames=30, kind="video")  # 1 s of video
    window = make_window(qtbot, store, settings, factory)
    with (
        qtbot.assertNotEmitted(window.bridge.failed),
        qtbot.waitSignal(window.bridge.ended, timeout=5000),
    ):
        window.retry()
    assert window.banner.isVisible()
    assert window.retry_button.text() == "Play again"
    text = window.banner_text.text()
    assert text.startswith("The video fake has ended.") and "Nothing is lost" in text
    assert "camera" not in text.lower() and "stopped" not in text
    first = window.results_seen
    assert first >= 10
    assert window.live.gauge.ranges["left"].current_deg == pytest.approx(
        correct_face_yaw(20.0), abs=0.5
    )

    factory.yaw, factory.frames = 35.0, 10_000  # the same video, the person turns further
    qtbot.wait(600)  # a pause before Play again: it must show as a gap
    with qtbot.waitSignal(window.bridge.results, timeout=5000):
        qtbot.mouseClick(window.retry_button, qtbot_button())
    assert not window.banner.isVisible()
    qtbot.waitUntil(lambda: window.results_seen >= first + 30, timeout=5000)
    # the gauge follows the new pass at once (its times go on from the first pass)
    assert window.live.gauge.ranges["left"].current_deg == pytest.approx(
        correct_face_yaw(35.0), abs=0.5
    )
    window.live.plot.refresh()
    x, y = window.live.plot.curves[0].getData()
    old = np.abs(y - correct_face_yaw(20.0)) < 0.5
    new = np.abs(y - correct_face_yaw(35.0)) < 0.5
    assert old.sum() >= 10 and new.sum() >= 20  # the first pass is still on the plot
    last_old, first_new = np.flatnonzero(old)[-1], np.flatnonzero(new)[0]
    assert np.isnan(y[last_old:first_new]).any()  # with a gap between the two passes
    assert x[first_new] - x[last_old] >= 0.5
    assert np.all(np.diff(x) > 0)
    window.close()


def test_video_end_during_a_measurement_pauses_it(qtbot, store: Store, settings) -> None:
    from rom_tracker.ui.flow import RUNNING, Plan

    factory = Factory(frames=30, kind="video")
    window = make_window(qtbot, store, settings, factory)
    window.start_plan(Plan("alex", movement="neck_rotation", mode="effortless"))
    with qtbot.waitSignal(window.bridge.ended, timeout=5000):
        window.retry()
    text = window.banner_text.text()
    assert "has ended" in text and "paused; 0 completed trials saved" in text
    assert window.retry_button.text() == "Play again"
    assert window.flow.view.phase == RUNNING
    step = window.flow.view.step_index
    factory.frames = 10_000
    with qtbot.waitSignal(window.bridge.results, timeout=5000):
        qtbot.mouseClick(window.retry_button, qtbot_button())
    assert window.flow.view.phase == RUNNING and window.flow.view.step_index == step
    assert len(factory.cameras) == 2
    window.close()


def test_unopenable_source_shows_the_message(qtbot, store: Store, settings) -> None:
    from rom_tracker.errors import InputError

    def factory(spec, callbacks):
        raise InputError(f"cannot open camera {spec}", "check it is connected")

    window = make_window(qtbot, store, settings, factory)
    with qtbot.waitSignal(window.bridge.failed, timeout=2000):
        window.retry()
    assert "cannot open camera fake" in window.banner_text.text()


def test_settings_are_remembered(qtbot, store: Store, settings) -> None:
    store.add_profile("sam")
    window = make_window(qtbot, store, settings, factory=lambda spec, cb: None)
    window.profiles.setCurrentIndex(window.profiles.findData("sam"))
    window.live.set_movement("hip_flexion")
    window.guided.sound.set_mode("voice")
    window.guided.sound.rate.setValue(140)
    window.guided.sound.volume.setValue(55)
    window.guided.sound.voice.setCurrentText("en-us")
    window.close()
    settings.sync()
    from rom_tracker.ui.bridge import LiveBridge
    from rom_tracker.ui.main_window import MainWindow

    again = MainWindow(store, settings, LiveBridge(lambda spec, cb: None), source="fake")
    qtbot.addWidget(again)
    assert again.profile() == "sam"
    assert again.live.movement.name == "hip_flexion"
    sound = again.guided.sound
    assert sound.mode() == "voice" and sound.voice_settings() == VoiceSettings("en-us", 140, 0.55)
    assert settings.value("sound") == "true"  # the tray's notifications may chime


def test_the_former_sound_box_reads_as_tones(qtbot, store: Store, settings) -> None:
    settings.setValue("sound", "true")  # "Sound cues" ticked, before the voice existed
    window = make_window(qtbot, store, settings, factory=lambda spec, cb: None)
    assert window.guided.sound.mode() == "tones"
    window.guided.sound.set_mode("off")
    window.close()
    assert settings.value("sound") == "false" and settings.value("cues/sound") == "off"


def test_new_profile_and_results_view_of_a_stored_session(qtbot, store: Store, settings) -> None:
    from rom_tracker.rom.trial import TrialResult
    from rom_tracker.ui.guided_view import RESULTS_PAGE

    window = make_window(qtbot, store, settings, factory=lambda spec, cb: None)
    window.add_profile("kim")
    assert window.profile() == "kim"
    sid = store.start_session("kim", "neck_micro_pause")
    for mode, value in (("effortless", 41.0), ("active", 63.0)):
        store.add_trial(sid, TrialResult("neck_rotation", "left", mode, True, value, 1, 3, 1, 0, 5))
    window.set_view("results")
    assert window.guided.stack.currentIndex() == RESULTS_PAGE
    cells = [window.guided.table.item(0, j).text() for j in range(5)]
    assert cells == ["Neck rotation", "left", "41°", "63°", "22°"]


def test_keep_video_checkbox_keeps_the_frames_measured(qtbot, store: Store, settings) -> None:
    import cv2

    from rom_tracker.store import data_dir
    from rom_tracker.ui.flow import RESULTS

    window = make_window(qtbot, store, settings, factory=lambda spec, cb: None)
    guided = window.guided
    assert not guided.keep_video.isChecked()  # no video kept unless asked
    guided.by_movement.setChecked(True)
    guided.movements.setCurrentIndex(guided.movements.findData("neck_rotation"))
    guided.keep_video.setChecked(True)
    window.set_view("guided")
    qtbot.mouseClick(guided.start_button, qtbot_button())
    actor = Actor(effortless=30.0, active=50.0)
    t, i, fed = 0.0, 0, 0
    while window.flow.view.phase != RESULTS and t < 200.0:
        batch = []
        for _ in range(10):
            v = window.flow.view
            batch.append(fake_result(i, t, actor.angles(t, v.step, v.step_index)))
            t, i = t + 1.0 / FPS, i + 1
        fed += len(batch)
        window.on_results(batch)
    assert window.flow.view.phase == RESULTS
    (video,) = (data_dir() / "videos").iterdir()
    assert video.suffix == ".mp4" and str(video) in guided.results_message.text()
    cap = cv2.VideoCapture(str(video))
    frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    cap.release()
    assert size == (160, 120) and 0 < frames <= fed
    session = store.session(window.flow.session_id)
    assert session.settings["kept_video"] == str(video)  # as record --keep-video stores it
