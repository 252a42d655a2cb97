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
    ("abstention_accuracy", "abstains (unans.)", "p"),
    ("false_refusal_rate", "false refusals", "p"),
    ("latency_p50_ms", "p50 ms", "ms"),
    ("latency_p95_ms", "p95 ms", "ms"),
]
HEADLINE_NAMES = {
    "hit@1": "hit@1", "hit@5": "hit@5", "mrr": "MRR@10",
    "key_fact_recall": "key-fact recall (answerable)", "abstention_accuracy": "abstention accuracy (unanswerable)",
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


def _scope(report: dict[str, Any]) -> str:
    aggs = report["configs"][report["primary"]]["aggregates"]
    return "all" if "all" in aggs else next(iter(aggs))


def comparison_table(report: dict[str, Any], scope: str | None = None) -> str:
    """One Markdown table: a row per configuration of the run."""
    scope = scope or _scope(report)
    header = "| configuration | passages | " + " | ".join(h for _, h, _ in COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 2)]
    for name, cfg in report["configs"].items():
        agg = cfg["aggregates"].get(scope, {})
        cells = [fmt(agg.get(k), kind) for k, _, kind in COLUMNS]
        lines.append(f"| {cfg['label']} | {cfg.get('passages', '–')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def headline_table(report: dict[str, Any]) -> str:
    """Headline metrics of the primary configuration per set, with 95% CIs."""
    aggs = report["configs"][report["primary"]]["aggregates"]
    scopes = list(aggs)
    lines = ["| metric | " + " | ".join(f"{s} (n={aggs[s]['n']})" for s in scopes) + " |",
             "|---|" + "---|" * len(scopes)]
    for key, name in HEADLINE_NAMES.items():
        kind = "f" if key == "mrr" else "p"
        lines.append(f"| {name} | " + " | ".join(_ci(aggs[s].get(key), aggs[s].get("ci95", {}).get(key), kind)
                                                for s in scopes) + " |")
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
        "## Configurations (all questions of the run)", "", comparison_table(report), "",
        f"## Headline metrics, {report['primary']}", "", headline_table(report), "",
    ]
    if len(report["configs"][report["primary"]]["aggregates"]) > 1:
        for scope in report["configs"][report["primary"]]["aggregates"]:
            if scope != "all":
                parts += [f"### {scope}", "", comparison_table(report, scope), ""]
    if report.get("exclude_source"):
        parts += ["## Kamervragen without their source letter", "", exclusion_text(report), ""]
    parts += ["## Failures", "", failures_text(report), ""]
    return "\n".join(parts)


def readme_section(report: dict[str, Any], report_name: str = "") -> str:
    """The block between README's markers: generated, never hand-edited."""
    src = f" from `{report_name}`" if report_name else ""
    parts = [
        f"Generated by `python -m eval readme REPORT.json`{src}; do not edit by hand.",
        "", _provenance(report), "", comparison_table(report), "", headline_table(report),
    ]
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
    keys = [("hit@1", "p"), ("hit@5", "p"), ("mrr", "f"), ("ndcg@10", "f"), ("key_fact_recall", "p"),
            ("faithfulness", "p"), ("citation_quote_in_passage", "p"), ("abstention_accuracy", "p"),
            ("false_refusal_rate", "p"), ("latency_p50_ms", "ms")]
    heads = ["hit@1", "hit@5", "MRR", "nDCG", "facts", "faithful", "quote ok", "abstain", "false ref", "p50ms"]
    scope = _scope(report)
    out = [f"{'config':<20}" + "".join(f"{h:>10}" for h in heads)]
    for name, cfg in report["configs"].items():
        agg = cfg["aggregates"].get(scope, {})
        out.append(f"{name:<20}" + "".join(f"{fmt(agg.get(k), kind):>10}" for k, kind in keys))
    agg = report["configs"][report["primary"]]["aggregates"][scope]
    out.append("")
    for key, name in HEADLINE_NAMES.items():
        kind = "f" if key == "mrr" else "p"
        out.append(f"{name:<36} {_ci(agg.get(key), agg.get('ci95', {}).get(key), kind)}")
    ex = report.get("exclude_source")
    if ex:
        out += ["", exclusion_text(report).split("\n")[0]]
    out.append(f"{len(report.get('failures') or [])} questions with failures (see the Markdown summary)")
    return "\n".join(out)


def load(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
