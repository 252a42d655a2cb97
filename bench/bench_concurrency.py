"""Concurrent sessions through the app's own question path (PipelineGuard.ask).

    .venv/bin/python bench/bench_concurrency.py [--sessions 1 4 8] [--questions 40]

Loads the pipeline once, as the app does, then for each session count runs
that many threads at once, each asking the same mixed question list (dev
questions, Dutch and English) in its own order. Prints per run: questions
per second, answer latency p50/p95, errors, and whether every answer equals
the one-at-a-time answer to the same question (no cross-session leaks). A
separate line compares the first 10 questions after the load with the rest
(cold-start latency), and a last line runs the largest session count
against a fake OpenAI-compatible server that takes 2 s per answer.
"""
from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.app.session import PipelineGuard  # noqa: E402
from eval.data import questions as eval_questions  # noqa: E402
from rag.config import load_settings  # noqa: E402


def questions(limit: int) -> list[str]:
    out = eval_questions("letters", "dev_extra")
    random.Random(0).shuffle(out)
    return out[:limit]


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(values, p))


def run(guard: PipelineGuard, qs: list[str], sessions: int, expected: dict[str, str]) -> str:
    latencies: list[float] = []
    errors: list[str] = []
    differ = 0
    lock = threading.Lock()

    def session(i: int) -> None:
        nonlocal differ
        order = list(qs)
        random.Random(i).shuffle(order)
        for q in order:
            t = time.perf_counter()
            try:
                answer = guard.ask(q)
            except Exception as exc:  # noqa: BLE001 - counted and printed
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append((time.perf_counter() - t) * 1000)
                differ += answer.answer != expected[q]

    threads = [threading.Thread(target=session, args=(i,)) for i in range(sessions)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    line = (f"{sessions} session(s) x {len(qs)} questions: {len(latencies) / wall:.1f} questions/s, "
            f"answer p50 {pct(latencies, 50):.0f} ms, p95 {pct(latencies, 95):.0f} ms, errors {len(errors)}, "
            f"answers differing from one-at-a-time {differ}")
    if errors:
        line += f" (first error: {errors[0][:120]})"
    return line


def run_llm(guard: PipelineGuard, qs: list[str], sessions: int, delay_s: float) -> str:
    """`sessions` sessions at once, each asking one question of a fake
    OpenAI-compatible server that takes delay_s to answer: with no
    server-wide lock they all finish in about delay_s, not sessions x delay_s."""
    from rag.app.session import LLMServer, with_llm_settings
    from tests.fake_openai_server import FakeOpenAIServer

    with FakeOpenAIServer(reply="Antwoord [1].", delay_s=delay_s) as server:
        session_pipeline = with_llm_settings(guard.pipeline, LLMServer(server.base_url, "fake-model"))
        finished: list[float] = []
        errors: list[str] = []
        t0 = time.perf_counter()

        def session(i: int) -> None:
            try:
                guard.ask(qs[i % len(qs)], pipeline=session_pipeline, generator="openai")
                finished.append(time.perf_counter() - t0)
            except Exception as exc:  # noqa: BLE001 - counted and printed
                errors.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=session, args=(i,)) for i in range(sessions)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return (f"{sessions} LLM sessions at once, server answering in {delay_s:.0f} s each: all answered after "
            f"{max(finished):.1f} s (first {min(finished):.1f} s), errors {len(errors)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 4, 8])
    ap.add_argument("--questions", type=int, default=40)
    args = ap.parse_args()

    guard = PipelineGuard()
    t0 = time.perf_counter()
    guard.load(load_settings())
    print(f"pipeline load (incl. warm-up): {time.perf_counter() - t0:.1f} s; questions encoded by "
          f"{guard.pipeline.embedder.query_runtime} (RAG_QUERY_RUNTIME), {load_settings().serve_threads} "
          "thread(s) per process (RAG_SERVE_THREADS)", flush=True)
    qs = questions(args.questions)

    first: list[float] = []
    expected: dict[str, str] = {}
    for q in qs:  # one at a time: the reference answers, and cold vs warm latency
        t = time.perf_counter()
        expected[q] = guard.ask(q).answer
        first.append((time.perf_counter() - t) * 1000)
    print(f"one at a time after load: first 10 questions p50 {pct(first[:10], 50):.0f} ms, "
          f"p95 {pct(first[:10], 95):.0f} ms; the rest p50 {pct(first[10:], 50):.0f} ms, "
          f"p95 {pct(first[10:], 95):.0f} ms", flush=True)
    for n in args.sessions:
        print(run(guard, qs, n, expected), flush=True)
    print(run_llm(guard, qs, max(args.sessions), 2.0), flush=True)


if __name__ == "__main__":
    main()
