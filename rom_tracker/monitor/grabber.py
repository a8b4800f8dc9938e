"""Frame grabbers for the posture monitor: a camera (or stream) and a video file, read
with OpenCV's ``grab`` (take the next frame) / ``retrieve`` (decode it to an image) split.

On a camera, ``grab`` only takes the next buffer from the driver; the image conversion
(and, for MJPEG cameras, the JPEG decoding) happens in ``retrieve``, which the monitor
calls only for the frames it samples. A compressed video file cannot skip decoding:
``grab`` decodes every frame (later frames depend on earlier ones), so a video costs at
least as much as a camera of the same size and rate.

Times: a camera's frames carry :func:`~rom_tracker.monitor.engine.clock` (monotonic,
counting a laptop's sleep), so a pause or a sleep shows as a gap; a video file is played
as if live (paced to its frame rate, looped, on the same clock), or, ``simulated=True``,
as fast as it can be read with its frames' own 30 fps times going on from one pass to the
next (benchmarks).
"""

from __future__ import annotations

import math
import time

import cv2
import numpy as np

from rom_tracker.errors import InputError
from rom_tracker.media.capture import CAMERA_API
from rom_tracker.monitor.engine import clock


class CvGrabber:
    """``spec``: camera index (``"0"``), video path or stream URL."""

    def __init__(self, spec: str, *, simulated: bool = False) -> None:
        self.spec = spec
        self.kind = "camera" if spec.isdigit() else "stream" if "://" in spec else "video"
        self.simulated = simulated
        self.cap: cv2.VideoCapture | None = None
        self.fps = 30.0
        self._index = 0  # frames grabbed in this pass of a video
        self._offset = 0.0  # video time of the passes before this one
        self._t0 = math.nan  # monotonic time of the first frame of a paced video

    def open(self) -> None:
        if self.kind == "camera":
            cap = cv2.VideoCapture(int(self.spec), CAMERA_API)
        else:
            cap = cv2.VideoCapture(self.spec)
        if not cap.isOpened():
            cap.release()
            what = {"camera": "camera", "stream": "stream", "video": "video"}[self.kind]
            raise InputError(
                f"cannot open {what} {self.spec} (not connected, or used by another program?)",
                "the monitor retries by itself; close the other program or plug it in",
            )
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 0 < fps < 1000 else 30.0
        self.cap = cap
        self._index, self._t0 = 0, math.nan

    def grab(self) -> float | None:
        cap = self.cap
        if cap is None:
            return None
        if not cap.grab():
            if self.kind != "video" or self._index == 0:
                return None
            self._offset += self._index / self.fps  # loop the video
            cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self._index = 0
            if not cap.grab():
                return None
        t_video = self._offset + self._index / self.fps
        self._index += 1
        if self.kind == "video" and self.simulated:
            return t_video
        now = clock()
        if self.kind == "video":  # as if live: wait for the frame's time
            if math.isnan(self._t0):
                self._t0 = now - t_video
            delay = self._t0 + t_video - now
            if delay > 0:
                time.sleep(delay)
                now = clock()
        return now

    def retrieve(self) -> np.ndarray:
        if self.cap is None:
            raise RuntimeError("retrieve() before open()")
        ok, bgr = self.cap.retrieve()
        if not ok or bgr is None:
            raise InputError(f"cannot decode a frame of {self.spec}", "it is retried by itself")
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def release(self) -> None:
        cap, self.cap = self.cap, None
        if cap is not None:
            cap.release()
