# Two commands do all the set-up on a fresh machine:
#   make demo   -> installs rom-tracker in .venv and analyses the bundled sample video
#   make test   -> installs the test extras and runs lint, type checks and the whole test suite
# Models: set ROM_TRACKER_MODEL_MIRROR to a folder or URL holding the official MediaPipe
# bundles when the official download location cannot be reached; if unset and a folder
# ../shared/models exists beside the checkout, it is used.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ifeq ($(origin ROM_TRACKER_MODEL_MIRROR), undefined)
  ifneq ($(wildcard ../shared/models),)
    export ROM_TRACKER_MODEL_MIRROR := $(abspath ../shared/models)
  endif
endif

.PHONY: demo test install install-test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"

demo: install
	$(BIN)/rom-tracker demo

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check rom_tracker tests
	$(BIN)/mypy rom_tracker/types.py rom_tracker/kinematics rom_tracker/rom rom_tracker/models.py rom_tracker/outputs.py rom_tracker/store

test: install-test lint
	QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(BIN)/python -m pytest

bench: install-test
	$(BIN)/python bench/kinematics_speed.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
