"""The seams between modules (issue #20's measures that a test can hold):
no module imports another's private names, and what users extend is named
once."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "rag").rglob("*.py")) + [ROOT / "streamlit_app.py"]


def test_no_private_name_is_imported_across_modules():
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module != "__future__":
                found += [f"{path.relative_to(ROOT)}: from {'.' * node.level}{node.module or ''} import {a.name}"
                          for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    assert found == []


def test_answerer_names_are_written_only_in_their_registry():
    """The names reach the CLI, the eval and the app through answerers.names()."""
    for path in SOURCES:
        if path.name == "answerers.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tuples = [n for n in ast.walk(tree) if isinstance(n, (ast.Tuple, ast.List))
                  and {getattr(e, "value", None) for e in n.elts} >= {"extractive", "openai"}]
        assert not tuples, f"{path.relative_to(ROOT)} lists the answerer names itself"


def test_answer_states_are_defined_once():
    from rag.records import Status

    assert [s.value for s in Status] == ["answered", "partial", "not_found"]
    assert [s.abstained for s in Status] == [False, True, True]
    assert [s.cites for s in Status] == [True, True, False]
    for path in SOURCES:
        if path.name == "records.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert '= "not_found"' not in text and '= "partial"' not in text, path


def test_the_pipeline_never_asks_which_kind_of_index_it_holds():
    import re

    text = (ROOT / "rag" / "pipeline.py").read_text(encoding="utf-8")
    assert "hasattr(" not in text
    assert not re.search(r"getattr\((self\.)?index\b", text)


def test_a_new_store_is_one_registration(monkeypatch):
    from rag.store import stores
    from rag.config import load_settings
    from rag.errors import InputError

    monkeypatch.setattr(stores, "_STORES", dict(stores._STORES))

    class MemoryStore:
        def __init__(self, settings):
            self.settings = settings

    stores.register_store(("memory://",), MemoryStore)
    assert isinstance(stores.store_for(load_settings(store="memory://x")), MemoryStore)
    assert isinstance(stores.store_for(load_settings(store="")), stores.FileStore)
    assert isinstance(stores.store_for(load_settings(store="postgresql://u@h/db")), stores.PostgresStore)
    try:
        stores.store_for(load_settings(store="sqlite:///x.db"))
    except InputError as exc:
        assert "memory://" in exc.hint and "postgresql://" in exc.hint
    else:
        raise AssertionError("an unknown scheme must be refused")


def _module_imports(name: str, path: Path, modules: set[str]) -> set[str]:
    """The rag modules (dotted, below rag) a module imports when it is
    imported (module level; an `if TYPE_CHECKING:` block and imports inside
    functions excluded)."""
    package = name.split(".")[:-1]
    deps: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for n in ast.walk(node) if isinstance(node, (ast.If, ast.Try)) else [node]:
            if isinstance(n, ast.ImportFrom):
                if n.level:
                    base = package[:len(package) - (n.level - 1)]
                elif n.module and (n.module == "rag" or n.module.startswith("rag.")):
                    base = []
                    n = ast.ImportFrom(module=n.module.removeprefix("rag").lstrip(".") or None, names=n.names, level=0)
                else:
                    continue
                target = base + (n.module.split(".") if n.module else [])
                deps.add(".".join(target))
                deps |= {".".join(target + [a.name]) for a in n.names}
            elif isinstance(n, ast.Import):
                deps |= {a.name.removeprefix("rag.") for a in n.names if a.name.startswith("rag.")}
    return (deps & modules) - {name}


def test_no_import_cycles_in_the_package():
    paths = {".".join(p.relative_to(ROOT / "rag").with_suffix("").parts): p
             for p in (ROOT / "rag").rglob("*.py") if p.name != "__init__.py"}
    graph = {name: _module_imports(name, p, set(paths)) for name, p in paths.items()}
    assert "app.session" in graph and "config" in graph["app.session"]  # subpackages are read too
    cycles = []

    def visit(name: str, trail: list[str]) -> None:
        for dep in sorted(graph[name]):
            if dep in trail:
                cycles.append(trail[trail.index(dep):] + [dep])
            elif dep not in done:
                visit(dep, trail + [dep])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert cycles == []
    assert "pipeline" not in graph["answer.answerers"]  # factories get an AnswerContext, not the Pipeline


def test_a_store_supplies_only_its_rankings_and_the_one_retriever_does_the_rest():
    """A third store is its version record and a Rankers: the filters,
    the fusion and the Passages are the retriever's (rag.search.retrieve)."""
    from contextlib import contextmanager
    from dataclasses import dataclass

    import numpy as np

    from rag.config import Settings
    from rag.store.index import LoadedIndex, Manifest
    from rag.records import Chunk
    from rag.search.retrieve import Retriever, rrf

    chunks = [Chunk(chunk_id=f"m:{i}", letter_id="m" if i < 3 else "n", title="T", pages=(1,),
                    kamerstuk="", date="", section="", text=f"tekst {i}", start=0, end=7) for i in range(5)]
    seen = []

    class ListRanking:
        def __init__(self, question):
            seen.append(question)

        def dense(self, n):
            return [4, 2, 0][:n]

        def lexical(self, n):
            return [2, 1][:n]

        def scores(self, rows):
            return [0.5 for _ in rows], [1.0 for _ in rows]

    class ListRankers:
        @contextmanager
        def open(self, question):
            yield ListRanking(question)

    @dataclass(kw_only=True)
    class MemoryIndex(LoadedIndex):
        def version_name(self):
            return "memory"

        def letters_of(self, corpus_letters):
            return list(corpus_letters)

        def rankers(self):
            return ListRankers()

    manifest = Manifest(format_version=1, embedder_id="e", dimension=2, chunker_version="c", corpus_hashes={},
                        chunk_count=5, created_at="")

    class Embedder:
        model_id, dimension = "e", 2

        def encode_queries(self, texts):
            return np.ones((len(texts), 2), np.float32)

    r = Retriever(MemoryIndex(manifest=manifest, chunks=chunks), Embedder(), Settings(k=3, candidates=3, rrf_k=60))
    got = r.search("welke tekst", mode="hybrid")
    want = [cid for cid, _ in rrf([["m:4", "m:2", "m:0"], ["m:2", "m:1"]], 60)][:3]
    assert [p.chunk.chunk_id for p in got] == want and [p.rank for p in got] == [1, 2, 3]
    assert all(p.dense_score == 0.5 and p.bm25_score == 1.0 for p in got)
    # The filters reach the store as a mask and as the scope's letters.
    r.search("welke tekst", letters=["n"])
    assert seen[-1].where.scope.letters == frozenset({"n"})
    assert seen[-1].where.mask.tolist() == [False, False, False, True, True]
    assert seen[-1].terms.tokens and np.allclose(np.linalg.norm(seen[-1].vector), 1.0)


