"""Speech engines for the spoken cues: install size, latency from cue to first audio sample,
licence. The figures behind the choice in docs/gui.md ("Sound").

Candidates:

* **espeak-ng, called as a program** (the choice): ``espeak-ng --stdout`` streams a WAV;
  latency = from starting the process to the first PCM bytes after the header, and to the
  whole clip. Size: the Debian packages (``dpkg-query``).
* **pyttsx3** over espeak-ng (its Linux driver loads libespeak-ng in-process): latency =
  ``save_to_file`` + ``runAndWait`` (its API gives no stream: the first sample is there
  when the file is), measured with ``--pyttsx3-python`` (an interpreter with pyttsx3; the
  project does not depend on it). Size: its wheel (``--wheels``) plus the same Debian
  packages.
* **Qt's QTextToSpeech** (``PySide6-Addons``): the wheel's size and which engines it
  carries on Linux (``--wheels``), read from the wheel; its Linux engine is
  speech-dispatcher, a daemon that itself runs espeak-ng.
* The whole path of the chosen engine with this project's player
  (``rom_tracker.speech.player``): synthesis, the clip written, ``aplay`` on ALSA's null
  device started and done (no sound server or hardware buffer counted).
* **Pre-synthesised clips** for the shipped protocols: the bytes of every text and prompt
  of the shipped protocols as 16-bit WAV (made here with espeak-ng), and the time to read
  one from disk.

Latencies are medians over ``--runs`` runs of each of three texts (a one-word prompt, a
short step text, a long one), whole-process where a process starts. Nothing goes over the
network: the wheels are files given with ``--wheels`` (``pip download --no-deps
PySide6-Addons==<PySide6's version> pyttsx3 -d DIR``).

    .venv/bin/python bench/speech_engines.py [--runs 7] [--wheels DIR] [--pyttsx3-python PY]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import _common  # bench/ is on sys.path when a script here is run

from rom_tracker.rom.protocol import list_protocols
from rom_tracker.speech.cues import HOLD, HOLD_STILL, RETURN, count_word
from rom_tracker.speech.engine import Espeak, VoiceSettings
from rom_tracker.speech.timeline import wav_bytes

TEXTS = (
    "Hold.",
    "Come back to centre.",
    "Turn slowly to the left until you feel the first stretch, then hold.",
)
DEBIAN = ("espeak-ng", "libespeak-ng1", "espeak-ng-data", "libpcaudio0", "libsonic0")
PYTTSX3_SCRIPT = """
import json, sys, time, os, contextlib, io
t0 = time.perf_counter()
import pyttsx3
engine = pyttsx3.init()
engine.setProperty("rate", 160)
init = time.perf_counter() - t0
out = {"init_s": init, "texts": {}}
for text in json.loads(sys.argv[1]):
    runs = []
    for i in range(int(sys.argv[2])):
        path = os.path.join(sys.argv[3], f"p{i}.wav")
        t = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # it prints "Audio saved to ..."
            engine.save_to_file(text, path)
            engine.runAndWait()
        runs.append(time.perf_counter() - t)
    out["texts"][text] = runs
print(json.dumps(out))
"""


def debian_kib(packages: tuple[str, ...]) -> int:
    run = subprocess.run(
        ["dpkg-query", "-W", "-f=${Installed-Size}\\n", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    return sum(int(v) for v in run.stdout.split() if v.isdigit())


def espeak_latency(engine: Espeak, text: str) -> tuple[float, float]:
    """(to the first PCM bytes, to the whole clip), seconds, one run."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        engine.command(text, VoiceSettings()), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert proc.stdout is not None
    data = b""
    first = None
    while chunk := proc.stdout.read1(4096):
        data += chunk
        if first is None and data.find(b"data") >= 0 and len(data) > data.find(b"data") + 8:
            first = time.perf_counter() - t0
    proc.wait()
    return first if first is not None else float("nan"), time.perf_counter() - t0


def chain_latency(engine: Espeak, text: str) -> float:
    """Seconds from a cue to its samples handed to ALSA: synthesis, the clip written, and
    ``aplay -D null`` (ALSA's null device: no sound server or hardware buffer counted)
    started and done: the whole path this project's player takes, short of the speaker."""
    from rom_tracker.speech.player import Player

    player = Player(["aplay", "-q", "-D", "null"])
    try:
        t0 = time.perf_counter()
        player.play(engine.synthesize(text, VoiceSettings()))
        assert player._proc is not None
        player._proc.wait()
        return time.perf_counter() - t0
    finally:
        player.close()


