"""Camera calibration files (TOML): load and validate into ``Intrinsics``.

Format (see ``calibration/README.md``; ``calibration/default.toml`` is the default camera)::

    [camera]
    name = "laptop webcam"      # optional, free text
    width = 1280                # pixels: the resolution the values below are for
    height = 720
    hfov_deg = 65.0             # EITHER the horizontal field of view (square pixels,
                                # principal point at the centre) ...
    # fx = 1004.0               # ... OR all four pinhole intrinsics, in pixels
    # fy = 1004.0
    # cx = 640.0
    # cy = 360.0

A field of view applies to frames of any size (square pixels, centred principal point);
pinhole intrinsics are rescaled to the analysed frames when their resolution differs with
the same aspect ratio. Anything malformed raises ``FileFormatError`` naming the file, the key
and what was expected.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rom_tracker.errors import FileFormatError, decode_text, read_file
from rom_tracker.kinematics.camera import DEFAULT_HFOV_DEG, Intrinsics

#: The default camera file, relative to the project root.
DEFAULT_CALIBRATION = Path("calibration") / "default.toml"

_FIX = "see calibration/README.md for the format"
_PINHOLE = ("fx", "fy", "cx", "cy")
_KNOWN = {"name", "width", "height", "hfov_deg", *_PINHOLE}


@dataclass(frozen=True)
class Calibration:
    """A camera from a calibration file: its ``intrinsics`` and where it came from."""

    name: str
    intrinsics: Intrinsics
    path: Path | None
    hfov_deg: float | None = None  # given as a field of view (any frame size)
    sha256: str | None = None  # of the file's bytes (None: not read from a file)

    def intrinsics_for(self, width: int, height: int) -> Intrinsics:
        """The camera for frames of ``width`` x ``height``; FileFormatError if the file's
        pinhole intrinsics cannot be rescaled to them (another aspect ratio)."""
        if self.hfov_deg is not None:
            return Intrinsics.from_fov(width, height, self.hfov_deg)
        try:
            return self.intrinsics.scaled_to(width, height)
        except ValueError as exc:
            raise FileFormatError(
                f"{self.path or self.name}: {exc}",
                "use a calibration made at this resolution, or give hfov_deg",
            ) from exc

    def to_dict(self) -> dict[str, Any]:
        k = self.intrinsics
        return {
            "name": self.name,
            "path": None if self.path is None else str(self.path),
            "width": k.width,
            "height": k.height,
            "fx": k.fx,
            "fy": k.fy,
            "cx": k.cx,
            "cy": k.cy,
            "hfov_deg": round(k.hfov_deg, 3),
        }


def default_calibration(width: int, height: int) -> Calibration:
    """The documented default camera (``DEFAULT_HFOV_DEG`` horizontal) at this size."""
    return Calibration(
        name=f"default ({DEFAULT_HFOV_DEG:g} deg horizontal field of view)",
        intrinsics=Intrinsics.from_fov(width, height, DEFAULT_HFOV_DEG),
        path=None,
        hfov_deg=DEFAULT_HFOV_DEG,
    )


def _number(path: Path, table: dict[str, Any], key: str) -> float:
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FileFormatError(
            f"{path}: [camera] {key} must be a finite number, got {value!r}", _FIX
        )
    return float(value)


def _size(path: Path, table: dict[str, Any], key: str) -> int:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise FileFormatError(
            f"{path}: [camera] {key} must be a positive whole number of pixels, got {value!r}",
            _FIX,
        )
    return value


def parse_calibration(text: str, path: Path) -> Calibration:
    """A calibration from TOML ``text`` (``path`` is used in messages)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FileFormatError(f"{path} is not valid TOML: {exc}", _FIX) from exc
    table = doc.get("camera")
    if not isinstance(table, dict):
        raise FileFormatError(f"{path} has no [camera] table", _FIX)
    unknown = sorted(set(table) - _KNOWN)
    if unknown:
        raise FileFormatError(
            f"{path}: unknown key(s) in [camera]: {', '.join(unknown)}",
            f"use only {', '.join(sorted(_KNOWN))}",
        )
    name = table.get("name", path.stem)
    if not isinstance(name, str):
        raise FileFormatError(f"{path}: [camera] name must be text, got {name!r}", _FIX)
    width, height = _size(path, table, "width"), _size(path, table, "height")
    given = [k for k in _PINHOLE if k in table]
    if "hfov_deg" in table and given:
        raise FileFormatError(
            f"{path}: [camera] gives both hfov_deg and {', '.join(given)}", "give one or the other"
        )
    hfov = _number(path, table, "hfov_deg") if "hfov_deg" in table else None
    try:
        if hfov is not None:
            intrinsics = Intrinsics.from_fov(width, height, hfov)
        elif len(given) == len(_PINHOLE):
            fx, fy, cx, cy = (_number(path, table, k) for k in _PINHOLE)
            intrinsics = Intrinsics(fx, fy, cx, cy, width, height)
        else:
            missing = [k for k in _PINHOLE if k not in table]
            raise FileFormatError(
                f"{path}: [camera] needs hfov_deg, or all of fx, fy, cx, cy "
                f"(missing {', '.join(missing)})",
                _FIX,
            )
    except ValueError as exc:
        raise FileFormatError(f"{path}: [camera] {exc}", _FIX) from exc
    return Calibration(name=name, intrinsics=intrinsics, path=path, hfov_deg=hfov)


def load_calibration(path: Path) -> Calibration:
    """Read and validate a calibration file: InputError if it is not there or cannot be
    read, FileFormatError if it is malformed."""
    data = read_file(path, "calibration file")
    text = decode_text(data, str(path), f"save it as UTF-8 text; {_FIX}")
    return replace(parse_calibration(text, path), sha256=hashlib.sha256(data).hexdigest())


__all__ = [
    "DEFAULT_CALIBRATION",
    "Calibration",
    "default_calibration",
    "load_calibration",
    "parse_calibration",
]
