"""The committed sample video and its ground-truth CSV agree, and the sample renderers follow
the project's conventions (cv2 and numpy only: no models, no rendering)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
VIDEO = SAMPLES / "head_turn.mp4"
CSV = SAMPLES / "head_turn.csv"
HEADER = re.compile(
    r"^# Ground truth for (?P<video>\S+) \((?P<w>\d+)x(?P<h>\d+), (?P<fps>[\d.]+) fps, "
    r"(?P<n>\d+) frames\).*--max-yaw (?P<max_yaw>[\d.]+)"
)


@pytest.fixture(scope="module")
def truth() -> tuple[re.Match[str], np.ndarray]:
    with CSV.open(encoding="utf-8") as fh:
        comment, columns = fh.readline(), fh.readline().strip()
    meta = HEADER.match(comment)
    assert meta is not None, f"unexpected first line of {CSV}: {comment[:120]!r}"
    assert columns == "frame,t_s,yaw_deg,pitch_deg,roll_deg"
    return meta, np.loadtxt(CSV, delimiter=",", comments="#", skiprows=2)


@pytest.fixture(scope="module")
def video() -> tuple[float, list[np.ndarray]]:
    cap = cv2.VideoCapture(str(VIDEO))
    assert cap.isOpened(), f"cv2 cannot open {VIDEO}"
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return fps, frames


def test_video_matches_csv(truth: tuple[re.Match[str], np.ndarray], video: tuple) -> None:
    meta, table = truth
    fps, frames = video
    assert meta["video"] == VIDEO.name
    assert len(frames) == len(table) == int(meta["n"])
    assert fps == pytest.approx(float(meta["fps"]), abs=0.01)
    assert {f.shape for f in frames} == {(int(meta["h"]), int(meta["w"]), 3)}
    np.testing.assert_array_equal(table[:, 0], np.arange(len(table)))
    np.testing.assert_allclose(table[:, 1], table[:, 0] / fps, atol=1e-3)


def test_yaw_turns_left_then_right(truth: tuple[re.Match[str], np.ndarray]) -> None:
    meta, table = truth
    yaw, max_yaw = table[:, 2], float(meta["max_yaw"])
    assert np.all(np.abs(yaw) <= max_yaw + 1e-6)
    assert yaw.max() == pytest.approx(max_yaw) and yaw.min() == pytest.approx(-max_yaw)
    positive, negative = np.flatnonzero(yaw > 1.0), np.flatnonzero(yaw < -1.0)
    assert positive.size and negative.size
    assert positive[-1] < negative[0], "yaw must go positive first, then negative"
    assert np.max(np.abs(np.diff(yaw))) < 5.0, "ground truth jumps"


def test_only_the_head_moves(truth: tuple[re.Match[str], np.ndarray], video: tuple) -> None:
    """The body (bottom third) stays still while the head (upper middle) turns; mp4v's
    compression alone changes still parts by about 2 grey levels on average."""
    _, table = truth
    _, frames = video
    still, turned = (frames[int(i)].astype(np.float32) for i in (0, np.argmax(table[:, 2])))
    h, w = still.shape[:2]
    body = np.abs(turned[2 * h // 3 :] - still[2 * h // 3 :]).mean()
    head = np.abs(turned[: h // 2, w // 4 : 3 * w // 4] - still[: h // 2, w // 4 : 3 * w // 4])
    assert body < 4.0, f"body changed by {body:.2f} grey levels on average"
    assert head.mean() > 5 * body + 5.0, f"head changed by only {head.mean():.2f}"


# --- the renderers' conventions and the protocol script (no models, no rendering) ---------


@pytest.fixture(scope="module")
def samples_code() -> Iterator[tuple[ModuleType, ModuleType]]:
    """samples/make_head_turn.py and samples/make_protocol_video.py, imported."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(SAMPLES))
        yield (
            importlib.import_module("make_head_turn"),
            importlib.import_module("make_protocol_video"),
        )


def test_render_rotation_uses_the_project_conventions(samples_code: tuple) -> None:
    """The renderer's rotation (camera frame x right, y down, z forward) is the project's
    head rotation (y up, z toward the viewer): pitch > 0 is flexion (the nose goes down),
    yaw > 0 turns to the subject's left (image right), roll > 0 tilts the top of the head
    to image right."""
    from rom_tracker.kinematics.head import head_angles_from_rotation, rotation_from_head_angles

    render, _ = samples_code
    flip = np.diag([1.0, -1.0, -1.0])
    rng = np.random.default_rng(7)
    for yaw, pitch, roll in rng.uniform(-60, 60, size=(20, 3)):
        r = flip @ render.rotation(yaw, pitch, roll) @ flip
        np.testing.assert_allclose(r, rotation_from_head_angles(yaw, pitch, roll)[0], atol=1e-12)
        got = [float(a[0]) for a in head_angles_from_rotation(r[None])]
        np.testing.assert_allclose(got, [yaw, pitch, roll], atol=1e-9)
    nose, top = np.array([0.0, 0.0, -1.0]), np.array([0.0, -1.0, 0.0])  # render frame
    assert (render.rotation(0, 20, 0) @ nose)[1] > 0.3  # flexion: nose toward image down
    assert (render.rotation(20, 0, 0) @ nose)[0] > 0.3  # own left: nose toward image right
    assert (render.rotation(0, 0, 20) @ top)[0] > 0.3  # own left shoulder: top to image right


