"""The letters and their index as one service: what the CLI and the app hold.

    Library.load        the store reached, the embedder loaded, the index
                        loaded (built first when missing or stale)
    Library.ingested    letters added with rollback, a new Library
    Library.following_live   the version another process made live
    letter views        one letter, its pages, the letters holding words

Questions go to its `pipeline` (rag.pipeline.Pipeline), which only answers:
an upload builds a new Library while sessions keep asking the old one's
pipeline, then the app swaps it in.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from rag.ingest import corpus
from rag.store.build import Progress, quiet
from rag.config import MAX_K, Mode, Settings, load_settings
from rag.errors import InputError
from rag.pipeline import Pipeline
from rag.records import Letter
from rag.store.stores import store_for
from rag.textnl import tokenize


class Library:
    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline

    @classmethod
    def load(cls, settings: Settings | None = None, *, progress: Progress = quiet, rebuild: bool = False) -> "Library":
        """Ready to answer. A missing or stale index is built; with rebuild=True
        it is (re)built in any case (only new chunks are embedded). The store
        is reached before the embedder loads: a server that is down is said
        in a second."""
        from rag.embed.model import get_embedder

        settings = settings or load_settings()
        letters = corpus.load_letters(settings)
        store = store_for(settings)
        store.connect()
        progress(f"Embedder laden ({settings.embedder})", None)
        embedder = get_embedder(settings)
        index = store.build(embedder, letters, progress) if rebuild else store.load_or_build(embedder, letters, progress)
        return cls(Pipeline(settings, letters, embedder, index))

    @property
    def settings(self) -> Settings:
        return self.pipeline.settings

    @property
    def letters(self) -> list[Letter]:
        """The letters the live version answers over."""
        return self.pipeline.letters

    @property
    def version(self) -> str:
        return self.pipeline.version

    # ------------------------------------------------------------ live version
    def following_live(self) -> "Library | None":
        """A Library over the store's live version when that is no longer
        this one's (another process or replica ingested), else None. It
        loads what that version was built from and never builds: a letter
        another process has put in the corpus but not yet indexed is not
        this process's to index."""
        store = store_for(self.settings)
        live = store.live_version()
        if live is None or live == self.version:
            return None
        index, letters = store.load_live(self.pipeline.embedder)
        return Library(Pipeline(self.settings, letters, self.pipeline.embedder, index))

    # ------------------------------------------------------------------ ingest
    def ingested(self, paths: Sequence[Path], progress: Progress = quiet, **meta: Any) -> tuple["Library", list[Letter]]:
        """A new Library with these letters added and the index brought up to
        date; this one is left as it was, so it can keep answering while the
        new index is built. On any failure the letters this call added leave
        the corpus again and the previous index stays live (index writes are
        atomic)."""
        settings, embedder = self.settings, self.pipeline.embedder
        before = {x.letter_id for x in corpus.load_letters(settings)}
        added: list[Letter] = []
        try:
            added = [corpus.add_letter(Path(p), settings, **meta) for p in paths]
            letters = corpus.load_letters(settings)
            index = store_for(settings).build(embedder, letters, progress)
        except BaseException:
            # Corpus and index stay in step: letters this call added go again.
            for letter in added:
                if letter.letter_id not in before:
                    corpus.remove_letter(letter, settings)
            raise
        return Library(Pipeline(settings, letters, embedder, index)), added

    def ingest(self, paths: Sequence[Path], progress: Progress = quiet, **meta: Any) -> list[Letter]:
        """`ingested`, then this Library answers from the new state (CLI, tests)."""
        new, added = self.ingested(paths, progress, **meta)
        self.pipeline = new.pipeline
        return added

    # ------------------------------------------------------------------- views
    def letter(self, letter_id: str) -> Letter:
        for letter in self.letters:
            if letter.letter_id == letter_id:
                return letter
        raise InputError(f"Onbekende brief {letter_id!r}.", f"Bekend: {', '.join(x.letter_id for x in self.letters)}.")

    def letter_text(self, letter_id: str) -> list[tuple[int, str]]:
        """(page number, cleaned text of that page) for reading a letter."""
        self.letter(letter_id)
        return self.pipeline.index.letters[letter_id].pages()

    def letters_with_text(self, words: str) -> list[str]:
        """Ids of the letters with a passage holding every one of `words`
        (diacritics and case ignored, words stemmed), best BM25 match first:
        the letters view's search over the text, through the index's own
        full-text ranking, so it costs the same at any corpus size. It looks
        at the best MAX_K passages: the letters that use the words most."""
        wanted = set(tokenize(words))  # folded and stemmed, as the index's terms
        if not wanted or not self.letters:
            return []
        out: list[str] = []
        for p in self.pipeline.retriever.search(words, mode=Mode.BM25, k=MAX_K):
            if p.chunk.letter_id not in out and wanted <= set(tokenize(p.chunk.text)):
                out.append(p.chunk.letter_id)
        return out


__all__ = ["Library"]
