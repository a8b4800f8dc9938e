"""Spoken guidance, Qt-free: text to PCM, the cues of a guided protocol, their timeline.

* :mod:`~rom_tracker.speech.engine`: synthesis with espeak-ng (a subprocess, nothing over
  the network) into :class:`~rom_tracker.speech.engine.Clip` (mono float32 PCM), and tones.
* :mod:`~rom_tracker.speech.cues`: what is said when: a step's spoken text when it starts,
  "Hold" and a count-down during a hold, "and slowly return" when it is done; and which
  way to look (shown on screen as well).
* :mod:`~rom_tracker.speech.timeline`: the non-overlap rule placing clips on the stream's
  time, and the WAV of what was spoken.
* :mod:`~rom_tracker.speech.player`: playback through the platform's audio player
  (``paplay``, ``pw-play`` or ``aplay``), driven by the stream's clock.
"""
