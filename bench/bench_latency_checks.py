"""Wall times of the paths whose speed the tests used to assert.

    .venv/bin/python bench/bench_latency_checks.py [--repeat 30]

Prints numbers; asserts nothing. The tests now check the property behind each
old time limit without a clock, and this prints how long the path takes here:

- warm search per mode, query encoding excluded (old test limit: median < 10 ms;
  tests/search/test_retrieve.py now refuses any per-index work during a search)
- ensure_default_model on a stamped folder (old limit: < 2 s;
  tests/embed/test_embed.py now refuses a rebuild)
- LLM server down: check() and answer() (old limit: < 5 s together;
  tests/answer/test_llm.py now counts connection attempts)
- LLM server slower than llm_timeout_s = 0.5 s (old limit: < 3 s;
  tests/answer/test_llm.py now counts attempts and the client's hang-ups)
- a held index build lock with wait_s = 0.5 s (old limit: < 5 s;
  tests/store/test_index_faults.py now waits it out on a fake clock)

Uses the built index (`make ingest`) and the default embedder.
"""
from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.embed import e5convert  # noqa: E402
from rag.store import index as index_mod  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.errors import IndexStateError, LLMError  # noqa: E402
from rag.answer.llm import OpenAIGenerator  # noqa: E402
from rag.library import Library  # noqa: E402
from rag.search.retrieve import Retriever  # noqa: E402
from tests.fake_openai_server import FakeOpenAIServer  # noqa: E402

QUESTION = "Wanneer gaat het verbod op designerdrugs in?"
LETTERS = ["voortgangsbrief-2025", "kamervragen-2022"]


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"{label:38} {seconds * 1000:8.1f} ms{'  ' + note if note else ''}")


def warm_search(retriever: Retriever, repeat: int) -> None:
    qvec = retriever.embedder.encode_queries([QUESTION])

    class Precomputed:  # the query vector once, so only the search is timed
        model_id = retriever.embedder.model_id

        def encode_queries(self, texts):
            return qvec

    fast = Retriever(retriever.index, Precomputed(), retriever.settings)
    for mode in ("hybrid", "dense", "bm25"):
        fast.search(QUESTION, mode=mode, letters=LETTERS)
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fast.search(QUESTION, mode=mode, letters=LETTERS)
            times.append(time.perf_counter() - t0)
        row(f"warm search, {mode}, 2 letters (median)", statistics.median(times),
            f"max {max(times) * 1000:.1f} ms over {repeat} searches")


def stamped_model(settings) -> None:
    t0 = time.perf_counter()
    e5convert.ensure_default_model(settings.embedder_cache)
    row("ensure_default_model, stamped folder", time.perf_counter() - t0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def llm_server_down(settings, passages) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    gen = OpenAIGenerator(settings.replace(llm_base_url=url, llm_model="m"))
    for name, call in (("check()", gen.check), ("answer()", lambda: gen.answer(QUESTION, passages))):
        t0 = time.perf_counter()
        try:
            call()
        except LLMError:
            pass
        row(f"LLM server down, {name}", time.perf_counter() - t0)


def llm_server_slow(settings, passages) -> None:
    with FakeOpenAIServer(delay_s=30, models=["m"]) as server:
        gen = OpenAIGenerator(settings.replace(llm_base_url=server.base_url, llm_model="m", llm_timeout_s=0.5))
        t0 = time.perf_counter()
        try:
            gen.answer(QUESTION, passages)
        except LLMError:
            pass
        took = time.perf_counter() - t0
        server.wait_for_hang_ups(len(server.chat_requests))
        row("LLM server 30 s slow, timeout 0.5 s", took,
            f"{len(server.chat_requests)} attempts, {server.hang_ups} hung up on")


def held_lock() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        entered, release = threading.Event(), threading.Event()

        def hold():
            with index_mod._build_lock(Path(tmp)):
                entered.set()
                release.wait(30)

        t = threading.Thread(target=hold)
        t.start()
        entered.wait(10)
        t0 = time.perf_counter()
        try:
            with index_mod._build_lock(Path(tmp), wait_s=0.5):
                pass
        except IndexStateError:
            pass
        took = time.perf_counter() - t0
        release.set()
        t.join()
        row("held index build lock, wait_s 0.5 s", took)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30, help="searches per mode")
    args = ap.parse_args()

    settings = load_settings()
    stamped_model(settings)
    pipeline = Library.load(settings).pipeline
    warm_search(pipeline.retriever, args.repeat)
    passages = pipeline.retriever.search(QUESTION, k=3)
    llm_server_down(settings, passages)
    llm_server_slow(settings, passages)
    held_lock()


if __name__ == "__main__":
    main()
