"""Recall@10 of the approximate dense index against exact search, on a
real index and real questions.

    .venv/bin/python bench/bench_ann_recall.py [--index DIR] [--nprobe 8,16,32,64]
                                               [--hnsw]

Reads the live version's vectors.faiss in DIR (default: the configured
index; any index format, only that file and chunks.jsonl are read), takes
its vectors, builds the approximate index the build makes above the
threshold (rag.store.index.dense_index, IVF-Flat), and asks every question in
eval/ (encoded by the configured embedder, the real one) plus as many chunk
prefixes (a probe close to one stored passage) against it at each nprobe
and against exact inner-product search. Prints recall@10 (share of the
exact top 10 found; "with ties": a result counts when its cosine reaches
the exact 10th best, as near-copies of a passage score alike) and p50/p95
per query. --hnsw also measures the HNSW graph (M=32, efConstruction=80)
the index used before IVF, for comparison.

bench/bench_scale.py measures recall on stand-in vectors (a hashed bag of
words), whose geometry is not the encoder's; this bench is the check on
vectors of the real encoder. `bench/bench_bulk_ingest.py --keep` leaves a
500-letter index embedded with it.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.data import questions as eval_questions  # noqa: E402
from rag.store import index as ix  # noqa: E402
from rag.store.rankers import is_ann  # noqa: E402
from rag.config import load_settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, default=None, help="index folder (default: RAG_INDEX_DIR)")
    ap.add_argument("--nprobe", default="8,16,32,64", help="nprobe values to try")
    ap.add_argument("--hnsw", action="store_true", help="also measure an HNSW graph (what the index used before)")
    ap.add_argument("--k", type=int, default=10)
    a = ap.parse_args()
    settings = load_settings()
    folder = a.index or settings.index_dir
    version = folder / ix.current_version(folder)
    stored = faiss.read_index(str(version / ix.FAISS_FILE))
    vectors = stored.reconstruct_n(0, stored.ntotal)
    chunks = [json.loads(x) for x in (version / ix.CHUNKS_FILE).read_text(encoding="utf-8").splitlines() if x]
    print(f"{folder}: {stored.ntotal} vectors ({'approximate' if is_ann(stored) else 'exact'} in the index)")
    t0 = time.perf_counter()
    ivf = ix.dense_index(vectors, ann_min_vectors=0)
    print(f"IVF-Flat: {ivf.nlist} cells, built in {time.perf_counter() - t0:.1f} s; the index searches "
          f"nprobe {ix.IVF_NPROBE}")
    tried = [("IVF nprobe", ivf, faiss.SearchParametersIVF, "nprobe", [int(x) for x in a.nprobe.split(",")])]
    if a.hnsw:
        hnsw = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 80
        t0 = time.perf_counter()
        hnsw.add(vectors)
        print(f"HNSW M=32, efConstruction=80: built in {time.perf_counter() - t0:.1f} s")
        tried.append(("HNSW efSearch", hnsw, faiss.SearchParametersHNSW, "efSearch", [128, 512]))

    from rag.embed.model import get_embedder

    embedder = get_embedder(settings)
    questions = eval_questions()
    rng = np.random.default_rng(0)
    probes = [chunks[i]["text"][:200] for i in rng.integers(0, len(chunks), len(questions))]
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    for name, texts in (("eval questions", questions), ("chunk prefixes", probes)):
        q = np.asarray(embedder.encode_queries(texts), dtype=np.float32)
        t0 = time.perf_counter()
        best, truth = exact.search(q, a.k)
        exact_ms = (time.perf_counter() - t0) * 1000 / len(q)
        print(f"\n{name} ({len(texts)}), exact search {exact_ms:.2f} ms per query:")
        for label, index, make_params, knob, values in tried:
            for value in values:
                params = make_params(**{knob: value})
                times, hits, ties = [], [], []
                for row, want, scores in zip(q, truth, best):
                    t0 = time.perf_counter()
                    got_scores, got = index.search(row[None, :], a.k, params=params)
                    times.append((time.perf_counter() - t0) * 1000)
                    hits.append(len(set(got[0].tolist()) & set(want.tolist())) / a.k)
                    ties.append(float(np.mean(got_scores[0] >= scores[-1] - 1e-5)))
                print(f"  {label} {value:4d}: recall@{a.k} {np.mean(hits):.3f} (with ties {np.mean(ties):.3f}), "
                      f"p50 {np.percentile(times, 50):.2f} ms, p95 {np.percentile(times, 95):.2f} ms")


if __name__ == "__main__":
    main()
