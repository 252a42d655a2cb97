"""Choose the extractive answerer's refusal threshold from measured scores.

    .venv/bin/python bench/calibrate_abstain.py

For every question of the eval sets it computes the evidence strength the
answerer compares against `abstain_threshold` (rag.answer.ExtractiveAnswerer.decide),
prints the distributions for answerable vs unanswerable questions, and the
threshold that maximises balanced accuracy (mean of "answers the answerable"
and "refuses the unanswerable"), preferring the lower threshold on ties so
answerable questions are refused as rarely as possible, and placing it halfway
between the nearest answerable and unanswerable scores.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.pipeline import Pipeline  # noqa: E402


def load(name: str) -> list[dict]:
    path = ROOT / "eval" / name
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def best_threshold(pos: list[float], neg: list[float]) -> tuple[float, float]:
    """The cut with the best balanced accuracy (the lowest such cut on ties),
    placed halfway between the scores on either side of it, so a small
    shift in scores does not flip the questions next to it."""
    values = sorted(set(pos + neg))
    best = (0.0, 0.0)
    for i, t in enumerate(values):
        tpr = sum(p >= t for p in pos) / len(pos)
        tnr = sum(n < t for n in neg) / len(neg)
        score = (tpr + tnr) / 2
        if score > best[1] + 1e-9:
            below = values[i - 1] if i else t
            best = (round((below + t) / 2, 3), score)
    return best


def main() -> None:
    pipeline = Pipeline.load()
    items = load("kamervragen.jsonl") + load("letters.jsonl")
    pos, neg = [], []
    for it in items:
        passages = pipeline.retrieve(it["question"])
        _, s = pipeline.extractive.decide(it["question"], passages)
        (pos if it["answerable"] else neg).append(s)
        if not it["answerable"] or s < 0.8:
            print(f"{it['id']:6s} {'ANS' if it['answerable'] else 'UNANS'} {s:.3f}  {it['question'][:70]}")
    pos.sort()
    neg.sort()
    q = lambda xs, p: xs[int(p * (len(xs) - 1))]  # noqa: E731
    print(f"answerable   n={len(pos)} min {pos[0]:.3f} p05 {q(pos, .05):.3f} p10 {q(pos, .10):.3f} median {q(pos, .5):.3f}")
    print(f"unanswerable n={len(neg)} median {q(neg, .5):.3f} p90 {q(neg, .9):.3f} max {neg[-1]:.3f}")
    t, bacc = best_threshold(pos, neg)
    print(f"best threshold {t:.3f}: balanced accuracy {bacc:.3f} "
          f"(answers {sum(p >= t for p in pos)}/{len(pos)} answerable, refuses {sum(n < t for n in neg)}/{len(neg)} unanswerable)")


if __name__ == "__main__":
    main()
