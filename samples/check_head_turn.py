"""Check a rendered head-turn sample against its ground truth with the real models.

Runs the face landmarker (VIDEO mode) and the pose landmarker over the video, and prints
face coverage, the correlation and gain (least-squares slope through the origin) of the
measured yaw against the true yaw, and the fraction of frames with both shoulders seen.
Measured yaw comes from the facial transformation matrix: face normal n = R @ [0, 0, 1],
yaw = atan2(n_x, n_z), positive when the face points to image right (the project's sign).

    .venv/bin/python samples/check_head_turn.py samples/head_turn.mp4 --models ../shared/models
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12


def measure(video: Path, models: Path) -> tuple[np.ndarray, np.ndarray, float]:
    """Per frame: measured yaw (deg, NaN if no face), shoulders seen (bool); and the fps."""
    sys.path.insert(0, str(ROOT))
    from rom_tracker.media.landmarks import FaceLandmarker, PoseLandmarker

    cap = cv2.VideoCapture(str(video))
    fps = cap.get(cv2.CAP_PROP_FPS)
    yaws, shoulders = [], []
    with (
        FaceLandmarker(models / "face_landmarker.task", video=True) as face,
        PoseLandmarker(models / "pose_landmarker_lite.task", video=True) as pose,
    ):
        i = 0
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            found = face.process(rgb, i / fps)
            if found is None:
                yaws.append(np.nan)
            else:
                n = found[1][:3, :3].astype(np.float64) @ [0.0, 0.0, 1.0]
                yaws.append(np.degrees(np.arctan2(n[0], n[2])))
            body = pose.process(rgb, i / fps)
            seen = body is not None and bool(np.all(body[2][[LEFT_SHOULDER, RIGHT_SHOULDER]] > 0.5))
            shoulders.append(seen)
            i += 1
    cap.release()
    return np.array(yaws), np.array(shoulders), fps


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("video", type=Path)
    p.add_argument("--models", type=Path, default=ROOT.parent / "shared" / "models")
    args = p.parse_args()
    truth = np.loadtxt(args.video.with_suffix(".csv"), delimiter=",", comments="#", skiprows=2)
    measured, shoulders, _ = measure(args.video, args.models)
    true_yaw = truth[: len(measured), 2]
    seen = np.isfinite(measured)
    offset = np.nanmedian(measured[np.abs(true_yaw) < 1.0])  # the photo's own yaw
    m, t = measured[seen] - offset, true_yaw[seen]
    gain = float(m @ t / (t @ t))
    corr = float(np.corrcoef(m, t)[0, 1])
    print(f"frames {len(measured)} (csv {len(truth)}), face coverage {seen.mean():.3f}")
    print(f"yaw at rest {offset:+.1f} deg; correlation {corr:.4f}; gain {gain:.3f}")
    for lo, hi in ((0, 20), (20, 40), (40, 90)):
        band = (np.abs(true_yaw) >= lo) & (np.abs(true_yaw) < hi)
        turned = band & seen & (np.abs(true_yaw) > 5)
        ratio = np.median((measured[turned] - offset) / true_yaw[turned]) if turned.any() else 0
        print(
            f"  |true yaw| {lo}-{hi}: coverage {seen[band].mean():.3f}, measured/true {ratio:.3f}"
        )
    lost = true_yaw[~seen]
    if lost.size:
        print(f"  no face for true yaw in [{lost.min():.0f}, {lost.max():.0f}] deg")
    print(f"shoulders seen in {shoulders.mean():.3f} of frames")
    print(f"max frame-to-frame jump of measured yaw {np.nanmax(np.abs(np.diff(measured))):.2f} deg")


if __name__ == "__main__":
    main()
