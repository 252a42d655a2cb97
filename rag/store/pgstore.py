"""A shared store in Postgres, for deployments that outgrow one machine.

Chosen by configuration: `RAG_STORE=postgresql://…` (Settings.store). The
default stays the embedded file index (rag.store.index); nothing here is imported
without a store URI.

What lives where (one database, several app processes side by side):

    rag_versions   one row per build: its manifest (embedder, dimension,
                   chunker version, corpus hashes) and its sentence keys
    rag_live       one row: the version that is live
    rag_letters    per version: each letter's manifest (rag.records.Letter),
                   its raw text (so any process can rebuild without the
                   other's corpus folder), cleaned text, page starts, context
    rag_chunks     per version: each chunk (Chunk.to_dict as jsonb), its
                   letter, date and kind as columns for the filters
    rag_terms      per version: the full-text index, one row per (term, chunk)
                   with the term's count in the chunk and the chunk's length
                   in tokens; the tokens are the file index's
                   (rag.textnl.tokenize of rag.ingest.chunk.embedding_text)
    rag_term_df    per version: each term's document frequency
    rag_bm25       per version: the chunk count and mean chunk length
    rag_sentences  vectors of the quotable sentences, keyed by embedder
                   (its collection name) and text_hash
    langchain_pg_embedding / langchain_pg_collection
                   the chunk vectors, written through LangChain's
                   `VectorStore` interface (langchain-postgres PGVector,
                   one collection per embedder), id "<version>:<row>"

A build (`build`) is one transaction: it writes a complete new version and
switches rag_live to it, then commits. An exception anywhere before the
commit rolls everything back, so readers (and the builder itself) keep
seeing the previous version; builds are serialised by an advisory lock and
read the letters already in the store under it, so two processes ingesting
side by side both end up in the store. A loaded Pipeline keeps answering
from its version (queries filter on it); the two versions before the live
one are kept for processes that have not reloaded yet.

Ranking (`PgRankers`, for the one retriever of rag.search.retrieve): a dense
ranking (cosine, pgvector's `<=>`) and a BM25 ranking computed in SQL over
rag_terms with bm25s's defaults (the "lucene" variant, k1=1.5, b=0.75,
idf = ln(1 + (N - df + 0.5) / (df + 0.5))), the question tokenized in Python
by rag.textnl.tokenize as for the file index, so both rank the same; fused
with rag.search.retrieve.rrf; letter and date filters are WHERE clauses, applied
before ranking (dossier and type filters are resolved into the letter filter
by Retriever.scope). (Postgres's own `ts_rank_cd` was tried first: it has no idf,
so common words outranked rare ones, 9 points of hit@1 below the file index.)

Why not PGVector's own similarity search for the dense side: its filter
language can express the letter and date filters (jsonb path), but it
orders by distance only (no deterministic tie-break), returns Documents
rather than rows of a version, and cannot return the full-text score of the
same rows in the same round trip. So PGVector writes (and can serve) the
embeddings (`PgStore.vectorstore`), and the filtered similarity query is
plain SQL over its table with `<=>`.
"""
from __future__ import annotations

import atexit
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from rag.ingest import corpus
from rag import texts as T
from rag.store.build import Progress, chunk_letters, embed_progress, load_background, quiet, quotable_sentences
from rag.ingest.chunk import embedding_text
from rag.config import POSTGRES_CONNECT_TIMEOUT_S, Settings, is_postgres_uri, psycopg_uri
from rag.errors import IndexStateError, StoreError
from rag.fileutil import text_hash
from rag.store.lexical import chunk_tokens, idf_from_df
from rag.store.index import LoadedIndex, Manifest, MissingIndex, check_fit, new_manifest, new_version_name
from rag.embed.vectorcache import VectorCache
from rag.records import Chunk, Letter, LetterPages
from rag.store.rankers import Question, Where

log = logging.getLogger(__name__)

# Versions kept besides the live one, for processes that have not reloaded.
KEEP_PREVIOUS = 2
# pg_advisory_xact_lock key: one build at a time per database.
BUILD_LOCK = 0x7261675F6275696C  # "rag_buil"
# Longest a question waits for one of the pool's connections (queries take
# milliseconds; a pool that cannot reconnect is down, said after this long).
POOL_WAIT_S = 5.0
COLLECTION_PREFIX = "kamerbrieven"
# BM25 parameters: bm25s.BM25()'s defaults, which the file index uses
# (method "lucene": score = idf * tf / (tf + k1 * (1 - b + b * dl / avgdl))).
BM25_K1 = 1.5
BM25_B = 0.75


