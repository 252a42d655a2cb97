"""Run the eval sets through the pipeline and score them.

    python -m eval run [--set kamervragen|letters|all] [--mode hybrid|dense|bm25]
                       [--generator extractive|openai] [--k N] [--out FILE.json]
                       [--compare] [--exclude-source] [--judge]

Models load once (one in-process `Pipeline.load`); every configuration of a
run (the modes of --compare, the LangChain baseline, the index without the
Kamervragen letter) reuses that embedder. Scoring is done by the pure
functions of eval/metrics.py; this module only produces the inputs (ranked
passage texts, answers) and aggregates the per-question rows.
"""
from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from . import metrics as M
from rag import answerers
from rag import texts as T

EVAL_DIR = Path(__file__).resolve().parent
ROOT = EVAL_DIR.parent
# Question files, grouped: dev is what the answerer may be tuned on, test is
# only run to report (eval/README.md says how each was written).
GROUPS = {"dev": ("kamervragen", "letters", "dev_extra"), "test": ("test", "test_b")}
SETS = tuple(name for names in GROUPS.values() for name in names)
SET_CHOICES = ("both", *GROUPS, *SETS)
RETRIEVAL_K = 10  # retrieval metrics look at the top 10, whatever k the answer uses
HITS = (1, 3, 5, 10)
# Metrics that get a bootstrap CI in the report (and in README).
HEADLINE = ("hit@1", "hit@5", "mrr", "key_fact_recall", "abstention_accuracy", "off_topic_refused",
            "false_refusal_rate")
EXCLUDED_LETTER = "kamervragen-2022"
BASELINE = "langchain-baseline"

LABELS = {
    BASELINE: "(a) LangChain baseline: raw .txt, RecursiveCharacterTextSplitter 1000/200, FAISS dense",
    "bm25": "(b) BM25 only",
    "dense": "(c) dense only",
    "hybrid": "(d) hybrid BM25 + dense, RRF (default)",
}


# ----------------------------------------------------------------------------- data


def group_of(set_name: str) -> str:
    return next(g for g, names in GROUPS.items() if set_name in names)


def _normalise(item: dict[str, Any], set_name: str) -> dict[str, Any]:
    item = dict(item)
    item["set"] = set_name
    item.setdefault("procedural", False)
    item.setdefault("kind", "answerable" if item["answerable"] else "near_miss")
    item.setdefault("qtype", "")
    return item


def load_set(name: str, folder: Path = EVAL_DIR) -> list[dict[str, Any]]:
    """The questions of one file; a conversation becomes its turns, in order,
    each with `conversation` (its id) and `turn` (1, 2, ...)."""
    path = folder / f"{name}.jsonl"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if "turns" in rec:
            for i, turn in enumerate(rec["turns"], start=1):
                out.append(_normalise({**turn, "id": f"{rec['id']}-t{i}", "conversation": rec["id"], "turn": i},
                                      name))
        else:
            out.append(_normalise(rec, name))
    return out


def load_items(which: str = "both", folder: Path = EVAL_DIR) -> list[dict[str, Any]]:
    if which in ("both", "all"):
        names = SETS
    elif which in GROUPS:
        names = GROUPS[which]
    elif which in SETS:
        names = (which,)
    else:
        raise ValueError(f"unknown set {which!r}; use one of {', '.join(SET_CHOICES)}")
    return [it for n in names for it in load_set(n, folder)]


def gold_quotes(item: dict[str, Any], *, exclude_letters: Iterable[str] = ()) -> list[str]:
    skip = set(exclude_letters)
    return [e["quote"] for e in item.get("evidence", []) if e["letter_id"] not in skip]


def scores_answer(item: dict[str, Any]) -> bool:
    """Answer metrics apply to answerable, non-procedural questions
    (eval/SCHEMA.md: procedural questions are judged on retrieval only)."""
    return bool(item["answerable"]) and not item.get("procedural", False)