def test_the_pipeline_only_answers_and_the_library_owns_the_rest():
    """Loading the store, adding letters, following the live version and the
    letter views are the Library's (rag.library); the Pipeline answers."""
    from rag.library import Library
    from rag.pipeline import Pipeline

    for name in ("load", "ingest", "ingested", "following_live", "letter", "letter_text", "letters_with_text"):
        assert hasattr(Library, name) and not hasattr(Pipeline, name), name
    for name in ("ask", "query", "chain", "retrieve", "with_settings", "warm_up"):
        assert hasattr(Pipeline, name), name
    text = (ROOT / "rag" / "pipeline.py").read_text(encoding="utf-8")
    assert "store_for" not in text and "corpus." not in text


def test_every_subpackage_is_installed():
    """pyproject.toml lists its packages: one left out installs without it."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "rag").rglob("*.py")}
    assert found <= listed, sorted(found - listed)


# The stages in pipeline order; rag's top-level modules are either shared
# vocabulary (records, config, errors, texts, ...) that every stage may use,
# or the orchestration (pipeline, library, cli) that uses the stages.
STAGES = ("ingest", "embed", "store", "search", "answer", "app")
ORCHESTRATION = {"pipeline", "library", "cli", "__main__"}


def test_a_stage_imports_only_shared_modules_and_earlier_stages():
    """The layout by stage is a direction, not only folders: a module of a
    stage imports (at module level) the shared top-level modules and the
    stages before its own, never a later stage or the orchestration; the
    shared modules import no stage at all."""
    paths = {".".join(p.relative_to(ROOT / "rag").with_suffix("").parts): p
             for p in (ROOT / "rag").rglob("*.py") if p.name != "__init__.py"}
    assert {name.split(".")[0] for name in paths if "." in name} == set(STAGES)
    wrong = []
    for name, path in paths.items():
        stage = name.split(".")[0] if "." in name else None
        if stage is None and name in ORCHESTRATION:
            continue
        allowed = set(STAGES[:STAGES.index(stage) + 1]) if stage else set()
        if stage == "app":
            allowed |= {"library"}  # the app holds the one Library
        for dep in _module_imports(name, path, set(paths)):
            top = dep.split(".")[0]
            if "." in dep and top not in allowed or "." not in dep and dep in ORCHESTRATION - allowed:
                wrong.append(f"{name} -> {dep}")
    assert wrong == []