def _sqlalchemy_uri(uri: str) -> str:
    return "postgresql+psycopg://" + uri.split("://", 1)[1]


SCHEMA = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS rag_versions (
    version text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    manifest jsonb NOT NULL,
    sentence_keys text[] NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS rag_live (
    id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    version text NOT NULL REFERENCES rag_versions(version)
);
CREATE TABLE IF NOT EXISTS rag_letters (
    version text NOT NULL REFERENCES rag_versions(version) ON DELETE CASCADE,
    letter_id text NOT NULL,
    meta jsonb NOT NULL,
    raw text NOT NULL,
    clean_text text NOT NULL,
    page_starts int[] NOT NULL,
    context text NOT NULL DEFAULT '',
    PRIMARY KEY (version, letter_id)
);
CREATE TABLE IF NOT EXISTS rag_chunks (
    version text NOT NULL REFERENCES rag_versions(version) ON DELETE CASCADE,
    row int NOT NULL,
    chunk_id text NOT NULL,
    letter_id text NOT NULL,
    date text NOT NULL,
    kind text NOT NULL,
    data jsonb NOT NULL,
    search_text text NOT NULL,
    emb_id text NOT NULL,
    PRIMARY KEY (version, row)
);
CREATE TABLE IF NOT EXISTS rag_terms (
    version text NOT NULL REFERENCES rag_versions(version) ON DELETE CASCADE,
    term text NOT NULL,
    row int NOT NULL,
    tf int NOT NULL,
    dl int NOT NULL,
    PRIMARY KEY (version, term, row)
);
CREATE TABLE IF NOT EXISTS rag_term_df (
    version text NOT NULL REFERENCES rag_versions(version) ON DELETE CASCADE,
    term text NOT NULL,
    df int NOT NULL,
    PRIMARY KEY (version, term)
);
CREATE TABLE IF NOT EXISTS rag_bm25 (
    version text PRIMARY KEY REFERENCES rag_versions(version) ON DELETE CASCADE,
    n_docs int NOT NULL,
    avgdl float8 NOT NULL
);
CREATE INDEX IF NOT EXISTS rag_chunks_letter ON rag_chunks (version, letter_id);
CREATE INDEX IF NOT EXISTS rag_chunks_emb ON rag_chunks (emb_id);
CREATE TABLE IF NOT EXISTS rag_sentences (
    embedder text NOT NULL,
    key text NOT NULL,
    vec bytea NOT NULL,
    PRIMARY KEY (embedder, key)
);
"""


class _Embeddings:
    """LangChain Embeddings over the project's embedder (PGVector wants one;
    the build passes vectors it already has, so this only serves callers
    that use `PgStore.vectorstore()` as a LangChain VectorStore)."""

    def __init__(self, embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return np.asarray(self.embedder.encode_passages(list(texts))).tolist()

    def embed_query(self, text: str) -> list[float]:
        return np.asarray(self.embedder.encode_queries([text])).reshape(-1).tolist()

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents(texts)

    async def aembed_query(self, text: str) -> list[float]:
        return self.embed_query(text)


# --------------------------------------------------------------------------- store


_STORES: dict[str, "PgStore"] = {}
_STORES_LOCK = threading.Lock()


class PgStore:
    """Connections to one database: a small pool for queries (autocommit,
    pgvector types registered) and a SQLAlchemy engine for builds (PGVector
    writes through it). One per URI per process (`PgStore.of`)."""

    def __init__(self, uri: str):
        import psycopg
        from psycopg_pool import ConnectionPool
        from pgvector.psycopg import register_vector

        self.uri = psycopg_uri(uri)
        with self.reached():
            with psycopg.connect(self.uri, autocommit=True, connect_timeout=POSTGRES_CONNECT_TIMEOUT_S) as conn:
                # Serialised: concurrent CREATE EXTENSION / TABLE IF NOT EXISTS race.
                conn.execute("SELECT pg_advisory_lock(%s)", (BUILD_LOCK + 1,))
                try:
                    conn.execute(SCHEMA)
                finally:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (BUILD_LOCK + 1,))
        self.pool = ConnectionPool(self.uri, min_size=1, max_size=4, open=True, timeout=POOL_WAIT_S,
                                   kwargs={"autocommit": True, "connect_timeout": POSTGRES_CONNECT_TIMEOUT_S},
                                   configure=register_vector)
        self._engine = None

    @contextmanager
    def reached(self) -> Iterator[None]:
        """Connection failures (server down, wrong host, port or password,
        a connection lost mid-query) as a StoreError that says what to check,
        instead of the driver's exception."""
        import psycopg
        from psycopg_pool import PoolTimeout
        from sqlalchemy.exc import OperationalError as SqlAlchemyOperationalError

        try:
            yield
        except (psycopg.OperationalError, PoolTimeout, SqlAlchemyOperationalError) as e:
            cause = (str(getattr(e, "orig", None) or e).strip().splitlines() or [type(e).__name__])[0]
            raise StoreError(f"De Postgres-store {_redact(self.uri)} is niet bereikbaar: {cause}",
                             "Controleer of de server draait en of RAG_STORE klopt (host, poort, gebruiker, "
                             "wachtwoord, database); zonder RAG_STORE wordt de index in bestanden gebruikt.") from e

    @contextmanager
    def connection(self):
        """A pooled connection (autocommit), failures reported as StoreError."""
        with self.reached(), self.pool.connection() as conn:
            yield conn

    @classmethod
    def of(cls, uri: str) -> "PgStore":
        key = psycopg_uri(uri)
        with _STORES_LOCK:
            if key not in _STORES:
                _STORES[key] = cls(key)
            return _STORES[key]

    @property
    def engine(self):
        if self._engine is None:
            from sqlalchemy import create_engine

            self._engine = create_engine(_sqlalchemy_uri(self.uri), pool_pre_ping=True)
        return self._engine

    def close(self) -> None:
        self.pool.close()
        if self._engine is not None:
            self._engine.dispose()

    def vectorstore(self, embedder, *, connection=None):
        """The chunk vectors as a LangChain VectorStore (PGVector), one
        collection per embedder. With `connection` (a SQLAlchemy Connection
        inside a transaction) its writes join that transaction: PGVector's
        own commits become savepoints."""
        from langchain_postgres import PGVector

        store = PGVector(_Embeddings(embedder), connection=self.engine,
                         collection_name=collection_name(embedder), use_jsonb=True)
        if connection is not None:
            store.session_maker = _session_in(connection)
        return store

    def live_version(self) -> str | None:
        with self.connection() as conn:
            row = conn.execute("SELECT version FROM rag_live").fetchone()
        return row[0] if row else None