# ------------------------------------------------------------------------ scoring


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
        })
    row: dict[str, Any] = {
        "answer": answer.answer,
        "status": answer.status,
        "abstained": bool(answer.abstained),
        "answer_chars": len(M.strip_markers(answer.answer)) if not answer.abstained else None,
        "citations": cits,
        "latency_ms": float(answer.timings_ms.get("total", 0.0)),
        "warnings": list(getattr(answer, "warnings", []) or []),
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
        per_q["off_topic_not_found"] = [1.0 if r.get("status") == T.NOT_FOUND else 0.0
                                        for r in unans if r.get("kind") == "off_topic"]
        per_q["false_refusal_rate"] = [refused(r) for r in scored]
        per_q["partial_rate"] = [1.0 if r.get("status") == T.PARTIAL else 0.0 for r in rows]
        cits = [c for r in rows if r.get("status", T.ANSWERED) == T.ANSWERED for c in r.get("citations", [])]
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


# ---------------------------------------------------------------------- runners


def _bar(iterable, total: int, desc: str, quiet: bool):
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, file=sys.stderr, disable=quiet, leave=False, unit="q")


def _base_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"], "set": item["set"], "group": group_of(item["set"]), "lang": item["lang"],
        "question": item["question"], "answerable": bool(item["answerable"]),
        "procedural": bool(item.get("procedural", False)), "kind": item.get("kind", ""),
        "qtype": item.get("qtype", ""), "role": item.get("role"), "conversation": item.get("conversation"),
    }


def count_relevant(collection: Sequence[str], quotes: Sequence[str]) -> int:
    """How many passages of the whole collection are gold (nDCG's ideal)."""
    return sum(M.is_gold(t, quotes) for t in collection) if quotes else 0


def run_pipeline(
    pipeline,
    items: Sequence[dict[str, Any]],
    *,
    mode: str,
    generator: str = "extractive",
    k: int | None = None,
    judge: Callable[[dict[str, Any], str], bool | None] | None = None,
    quiet: bool = False,
    exclude_letters: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """Per-question rows for one pipeline configuration: top-10 retrieval
    for the metrics, then `ask` with the answer k (default settings.k)."""
    from rag.textnl import tokenize

    exclude = tuple(exclude_letters)
    options = pipeline.settings.search_options(k=k, mode=mode)
    collection = [c.text for c in pipeline.retriever.chunks]
    rows = []
    history: dict[str, list[tuple[str, str]]] = {}  # conversation -> its turns so far
    for item in _bar(items, len(items), mode, quiet):
        row = _base_row(item)
        quotes = gold_quotes(item, exclude_letters=exclude)
        row["has_evidence"] = bool(quotes)
        turns = history.setdefault(item["conversation"], []) if item.get("conversation") else None
        # ask first: its timings then include encoding the question, which
        # the top-10 retrieval below reuses (the pipeline remembers the last
        # query vector).
        answer = pipeline.ask(item["question"], options, generator=generator, qid=item["id"],
                              history=list(turns) if turns else None)
        searched = answer.standalone_question or item["question"]
        row["standalone"] = answer.standalone_question
        if turns is not None:
            turns.append((searched, "" if answer.abstained else answer.answer))
        passages = pipeline.retrieve(searched, options, k=RETRIEVAL_K)
        row["retrieved"] = [p.chunk.chunk_id for p in passages]
        if item["answerable"] and quotes:
            row.update(retrieval_row([p.chunk.text for p in passages], quotes, count_relevant(collection, quotes)))
        row.update(answer_row(item, answer, tokenize))
        if judge is not None and scores_answer(item):
            verdict = judge(item, "" if answer.abstained else answer.answer)
            row["judge_correct"] = None if verdict is None else float(verdict)
        rows.append(row)
    return rows


@dataclass
class LangChainBaseline:
    """What a new LangChain user builds: raw .txt files, the default
    recursive splitter, a FAISS store over our embedder, dense top-k."""

    store: Any
    texts: list[str]
    letter_of: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, settings, embedder, *, cache: bool = True) -> "LangChainBaseline":
        import warnings

        with warnings.catch_warnings():  # "langchain-community is being sunset": known, not ours to fix
            warnings.simplefilter("ignore", DeprecationWarning)
            from langchain_community.document_loaders import TextLoader
            from langchain_community.vectorstores import FAISS
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from rag.embed import LangChainEmbeddings

        letter_of = {}
        for manifest in sorted(Path(settings.corpus_dir).glob("*.json")):
            meta = json.loads(manifest.read_text(encoding="utf-8"))
            letter_of[meta["file"]] = meta["letter_id"]
        docs = []
        for path in sorted(Path(settings.corpus_dir).glob("*.txt")):
            for d in TextLoader(str(path), encoding="utf-8").load():
                d.metadata["letter_id"] = letter_of.get(path.name, path.stem)
                docs.append(d)
        splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
        texts = [d.page_content for d in splits]
        lc_embeddings = LangChainEmbeddings(embedder)
        vectors = _cached_passage_vectors(texts, embedder, settings) if cache else lc_embeddings.embed_documents(texts)
        # from_embeddings == from_texts with the vectors computed (or reused) above.
        store = FAISS.from_embeddings(list(zip(texts, vectors)), embedding=lc_embeddings,
                                      metadatas=[d.metadata for d in splits])
        return cls(store=store, texts=texts, letter_of=letter_of)

    def search(self, question: str, k: int) -> list[str]:
        return [d.page_content for d in self.store.similarity_search(question, k=k)]


