"""Camera calibration files: valid files load, malformed ones fail with FileFormatError."""

from __future__ import annotations

from pathlib import Path

import pytest

from rom_tracker.errors import FileFormatError, InputError
from rom_tracker.files.calibration import (
    DEFAULT_CALIBRATION,
    default_calibration,
    load_calibration,
    parse_calibration,
)
from rom_tracker.kinematics.camera import DEFAULT_HFOV_DEG

ROOT = Path(__file__).resolve().parents[2]
PATH = Path("cam.toml")


def test_default_file_is_the_built_in_default() -> None:
    cal = load_calibration(ROOT / DEFAULT_CALIBRATION)
    assert cal.hfov_deg == DEFAULT_HFOV_DEG
    for size in ((1280, 720), (640, 480)):
        assert cal.intrinsics_for(*size) == default_calibration(*size).intrinsics


def test_field_of_view_file() -> None:
    cal = parse_calibration(
        '[camera]\nname = "desk"\nwidth = 1920\nheight = 1080\nhfov_deg = 70\n', PATH
    )
    assert cal.name == "desk"
    k = cal.intrinsics_for(640, 480)  # a field of view fits any frame size
    assert (k.width, k.height) == (640, 480)
    assert k.hfov_deg == pytest.approx(70.0)
    assert cal.to_dict()["hfov_deg"] == pytest.approx(70.0)


def test_pinhole_file_rescales_within_its_aspect_ratio() -> None:
    cal = parse_calibration(
        "[camera]\nwidth = 1280\nheight = 720\nfx = 1000\nfy = 1002.5\ncx = 650\ncy = 350\n",
        PATH,
    )
    assert cal.name == "cam" and cal.hfov_deg is None
    half = cal.intrinsics_for(640, 360)
    assert (half.fx, half.fy, half.cx, half.cy) == (500.0, 501.25, 325.0, 175.0)
    with pytest.raises(FileFormatError, match="different aspect ratio"):
        cal.intrinsics_for(640, 480)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[camera\nwidth = 1", "is not valid TOML"),
        ("width = 640\n", r"has no \[camera\] table"),
        ("[camera]\nwidth = 640\nheight = 480\nhfov = 60\n", "unknown key"),
        ("[camera]\nheight = 480\nhfov_deg = 60\n", "width must be a positive whole number"),
        ("[camera]\nwidth = 640\nheight = -4\nhfov_deg = 60\n", "height must be a positive"),
        ("[camera]\nwidth = 640.5\nheight = 480\nhfov_deg = 60\n", "width must be a positive"),
        ("[camera]\nwidth = 640\nheight = 480\n", "needs hfov_deg, or all of fx, fy, cx, cy"),
        ("[camera]\nwidth = 640\nheight = 480\nfx = 500\nfy = 500\n", r"missing cx, cy"),
        ("[camera]\nwidth = 640\nheight = 480\nhfov_deg = 60\nfx = 500\n", "both hfov_deg and fx"),
        ('[camera]\nwidth = 640\nheight = 480\nhfov_deg = "wide"\n', "finite number"),
        ("[camera]\nwidth = 640\nheight = 480\nhfov_deg = nan\n", "finite number"),
        ("[camera]\nwidth = 640\nheight = 480\nhfov_deg = 0\n", "hfov_deg: expected 1..170"),
        (
            "[camera]\nwidth = 640\nheight = 480\nfx = 500\nfy = 500\ncx = 900\ncy = 240\n",
            "inside the 640x480 image",
        ),
        ("[camera]\nwidth = 640\nheight = 480\nfx = -1\nfy = 5\ncx = 1\ncy = 1\n", "> 0 pixels"),
        ("[camera]\nname = 3\nwidth = 640\nheight = 480\nhfov_deg = 60\n", "name must be text"),
    ],
)
def test_malformed_files(text: str, message: str) -> None:
    with pytest.raises(FileFormatError, match=message) as info:
        parse_calibration(text, PATH)
    assert info.value.exit_code == 7
    assert "cam.toml" in str(info.value)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no such calibration file: .*missing\.toml") as info:
        load_calibration(tmp_path / "missing.toml")
    assert info.value.exit_code == 3
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe[camera]")
    with pytest.raises(FileFormatError, match=r"bad.toml is not UTF-8 text .* save it as UTF-8"):
        load_calibration(bad)