@atexit.register
def _close_all() -> None:
    for store in list(_STORES.values()):
        try:
            store.close()
        except Exception:  # pragma: no cover - shutting down
            pass
    _STORES.clear()


def _session_in(connection):
    """PGVector's sessions bound to a Connection inside a transaction: their
    commits become savepoints, the transaction stays the caller's."""
    from sqlalchemy.orm import scoped_session, sessionmaker

    return scoped_session(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))


def collection_name(embedder) -> str:
    return f"{COLLECTION_PREFIX}:{embedder.model_id}:{int(embedder.dimension)}"


# --------------------------------------------------------------------------- loaded state


@dataclass(kw_only=True)
class PgIndex(LoadedIndex):
    """One version of the store: chunks, LetterPages, sentence vectors and
    idf read into memory as for a file index; the chunk vectors and the
    BM25 index stay in Postgres, where `PgRankers` ranks them."""

    uri: str
    version: str
    collection_id: str = ""
    # The letters of this version (the store's, which may hold letters
    # another process added).
    store_letters: list[Letter] = field(default_factory=list)
    # BM25 statistics of this version (rag_bm25); None for a version built
    # before the store kept a BM25 index (load_index calls it stale).
    n_docs: int | None = None
    avgdl: float | None = None

    def version_name(self) -> str:
        return self.version

    def letters_of(self, corpus_letters: Sequence[Letter]) -> list[Letter]:
        """The store's letters of this version, which may hold letters another
        process added."""
        return list(self.store_letters) or list(corpus_letters)

    def rankers(self) -> "PgRankers":
        return PgRankers(self)