def test_protocol_script_performs_each_step_in_order(samples_code: tuple) -> None:
    """The keyframes for neck_micro_pause: each measure step reaches its target from the
    centre (in the movement's direction), effortless ones hold it for more than hold_s at
    under 5 deg/s, active ones come back to centre; neutral steps find the head at centre."""
    from rom_tracker.rom.movements import movement
    from rom_tracker.rom.protocol import load_protocol

    _, script = samples_code
    protocol = load_protocol("neck_micro_pause")
    centre = (-4.0, -14.0, 0.0)
    keys, steps = script.plan(protocol, script.DEFAULT_RANGES, centre=centre)
    table = script.sample(keys, 15.0)
    t, poses = table[:, 0], table[:, 1:]
    assert [s.kind for s in steps] == [s.kind for s in protocol.steps]
    assert np.all(np.diff([s.expected_start_s for s in steps]) >= 0)
    for s, step in zip(steps, protocol.steps, strict=True):
        during = (t >= s.expected_start_s) & (t <= s.expected_end_s + 1e-9)
        if s.kind == "neutral":  # at centre (within 1 deg) when the step is expected to end
            at_end = np.searchsorted(t, s.expected_end_s)  # first frame at or after it
            assert np.abs(poses[at_end] - centre).max() < 1.0, s
        if s.kind != "measure":
            continue
        ms = movement(s.movement).side(s.side)
        axis = script.AXES.index(script.AXIS_OF_COLUMN[ms.column])
        value = ms.sign * (poses[:, axis] - centre[axis])
        assert value[during].max() == pytest.approx(s.target_deg, abs=0.1), s
        effortless, active = script.DEFAULT_RANGES[script.RANGE_OF[s.movement, s.side]]
        assert s.target_deg == (effortless if s.mode == "effortless" else active)
        if s.mode == "effortless":
            held = during & (np.abs(value - s.target_deg) < 0.05)
            assert np.ptp(t[held]) >= step.hold_s - 0.1, s
        else:  # back below return_fraction of the peak when the step is expected to end
            at_end = np.searchsorted(t, s.expected_end_s)  # first frame at or after it
            assert value[at_end] <= step.return_fraction * s.target_deg + 0.5, s
    assert np.abs(np.diff(poses, axis=0)).max() * 15.0 < 60.0  # deg/s: no jumps
    assert np.all(np.abs(poses) <= [script.LIMITS[a] for a in script.AXES])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rotation", "40:30"], "5 < effortless < active"),
        (["--rotation", "35"], "EFFORTLESS:ACTIVE"),
        (["--size", "1280x720"], "at most 640x480"),
        (["--patient", "neck_twist"], "unknown movement"),
    ],
)
def test_protocol_script_refuses_bad_options(
    samples_code: tuple, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, script = samples_code
    with pytest.raises(SystemExit):
        script.parse_args(args)
    assert message in capsys.readouterr().err


def test_protocol_script_refuses_what_it_cannot_render(samples_code: tuple) -> None:
    from rom_tracker.rom.protocol import load_protocol

    _, script = samples_code
    with pytest.raises(SystemExit, match="only neck movements"):
        script.plan(load_protocol("lower_back_micro_pause"), script.DEFAULT_RANGES)
    too_far = {**script.DEFAULT_RANGES, "flexion": (30.0, 70.0)}
    with pytest.raises(SystemExit, match="beyond the renderer's 45"):
        script.plan(load_protocol("neck_micro_pause"), too_far)


@pytest.mark.parametrize(
    ("max_yaw", "ok"), [("40", True), ("90", True), ("0", False), ("90.5", False)]
)
def test_head_turn_script_turns_up_to_90(
    samples_code: tuple, max_yaw: str, ok: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    render, _ = samples_code
    if ok:
        assert render.parse_args(["--max-yaw", max_yaw]).max_yaw == float(max_yaw)
        return
    with pytest.raises(SystemExit):
        render.parse_args(["--max-yaw", max_yaw])
    assert "must be in (0, 90]" in capsys.readouterr().err


def test_back_of_head_closes_behind_the_silhouette_and_faces_outward(
    samples_code: tuple,
) -> None:
    """The back built from a silhouette ring (an egg outline, taller above the centre):
    starts on the ring, reaches BACK_OF_HEAD_CM behind it at the occiput and only
    NECK_BACK_CM at the neck, stays inside the ring's outline, and every triangle away
    from the midline faces away from it (what a camera beside the head sees is its own side)."""
    import head_model as hm

    centre = np.array([1.0, -2.0, 70.0])
    angle = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    half_height = np.where(np.sin(angle) < 0, 15.0, 10.0)  # y down: taller above
    rim = centre + np.stack([9.0 * np.cos(angle), half_height * np.sin(angle), 0 * angle], 1)
    verts, tris = hm.back_of_head(rim, centre)
    behind = verts[:, 2] - centre[2]
    np.testing.assert_allclose(verts[: len(rim)], rim)
    assert behind.min() >= 0.0 and behind.max() == pytest.approx(hm.BACK_OF_HEAD_CM)
    bottom = verts[:, 1] - centre[1] >= 9.9
    assert behind[bottom].max() == pytest.approx(hm.NECK_BACK_CM)
    assert np.all(np.abs(verts[:, 0] - centre[0]) <= 9.0 + 1e-9)
    a, b, c = (verts[tris[:, i]] for i in range(3))
    normal = np.cross(b - a, c - a)
    side = (a + b + c)[:, 0] / 3 - centre[0]
    big = np.linalg.norm(normal, axis=1) > 1e-6
    away = normal[:, 0] * side > 0
    assert np.all(away[big & (np.abs(side) > 1.0)])
