"""Quality gate: both eval sets through the default pipeline configuration
(hybrid retrieval, extractive answers, k from Settings), in-process, with the
session's one Pipeline (tests/conftest.py). Thresholds and how they were set:
eval/thresholds.toml. A failing assertion names the questions behind it."""
from __future__ import annotations

import tomllib

import pytest

from eval.harness import EVAL_DIR, SETS, aggregate, failures, load_items, run_pipeline
from rag.config import Settings

THRESHOLDS = tomllib.loads((EVAL_DIR / "thresholds.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def gate_rows(pipeline):
    defaults = Settings()  # the shipped defaults, whatever RAG_* says
    return run_pipeline(pipeline, load_items("all"), mode=defaults.mode, generator=defaults.generator,
                        k=defaults.k, quiet=True)


def _rows(gate_rows, name):
    return [r for r in gate_rows if r["set"] == name]


def _which(rows, pred):
    return ", ".join(r["id"] for r in rows if pred(r)) or "none"


@pytest.mark.parametrize("name", SETS)
def test_hit_at_5(gate_rows, name):
    rows = _rows(gate_rows, name)
    agg = aggregate(rows, resamples=1)
    floor = THRESHOLDS[name]["hit_at_5"]
    assert agg["hit@5"] >= floor, (
        f"{name}: hit@5 {agg['hit@5']:.3f} < {floor}; no gold passage in the top 5 for: "
        + _which(rows, lambda r: r.get("hit@5") == 0.0))


@pytest.mark.parametrize("name", SETS)
def test_key_fact_recall(gate_rows, name):
    rows = _rows(gate_rows, name)
    agg = aggregate(rows, resamples=1)
    floor = THRESHOLDS[name]["key_fact_recall"]
    assert agg["key_fact_recall"] >= floor, (
        f"{name}: key-fact recall {agg['key_fact_recall']:.3f} < {floor}; missing facts in: "
        + _which(rows, lambda r: bool(r.get("missing_facts"))))


def test_every_citation_quotes_its_passage(gate_rows):
    bad = [(r["id"], c["n"], c["chunk_id"]) for r in gate_rows for c in r.get("citations", []) if not c["in_passage"]]
    assert not bad, f"citations whose quote is not in the cited passage: {bad}"


def test_abstention_on_unanswerable(gate_rows, request):
    rules = THRESHOLDS["unanswerable"]
    if rules.get("known_gap"):
        # Visible in every test run as XFAIL with the reason; strict, so the
        # day it passes the run fails until the known_gap line is removed.
        request.applymarker(pytest.mark.xfail(reason=rules["known_gap"], strict=True))
    unans = [r for r in gate_rows if not r["answerable"]]
    acc = aggregate(unans, resamples=1)["abstention_accuracy"]
    assert acc >= rules["abstention_accuracy"], (
        f"abstention on unanswerable {acc:.3f} < {rules['abstention_accuracy']}; answered: "
        + _which(unans, lambda r: not r["abstained"]))


def test_false_refusals_stay_rare(gate_rows):
    """The other side of abstention: refusing more must not buy refusals of
    questions the letters do answer."""
    answerable = [r for r in gate_rows if r["answerable"] and not r.get("procedural")]
    rate = aggregate(answerable, resamples=1)["false_refusal_rate"]
    ceiling = THRESHOLDS["unanswerable"]["false_refusal_ceiling"]
    assert rate <= ceiling, f"false refusals {rate:.3f} > {ceiling}; refused: " + _which(
        answerable, lambda r: r["abstained"])


def test_gate_failures_are_listed(gate_rows):
    # Not a threshold: keeps failures() exercised on real rows (ids and reasons).
    for f in failures(gate_rows):
        assert f["id"] and f["why"]