def _read_version(store: PgStore, version: str | None = None) -> PgIndex:
    """The live version (or `version`), from one consistent snapshot."""
    with store.connection() as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            if version is None:
                row = conn.execute("SELECT version FROM rag_live").fetchone()
                if row is None:
                    raise MissingIndex(f"Nog geen index in de Postgres-store {_redact(store.uri)}.",
                                       T.REBUILD_INDEX)
                version = row[0]
            row = conn.execute("SELECT manifest, sentence_keys FROM rag_versions WHERE version = %s",
                               (version,)).fetchone()
            if row is None:
                raise IndexStateError(f"Versie {version} staat niet (meer) in de Postgres-store.",
                                      "Laad de index opnieuw.")
            manifest_json, sentence_keys = row
            manifest = Manifest.from_dict(manifest_json)
            chunks = [_chunk(d) for (d,) in conn.execute(
                "SELECT data FROM rag_chunks WHERE version = %s ORDER BY row", (version,))]
            letters: dict[str, LetterPages] = {}
            records: list[Letter] = []
            for meta, text, starts, context in conn.execute(
                    "SELECT meta, clean_text, page_starts, context FROM rag_letters WHERE version = %s "
                    "ORDER BY letter_id", (version,)):
                records.append(Letter(**meta))
                letters[meta["letter_id"]] = LetterPages(meta["letter_id"], text, tuple(starts), context)
            sentences = {k: np.frombuffer(v, dtype=np.float32).copy() for k, v in conn.execute(
                "SELECT key, vec FROM rag_sentences WHERE embedder = %s AND key = ANY(%s)",
                (manifest.files.get("collection", ""), list(sentence_keys)))}
            coll = conn.execute("SELECT uuid::text FROM langchain_pg_collection WHERE name = %s",
                                (manifest.files.get("collection", ""),)).fetchone()
            stats = conn.execute("SELECT n_docs, avgdl FROM rag_bm25 WHERE version = %s", (version,)).fetchone()
            # The answerer's idf from the store's own document frequencies:
            # no chunk is tokenised at load.
            df = dict(conn.execute("SELECT term, df FROM rag_term_df WHERE version = %s", (version,)))
        finally:
            conn.execute("COMMIT")
    if len(chunks) != manifest.chunk_count or len(sentences) != len(set(sentence_keys)):
        raise IndexStateError(f"De Postgres-store is beschadigd: versie {version} is onvolledig.", T.REBUILD_INDEX)
    return PgIndex(manifest=manifest, chunks=chunks, letters=letters,
                   sentence_vectors=sentences, uri=store.uri, version=version,
                   collection_id=coll[0] if coll else "", store_letters=records,
                   n_docs=stats[0] if stats else None, avgdl=stats[1] if stats else None,
                   idf=idf_from_df(df, stats[0]) if stats else {})


def live_manifest(uri: str) -> Manifest | None:
    """The live version's manifest alone, or None when there is none (or the
    store cannot be read: the load that follows says why)."""
    try:
        with PgStore.of(uri).connection() as conn:
            row = conn.execute("SELECT v.manifest FROM rag_live l JOIN rag_versions v USING (version)").fetchone()
    except Exception:  # noqa: BLE001 - only a look ahead; Library.load reports the real problem
        return None
    return Manifest.from_dict(row[0]) if row else None


def _chunk(d: dict[str, Any]) -> Chunk:
    return Chunk.from_dict(d)


def _redact(uri: str) -> str:
    """The URI without a password, for messages."""
    head, sep, tail = uri.partition("@")
    if not sep or "://" not in head:
        return uri
    scheme, creds = head.split("://", 1)
    return f"{scheme}://{creds.split(':', 1)[0]}@{tail}"


def load_index(settings: Settings, embedder, letters: Sequence[Letter] | None = None) -> PgIndex:
    """The live version, checked like rag.store.index.load_index: MissingIndex when
    nothing is built, IndexStateError for another embedder, StaleIndex when
    the chunker changed or `letters` (the local corpus) holds letters that
    are new or changed against the store. Letters in the store that the
    local corpus lacks (added by another process or machine) are no reason
    to rebuild: they are part of the store."""
    loaded = _read_version(PgStore.of(settings.store))
    check_fit(loaded, embedder_id=embedder.model_id, dimension=embedder.dimension,
              chunker_version=corpus.chunker_version(settings),
              corpus_hashes=None if letters is None else corpus.corpus_hashes(list(letters)),
              others_letters_kept=True,
              reasons=["no BM25 index in the store (built before it kept one)"] if loaded.n_docs is None else [])
    return loaded


# --------------------------------------------------------------------------- build


