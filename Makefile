# Two commands do all the set-up on a fresh machine:
#   make demo   -> installs rom-tracker in .venv and analyses the bundled sample video
#   make test   -> installs the test extras and runs lint, type checks and the whole test suite
# Both install exactly what uv.lock names (every package, direct and indirect, with its
# SHA-256), with uv itself pinned by hash in requirements/uv.txt. `make upgrade` re-resolves
# to the newest versions pyproject.toml allows and runs the tests: upgrades are deliberate
# commits of uv.lock, never a surprise.
# Models: set ROM_TRACKER_MODEL_MIRROR to a folder or URL holding the official MediaPipe
# bundles when the official download location cannot be reached; if unset and a folder
# ../shared/models exists beside the checkout, it is used.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TOOLS := .tools
UV := $(TOOLS)/bin/uv
# uv creates and fills .venv from the lock file; --locked fails if uv.lock no longer
# matches pyproject.toml (run `make upgrade` or `$(UV) lock` and commit uv.lock).
SYNC := UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --quiet
ifeq ($(origin ROM_TRACKER_MODEL_MIRROR), undefined)
  ifneq ($(wildcard ../shared/models),)
    export ROM_TRACKER_MODEL_MIRROR := $(abspath ../shared/models)
  endif
endif

.PHONY: demo test install install-test lint bench upgrade upgrade-uv clean

$(UV): requirements/uv.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -qq --disable-pip-version-check \
		--require-hashes --only-binary :all: -r requirements/uv.txt
	touch $(UV)

install: $(UV)
	$(SYNC)

install-test: $(UV)
	$(SYNC) --extra test

demo: install
	$(BIN)/rom-tracker demo

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check rom_tracker tests
	$(BIN)/mypy rom_tracker/types.py rom_tracker/kinematics rom_tracker/rom rom_tracker/media/models.py rom_tracker/files/outputs.py rom_tracker/store rom_tracker/speech

test: install-test lint
	QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(BIN)/python -m pytest

bench: install-test
	$(BIN)/python bench/kinematics_speed.py

# Re-resolve every dependency to the newest release pyproject.toml allows, install it and
# run the whole test suite. Commit uv.lock only if the tests pass.
upgrade: $(UV)
	$(UV) lock --upgrade
	$(MAKE) test

upgrade-uv: $(UV)
	echo "uv" | $(UV) pip compile - --universal --generate-hashes --no-header --quiet \
		-o requirements/uv.txt.new
	{ head -n 2 requirements/uv.txt; cat requirements/uv.txt.new; } > requirements/uv.txt.tmp
	mv requirements/uv.txt.tmp requirements/uv.txt && rm requirements/uv.txt.new

clean:
	rm -rf $(VENV) $(TOOLS) out .pytest_cache .mypy_cache .ruff_cache
