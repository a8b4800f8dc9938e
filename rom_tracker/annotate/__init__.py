"""``rom-tracker annotate``: a copy of a video with the landmarks, the measured angle, a
gauge and the trial's phases drawn on every frame, optionally with every face hidden.

Two passes over the video: the first is ``analyze``'s own (:func:`rom_tracker.pipeline.
run_models`, then the angle table with analyze's settings and filter; for a stored trial
without the off-axis camera correction, as its value was measured), the second decodes
again, draws and encodes. The output has the input's frame count, size and frame rate and
is written under a temporary name and renamed into place (no partial file on error).
"""

from rom_tracker.annotate.job import AnnotateResult, AnnotateSettings, TrialInfo, annotate_video

__all__ = ["AnnotateResult", "AnnotateSettings", "TrialInfo", "annotate_video"]
