"""The LangChain-first baseline of `python -m eval run --compare`: what a
new LangChain user builds (raw .txt files, the default recursive splitter,
a FAISS store over our embedder, dense top-k), with its passage vectors
cached by content in .cache/eval/."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASELINE = "langchain-baseline"  # its name among the configurations of a report


@dataclass
class LangChainBaseline:
    """What a new LangChain user builds: raw .txt files, the default
    recursive splitter, a FAISS store over our embedder, dense top-k."""

    store: Any
    texts: list[str]
    letter_of: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, settings, embedder, *, cache: bool = True) -> "LangChainBaseline":
        import warnings

        with warnings.catch_warnings():  # "langchain-community is being sunset": known, not ours to fix
            warnings.simplefilter("ignore", DeprecationWarning)
            from langchain_community.document_loaders import TextLoader
            from langchain_community.vectorstores import FAISS
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from rag.embed.model import LangChainEmbeddings

        letter_of = {}
        for manifest in sorted(Path(settings.corpus_dir).glob("*.json")):
            meta = json.loads(manifest.read_text(encoding="utf-8"))
            letter_of[meta["file"]] = meta["letter_id"]
        docs = []
        for path in sorted(Path(settings.corpus_dir).glob("*.txt")):
            for d in TextLoader(str(path), encoding="utf-8").load():
                d.metadata["letter_id"] = letter_of.get(path.name, path.stem)
                docs.append(d)
        splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
        texts = [d.page_content for d in splits]
        lc_embeddings = LangChainEmbeddings(embedder)
        vectors = _cached_passage_vectors(texts, embedder, settings) if cache else lc_embeddings.embed_documents(texts)
        # from_embeddings == from_texts with the vectors computed (or reused) above.
        store = FAISS.from_embeddings(list(zip(texts, vectors)), embedding=lc_embeddings,
                                      metadatas=[d.metadata for d in splits])
        return cls(store=store, texts=texts, letter_of=letter_of)

    def search(self, question: str, k: int) -> list[str]:
        return [d.page_content for d in self.store.similarity_search(question, k=k)]


def _cached_passage_vectors(texts: list[str], embedder, settings) -> list[list[float]]:
    """Baseline passage vectors, kept by content in .cache/eval/ (the
    rag.embed.vectorcache's VectorCache) so repeated --compare runs do not re-embed the same
    1000-character splits."""
    from rag.fileutil import slug
    from rag.embed.vectorcache import VectorCache

    cache = VectorCache(Path(settings.cache_dir) / "eval" / f"baseline-{slug(embedder.model_id, 'embedder')}.npz", embedder)
    cache.embed(texts)
    return cache.vectors_of(texts).tolist()