def _vec_literal(v: np.ndarray) -> list[float]:
    return [float(x) for x in v]


def build(settings: Settings, embedder: Any, letters: Sequence[Letter] | None = None,
          progress: Progress = quiet, *, _fail_after: str | None = None) -> PgIndex:
    """rag.store.build.build for the Postgres store: a new version of `letters`
    (default: the corpus) plus the letters already in the store that these
    do not replace, in one transaction; embedding only what neither the
    local vector cache nor the store holds. Returns the new version loaded.

    `_fail_after` (tests only) raises after that step, inside the transaction."""
    from pgvector.psycopg import register_vector

    letters = corpus.load_letters(settings) if letters is None else list(letters)
    store = PgStore.of(settings.store)
    # Made (its tables and collection ensured) before the transaction opens;
    # its writes then join the transaction (PgStore.vectorstore).
    with store.reached():
        vstore = store.vectorstore(embedder)
    with store.reached(), store.engine.connect() as conn:
        with conn.begin():
            raw = conn.connection.driver_connection  # psycopg, inside this transaction
            register_vector(raw)
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (BUILD_LOCK,))

            # Letters the store holds that the caller does not bring (another
            # process's ingest): kept, rebuilt from their raw text in the store.
            local = {x.letter_id for x in letters}
            kept: list[tuple[Letter, str]] = [
                (Letter(**meta), text) for meta, text in raw.execute(
                    "SELECT l.meta, l.raw FROM rag_letters l JOIN rag_live v USING (version) ORDER BY l.letter_id")
                if meta["letter_id"] not in local]
            all_letters = [*letters, *(x for x, _ in kept)]
            raws = {x.letter_id: corpus.read_text(x, settings) for x in letters}
            raws.update({x.letter_id: t for x, t in kept})
            chunks, pages = chunk_letters(settings, all_letters, progress, texts=raws)
            progress(f"{len(chunks)} passages uit {len(all_letters)} brieven", None)

            # Vectors: the local cache, seeded with what the store already has.
            texts = [embedding_text(c) for c in chunks]
            sentences = quotable_sentences(chunks) + load_background()
            cache = VectorCache.of_index(settings.index_dir, embedder)
            missing = [text_hash(t) for t in dict.fromkeys([*texts, *sentences]) if text_hash(t) not in cache]
            if missing:
                for key, vec in raw.execute(
                        "SELECT e.cmetadata->>'key', e.embedding FROM langchain_pg_embedding e "
                        "JOIN langchain_pg_collection c ON c.uuid = e.collection_id "
                        "WHERE c.name = %s AND e.cmetadata->>'key' = ANY(%s)",
                        (collection_name(embedder), missing)):
                    cache.put(key, np.asarray(vec, dtype=np.float32))
                for key, vec in raw.execute("SELECT key, vec FROM rag_sentences WHERE embedder = %s AND key = ANY(%s)",
                                            (collection_name(embedder), missing)):
                    cache.put(key, np.frombuffer(vec, dtype=np.float32))
            cache.embed([*texts, *sentences], 32, embed_progress(progress))
            _maybe_fail(_fail_after, "embed")

            version = new_version_name()
            manifest = new_manifest(embedder, chunker_version=corpus.chunker_version(settings),
                                    corpus_hashes=corpus.corpus_hashes(all_letters), chunk_count=len(chunks),
                                    files={"collection": collection_name(embedder)})
            sentence_keys = sorted({text_hash(s) for s in sentences})
            raw.execute("INSERT INTO rag_versions (version, manifest, sentence_keys) VALUES (%s, %s, %s)",
                        (version, json.dumps(manifest.to_dict(), ensure_ascii=False), sentence_keys))
            with raw.cursor() as cur:
                by_id = {p.letter_id: p for p in pages}
                cur.executemany(
                    "INSERT INTO rag_letters (version, letter_id, meta, raw, clean_text, page_starts, context) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [(version, x.letter_id, json.dumps(x.to_dict(), ensure_ascii=False), raws[x.letter_id],
                      by_id[x.letter_id].text, list(by_id[x.letter_id].page_starts), by_id[x.letter_id].context)
                     for x in all_letters])
                cur.executemany(
                    "INSERT INTO rag_chunks (version, row, chunk_id, letter_id, date, kind, data, search_text, emb_id) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [(version, i, c.chunk_id, c.letter_id, c.date, c.kind, json.dumps(c.to_dict(), ensure_ascii=False),
                      t, f"{version}:{i}") for i, (c, t) in enumerate(zip(chunks, texts))])
                _write_terms(cur, version, chunk_tokens(chunks))
                _maybe_fail(_fail_after, "chunks")
                cur.executemany(
                    "INSERT INTO rag_sentences (embedder, key, vec) VALUES (%s, %s, %s) "
                    "ON CONFLICT (embedder, key) DO NOTHING",
                    [(collection_name(embedder), k, v.tobytes())
                     for k, v in zip(sentence_keys, cache.get(list(sentence_keys)))])

            # The chunk vectors through LangChain's VectorStore interface, in
            # this transaction (PGVector's commit is a savepoint here).
            vstore.session_maker = _session_in(conn)
            if chunks:
                vstore.add_embeddings(
                    texts=texts, embeddings=[_vec_literal(v) for v in cache.vectors_of(texts)],
                    metadatas=[{"key": text_hash(t), "version": version, "chunk_id": c.chunk_id,
                                "letter_id": c.letter_id, "date": c.date} for c, t in zip(chunks, texts)],
                    ids=[f"{version}:{i}" for i in range(len(chunks))])
            _maybe_fail(_fail_after, "vectors")

            raw.execute("INSERT INTO rag_live (id, version) VALUES (1, %s) "
                        "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version", (version,))
            _prune(raw, version)
            _maybe_fail(_fail_after, "switch")
    return _read_version(store, version)


