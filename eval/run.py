"""Running the eval: the pipeline (or the LangChain baseline) over the
items, one row per question, and the whole run of `python -m eval run`
assembled into the report dict (eval/README.md).

    python -m eval run [--set all|both|five|new|<group>|<file>] [--mode hybrid|dense|bm25]
                       [--generator extractive|openai] [--k N] [--out FILE.json]
                       [--compare] [--exclude-source] [--judge]

Models load once (one in-process `Library.load`); every configuration of a
run (the modes of --compare, the LangChain baseline, the index without the
Kamervragen letter) reuses that embedder. This module only produces the
inputs (ranked passage texts, answers); eval/scoring.py turns them into
rows and aggregates, eval/report.py renders the report.
"""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from .baselines import BASELINE, LangChainBaseline
from .data import (CORPUS_CACHE, CORPUS_DIRS, CORPUS_OF_GROUP, DEV_GROUPS, EVAL_DIR, NEW_LETTERS, gold_quotes,
                   group_of, load_items)
from .judge import make_judge
from .scoring import (RETRIEVAL_K, aggregate_by_set, answer_row, count_relevant, exclude_source_rows, failures,
                      retrieval_row, scores_answer, summarise_exclusion)
from rag.answer import answerers

ROOT = EVAL_DIR.parent
EXCLUDED_LETTER = "kamervragen-2022"

LABELS = {
    BASELINE: "(a) LangChain baseline: raw .txt, RecursiveCharacterTextSplitter 1000/200, FAISS dense",
    "bm25": "(b) BM25 only",
    "dense": "(c) dense only",
    "hybrid": "(d) hybrid BM25 + dense, RRF (default)",
}


# ---------------------------------------------------------------------- runners


def _bar(iterable, total: int, desc: str, quiet: bool):
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, file=sys.stderr, disable=quiet, leave=False, unit="q")


def _base_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"], "set": item["set"], "group": group_of(item["set"]), "lang": item["lang"],
        "question": item["question"], "answerable": bool(item["answerable"]),
        "procedural": bool(item.get("procedural", False)), "kind": item.get("kind", ""),
        "qtype": item.get("qtype", ""), "role": item.get("role"), "conversation": item.get("conversation"),
        "asked": item.get("asked", ""), "nm_class": item.get("nm_class", ""), "corpus": item.get("corpus", ""),
    }