def _cached_passage_vectors(texts: list[str], embedder, settings) -> list[list[float]]:
    """Baseline passage vectors, kept by content in .cache/eval/ (the
    index's VectorCache) so repeated --compare runs do not re-embed the same
    1000-character splits."""
    from rag.index import VectorCache

    cache = VectorCache(Path(settings.cache_dir) / "eval" / f"baseline-{_slug(embedder.model_id)}.npz", embedder)
    cache.embed(texts)
    return [cache[t].tolist() for t in texts]


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:80]


def run_baseline(baseline: LangChainBaseline, items: Sequence[dict[str, Any]], *, quiet: bool = False) -> list[dict[str, Any]]:
    rows = []
    for item in _bar(items, len(items), "langchain", quiet):
        row = _base_row(item)
        quotes = gold_quotes(item)
        row["has_evidence"] = bool(quotes)
        t0 = time.perf_counter()
        texts = baseline.search(item["question"], RETRIEVAL_K)
        row["retrieve_ms"] = (time.perf_counter() - t0) * 1000
        if item["answerable"] and quotes:
            row.update(retrieval_row(texts, quotes, count_relevant(baseline.texts, quotes)))
        rows.append(row)
    return rows


def pipeline_without(pipeline, letter_id: str, tmp: Path, *, progress=None):
    """A Pipeline over the corpus minus one letter, with its index in tmp.

    The chunk vectors of the live index's embedding cache are copied in
    first, so nothing is embedded again (chunk vectors are keyed by content).
    """
    from rag.build import build
    from rag.index import CACHE_DIR, cache_file_name
    from rag.pipeline import Pipeline

    settings = pipeline.settings.replace(index_dir=tmp)
    letters = [x for x in pipeline.letters if x.letter_id != letter_id]
    if len(letters) == len(pipeline.letters):
        raise ValueError(f"letter {letter_id!r} is not in the corpus")
    emb = pipeline.embedder
    src = Path(pipeline.settings.index_dir) / CACHE_DIR / cache_file_name(emb.model_id, emb.dimension)
    if src.is_file():
        (tmp / CACHE_DIR).mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, tmp / CACHE_DIR / src.name)
    return Pipeline(settings, letters, emb, build(settings, emb, letters))


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


# ------------------------------------------------------------------------- judge

JUDGE_PROMPT = """Je beoordeelt een antwoord op een vraag over Kamerbrieven.

Vraag: {question}

Referentieantwoord (juist): {reference}

Te beoordelen antwoord: {answer}

Is het te beoordelen antwoord inhoudelijk juist en in overeenstemming met het
referentieantwoord (het mag korter zijn, maar mag niets tegenstrijdigs of
verzonnens bevatten)? Antwoord met precies één woord: JUIST of ONJUIST."""


def make_judge(settings) -> Callable[[dict[str, Any], str], bool | None]:
    """LLM-judged correctness against the reference answer (optional; needs
    settings.llm_base_url and llm_model). A refusal is judged incorrect
    without asking; an unparseable verdict is None (not counted)."""
    from langchain_openai import ChatOpenAI

    if not settings.llm_base_url or not settings.llm_model:
        raise SystemExit("--judge needs RAG_LLM_BASE_URL and RAG_LLM_MODEL (an OpenAI-compatible server).")
    chat = ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url,
                      api_key=settings.llm_api_key or "not-needed", temperature=0.0,
                      timeout=settings.llm_timeout_s, max_retries=1)

    def judge(item: dict[str, Any], answer: str) -> bool | None:
        if not answer.strip():
            return False
        prompt = JUDGE_PROMPT.format(question=item["question"], reference=item["reference_answer"],
                                     answer=M.strip_markers(answer))
        verdict = chat.invoke(prompt).text.strip().upper()
        if verdict.startswith("ONJUIST") or verdict.startswith("INCORRECT"):
            return False
        if verdict.startswith("JUIST") or verdict.startswith("CORRECT"):
            return True
        return None

    return judge