def _write_terms(cur, version: str, token_lists: Sequence[Sequence[str]]) -> None:
    """The BM25 index of one version: the file index's tokens of each
    chunk (rag.store.lexical.chunk_tokens), their counts per chunk,
    document frequencies, chunk count and mean length. A chunk without tokens
    counts as one token long, as in the file index (bm25s gets a placeholder)."""
    from collections import Counter

    df: Counter[str] = Counter()
    total = 0
    with cur.copy("COPY rag_terms (version, term, row, tf, dl) FROM STDIN") as copy:
        for row, tokens in enumerate(token_lists):
            dl = len(tokens) or 1
            total += dl
            counts = Counter(tokens)
            df.update(counts.keys())
            for term, tf in counts.items():
                copy.write_row((version, term, row, tf, dl))
    with cur.copy("COPY rag_term_df (version, term, df) FROM STDIN") as copy:
        for term, n in df.items():
            copy.write_row((version, term, n))
    cur.execute("INSERT INTO rag_bm25 (version, n_docs, avgdl) VALUES (%s, %s, %s)",
                (version, len(token_lists), total / len(token_lists) if token_lists else 1.0))


def _maybe_fail(wanted: str | None, step: str) -> None:
    if wanted == step:
        raise RuntimeError(f"injected failure after {step}")


def _prune(raw, live: str) -> None:
    """Drop versions older than the live one and the KEEP_PREVIOUS before it
    (their chunks and letters cascade; their vectors go here)."""
    old = [v for (v,) in raw.execute(
        "SELECT version FROM rag_versions WHERE version <> %s ORDER BY created_at DESC, version DESC OFFSET %s",
        (live, KEEP_PREVIOUS))]
    if not old:
        return
    raw.execute("DELETE FROM langchain_pg_embedding e USING rag_chunks c "
                "WHERE c.version = ANY(%s) AND e.id = c.emb_id", (old,))
    raw.execute("DELETE FROM rag_versions WHERE version = ANY(%s)", (old,))


# --------------------------------------------------------------------------- search


_DENSE_SQL = """
SELECT c.row, 1 - (e.embedding <=> %(q)s) AS cos
FROM rag_chunks c JOIN langchain_pg_embedding e ON e.id = c.emb_id
WHERE c.version = %(v)s {filters}
ORDER BY e.embedding <=> %(q)s, c.row
LIMIT %(n)s
"""

