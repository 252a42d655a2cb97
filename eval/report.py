"""Render an eval report (the JSON written by `python -m eval run`) as
Markdown, a console table and README's results section.

Everything here reads only the report dict, so README numbers can always be
regenerated from a saved report and are never typed by hand.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .data import GROUPS
from .scoring import CLASS_COUNTS

START = "<!-- eval:start -->"
END = "<!-- eval:end -->"

# (key, header, kind) for the comparison table; kind picks the formatting.
COLUMNS = [
    ("hit@1", "hit@1", "p"),
    ("hit@5", "hit@5", "p"),
    ("mrr", "MRR", "f"),
    ("ndcg@10", "nDCG@10", "f"),
    ("key_fact_recall", "key facts", "p"),
    ("faithfulness", "faithful", "p"),
    ("citation_quote_in_passage", "quote in passage", "p"),
    ("citation_gold_precision", "cites gold", "p"),
    ("citation_recall", "cit. recall", "p"),
    ("abstention_accuracy", "refuses unans.", "p"),
    ("off_topic_refused", "refuses off-topic", "p"),
    ("false_refusal_rate", "false refusals", "p"),
    ("answer_chars_median", "median chars", "ms"),
    ("latency_p50_ms", "p50 ms", "ms"),
    ("latency_p95_ms", "p95 ms", "ms"),
]
HEADLINE_NAMES = {
    "hit@1": "hit@1", "hit@5": "hit@5", "mrr": "MRR@10",
    "key_fact_recall": "key-fact recall (answerable)",
    "abstention_accuracy": "unanswerable refused or partial",
    "off_topic_refused": "off-topic refused",
    "false_refusal_rate": "answerable refused or partial",
}
# Shown without a CI, under the headline metrics.
EXTRA_NAMES = {
    "near_miss_refused": ("near-miss refused or partial", "p"),
    "furniture_answers": ("answers whose text is document furniture", "p"),
    "english_hit@1": ("hit@1, English questions", "p"),
    "dutch_hit@1": ("hit@1, Dutch questions", "p"),
    "partial_rate": ("partial answers (all questions)", "p"),
    "answer_chars_median": ("median answer length, chars (answered)", "ms"),
    "citation_quote_in_passage": ("citation quote in its passage", "p"),
    "citation_gold_precision": ("cited passage is gold", "p"),
    "faithfulness": ("faithfulness", "p"),
}


def fmt(value: Any, kind: str = "f") -> str:
    if value is None:
        return "–"
    if kind == "p":
        return f"{100 * value:.1f}%"
    if kind == "ms":
        return f"{value:.0f}"
    return f"{value:.3f}"


def _ci(value: Any, ci: Any, kind: str) -> str:
    if value is None:
        return "–"
    if not ci:
        return fmt(value, kind)
    return f"{fmt(value, kind)} [{fmt(ci[0], kind)}, {fmt(ci[1], kind)}]"


def _scopes(report: dict[str, Any]) -> list[str]:
    """Aggregate scopes of the primary configuration: groups first (dev, test)."""
    aggs = report["configs"][report["primary"]]["aggregates"]
    return list(aggs)


def _groups(report: dict[str, Any]) -> list[str]:
    return [s for s in _scopes(report) if s in GROUPS] or _scopes(report)[:1]


def comparison_table(report: dict[str, Any], scopes: list[str] | None = None) -> str:
    """One Markdown table: a row per configuration and scope (dev, test)."""
    scopes = scopes or _groups(report)
    header = "| configuration | set | passages | " + " | ".join(h for _, h, _ in COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 3)]
    for name, cfg in report["configs"].items():
        for scope in scopes:
            agg = cfg["aggregates"].get(scope)
            if agg is None:
                continue
            cells = [fmt(agg.get(k), kind) for k, _, kind in COLUMNS]
            passages = cfg.get("passages_by_group", {}).get(scope, cfg.get("passages", "–"))
            lines.append(f"| {cfg['label']} | {scope} (n={agg['n']}) | {passages} | "
                         + " | ".join(cells) + " |")
    return "\n".join(lines)


def headline_table(report: dict[str, Any]) -> str:
    """Headline metrics of the primary configuration per scope, with 95% CIs."""
    aggs = report["configs"][report["primary"]]["aggregates"]
    scopes = list(aggs)
    lines = ["| metric | " + " | ".join(f"{s} (n={aggs[s]['n']})" for s in scopes) + " |",
             "|---|" + "---|" * len(scopes)]
    for key, name in HEADLINE_NAMES.items():
        kind = "f" if key == "mrr" else "p"
        lines.append(f"| {name} | " + " | ".join(_ci(aggs[s].get(key), aggs[s].get("ci95", {}).get(key), kind)
                                                for s in scopes) + " |")
    for key, (name, kind) in EXTRA_NAMES.items():
        lines.append(f"| {name} | " + " | ".join(fmt(aggs[s].get(key), kind) for s in scopes) + " |")
    return "\n".join(lines)


def breakdown_table(report: dict[str, Any], scope: str, what: str = "by_qtype") -> str:
    """Per kind of fact asked (by_qtype) or per conversation turn (by_turn)."""
    agg = report["configs"][report["primary"]]["aggregates"].get(scope, {})
    rows = agg.get(what) or {}
    if not rows:
        return ""
    keys = sorted({k for r in rows.values() for k in r if k != "n"})
    lines = [f"| {what[3:]} | n | " + " | ".join(keys) + " |", "|---|---|" + "---|" * len(keys)]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['n']} | " + " | ".join(fmt(r.get(k), "p") for k in keys) + " |")
    return "\n".join(lines)


def class_table(report: dict[str, Any], scope: str) -> str:
    """Counts per near-miss class and asked type (scoring.by_class)."""
    agg = report["configs"][report["primary"]]["aggregates"].get(scope, {})
    rows = agg.get("by_class") or {}
    if not rows:
        return ""
    keys = list(CLASS_COUNTS)
    lines = ["| class | n | " + " | ".join(k.replace("_", " ") for k in keys) + " |", "|---|---|" + "---|" * len(keys)]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['n']} | " + " | ".join(str(r.get(k, 0)) for k in keys) + " |")
    return "\n".join(lines)


def _provenance(report: dict[str, Any]) -> str:
    c = report["config"]
    commit = (report["git"].get("commit") or "unknown")[:10]
    dirty = " (uncommitted changes)" if report["git"].get("dirty") else ""
    return (f"Run {report['timestamp']} at commit `{commit}`{dirty}; embedder `{c['embedder']}`, "
            f"generator `{c['generator']}`, answers from the top {c['k']} passages, retrieval metrics over the "
            f"top {c['retrieval_k']}; 95% CIs: percentile bootstrap over questions "
            f"({c['bootstrap']['resamples']} resamples, seed {c['bootstrap']['seed']}).")


def exclusion_text(report: dict[str, Any]) -> str:
    ex = report.get("exclude_source")
    if not ex:
        return ""
    s = ex["summary"]
    lines = [
        f"Without letter `{ex['excluded_letter']}` in the index, the {s['n']} Kamervragen: "
        f"{s['answered_from_other_letters']} answered from other letters "
        f"({s['expected_answer']} have gold evidence elsewhere), {s['refused']} refused, "
        f"{s['answered_without_support']} answered without support "
        f"({s['refused_when_no_other_evidence']}/{s['no_other_evidence']} without other evidence refused).",
        "",
        "| id | expected | outcome | other letters | other gold in top 10 | key facts |",
        "|---|---|---|---|---|---|",
    ]
    for r in ex["classified"]:
        lines.append(f"| {r['id']} | {r['expected']} | {r['outcome']} | {', '.join(r['other_letters']) or '–'} | "
                     f"{'yes' if r['other_gold_in_top10'] else 'no'} | {fmt(r['key_fact_recall'], 'p')} |")
    return "\n".join(lines)


def failures_text(report: dict[str, Any]) -> str:
    fails = report.get("failures") or []
    if not fails:
        return "No per-question failures."
    lines = [f"Per-question failures ({report['primary']}):", ""]
    for f in fails:
        lines.append(f"- **{f['id']}** {f['question'][:90]} — " + "; ".join(f["why"]))
    return "\n".join(lines)


def markdown(report: dict[str, Any]) -> str:
    parts = [
        "# Evaluation report", "", _provenance(report), "",
        f"Sets: {report['config']['set']}; run took {report['duration_s']} s.", "",
        "## Configurations", "", comparison_table(report), "",
        f"## Headline metrics, {report['primary']}", "", headline_table(report), "",
    ]
    for scope in _groups(report):
        for what in ("by_qtype", "by_turn"):
            table = breakdown_table(report, scope, what)
            if table:
                parts += [f"### {scope}, {what.replace('_', ' ')}", "", table, ""]
        table = class_table(report, scope)
        if table:
            parts += [f"### {scope}, by near-miss class and asked type", "", table, ""]
    if report.get("exclude_source"):
        parts += ["## Kamervragen without their source letter", "", exclusion_text(report), ""]
    parts += ["## Failures", "", failures_text(report), ""]
    return "\n".join(parts)


def readme_section(report: dict[str, Any], report_name: str = "") -> str:
    """The block between README's markers: generated, never hand-edited."""
    src = f" from `{report_name}`" if report_name else ""
    parts = [
        f"Generated by `.venv/bin/python -m eval readme REPORT.json`{src}; do not edit by hand.",
        "", _provenance(report), "",
        "dev: the questions the answerer is tuned on; test: written blind from the letters only, never tuned "
        "on; test_fresh: written blind later, after the test group's failures had been read once; test_late: written blind after test_fresh's failures had been read once; test_round4: written blind after test_late's failures had been read once; test_round5: written blind after test_round4's failures had been read once; test_round6: written blind after test_round5's failures had been read once; new_dev / new_test: written blind from 48 real published documents the project did not ship "
        "(../shared/letters-extra), split by document (eval/README.md); pub_dev: written blind from the dev half of 30 more (eval/published), tuned on; pub2_dev: written blind from the dev half of 21 more (eval/published2), tuned on; pub2_test: written blind from its test half, never tuned on; pub3_dev: written blind from 14 more (eval/published3), tuned on.", "", comparison_table(report), "", headline_table(report),
    ]
    for scope in _groups(report):
        table = breakdown_table(report, scope, "by_qtype")
        if table:
            parts += ["", f"Per kind of fact asked, {scope}:", "", table]
    ex = report.get("exclude_source")
    if ex:
        parts += ["", exclusion_text(report).split("\n")[0]]
    return "\n".join(parts)


