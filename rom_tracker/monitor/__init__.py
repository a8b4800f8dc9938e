"""The all-day posture monitor, Qt-free.

* :mod:`.posture`: the judgement (calibration, head down, head forward, sitting time).
* :mod:`.sampler`: when to look at a frame (a few per second, faster after a change).
* :mod:`.engine`: capture -> face + pose on the sampled frames only -> judgement, in a
  worker thread that owns (and releases) the camera.
* :mod:`.summary`: each monitored minute summed into a :class:`PostureMinute`.
* :mod:`.companion`: the tray's state machine (pause, camera off, no camera and its
  retries with backoff, sleep and wake, which nudges to show).
"""
