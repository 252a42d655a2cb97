"""Does cleaning and chunking a letter grow linearly with its size?

    .venv/bin/python bench/bench_ingest_scaling.py [--sizes 100000,200000,1000000,2000000]

Builds letters of the given sizes (characters) from the bundled letters,
each repetition numbered so no two paragraphs are equal, and times clean +
chunk (no embedding). Prints seconds per size and the ratio to the smallest
size: linear growth keeps time/size roughly constant.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.ingest.chunk import chunk_letter  # noqa: E402
from rag.ingest.clean import clean_letter  # noqa: E402
from rag.records import Letter  # noqa: E402
from rag.tokens import count_tokens  # noqa: E402


def letter_of_size(size: int) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    parts, n, total = [], 0, 0
    while total < size:
        text = f"Deel {n}.\n\n" + texts[n % len(texts)]
        parts.append(text)
        total += len(text)
        n += 1
    return "".join(parts)[:size]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000,200000,1000000,2000000")
    sizes = [int(x) for x in ap.parse_args().sizes.split(",")]
    letter = Letter(letter_id="bench", title="Bench", kind="kamerbrief", file="bench.txt", sha256="")
    first = None
    for size in sizes:
        raw = letter_of_size(size)
        t0 = time.perf_counter()
        clean = clean_letter(raw)
        chunks = chunk_letter(letter, clean, max_tokens=320, overlap_sentences=1, count=count_tokens)
        secs = time.perf_counter() - t0
        first = first or (size, secs)
        print(f"{size:>9} chars  {len(chunks):>6} chunks  {secs:7.2f} s  "
              f"{secs / first[1]:6.1f}x the time for {size / first[0]:5.1f}x the text", flush=True)


if __name__ == "__main__":
    main()