def update_readme(readme: Path, report: dict[str, Any], report_name: str = "") -> None:
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise LookupError(
            f"{readme} has no results markers. Add the two lines\n  {START}\n  {END}\n"
            "where the results table should go, then run this command again."
        )
    block = f"{START}\n{readme_section(report, report_name)}\n{END}"
    readme.write_text(pattern.sub(lambda _: block, text, count=1), encoding="utf-8")


def console(report: dict[str, Any]) -> str:
    """A short fixed-width table for the terminal."""
    keys = [("hit@1", "p"), ("hit@5", "p"), ("mrr", "f"), ("key_fact_recall", "p"),
            ("citation_quote_in_passage", "p"), ("abstention_accuracy", "p"), ("off_topic_refused", "p"),
            ("false_refusal_rate", "p"), ("answer_chars_median", "ms"), ("latency_p50_ms", "ms")]
    heads = ["hit@1", "hit@5", "MRR", "facts", "quote ok", "unans ref", "offtop ref", "false ref", "chars",
             "p50ms"]
    out = [f"{'config':<20}{'set':<10}" + "".join(f"{h:>10}" for h in heads)]
    for name, cfg in report["configs"].items():
        for scope in _groups(report):
            agg = cfg["aggregates"].get(scope, {})
            out.append(f"{name:<20}{scope:<10}" + "".join(f"{fmt(agg.get(k), kind):>10}" for k, kind in keys))
    aggs = report["configs"][report["primary"]]["aggregates"]
    out.append("")
    for key, name in HEADLINE_NAMES.items():
        kind = "f" if key == "mrr" else "p"
        out.append(f"{name:<36}" + "".join(
            f"  {scope}: {_ci(aggs[scope].get(key), aggs[scope].get('ci95', {}).get(key), kind):<24}"
            for scope in _groups(report)))
    for key, (name, kind) in EXTRA_NAMES.items():
        out.append(f"{name:<36}" + "".join(f"  {scope}: {fmt(aggs[scope].get(key), kind):<24}"
                                            for scope in _groups(report)))
    ex = report.get("exclude_source")
    if ex:
        out += ["", exclusion_text(report).split("\n")[0]]
    out.append(f"{len(report.get('failures') or [])} dev questions with failures (see the Markdown summary; "
               "test failures are not listed, so nobody tunes on them)")
    return "\n".join(out)


def load(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
