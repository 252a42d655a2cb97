"""Do questions keep their speed while a letter is being ingested?

    .venv/bin/python bench/bench_upload_concurrency.py [--kb 283]

Works on a copy of the corpus and index in a temporary folder. One thread
ingests a generated letter of --kb kilobytes the way the app does
(`Library.ingested`, outside the question lock); meanwhile another thread
asks questions in a loop through the app's own lock. Prints the answer
times during the ingest (the issue: other sessions waited 69-70 s before).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_ingest_scaling import letter_of_size  # noqa: E402
from rag.app.session import PipelineGuard  # noqa: E402
from bench.scratch import scratch_settings  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.library import Library  # noqa: E402

QUESTIONS = ["Welke landen produceren cocaïne?", "Wat is het project Fortius?",
             "Wat doet Preventie met Gezag?", "Hoe werkt de aanpak van criminele geldstromen?"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kb", type=int, default=283)
    kb = ap.parse_args().kb
    base = load_settings()
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        tmp = Path(tmp)
        settings = scratch_settings(base, tmp)
        guard = PipelineGuard()
        guard.library = Library.load(settings)
        for q in QUESTIONS:
            guard.pipeline.ask(q)  # warm
        letter = tmp / "groot.txt"
        letter.write_text(letter_of_size(kb * 1000).replace("Deel ", "Onderdeel "), encoding="utf-8")
        done = threading.Event()

        def upload() -> None:
            t0 = time.perf_counter()
            new, _ = guard.library.ingested([letter], title="Grote testbrief")
            with guard.lock:
                guard.pipeline = new
            print(f"ingest of {kb} kB: {time.perf_counter() - t0:.1f} s", flush=True)
            done.set()

        times: list[float] = []
        t = threading.Thread(target=upload)
        t.start()
        i = 0
        while not done.is_set():
            t0 = time.perf_counter()
            with guard.lock:
                pipeline = guard.pipeline
            pipeline.ask(QUESTIONS[i % len(QUESTIONS)])
            times.append(time.perf_counter() - t0)
            i += 1
        t.join()
        print(f"{len(times)} questions during the ingest: p50 {statistics.median(times):.2f} s, "
              f"max {max(times):.2f} s")


if __name__ == "__main__":
    main()