# --------------------------------------------------------------------------- run


@dataclass
class RunOptions:
    set: str = "both"
    mode: str | None = None
    generator: str | None = None
    k: int | None = None
    compare: bool = False
    exclude_source: bool = False
    judge: bool = False
    quiet: bool = False
    seed: int = 0
    resamples: int = 1000


def git_info(root: Path = ROOT) -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "HEAD") or None,
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def evaluate(opts: RunOptions, pipeline=None, settings=None) -> dict[str, Any]:
    """The whole run: returns the report dict (see eval/README.md)."""
    from rag.config import load_settings
    from rag.pipeline import Pipeline

    t_start = time.perf_counter()
    settings = settings or (pipeline.settings if pipeline else load_settings())
    mode = opts.mode or settings.mode
    generator = opts.generator or settings.generator
    items = load_items(opts.set)

    def say(message: str, fraction: float | None = None) -> None:
        if not opts.quiet:
            print(f"· {message}", file=sys.stderr, flush=True)

    if pipeline is None:
        pipeline = Pipeline.load(settings, progress=say)
    judge = make_judge(settings) if opts.judge else None

    configs: dict[str, dict[str, Any]] = {}
    modes = ["bm25", "dense", "hybrid"] if opts.compare else [mode]
    if opts.compare and mode not in modes:
        modes.append(mode)
    if opts.compare:
        say("LangChain-baseline opbouwen")
        baseline = LangChainBaseline.build(settings, pipeline.embedder)
        rows = run_baseline(baseline, items, quiet=opts.quiet)
        configs[BASELINE] = {"label": LABELS[BASELINE], "rows": rows,
                             "aggregates": aggregate_by_set(rows, seed=opts.seed, resamples=opts.resamples),
                             "passages": len(baseline.texts)}
    for m in modes:
        rows = run_pipeline(pipeline, items, mode=m, generator=generator, k=opts.k, judge=judge, quiet=opts.quiet)
        configs[m] = {"label": LABELS.get(m, m), "rows": rows,
                      "aggregates": aggregate_by_set(rows, seed=opts.seed, resamples=opts.resamples),
                      "passages": len(pipeline.retriever.chunks)}

    exclusion = None
    if opts.exclude_source:
        kv = load_items("kamervragen")
        say(f"Index zonder {EXCLUDED_LETTER} opbouwen")
        with tempfile.TemporaryDirectory(prefix="eval-exclude-") as tmp:
            reduced = pipeline_without(pipeline, EXCLUDED_LETTER, Path(tmp))
            rows = run_pipeline(reduced, kv, mode=mode, generator=generator, k=opts.k, quiet=opts.quiet,
                                exclude_letters=[EXCLUDED_LETTER])
        classified = exclude_source_rows(rows, kv, EXCLUDED_LETTER)
        exclusion = {"excluded_letter": EXCLUDED_LETTER, "rows": rows, "classified": classified,
                     "summary": summarise_exclusion(classified),
                     "aggregates": aggregate_by_set(rows, seed=opts.seed, resamples=opts.resamples)}

    return {
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "git": git_info(),
        "config": {
            "set": opts.set, "mode": mode, "generator": generator, "k": opts.k or settings.k,
            "retrieval_k": RETRIEVAL_K, "compare": opts.compare, "exclude_source": opts.exclude_source,
            "judge": opts.judge, "embedder": settings.embedder, "chunk_tokens": settings.chunk_tokens,
            "candidates": settings.candidates, "rrf_k": settings.rrf_k,
            "calibration": dataclasses.asdict(settings.calibration), "bootstrap": {"resamples": opts.resamples, "seed": opts.seed},
            "llm_model": settings.llm_model if answerers.spec(generator).needs_server or opts.judge else None,
        },
        "primary": mode,
        "configs": configs,
        # Dev only: the answerer is tuned on what this lists.
        "failures": failures([r for r in configs[mode]["rows"] if r["group"] == "dev"]),
        "exclude_source": exclusion,
        "duration_s": round(time.perf_counter() - t_start, 2),
    }
