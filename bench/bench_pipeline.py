"""Pipeline benchmark: full ingest time, warm `ask` latency, peak memory.

    .venv/bin/python bench/bench_pipeline.py [--questions 60]

Prints numbers; asserts nothing (targets live in the issue and README).
Ingest is measured into a temporary index and sentence cache, so embeddings
are really computed; the embedder folder itself is prepared beforehand.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.data import questions as eval_questions  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.library import Library  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402


def _questions(limit: int) -> list[str]:
    return eval_questions("kamervragen", "letters")[:limit]


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(values, p))  # the eval's definition (eval.metrics.percentile)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--questions", type=int, default=60)
    args = ap.parse_args()

    base = load_settings()
    from rag.embed.model import get_embedder

    t = time.perf_counter()
    embedder = get_embedder(base)
    print(f"embedder load: {time.perf_counter() - t:.1f} s ({embedder.model_id}, dim {embedder.dimension})")

    with tempfile.TemporaryDirectory() as tmp:
        settings = base.replace(index_dir=Path(tmp) / "index", cache_dir=Path(tmp) / "cache")
        # The loaded embedder is reused: only index and sentence cache are new.
        t = time.perf_counter()
        pipeline = Pipeline(settings, *_build(settings, embedder))
        ingest_s = time.perf_counter() - t
        n_chunks = len(pipeline.retriever.index)
        n_sent = len(pipeline.sentences.vectors)
        print(f"full ingest (clean+chunk+embed {n_chunks} chunks + {n_sent} sentences + index): {ingest_s:.1f} s")
        print(f"  = {n_chunks / ingest_s:.1f} chunks/s end to end")

    texts = [c.text for c in pipeline.retriever.index.chunks[:64]]
    t = time.perf_counter()
    embedder.encode_passages(texts)
    raw = len(texts) / (time.perf_counter() - t)
    print(f"raw encoder rate on chunks: {raw:.1f} passages/s")

    pipeline = Library.load(base).pipeline
    qs = _questions(args.questions)
    pipeline.ask(qs[0])  # warm-up
    totals, retrieve, answer = [], [], []
    for q in qs:
        a = pipeline.ask(q)
        totals.append(a.timings_ms["total"])
        retrieve.append(a.timings_ms["retrieve"])
        answer.append(a.timings_ms["answer"])
    print(f"warm ask, extractive, {len(qs)} questions: p50 {pct(totals, 50):.1f} ms, p95 {pct(totals, 95):.1f} ms, "
          f"mean {statistics.mean(totals):.1f} ms (retrieve p50 {pct(retrieve, 50):.1f} ms, answer p50 {pct(answer, 50):.1f} ms)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")


def _build(settings, embedder):
    from rag.ingest import corpus
    from rag.store.build import build

    letters = corpus.load_letters(settings)
    return letters, embedder, build(settings, embedder, letters)


if __name__ == "__main__":
    main()
