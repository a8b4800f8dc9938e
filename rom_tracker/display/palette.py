"""The colours of rom-tracker, shared by the app (``rom_tracker.ui.theme``) and the report
(``rom_tracker.report``), so a chart looks the same wherever it is drawn. Plain strings;
no Qt, no numpy.

Tableau 10 colours (distinguishable with the common colour-vision deficiencies).
Conventions: effortless values green, active values red; self-paced trials a solid line
with round markers, guided trials a dashed line with triangles.
"""

from __future__ import annotations

ACCENT = "#4e9af1"
SIDE_COLOURS = {"left": "#4e9af1", "right": "#f28e2b", "flexion": "#4e9af1", "extension": "#f28e2b"}
MODE_COLOURS = {"effortless": "#59c36a", "active": "#e0556a"}
GOOD = "#59c36a"
WARN = "#f2c94c"
BAD = "#e0556a"

FACE_COLOUR = "#7fdbff"
BODY_COLOUR = "#ffd166"

#: marker of a series: self-paced "o" (circle), guided "t" (triangle), as pyqtgraph names them
MARKERS = {False: "o", True: "t"}
