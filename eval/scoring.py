"""Scoring: per-question rows from a retrieval or an answer, and the
aggregates over them (means, bootstrap CIs, per group and per file), the
failure list and the classification of answers given without the
Kamervragen letter.

The metrics themselves are the pure functions of eval/metrics.py; this
module only applies them to one question's inputs (ranked passage texts, a
rag.records.Answer) and averages the resulting rows.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from . import metrics as M
from .data import GROUPS, SETS, gold_quotes, group_of
from rag.records import Status, is_header_chunk_id

# The per-class counts (by_class): an answer right or wrong, else its state.
CLASS_COUNTS = ("answered_right", "answered_wrong", *(s.value for s in Status if s.abstained))

RETRIEVAL_K = 10  # retrieval metrics look at the top 10, whatever k the answer uses
HITS = (1, 3, 5, 10)
# Metrics that get a bootstrap CI in the report (and in README).
HEADLINE = ("hit@1", "hit@5", "mrr", "key_fact_recall", "abstention_accuracy", "off_topic_refused",
            "false_refusal_rate")


def scores_answer(item: dict[str, Any]) -> bool:
    """Answer metrics apply to answerable, non-procedural questions
    (eval/SCHEMA.md: procedural questions are judged on retrieval only)."""
    return bool(item["answerable"]) and not item.get("procedural", False)


def count_relevant(collection: Sequence[str], quotes: Sequence[str]) -> int:
    """How many passages of the whole collection are gold (nDCG's ideal)."""
    return sum(M.is_gold(t, quotes) for t in collection) if quotes else 0


def retrieval_row(texts: Sequence[str], quotes: Sequence[str], n_relevant: int | None) -> dict[str, Any]:
    """Retrieval metrics for one question from its ranked passage texts."""
    rels = [M.is_gold(t, quotes) for t in texts[:RETRIEVAL_K]]
    row: dict[str, Any] = {f"hit@{k}": M.hit_at_k(rels, k) for k in HITS}
    row["mrr"] = M.reciprocal_rank(rels)
    row["ndcg@10"] = M.ndcg_at_k(rels, RETRIEVAL_K, n_relevant)
    row["gold_ranks"] = [i for i, r in enumerate(rels, start=1) if r]
    row["n_relevant"] = n_relevant
    row["quote_recall@10"] = M.mean(M.quotes_found(texts[:RETRIEVAL_K], quotes))
    return row


def _passage_for_marker(answer) -> dict[int, str]:
    """Marker n -> the text of the passage it cites: through the citation with
    that n, else (a generative answer) passage n of the list the model saw."""
    by_id = {p.chunk.chunk_id: p.chunk.text for p in answer.passages}
    out = {c.n: by_id[c.chunk_id] for c in answer.citations if c.chunk_id in by_id}
    for i, p in enumerate(answer.passages, start=1):
        out.setdefault(i, p.chunk.text)
    return out


def answer_row(item: dict[str, Any], answer, tokenize: Callable[[str], list[str]]) -> dict[str, Any]:
    """Answer metrics for one question from its rag.records.Answer."""
    extractive = answer.generator == "extractive"
    quotes = gold_quotes(item)
    by_id = {p.chunk.chunk_id: p.chunk.text for p in answer.passages}
    claim_list = M.claims(answer.answer) if not answer.abstained else []
    cits = []
    for c in answer.citations:
        text = by_id.get(c.chunk_id)
        carrying = [t for t, nums in claim_list if c.n in nums]
        cits.append({
            "n": c.n,
            "chunk_id": c.chunk_id,
            "letter_id": c.letter_id,
            "quote": c.quote,
            # the contract: the quote is an exact slice of the cited passage
            "in_passage": text is not None and c.quote in text,
            "supporting": M.quote_supports(c.quote, carrying, tokenize),
            "gold": (text is not None and M.is_gold(text, quotes)) if quotes else None,
            # (a header the answerer cites as the document's header, to say who
            # put written questions and when, is the source asked for)
            "furniture": M.is_furniture(c.quote) and not is_header_chunk_id(c.chunk_id),
        })
    row: dict[str, Any] = {
        "answer": answer.answer,
        "status": answer.status,
        "abstained": bool(answer.abstained),
        "answer_chars": len(M.strip_markers(answer.answer)) if not answer.abstained else None,
        "citations": cits,
        "latency_ms": float(answer.timings_ms.get("total", 0.0)),
        "warnings": list(getattr(answer, "warnings", []) or []),
        # The answer's text is document furniture (a quoted header line).
        "furniture_answer": answer.status != Status.NOT_FOUND and any(c["furniture"] for c in cits),
    }
    if scores_answer(item):
        answer_text = "" if answer.abstained else answer.answer
        row["key_fact_recall"] = M.key_fact_recall(M.strip_markers(answer_text), item["key_facts"])
        row["missing_facts"] = M.missing_key_facts(M.strip_markers(answer_text), item["key_facts"])
        cited = [by_id[c.chunk_id] for c in answer.citations if c.chunk_id in by_id]
        row["citation_recall"] = M.mean(M.quotes_found(cited, quotes)) if quotes else None
    if not answer.abstained:
        row["faithfulness"] = M.faithfulness(answer.answer, _passage_for_marker(answer),
                                             extractive=extractive, tokenize=tokenize)
    return row


# --------------------------------------------------------------------- aggregates


def aggregate(rows: Sequence[dict[str, Any]], *, seed: int = 0, resamples: int = 1000) -> dict[str, Any]:
    """Means over the questions each metric applies to, plus bootstrap CIs
    for the headline metrics. Citation checks are micro-averaged over all
    citations (one bad citation anywhere is what the gate looks for).

    A question counts as refused when its status is not "answered": partial
    is a correct non-answer on an unanswerable question and a refusal on an
    answerable one."""
    ans = [r for r in rows if r["answerable"] and r.get("has_evidence", True)]
    scored = [r for r in rows if r["answerable"] and not r["procedural"]]
    unans = [r for r in rows if not r["answerable"]]
    has_answers = any("abstained" in r for r in rows)
    per_q: dict[str, list[float | None]] = {}
    for key in ("hit@1", "hit@3", "hit@5", "hit@10", "mrr", "ndcg@10", "quote_recall@10"):
        per_q[key] = [r.get(key) for r in ans]
    agg: dict[str, Any] = {
        "n": len(rows), "n_answerable": len(ans), "n_unanswerable": len(unans),
        "n_off_topic": sum(r.get("kind") == "off_topic" for r in unans),
    }
    if has_answers:
        refused = lambda r: 1.0 if r["abstained"] else 0.0  # noqa: E731
        per_q["key_fact_recall"] = [r.get("key_fact_recall") for r in scored]
        per_q["citation_recall"] = [r.get("citation_recall") for r in scored]
        per_q["faithfulness"] = [r.get("faithfulness") for r in rows if not r.get("abstained", True)]
        per_q["abstention_accuracy"] = [refused(r) for r in unans]
        per_q["near_miss_refused"] = [refused(r) for r in unans if r.get("kind") != "off_topic"]
        per_q["off_topic_refused"] = [refused(r) for r in unans if r.get("kind") == "off_topic"]
        per_q["off_topic_not_found"] = [1.0 if r.get("status") == Status.NOT_FOUND else 0.0
                                        for r in unans if r.get("kind") == "off_topic"]
        per_q["false_refusal_rate"] = [refused(r) for r in scored]
        per_q["partial_rate"] = [1.0 if r.get("status") == Status.PARTIAL else 0.0 for r in rows]
        per_q["furniture_answers"] = [1.0 if r.get("furniture_answer") else 0.0 for r in rows
                                      if r.get("status") == Status.ANSWERED]
        per_q["english_hit@1"] = [r.get("hit@1") for r in ans if r.get("lang") == "en"]
        per_q["dutch_hit@1"] = [r.get("hit@1") for r in ans if r.get("lang") != "en"]
        cits = [c for r in rows if r.get("status", Status.ANSWERED) == Status.ANSWERED for c in r.get("citations", [])]
        gold_cits = [c["gold"] for c in cits if c["gold"] is not None]
        agg["n_citations"] = len(cits)
        agg["citation_quote_in_passage"] = M.mean(1.0 if c["in_passage"] else 0.0 for c in cits)
        agg["citation_precision"] = M.mean(1.0 if c["in_passage"] and c["supporting"] else 0.0 for c in cits)
        agg["citation_gold_precision"] = M.mean(1.0 if g else 0.0 for g in gold_cits)
        chars = [r["answer_chars"] for r in scored if r.get("answer_chars") is not None]
        agg["answer_chars_median"] = M.percentile(chars, 50) if chars else None
        lat = [r["latency_ms"] for r in rows if "latency_ms" in r]
        agg["latency_p50_ms"] = M.percentile(lat, 50)
        agg["latency_p95_ms"] = M.percentile(lat, 95)
        if any("judge_correct" in r for r in rows):
            per_q["judge_correct"] = [r.get("judge_correct") for r in scored]
        # Per kind of fact asked for (the question files' `qtype`).
        agg["by_qtype"] = {
            qt: {"n": len(rs), "key_fact_recall": M.mean(r.get("key_fact_recall") for r in rs),
                 "hit@1": M.mean(r.get("hit@1") for r in rs), "refused": M.mean(refused(r) for r in rs)}
            for qt in sorted({r.get("qtype") or "" for r in scored} - {""})
            for rs in [[r for r in scored if r.get("qtype") == qt]]
        }
        agg["by_class"] = by_class(rows)
        turns = [r for r in rows if r.get("role")]
        if turns:
            agg["by_turn"] = {
                role: {"n": len(rs), "hit@5": M.mean(r.get("hit@5") for r in rs),
                       "key_fact_recall": M.mean(r.get("key_fact_recall") for r in rs),
                       "searched_as_itself": M.mean(1.0 if r.get("standalone") is None else 0.0 for r in rs)}
                for role in ("opening", "follow_up", "new_topic")
                for rs in [[r for r in turns if r.get("role") == role]] if rs
            }
    for key, values in per_q.items():
        agg[key] = M.mean(values)
    agg["ci95"] = {
        key: M.bootstrap_ci(per_q[key], resamples=resamples, seed=seed)
        for key in HEADLINE if key in per_q
    }
    return agg


def by_class(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Outcomes per near-miss class and per asked type (issue: answers that
    state what was asked). An answerable question is answered right when the
    answer holds at least half its key facts, else answered wrong; partial
    and not_found count as refused. A near-miss answered is wrong; partial or
    not_found is right."""
    out: dict[str, dict[str, Any]] = {}

    def add(key: str, r: dict[str, Any]) -> None:
        c = out.setdefault(key, {"n": 0, **{k: 0 for k in CLASS_COUNTS}})
        c["n"] += 1
        status = Status(r["status"])
        if not status.abstained:
            right = (r.get("key_fact_recall") or 0.0) >= 0.5 if r["answerable"] else False
            c["answered_right" if right else "answered_wrong"] += 1
        else:
            c[status.value] += 1

    for r in rows:
        if "status" not in r or r.get("procedural"):
            continue
        kind = r.get("kind") or ("answerable" if r["answerable"] else "near_miss")
        if kind == "near_miss":
            add(f"near_miss/{r.get('nm_class') or 'unlabelled'}", r)
            add(f"near_miss asked/{r.get('asked') or 'unlabelled'}", r)
        elif kind == "answerable":
            add(f"answerable asked/{r.get('asked') or 'unlabelled'}", r)
    return dict(sorted(out.items()))


def aggregate_by_set(rows: Sequence[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    """Aggregates per group (dev, test) and per question file."""
    out: dict[str, Any] = {}
    for group, names in GROUPS.items():
        rs = [r for r in rows if r["set"] in names]
        if rs:
            out[group] = aggregate(rs, **kw)
    for name in SETS:
        rs = [r for r in rows if r["set"] == name]
        if rs and len(GROUPS[group_of(name)]) > 1:
            out[f"{name}.jsonl"] = aggregate(rs, **kw)  # a file, not the group "test"
    return out


def failures(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per question that misses something, with what it misses."""
    out = []
    for r in rows:
        why = []
        if r["answerable"] and r.get("has_evidence", True) and r.get("hit@5") == 0.0:
            why.append(f"no gold passage in top 5 (gold ranks in top 10: {r.get('gold_ranks') or 'none'})")
        if "abstained" in r:
            if not r["answerable"] and not r["abstained"]:
                why.append("answered an unanswerable question")
            if r["answerable"] and not r["procedural"] and r["abstained"]:
                why.append("refused an answerable question")
            elif r.get("missing_facts"):
                why.append("missing key facts: " + "; ".join(r["missing_facts"]))
            bad = [c["n"] for c in r.get("citations", []) if not c["in_passage"]]
            if bad:
                why.append(f"citation quote not in its passage: {bad}")
            if r.get("faithfulness") is not None and r["faithfulness"] < 1.0:
                why.append(f"faithfulness {r['faithfulness']:.2f}")
            if r.get("judge_correct") == 0.0:
                why.append("judged incorrect")
        if why:
            out.append({"id": r["id"], "question": r["question"], "why": why})
    return out


# ------------------------------------------------------------- excluded source


def exclude_source_rows(rows: Sequence[dict[str, Any]], items: Sequence[dict[str, Any]], excluded: str) -> list[dict[str, Any]]:
    """Classify each answer given without the excluded letter.

    expected: "answer" when the set has gold evidence in another letter,
    else "refuse". outcome: "refused"; "answered from other letters" (a cited
    passage holds other-letter gold, or a key fact is found); otherwise
    "answered without support" -- the failure this check is for.
    """
    by_id = {it["id"]: it for it in items}
    out = []
    for r in rows:
        item = by_id[r["id"]]
        others = gold_quotes(item, exclude_letters=[excluded])
        cited_gold = any(c.get("gold") for c in r.get("citations", []))
        kf = r.get("key_fact_recall")
        if r["abstained"]:
            outcome = "refused"
        elif cited_gold or (kf or 0) > 0:
            outcome = "answered from other letters"
        else:
            outcome = "answered without support"
        expected = "answer" if others else "refuse"
        out.append({
            "id": r["id"],
            "expected": expected,
            "outcome": outcome,
            "ok": (expected == "refuse" and outcome == "refused")
            or (expected == "answer" and outcome == "answered from other letters"),
            "other_letters": sorted({e["letter_id"] for e in item["evidence"] if e["letter_id"] != excluded}),
            "other_gold_in_top10": bool(r.get("gold_ranks")),
            "key_fact_recall": kf,
            "answer": r["answer"],
        })
    return out


def summarise_exclusion(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    count = lambda pred: sum(1 for r in rows if pred(r))  # noqa: E731
    return {
        "n": len(rows),
        "expected_answer": count(lambda r: r["expected"] == "answer"),
        "answered_from_other_letters": count(lambda r: r["outcome"] == "answered from other letters"),
        "refused": count(lambda r: r["outcome"] == "refused"),
        "answered_without_support": count(lambda r: r["outcome"] == "answered without support"),
        "refused_when_no_other_evidence": count(lambda r: r["expected"] == "refuse" and r["outcome"] == "refused"),
        "no_other_evidence": count(lambda r: r["expected"] == "refuse"),
        "ok": count(lambda r: r["ok"]),
    }