def run_pipeline(
    pipeline,
    items: Sequence[dict[str, Any]],
    *,
    mode: str,
    generator: str = "extractive",
    k: int | None = None,
    judge: Callable[[dict[str, Any], str], bool | None] | None = None,
    quiet: bool = False,
    exclude_letters: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Per-question rows for one pipeline configuration: top-10 retrieval
    for the metrics, then `ask` with the answer k (default settings.k)."""
    from rag.textnl import tokenize

    exclude = tuple(exclude_letters)
    options = pipeline.settings.search_options(k=k, mode=mode)
    collection = [c.text for c in pipeline.retriever.chunks]
    rows = []
    history: dict[str, list[tuple[str, str]]] = {}  # conversation -> its turns so far
    for item in _bar(items, len(items), mode, quiet):
        row = _base_row(item)
        quotes = gold_quotes(item, exclude_letters=exclude)
        row["has_evidence"] = bool(quotes)
        turns = history.setdefault(item["conversation"], []) if item.get("conversation") else None
        # The chain's two steps one by one: the answer as `ask` gives it, and
        # the top-10 for the retrieval metrics searched with the same vector.
        retrieved = pipeline.chain.first.invoke(pipeline.query(
            item["question"], options, generator=generator, qid=item["id"], history=list(turns) if turns else None))
        answer = pipeline.chain.last.invoke(retrieved)
        searched = retrieved.standalone
        row["standalone"] = answer.standalone_question
        if turns is not None:
            turns.append((searched, "" if answer.abstained else answer.answer))
        passages = pipeline.retriever.find(searched, pipeline.retriever.where(options.replace(k=RETRIEVAL_K)),
                                           retrieved.vector)
        row["retrieved"] = [p.chunk.chunk_id for p in passages]
        if item["answerable"] and quotes:
            row.update(retrieval_row([p.chunk.text for p in passages], quotes, count_relevant(collection, quotes)))
        row.update(answer_row(item, answer, tokenize))
        if judge is not None and scores_answer(item):
            verdict = judge(item, "" if answer.abstained else answer.answer)
            row["judge_correct"] = None if verdict is None else float(verdict)
        rows.append(row)
    return rows


def run_baseline(baseline: LangChainBaseline, items: Sequence[dict[str, Any]], *, quiet: bool = False) -> list[dict[str, Any]]:
    rows = []
    for item in _bar(items, len(items), "langchain", quiet):
        row = _base_row(item)
        quotes = gold_quotes(item)
        row["has_evidence"] = bool(quotes)
        t0 = time.perf_counter()
        texts = baseline.search(item["question"], RETRIEVAL_K)
        row["retrieve_ms"] = (time.perf_counter() - t0) * 1000
        if item["answerable"] and quotes:
            row.update(retrieval_row(texts, quotes, count_relevant(baseline.texts, quotes)))
        rows.append(row)
    return rows


def pipeline_without(pipeline, letter_id: str, tmp: Path, *, progress=None):
    """A Pipeline over the corpus minus one letter, with its index in tmp.

    The chunk vectors of the live index's embedding cache are copied in
    first, so nothing is embedded again (chunk vectors are keyed by content).
    """
    from rag.store.build import build
    from rag.embed.vectorcache import CACHE_DIR, cache_file_name
    from rag.pipeline import Pipeline

    settings = pipeline.settings.replace(index_dir=tmp)
    letters = [x for x in pipeline.letters if x.letter_id != letter_id]
    if len(letters) == len(pipeline.letters):
        raise ValueError(f"letter {letter_id!r} is not in the corpus")
    emb = pipeline.embedder
    src = Path(pipeline.settings.index_dir) / CACHE_DIR / cache_file_name(emb.model_id, emb.dimension)
    if src.is_file():
        (tmp / CACHE_DIR).mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, tmp / CACHE_DIR / src.name)
    return Pipeline(settings, letters, emb, build(settings, emb, letters))


def corpus_pipeline(pipeline, name: str = NEW_LETTERS, *, progress=None):
    """A Pipeline over the published documents of the corpus `name` (CORPUS_DIRS:
    its folder's letters/), added to an empty corpus the way `rag ingest DIR`
    adds them (each read by its layout), letter ids the file names. The
    corpus is made anew each run (the documents' metadata is what the current
    parser reads); the index and its vector cache stay in the corpus's cache
    folder (CORPUS_CACHE), so only changed texts are embedded."""
    from rag.ingest import corpus
    from rag.store.build import build
    from rag.pipeline import Pipeline

    folder = CORPUS_DIRS[name]
    files = sorted((folder / "letters").glob("*.txt"))
    if not files:
        hint = " (set EVAL_NEW_LETTERS_DIR)" if name == NEW_LETTERS else ""
        raise FileNotFoundError(f"no documents in {folder / 'letters'}{hint}")
    work = pipeline.settings.cache_dir / "eval" / CORPUS_CACHE[name]
    settings = pipeline.settings.replace(corpus_dir=work / "corpus", index_dir=work / "index")
    shutil.rmtree(settings.corpus_dir, ignore_errors=True)
    settings.corpus_dir.mkdir(parents=True)
    for f in files:
        corpus.add_letter(f, settings, letter_id=f.stem)
    letters = corpus.load_letters(settings)
    return Pipeline(settings, letters, pipeline.embedder, build(settings, pipeline.embedder, letters,
                                                                progress=progress or (lambda *a: None)))


# --------------------------------------------------------------------------- run


@dataclass
class RunOptions:
    set: str = "all"
    mode: str | None = None
    generator: str | None = None
    k: int | None = None
    compare: bool = False
    exclude_source: bool = False
    judge: bool = False
    quiet: bool = False
    seed: int = 0
    resamples: int = 1000


def git_info(root: Path = ROOT) -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "HEAD") or None,
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def evaluate(opts: RunOptions, pipeline=None, settings=None) -> dict[str, Any]:
    """The whole run: returns the report dict (see eval/README.md)."""
    from rag.config import load_settings
    from rag.library import Library

    t_start = time.perf_counter()
    settings = settings or (pipeline.settings if pipeline else load_settings())
    mode = opts.mode or settings.mode
    generator = opts.generator or settings.generator
    items = load_items(opts.set)

    def say(message: str, fraction: float | None = None) -> None:
        if not opts.quiet:
            print(f"· {message}", file=sys.stderr, flush=True)

    if pipeline is None:
        pipeline = Library.load(settings, progress=say).pipeline
    judge = make_judge(settings) if opts.judge else None

    configs: dict[str, dict[str, Any]] = {}
    modes = ["bm25", "dense", "hybrid"] if opts.compare else [mode]
    if opts.compare and mode not in modes:
        modes.append(mode)
    if opts.compare:
        say("LangChain-baseline opbouwen")
        baseline = LangChainBaseline.build(settings, pipeline.embedder)
        rows = run_baseline(baseline, [it for it in items if not it.get("corpus")], quiet=opts.quiet)
        configs[BASELINE] = {"label": LABELS[BASELINE], "rows": rows,
                             "aggregates": aggregate_by_set(rows, seed=opts.seed, resamples=opts.resamples),
                             "passages": len(baseline.texts)}
    own = [it for it in items if not it.get("corpus")]
    # Each corpus of published documents is answered from its own index.
    extra: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        if it.get("corpus"):
            extra.setdefault(it["corpus"], []).append(it)
    extra_pipelines = {}
    for name in extra:
        say(f"Index van {name} ({CORPUS_DIRS[name]}) opbouwen")
        extra_pipelines[name] = corpus_pipeline(pipeline, name, progress=say)
    for m in modes:
        rows = run_pipeline(pipeline, own, mode=m, generator=generator, k=opts.k, judge=judge, quiet=opts.quiet)
        for name, corpus_items in extra.items():
            rows += run_pipeline(extra_pipelines[name], corpus_items, mode=m, generator=generator, k=opts.k,
                                 judge=judge, quiet=opts.quiet)
        configs[m] = {"label": LABELS.get(m, m), "rows": rows,
                      "aggregates": aggregate_by_set(rows, seed=opts.seed, resamples=opts.resamples),
                      "passages": len(pipeline.retriever.chunks),
                      "passages_by_group": {g: len(extra_pipelines[name].retriever.chunks)
                                            for g, name in CORPUS_OF_GROUP.items() if name in extra_pipelines}}

    exclusion = None
    if opts.exclude_source:
        kv = load_items("kamervragen")
        say(f"Index zonder {EXCLUDED_LETTER} opbouwen")
        with tempfile.TemporaryDirectory(prefix="eval-exclude-") as tmp:
            reduced = pipeline_without(pipeline, EXCLUDED_LETTER, Path(tmp))
            rows = run_pipeline(reduced, kv, mode=mode, generator=generator, k=opts.k, quiet=opts.quiet,
                                exclude_letters=[EXCLUDED_LETTER])
        classified = exclude_source_rows(rows, kv, EXCLUDED_LETTER)
        exclusion = {"excluded_letter": EXCLUDED_LETTER, "rows": rows, "classified": classified,
                     "summary": summarise_exclusion(classified),
                     "aggregates": aggregate_by_set(rows, seed=opts.seed, resamples=opts.resamples)}

    return {
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "git": git_info(),
        "config": {
            "set": opts.set, "mode": mode, "generator": generator, "k": opts.k or settings.k,
            "retrieval_k": RETRIEVAL_K, "compare": opts.compare, "exclude_source": opts.exclude_source,
            "judge": opts.judge, "embedder": settings.embedder, "chunk_tokens": settings.chunk_tokens,
            "candidates": settings.candidates, "rrf_k": settings.rrf_k,
            "calibration": dataclasses.asdict(settings.calibration), "bootstrap": {"resamples": opts.resamples, "seed": opts.seed},
            "llm_model": settings.llm_model if answerers.spec(generator).needs_server or opts.judge else None,
        },
        "primary": mode,
        "configs": configs,
        # Dev only: the answerer is tuned on what this lists.
        "failures": failures([r for r in configs[mode]["rows"] if r["group"] in DEV_GROUPS]),
        "exclude_source": exclusion,
        "duration_s": round(time.perf_counter() - t_start, 2),
    }
