"""The tray companion's state machine, Qt-free: what the tray shows, when the camera
should run, and which nudges to show.

Times are seconds on :func:`~rom_tracker.monitor.engine.clock` (counts a sleep).

* **Pause** for some minutes, or **camera off** until resumed: the camera is released
  (the engine stopped), the history stops counting.
* **No camera**: the camera could not be opened or was lost (unplugged, taken by a video
  call). The reason is shown and the camera retried by itself, waiting longer each time
  (``retry_s``: 2, 5, 15, 30, then every 60 s) until it works again.
* **Sleep and wake**: ``tick`` not called for ``wake_gap_s`` (the computer slept) while
  the camera should run: restart it (a camera often does not survive a suspend).
* **Nudges**: the offer of a Micro Pause, once per offer, as a notification. Not acted on
  within ``offer_timeout_s`` it counts as "Not now" (not offered again for the monitor's
  ``snooze_s``, as the window's Not now button). Optionally (``forward_remind_s``), one
  reminder after that long with the head forward, then not again for ``snooze_s``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rom_tracker.monitor.posture import (
    AWAY,
    CALIBRATING,
    FORWARD_HEAD,
    GOOD,
    HEAD_DOWN,
    MONITORING,
    PostureMonitor,
    PostureState,
)

# what the tray icon shows
STARTING, GOOD_KIND, OFF, AWAY_KIND, CALIBRATING_KIND = "starting", "good", "off", "away", "calib"
PAUSED, NO_CAMERA = "paused", "no camera"
START, STOP, RESTART = "start", "stop", "restart"

OFF_TEXT = {HEAD_DOWN: "head down", FORWARD_HEAD: "head forward"}


@dataclass(frozen=True)
class TrayStatus:
    kind: str  # one of the kinds above: the icon
    text: str  # the tooltip and the menu's first line


@dataclass(frozen=True)
class Nudge:
    kind: str  # "micro_pause" | "head_forward"
    title: str
    text: str


def hm(seconds: float) -> str:
    m = max(0, round(seconds / 60))
    return f"{m // 60} h {m % 60:02d} min" if m >= 60 else f"{m} min"


class Companion:
    def __init__(
        self,
        monitor: PostureMonitor,
        *,
        retry_s: tuple[float, ...] = (2.0, 5.0, 15.0, 30.0, 60.0),
        wake_gap_s: float = 30.0,
        offer_timeout_s: float = 60.0,
        forward_remind_s: float | None = None,
    ) -> None:
        self.monitor = monitor
        self.retry_s = retry_s
        self.wake_gap_s = wake_gap_s
        self.offer_timeout_s = offer_timeout_s
        self.forward_remind_s = forward_remind_s
        self.paused_until = -math.inf  # inf: camera off until resumed
        self.failure = ""  # why there is no camera ("" = none)
        self.failures = 0
        self.retry_at = math.inf
        self.running = False  # the engine is running (set by the caller via started/stopped)
        self._last_tick = math.nan
        self._offer_shown_at = math.nan
        self._forward_since = math.nan
        self._forward_snooze = -math.inf
        self._last_t = 0.0

    # -- commands (the tray menu) ----------------------------------------------------------

    def pause(self, minutes: float, now: float) -> str:
        """Pause for ``minutes`` (camera released); returns the action (``stop``)."""
        self.paused_until = now + 60.0 * minutes
        return STOP

    def camera_off(self) -> str:
        self.paused_until = math.inf
        return STOP

    def resume(self) -> str:
        self.paused_until = -math.inf
        self.failures, self.failure, self.retry_at = 0, "", math.inf
        return START

    # -- events from the engine --------------------------------------------------------------

    def camera_failed(self, reason: str, now: float) -> None:
        """The camera could not be opened or was lost: retry later, longer each time."""
        self.running = False
        self.failure = reason
        self.retry_at = now + self.retry_s[min(self.failures, len(self.retry_s) - 1)]
        self.failures += 1

    def camera_ok(self) -> None:
        """A frame was processed: the camera works (the backoff starts again)."""
        self.failures, self.failure, self.retry_at = 0, "", math.inf

    def tick(self, now: float) -> str:
        """Call every second or so: ``start``, ``stop``, ``restart`` or ``""``."""
        slept = math.isfinite(self._last_tick) and now - self._last_tick > self.wake_gap_s
        self._last_tick = now
        if self.paused_until > now:
            return STOP if self.running else ""
        if self.failure:
            return START if now >= self.retry_at else ""
        if not self.running:
            return START
        return RESTART if slept else ""

    # -- nudges ------------------------------------------------------------------------------

    def observe(self, state: PostureState, t: float, now: float) -> list[Nudge]:
        """After each sample (``t``: its time, for the monitor): the nudges to show."""
        self._last_t = t
        nudges: list[Nudge] = []
        if state.offer_break:
            if math.isnan(self._offer_shown_at):
                self._offer_shown_at = now
                nudges.append(
                    Nudge(
                        "micro_pause",
                        "Time for a Micro Pause?",
                        f"You have been sitting for {hm(state.sitting_s)}. Click here for a "
                        "two-minute Micro Pause (or let this go: not now).",
                    )
                )
            elif math.isfinite(self._offer_shown_at) and (
                now - self._offer_shown_at >= self.offer_timeout_s
            ):
                self.not_now()
        else:
            self._offer_shown_at = math.nan
        if self.forward_remind_s is not None and state.status == FORWARD_HEAD:
            if math.isnan(self._forward_since):
                self._forward_since = now
            elif now - self._forward_since >= self.forward_remind_s and now >= self._forward_snooze:
                self._forward_snooze = now + self.monitor.settings.snooze_s
                nudges.append(
                    Nudge(
                        "head_forward",
                        "Head forward for a while",
                        "Let your head float back over your shoulders.",
                    )
                )
        else:
            self._forward_since = math.nan
        return nudges

    def not_now(self) -> None:
        """The offer was declined: not offered again for the monitor's ``snooze_s``."""
        self.monitor.dismiss(self._last_t)
        self._offer_shown_at = -math.inf  # handled: a new offer only after this one ended

    def micro_pause_taken(self) -> None:
        self.monitor.break_taken(self._last_t)
        self._offer_shown_at = -math.inf

    # -- what the tray shows ---------------------------------------------------------------

    def status(self, now: float) -> TrayStatus:
        if self.paused_until == math.inf:
            return TrayStatus(PAUSED, "Camera off: the posture monitor is paused")
        if self.paused_until > now:
            return TrayStatus(PAUSED, f"Paused for {hm(self.paused_until - now)} more")
        if self.failure:
            wait = max(0.0, self.retry_at - now)
            return TrayStatus(NO_CAMERA, f"No camera: {self.failure} (retrying in {wait:.0f} s)")
        st = self.monitor.state
        if not self.running and st.phase != CALIBRATING:
            return TrayStatus(STARTING, "Starting the camera…")
        if st.phase == CALIBRATING:
            return TrayStatus(CALIBRATING_KIND, "Calibrating: sit well for a few seconds")
        if st.phase != MONITORING:
            return TrayStatus(STARTING, "Starting…")
        sitting = f"sitting {hm(st.sitting_s)}"
        if st.status == AWAY:
            return TrayStatus(AWAY_KIND, "Away from the camera")
        if st.status in OFF_TEXT:
            return TrayStatus(OFF, f"Posture: {OFF_TEXT[st.status]} ({sitting})")
        if st.status == GOOD:
            return TrayStatus(GOOD_KIND, f"Posture good ({sitting})")
        return TrayStatus(STARTING, "Starting…")
