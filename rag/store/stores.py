"""Where the index lives: the embedded file index (rag.store.build, rag.store.index; the
default, one machine) or the shared Postgres store (rag.store.pgstore, RAG_STORE).

The pipeline talks to one `Store` and never asks which kind it has: both
build a version, load the live one (building it when missing or stale), say
which version is live and what it was built from, and load a version another
process made live.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Callable, Protocol

from rag.ingest import corpus
from rag.store.build import Progress, build, quiet
from rag.config import POSTGRES_SCHEMES, Settings
from rag.errors import InputError
from rag.store.index import LoadedIndex, Manifest, MissingIndex, OldFormatIndex, StaleIndex, current_version, load_index
from rag.store.index import live_manifest as file_manifest

if TYPE_CHECKING:
    from rag.records import Letter


class Store(Protocol):
    settings: Settings

    def connect(self) -> None:
        """Reach the store (before a model loads: a server that is down is
        said in a second, not after the embedder's load)."""

    def build(self, embedder, letters: Sequence[Letter], progress: Progress = quiet) -> LoadedIndex:
        """A new live version of `letters`; only new texts are embedded."""

    def load_or_build(self, embedder, letters: Sequence[Letter], progress: Progress = quiet) -> LoadedIndex:
        """The live version, built first when missing or stale against `letters`."""

    def live_version(self) -> str | None:
        """Name of the live version (None: nothing built); nothing is loaded."""

    def live_manifest(self) -> Manifest | None:
        """What the live version was built from, or None when nothing
        readable is built; nothing is loaded."""

    def load_live(self, embedder) -> tuple[LoadedIndex, list[Letter]]:
        """The live version and the letters it holds, never building: a
        letter another process put in the corpus but did not index yet is not
        this process's to index."""


class _LoadOrBuild:
    """Store.load_or_build, one way for every store: the live version,
    checked against `letters` (`_load_checked` raises StaleIndex or
    MissingIndex), else a build."""

    def load_or_build(self, embedder, letters, progress: Progress = quiet) -> LoadedIndex:
        letters = list(letters)
        try:
            return self._load_checked(embedder, letters)
        except StaleIndex as exc:
            progress(f"Index verouderd ({'; '.join(exc.reasons)}): opnieuw opbouwen", None)
        except MissingIndex as exc:
            # Corrupted or built with another embedder is not caught: the
            # message says what to run.
            progress("Index van een oudere versie: opnieuw opbouwen" if isinstance(exc, OldFormatIndex)
                     else "Nog geen index: opbouwen", None)
        return self.build(embedder, letters, progress)


class FileStore(_LoadOrBuild):
    """Versioned folders under settings.index_dir (rag/store/index.py)."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def connect(self) -> None:
        pass

    def build(self, embedder, letters, progress: Progress = quiet) -> LoadedIndex:
        return build(self.settings, embedder, list(letters), progress)

    def _load(self, embedder, corpus_hashes: dict[str, str] | None = None) -> LoadedIndex:
        s = self.settings
        return load_index(s.index_dir, embedder_id=embedder.model_id, dimension=embedder.dimension,
                          chunker_version=corpus.chunker_version(s), corpus_hashes=corpus_hashes,
                          key=s.index_key)

    def _load_checked(self, embedder, letters) -> LoadedIndex:
        return self._load(embedder, corpus.corpus_hashes(letters))

    def live_version(self) -> str | None:
        return current_version(self.settings.index_dir)

    def live_manifest(self) -> Manifest | None:
        return file_manifest(self.settings.index_dir)

    def load_live(self, embedder):
        index = self._load(embedder)
        built = index.manifest.corpus_hashes
        return index, [x for x in corpus.load_letters(self.settings) if built.get(x.letter_id) == x.sha256]


class PostgresStore(_LoadOrBuild):
    """One Postgres database shared by app processes (rag/store/pgstore.py)."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def connect(self) -> None:
        from rag.store.pgstore import PgStore

        PgStore.of(self.settings.store)

    def build(self, embedder, letters, progress: Progress = quiet) -> LoadedIndex:
        from rag.store.pgstore import build as build_store

        return build_store(self.settings, embedder, letters, progress)

    def _load_checked(self, embedder, letters) -> LoadedIndex:
        from rag.store.pgstore import load_index as load_store

        return load_store(self.settings, embedder, letters)

    def live_version(self) -> str | None:
        from rag.store.pgstore import PgStore

        return PgStore.of(self.settings.store).live_version()

    def live_manifest(self) -> Manifest | None:
        from rag.store.pgstore import live_manifest

        return live_manifest(self.settings.store)

    def load_live(self, embedder):
        from rag.store.pgstore import load_index as load_store

        # The store's version holds its own letters (Pipeline reads them from it).
        return load_store(self.settings, embedder), []


# RAG_STORE's URI scheme -> the store it names; "" (no RAG_STORE) is the
# file index. A new store is one `register_store` call with its schemes.
_STORES: dict[str, Callable[[Settings], Store]] = {}


def register_store(schemes: Sequence[str], factory: Callable[[Settings], Store]) -> None:
    for scheme in schemes:
        _STORES[scheme] = factory


def store_for(settings: Settings) -> Store:
    """The store settings.store (RAG_STORE) names by its scheme; the file
    index when it is empty."""
    scheme = settings.store.split("://", 1)[0] + "://" if "://" in settings.store else settings.store
    factory = _STORES.get(scheme)
    if factory is None:
        known = ", ".join(s for s in _STORES if s)
        raise InputError(f"RAG_STORE {settings.store[:40]!r} noemt geen bekende opslag.",
                         f"Gebruik een URI met {known}, of laat RAG_STORE leeg voor de index in bestanden.")
    return factory(settings)


register_store(("",), FileStore)
register_store(POSTGRES_SCHEMES, PostgresStore)
