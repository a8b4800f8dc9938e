"""What the voice says, and when, from the protocol runner's events; which way to look.

* A step starts: its spoken text (``say``, else its cue).
* An effortless hold begins (measure steps) or a side set-up hold begins: "Hold." (for a
  set-up, "Hold still."); then a count-down of the hold's whole seconds left ("two",
  "one"). A hold that breaks and starts again is announced again, at most every
  ``REPEAT_HOLD_S``.
* An effortless hold is done: "And slowly return." The runner starts the next step in the
  same instant, so the prompt is said as the start of that step's text, one utterance (on
  the last step it is said alone).

Neutral, info and rest steps get no prompts beyond their text. Active steps neither: their
text says "then come back to centre", and the runner gives no event at the peak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rom_tracker.rom.movements import movement
from rom_tracker.rom.protocol import HOLD_PROGRESS, STEP_STARTED, Event, Step

STEP, PROMPT = "step", "prompt"
HOLD, HOLD_STILL, RETURN = "Hold.", "Hold still.", "And slowly return."
REPEAT_HOLD_S = 2.0
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

#: which way to look or move, as the screen shows it beside the voice (movement, side)
_DIRECTIONS = {
    ("neck_rotation", "left"): "Turn to your left",
    ("neck_rotation", "right"): "Turn to your right",
    ("neck_flexion", "flexion"): "Look down, chin to chest",
    ("neck_flexion", "extension"): "Look up",
    ("neck_lateral_flexion", "left"): "Tilt to your left, ear to shoulder",
    ("neck_lateral_flexion", "right"): "Tilt to your right, ear to shoulder",
}


@dataclass(frozen=True)
class Cue:
    """Something to say at stream time ``t_s``: a step's text (``kind`` "step") or a
    prompt within a step ("prompt"); ``step_index`` is 0-based."""

    t_s: float
    text: str
    kind: str
    step_index: int


def direction(step: Step | None) -> str:
    """Which way to look or move in ``step``, in a few words ("Turn to your left"); "" for
    a step without one (info, rest)."""
    if step is None:
        return ""
    if step.kind == "neutral":
        return "Face the screen, head centred"
    if step.kind == "setup":
        return f"Chair turned, the camera to your {step.side}: look straight ahead"
    if step.kind != "measure":
        return ""
    known = _DIRECTIONS.get((step.movement, step.side))
    if known is not None:
        return known
    cue = movement(step.movement).side(step.side).cue
    return cue[0].upper() + cue[1:]


def count_word(n: int) -> str:
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


class CuePlanner:
    """Turns the runner's events into cues (see the module's rules). Feed every batch of
    events in order with :meth:`plan`."""

    def __init__(self) -> None:
        self._step: Step | None = None
        self._index = -1
        self._progress = 0.0
        self._hold_said = -float("inf")  # when "Hold" was last said in this step
        self._counted: set[int] = set()
        self._broken = False  # a hold broke and has not been announced again yet

    def plan(self, events: Sequence[Event]) -> list[Cue]:
        cues: list[Cue] = []
        returning: Cue | None = None
        for ev in events:
            if ev.kind == STEP_STARTED and ev.step is not None:
                text = ev.step.spoken
                if returning is not None and returning.t_s == ev.t_s:
                    text, returning = f"{RETURN} {text}", None
                cues.append(Cue(ev.t_s, text, STEP, ev.step_index))
                self._begin(ev.step, ev.step_index)
            elif ev.kind == HOLD_PROGRESS and self._step is not None:
                cues += self._hold(ev)
                if ev.progress >= 1.0 and self._step.kind == "measure":
                    returning = Cue(ev.t_s, RETURN, PROMPT, ev.step_index)
        if returning is not None:  # the protocol ended on this hold
            cues.append(returning)
        return cues

    def _begin(self, step: Step, index: int) -> None:
        self._step, self._index = step, index
        self._progress = 0.0
        self._hold_said = -float("inf")
        self._counted = set()
        self._broken = False

    def _hold(self, ev: Event) -> list[Cue]:
        """Prompts of a hold in progress: its start, then its whole seconds left."""
        step = self._step
        assert step is not None
        if not (step.kind == "setup" or (step.kind == "measure" and step.mode == "effortless")):
            return []
        hold_s = step.hold_s if step.kind == "measure" else step.neutral_s
        progress = ev.progress
        self._broken |= progress < self._progress - 1e-6
        self._progress = progress
        if progress >= 1.0:
            return []
        cues: list[Cue] = []
        first = self._hold_said == -float("inf")
        if (first or self._broken) and ev.t_s - self._hold_said >= REPEAT_HOLD_S:
            self._hold_said, self._broken = ev.t_s, False
            self._counted = {int(hold_s - progress * hold_s + 0.999)}  # "Hold" stands for it
            text = HOLD if step.kind == "measure" else HOLD_STILL
            return [Cue(ev.t_s, text, PROMPT, self._index)]
        if step.kind == "measure" and not first:
            left = hold_s * (1.0 - progress)
            n = int(left + 0.999)  # whole seconds left, rounded up
            if 1 <= n < hold_s and n not in self._counted:
                self._counted.add(n)
                cues.append(Cue(ev.t_s, count_word(n), PROMPT, self._index))
        return cues