# BM25 per chunk in SQL: the question's terms (with their counts, as bm25s
# scores a repeated query token once per occurrence, or an English question's
# weights, as the file index multiplies them) joined to the version's
# term rows; a chunk sharing no term with the question is no candidate.
_BM25_TERMS = """
WITH q AS (
    SELECT d.term, q.n * ln(1 + (%(N)s::float8 - d.df + 0.5) / (d.df + 0.5)) AS idf
    FROM unnest(%(terms)s::text[], %(counts)s::float8[]) AS q(term, n)
    JOIN rag_term_df d ON d.version = %(v)s AND d.term = q.term
), bm AS (
    SELECT t.row, sum(q.idf * t.tf / (t.tf + %(k1)s::float8
                                      * (1 - %(b)s::float8 + %(b)s::float8 * t.dl / %(avgdl)s::float8))) AS score
    FROM q JOIN rag_terms t ON t.version = %(v)s AND t.term = q.term {join}
    WHERE true {where}
    GROUP BY t.row
)"""

_FTS_SQL = _BM25_TERMS + """
SELECT row, score FROM bm ORDER BY score DESC, row LIMIT %(n)s
"""

_SCORES_SQL = _BM25_TERMS.format(join="", where="AND t.row = ANY(%(rows)s)") + """
SELECT c.row, 1 - (e.embedding <=> %(q)s) AS cos, COALESCE(bm.score, 0) AS bm25
FROM rag_chunks c JOIN langchain_pg_embedding e ON e.id = c.emb_id LEFT JOIN bm ON bm.row = c.row
WHERE c.version = %(v)s AND c.row = ANY(%(rows)s)
"""


def _fts_sql(filters: str) -> str:
    """The BM25 ranking, filtered (rag_chunks joined only for a filter)."""
    join = "JOIN rag_chunks c ON c.version = t.version AND c.row = t.row" if filters else ""
    return _FTS_SQL.format(join=join, where=filters)


class PgRankers:
    """The store's rankings of one version, in SQL: the same rows, filters
    and scores as the file index's (rag.store.rankers.FileRankers), so the one
    retriever (rag.search.retrieve) fuses and builds the Passages. The letter and
    date filters are WHERE clauses, applied before ranking."""

    def __init__(self, index: PgIndex):
        self.store = PgStore.of(index.uri)
        self.version = index.version
        self.n_docs = index.n_docs or 0
        self.avgdl = index.avgdl or 1.0

    @contextmanager
    def open(self, question: Question) -> Iterator["_PgRanking"]:
        with self.store.connection() as conn:  # one connection for the question's few queries
            yield _PgRanking(self, question, conn)


def _filters(where: Where) -> tuple[str, dict[str, Any]]:
    """The WHERE clauses of a search: the scope's letters (letter, dossier
    and type filters resolved by Retriever.scope) and the dates."""
    sql, params = "", {}
    if where.scope.letters is not None:
        sql += " AND c.letter_id = ANY(%(letters)s)"
        params["letters"] = sorted(where.scope.letters)
    if where.options.dated:
        lo, hi = where.options.date_range()
        in_range = "c.date <> '' AND c.date >= %(lo)s AND c.date <= %(hi)s"
        sql += f" AND ({in_range} OR c.date = '')" if where.options.keep_undated else f" AND {in_range}"
        params.update(lo=lo, hi=hi)
    return sql, params


class _PgRanking:
    def __init__(self, rankers: PgRankers, question: Question, conn):
        self.conn = conn
        self.version = rankers.version
        self.filters, params = _filters(question.where)
        counts = question.terms.counts()
        self.base = {"v": rankers.version, "q": question.vector, "terms": list(counts),
                     "counts": list(counts.values()), "N": rankers.n_docs,
                     "avgdl": rankers.avgdl, "k1": BM25_K1, "b": BM25_B, **params}

    def dense(self, n: int) -> list[int]:
        return [r for r, _ in self.conn.execute(_DENSE_SQL.format(filters=self.filters), {**self.base, "n": n})]

    def lexical(self, n: int) -> list[int]:
        return [r for r, _ in self.conn.execute(_fts_sql(self.filters), {**self.base, "n": n})]

    def scores(self, rows: Sequence[int]) -> tuple[list[float], list[float]]:
        rows = list(rows)
        if not rows:
            return [], []
        found = {r: (cos, bm25) for r, cos, bm25 in self.conn.execute(_SCORES_SQL, {**self.base, "rows": rows})}
        if not found:
            raise IndexStateError(
                f"Versie {self.version} van de Postgres-store is intussen vervangen door een nieuwere.",
                "Laad de index opnieuw (herstart de app of het commando).")
        return [float(found[r][0]) for r in rows], [float(found[r][1]) for r in rows]


__all__ = ["PgIndex", "PgRankers", "PgStore", "build", "is_postgres_uri", "load_index"]
