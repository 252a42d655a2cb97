"""Fit the extractive answerer's decision numbers on the DEV sets only.

    .venv/bin/python bench/calibrate_abstain.py

For every dev question (eval/kamervragen, letters, dev_extra; never the test
files) it runs retrieval and `ExtractiveAnswerer.decide` once, keeps the
evidence features (strength, top passage cosine, out-of-corpus share,
language, whether the evidence lacks the asked fact), then replays
`rag.answer.extractive.classify` over a grid of `Calibration` values. It picks, with answerable questions refused at most MAX_FALSE_REFUSALS:
  1. the most unanswerable questions refused (not_found or partial),
  2. then the most off-topic ones among them,
  3. then the fewest answerable ones refused;
  4. among equal grid points, the one nearest the middle of the optimal
     region (the per-value median), so a small shift in scores does not flip
     the questions next to a threshold.
It prints the distributions and the chosen values; rag/config.py's
Calibration holds them (eval/thresholds.md records the run).
"""
from __future__ import annotations

import dataclasses
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.data import load_items  # noqa: E402
from rag import texts as T  # noqa: E402
from rag.records import Status
from rag.answer.extractive import Decision, classify  # noqa: E402
from rag.library import Library  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402

MAX_FALSE_REFUSALS = 0.05

GRID = {
    "topic": np.round(np.arange(0.66, 0.76, 0.02), 3),
    "answer": np.round(np.arange(0.68, 0.80, 0.02), 3),
    "topic_dense_nl": np.round(np.arange(0.78, 0.85, 0.02), 3),
    "topic_dense_en": np.round(np.arange(0.76, 0.83, 0.02), 3),
    "off_topic_oov": np.array([0.5, 0.6, 0.7, 0.8, 1.01]),
    "off_topic_strength": np.round(np.arange(0.74, 0.86, 0.03), 3),
    "dense_match": np.array([0.86, 0.88, 0.90, 0.92, 1.01]),
    "gap_strength": np.array([0.82, 0.84, 0.86, 0.88, 1.01]),
    "off_topic_margin": np.round(np.arange(0.0, 0.055, 0.01), 3),
}


def features(pipeline: Pipeline) -> list[tuple[dict, Decision]]:
    out = []
    for it in load_items("dev"):
        if it.get("conversation") and it.get("role") == "follow_up":
            continue  # needs its conversation; openings and new topics stand alone
        passages = pipeline.retrieve(it["question"])
        out.append((it, pipeline.extractive.decide(it["question"], passages)))
    return out


def main() -> None:
    pipeline = Library.load().pipeline
    rows = features(pipeline)
    base = pipeline.settings.calibration
    kinds = np.array([it["kind"] for it, _ in rows])
    answerable = np.array([bool(it["answerable"]) and not it.get("procedural") for it, _ in rows])
    unans = np.array([not it["answerable"] for it, _ in rows])
    off = kinds == "off_topic"
    print(f"dev questions: {len(rows)} ({answerable.sum()} answerable, {unans.sum()} unanswerable, "
          f"{off.sum()} off-topic)")
    for name, mask in (("answerable", answerable), ("near-miss", unans & ~off), ("off-topic", off)):
        st = np.array([d.strength for _, d in rows])[mask]
        td = np.array([d.top_dense for _, d in rows])[mask]
        gap = np.array([bool(d.missing_kind or d.missing_terms) for _, d in rows])[mask]
        print(f"{name:11s} strength p05/p50/p95 {np.percentile(st, [5, 50, 95]).round(3)}  "
              f"top cosine p05/p50/p95 {np.percentile(td, [5, 50, 95]).round(3)}  evidence lacks asked fact {gap.mean():.0%}")

    keys = list(GRID)
    scored = []
    for values in itertools.product(*(GRID[k] for k in keys)):
        cal = dataclasses.replace(base, **{k: float(v) for k, v in zip(keys, values)})
        if cal.topic > cal.answer:
            continue
        refused = np.array([classify(d, cal) != Status.ANSWERED for _, d in rows])
        false = refused[answerable].mean()
        if false > MAX_FALSE_REFUSALS:
            continue
        scored.append(((refused[unans].mean(), refused[off].mean(), -false), values))
    if not scored:
        raise SystemExit(f"no grid point keeps false refusals <= {MAX_FALSE_REFUSALS:.0%}")
    best = max(s for s, _ in scored)
    optimal = np.array([v for s, v in scored if s == best])
    middle = np.median(optimal, axis=0)
    chosen = optimal[np.argmin(np.abs((optimal - middle) / optimal.std(axis=0).clip(1e-6)).sum(axis=1))]
    unans_rate, off_rate, neg_false = best
    print(f"\n{len(optimal)} grid points reach: off-topic refused {off_rate:.1%}, unanswerable refused "
          f"{unans_rate:.1%}, answerable refused {-neg_false:.1%}")
    print("chosen (nearest the middle of that region):")
    for k, v in zip(keys, chosen):
        print(f"    {k} = {float(v):.3f}   (optimal range {optimal[:, keys.index(k)].min():.3f}"
              f"–{optimal[:, keys.index(k)].max():.3f})")
    cal = dataclasses.replace(base, **{k: float(v) for k, v in zip(keys, chosen)})
    refused = [classify(d, cal) != Status.ANSWERED for _, d in rows]
    print("\nanswerable dev questions refused at these values:",
          ", ".join(it["id"] for (it, _), r, a in zip(rows, refused, answerable) if r and a) or "none")
    print("unanswerable dev questions answered:",
          ", ".join(it["id"] for (it, _), r, u in zip(rows, refused, unans) if not r and u) or "none")


if __name__ == "__main__":
    main()