def wheel_size(folder: Path | None, prefix: str) -> tuple[str, str, list[str]]:
    """(download MB, unpacked MB, files naming texttospeech) of the wheel ``prefix*``."""
    found = sorted(folder.glob(f"{prefix}*.whl")) if folder else []
    if not found:
        return "not measured (no --wheels)", "", []
    with zipfile.ZipFile(found[0]) as z:
        unpacked = sum(i.file_size for i in z.infolist())
        plugins = [
            Path(i.filename).name
            for i in z.infolist()
            if "plugins/texttospeech/" in i.filename and i.filename.endswith(".so")
        ]
    return _size(found[0].stat().st_size), _size(unpacked), plugins


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def prompts() -> list[str]:
    """Every text the shipped protocols can say: step texts, prompts, count-down words."""
    texts = [s.spoken for p in list_protocols() for s in p.steps]
    texts += [HOLD, HOLD_STILL, RETURN, *(count_word(n) for n in range(1, 10))]
    texts += [f"{RETURN} {s.spoken}" for p in list_protocols() for s in p.steps]
    return list(dict.fromkeys(texts))


def median_ms(values: list[float]) -> str:
    return f"{1000 * statistics.median(values):.0f}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--wheels", type=Path, help="a folder with the downloaded wheels")
    p.add_argument("--pyttsx3-python", help="a Python interpreter with pyttsx3 installed")
    args = p.parse_args()
    engine = Espeak.find()
    if engine is None:
        sys.exit("espeak-ng is not installed (apt install espeak-ng)")
    print(_common.machine())
    deb_mb = debian_kib(DEBIAN) / 1024
    rows = []

    first = {t: [espeak_latency(engine, t) for _ in range(args.runs)] for t in TEXTS}
    lat = " / ".join(f"{median_ms([r[0] for r in first[t]])}" for t in TEXTS)
    whole = " / ".join(f"{median_ms([r[1] for r in first[t]])}" for t in TEXTS)
    rows.append(
        ("espeak-ng (program)", f"{deb_mb:.1f} MB (Debian packages)", lat, whole, "GPL-3.0+")
    )

    py_mb, py_unpacked, _ = wheel_size(args.wheels, "pyttsx3")
    py_lat = "not measured (no --pyttsx3-python)"
    if args.pyttsx3_python:
        with tempfile.TemporaryDirectory() as tmp:
            run = subprocess.run(
                [args.pyttsx3_python, "-c", PYTTSX3_SCRIPT, json.dumps(TEXTS), str(args.runs), tmp],
                capture_output=True,
                text=True,
                check=True,
            )
        got = json.loads(run.stdout.strip().splitlines()[-1])
        py_lat = " / ".join(median_ms(got["texts"][t]) for t in TEXTS)
        py_lat += f" (+ {1000 * got['init_s']:.0f} init)"
    rows.append(
        (
            "pyttsx3 over espeak-ng",
            f"{py_mb} wheel ({py_unpacked} unpacked) + {deb_mb:.1f} MB",
            py_lat,
            py_lat.split(" (")[0],
            "MPL-2.0 (+ GPL-3.0+ libespeak-ng in-process)",
        )
    )

    qt_mb, qt_unpacked, plugins = wheel_size(args.wheels, "pyside6_addons")
    rows.append(
        (
            "Qt QTextToSpeech (PySide6-Addons)",
            f"{qt_mb} wheel ({qt_unpacked} unpacked) + speech-dispatcher",
            "not measured: " + (", ".join(plugins) or "?") + " only; no PCM out",
            "",
            "LGPL-3.0 (Qt) + GPL-2.0+ (speech-dispatcher)",
        )
    )

    texts = prompts()
    clips = [engine.synthesize(t, VoiceSettings()) for t in texts]
    wavs = [wav_bytes(c.pcm, c.rate) for c in clips]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.wav"
        path.write_bytes(wavs[-1])
        read = [_common.timed(path.read_bytes) for _ in range(args.runs)]
    total = sum(len(w) for w in wavs) / 1e6
    rows.append(
        (
            f"pre-synthesised clips ({len(texts)} texts)",
            f"{total:.1f} MB as 16-bit WAV",
            f"{1000 * statistics.median(read):.2f} (read the file)",
            "",
            "ours (made with espeak-ng)",
        )
    )
    chain = {t: [chain_latency(engine, t) for _ in range(args.runs)] for t in TEXTS}
    rows.insert(
        1,
        (
            "  + the player (aplay -D null)",
            "alsa-utils",
            " / ".join(median_ms(chain[t]) for t in TEXTS) + " (samples handed to ALSA)",
            "",
            "GPL-2.0+ (aplay), its own process",
        ),
    )
    print(f"\nlatency columns: ms, median of {args.runs}, texts: " + " / ".join(map(repr, TEXTS)))
    header = ("engine", "install size", "cue -> first sample (ms)", "whole clip (ms)", "licence")
    print(_common.table(rows, header))


if __name__ == "__main__":
    main()
