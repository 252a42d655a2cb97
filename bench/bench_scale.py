"""Scaling, measured: corpora of 5, 500 and 5,000 letters, and 1M vectors.

    .venv/bin/python bench/bench_scale.py [--sizes 5,500,5000] [--vectors 1000000]
                                          [--real-sample 32] [--plot docs/scaling.svg]

Synthetic letters: letter j is real letter j % 5 from corpus/ (its .txt
and its manifest, letter_id "<real id>-s<j>") in which every body word of 4+
letters is replaced, with probability 0.2 (a generator seeded with j), by a
word drawn from the five letters' vocabulary, and a mark "Kenmerk
SCHAAL-<j>." is appended to every paragraph (every line that a blank line or
the end of the text follows). So every letter, chunk and sentence has its
own content hash (nothing is served from the vector cache) and its own
vector: with only the mark, letter j was a near-copy of letters j ± 5, 10,
…, and the exact top 10 of a query an arbitrary pick among ~n/5 twins
(an HNSW graph, used before IVF, found 0.45 of it whatever efSearch; 0.99
with the word swaps; measured on 15,700 paragraphs). Page lines (a line starting with a
space) are left as they are.

Which embedder measures what (printed again with the results):
- the REAL embedder (the configured one, multilingual-e5-small) only embeds
  a sample of real passages, to measure its raw rate (passages/s); the real
  ingest time per size is stated from that rate and the number of texts a
  build embeds (chunks + quotable sentences), plus the measured rest;
- everything else (clean, chunk, BM25, FAISS build, index size, load time,
  warm ask p50/p95, BM25 vs dense time, peak RSS) is measured for real with
  a fast deterministic STAND-IN embedder of the same dimension (hashed bag
  of words, 384-d): embedding 200k texts at ~18/s is days on 2 cores.
  Answers made with stand-in vectors are not meaningful; their timings are.

Each size runs in its own subprocess (peak RSS per size); after its build a
further fresh process only loads the index and answers, as an app replica
does, and reports its resident set (the part the loaded index takes, and the
quotable-sentence vectors' share of it). Above
Settings.ann_min_vectors the dense index is IVF-Flat (rag.store.index.dense_index);
recall@10 against exact search is printed (also counting exact ties). The
stand-in's vectors are not the encoder's (bench/bench_ann_recall.py checks
recall on real e5 vectors). --vectors measures retrieval alone on N
synthetic unit vectors (clustered, queries are noisy copies of stored
vectors): build time (k-means training, minutes at 1M), recall@10 vs exact
and p50/p95 per query over a sweep of nprobe. The plot is an
SVG written by hand (no plotting package in the venv).
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.ingest import corpus  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.textnl import tokenize  # noqa: E402

QUESTIONS = [
    "Welke landen produceren de cocaïne die naar Europa komt?",
    "Hoeveel geld gaat naar de aanpak van ondermijning?",
    "Wat doet het kabinet tegen drugssmokkel via de haven van Rotterdam?",
    "Welke maatregelen neemt de minister tegen witwassen?",
    "Wat is Preventie met Gezag?",
    "Hoe werkt Nederland samen met andere landen tegen georganiseerde criminaliteit?",
    "What does the minister do about criminal networks?",
    "Wat zijn de resultaten van het Multidisciplinair Interventieteam?",
    "Hoe worden jongeren weerbaar gemaakt tegen criminaliteit?",
    "Welke rol speelt de douane bij containercontroles?",
]


WORD = re.compile(r"\b[a-zà-ÿ]{4,}\b")
SWAP_P = 0.2


class StandInEmbedder:
    """Hashed bag of words, 384-d, L2-normalised: deterministic and fast, so
    everything but the model's own cost can be measured at scale."""

    model_id = "standin/hash-bow-384"
    dimension = 384

    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def _vecs(self, texts) -> np.ndarray:
        t0 = time.perf_counter()
        out = np.full((len(texts), self.dimension), 0.01, dtype=np.float32)
        for i, t in enumerate(texts):
            for tok in tokenize(t) or ["leeg"]:
                out[i, zlib.crc32(tok.encode()) % self.dimension] += 1.0
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        self.seconds += time.perf_counter() - t0
        self.count += len(texts)
        return out

    def encode_passages(self, texts, batch_size=32, show_progress=False):
        return self._vecs(texts)

    def encode_queries(self, texts, batch_size=32):
        return self._vecs(texts)


def make_corpus(folder: Path, n: int) -> None:
    """n synthetic letters (see the module docstring) in folder."""
    real = corpus.load_letters(load_settings())
    texts = [corpus.read_text(x, load_settings()) for x in real]
    vocab = sorted({w for t in texts for w in WORD.findall(t)})
    folder.mkdir(parents=True, exist_ok=True)
    for j in range(n):
        base, text = real[j % len(real)], texts[j % len(real)]
        rng = np.random.default_rng(j)
        swap = lambda m: vocab[rng.integers(len(vocab))] if rng.random() < SWAP_P else m.group(0)  # noqa: E731
        mark = f" Kenmerk SCHAAL-{j}."
        lines = text.split("\n")
        for i, line in enumerate(lines):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if line.startswith(" "):  # a page line: the page convention stays intact
                continue
            line = WORD.sub(swap, line)
            lines[i] = line.rstrip() + mark if line.strip() and not nxt.strip() else line
        name = f"{j:05d}_{base.file.split('_', 1)[-1]}"
        (folder / name).write_text("\n".join(lines), encoding="utf-8")
        manifest = {**base.to_dict(), "letter_id": f"{base.letter_id}-s{j:05d}", "file": name, "sha256": ""}
        (folder / (Path(name).stem + ".json")).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def pct(xs, q) -> float:
    return float(np.percentile(np.asarray(xs) * 1000, q))


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM; ru_maxrss would carry the
    parent's peak across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def serve_only(folder: Path) -> dict:
    """A fresh process that only loads the index built in `folder` and
    answers (what an app replica holds), its resident set after each step:
    the build's peak and the bench's exact comparison index are not in it."""
    import psutil

    from rag.store.index import load_index
    from rag.pipeline import Pipeline

    def rss() -> float:
        return psutil.Process().memory_info().rss / 2**20

    settings = load_settings().replace(corpus_dir=folder / "corpus", index_dir=folder / "index",
                                       cache_dir=folder / "cache")
    emb = StandInEmbedder()
    base = rss()
    index = load_index(settings.index_dir, embedder_id=emb.model_id, dimension=emb.dimension)
    loaded = rss()
    pipe = Pipeline(settings, corpus.load_letters(settings), emb, index)
    for q in QUESTIONS:
        pipe.ask(q)
    sentences_mb = len(index.sentence_vectors) * emb.dimension * 4 / 2**20
    return dict(serve_base_mb=base, serve_index_mb=loaded - base, serve_total_mb=rss(),
                serve_sentences_mb=sentences_mb)


def run_one(n: int) -> dict:
    """One corpus size, in this process (run as a subprocess by main)."""
    import faiss

    from rag.store.build import build
    from rag.store.index import current_version, load_index
    from rag.store.rankers import is_ann
    from rag.pipeline import Pipeline

    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        settings = load_settings().replace(corpus_dir=tmp / "corpus", index_dir=tmp / "index", cache_dir=tmp / "cache")
        t0 = time.perf_counter()
        make_corpus(settings.corpus_dir, n)
        letters = corpus.load_letters(settings)
        t_make = time.perf_counter() - t0
        emb = StandInEmbedder()
        t0 = time.perf_counter()
        build(settings, emb, letters)
        t_build = time.perf_counter() - t0
        build_rss = peak_rss_mb()  # the ingest's own peak, before anything is loaded to answer
        out = subprocess.run([sys.executable, __file__, "--serve", str(tmp)], capture_output=True, text=True)
        if out.returncode:
            raise RuntimeError(f"serving process failed: {out.stderr[-2000:]}")
        serving = json.loads(out.stdout.strip().splitlines()[-1])
        version = settings.index_dir / current_version(settings.index_dir)
        size = dir_bytes(version)
        t0 = time.perf_counter()
        index = load_index(settings.index_dir, embedder_id=emb.model_id, dimension=emb.dimension)
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        pipe = Pipeline(settings, letters, emb, index)
        t_pipe = time.perf_counter() - t0
        pipe.ask(QUESTIONS[0])  # warm
        asks = []
        for _ in range(2):
            for q in QUESTIONS:
                t0 = time.perf_counter()
                pipe.ask(q)
                asks.append(time.perf_counter() - t0)
        r = pipe.retriever
        bm25_t, dense_t, exact_t = [], [], []
        hits, tie_hits = [], []
        flat = faiss.IndexFlatIP(index.vectors.shape[1])
        flat.add(index.vectors)
        rng = np.random.default_rng(0)
        probes = [index.chunks[i].text[:200] for i in rng.integers(0, len(index.chunks), 40)]
        for q in QUESTIONS + probes:
            qv = r._encode_query(q)
            t0 = time.perf_counter(); r._bm25_scores(q); bm25_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter(); got = r._dense(qv, 10, None); dense_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter(); _, ex = flat.search(qv[None, :], 10); exact_t.append(time.perf_counter() - t0)
            hits.append(len(set(got) & set(ex[0].tolist())) / 10)
            # The synthetic letters share 4 in 5 words with ~n/5 others (and the
            # stand-in hashes words into 384 buckets), so the exact top 10 can be
            # one pick among near-ties. Tie-aware: a returned row counts when its
            # cosine is at least the exact 10th best (minus 1e-5).
            tenth = float(index.vectors[ex[0][-1]] @ qv)
            tie_hits.append(sum(float(index.vectors[g] @ qv) >= tenth - 1e-5 for g in got) / 10)
        return dict(
            letters=n, chunks=len(index.chunks), sentences=len(index.sentence_vectors),
            embedded=emb.count, standin_embed_s=emb.seconds, make_s=t_make, build_s=t_build,
            build_rest_s=t_build - emb.seconds, index_bytes=size, load_s=t_load, pipeline_s=t_pipe,
            ask_p50_ms=pct(asks, 50), ask_p95_ms=pct(asks, 95),
            bm25_p50_ms=pct(bm25_t, 50), dense_p50_ms=pct(dense_t, 50), exact_p50_ms=pct(exact_t, 50),
            ann=is_ann(index.faiss_index), recall10=float(np.mean(hits)),
            peak_rss_mb=peak_rss_mb(), build_rss_mb=build_rss, recall10_ties=float(np.mean(tie_hits)),
            **serving,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def real_rate(sample: int) -> float | None:
    """Passages/s of the configured (real) embedder on real passages."""
    try:
        from rag.store.build import chunk_letters
        from rag.ingest.chunk import embedding_text
        from rag.embed.model import get_embedder

        settings = load_settings()
        chunks, _ = chunk_letters(settings, corpus.load_letters(settings))
        texts = [embedding_text(c) for c in chunks][:sample]
        emb = get_embedder(settings)
        emb.encode_passages(texts[:4])
        t0 = time.perf_counter()
        emb.encode_passages(texts, batch_size=32)
        return len(texts) / (time.perf_counter() - t0)
    except Exception as e:  # noqa: BLE001 - the bench goes on without it
        print(f"real embedder unavailable ({type(e).__name__}: {e}); real ingest time not stated", flush=True)
        return None


NPROBE_SWEEP = (8, 16, 32, 64, 128)


def run_vectors(n: int, queries: int = 200, keep: Path | None = None) -> dict:
    """Retrieval alone on n clustered synthetic unit vectors, with the
    approximate index exactly as rag.store.index writes it (dense_index)."""
    import faiss

    from rag.store import index as ix

    d, rng = 384, np.random.default_rng(0)
    topics = max(100, n // 100)
    centres = rng.standard_normal((topics, d), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    x = np.empty((n, d), dtype=np.float32)
    for s in range(0, n, 100_000):
        e = min(n, s + 100_000)
        x[s:e] = centres[rng.integers(0, topics, e - s)] + rng.standard_normal((e - s, d), dtype=np.float32) / np.sqrt(d)
        x[s:e] /= np.linalg.norm(x[s:e], axis=1, keepdims=True)
    q = x[rng.integers(0, n, queries)] + 0.6 * rng.standard_normal((queries, d), dtype=np.float32) / np.sqrt(d)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    saved = keep / f"ivf-{n}.faiss" if keep else None
    t_build = None
    if saved and saved.exists():
        print(f"reusing the index in {saved} (same seed, same vectors)", flush=True)
        index = faiss.read_index(str(saved))
    else:
        print(f"building the approximate index over {n} vectors (k-means training: minutes at 1M) ...", flush=True)
        t0 = time.perf_counter()
        index = ix.dense_index(x, ann_min_vectors=0)
        t_build = time.perf_counter() - t0
        if saved:
            saved.parent.mkdir(parents=True, exist_ok=True)
            faiss.write_index(index, str(saved))
    flat = faiss.IndexFlatIP(d)
    flat.add(x)
    t0 = time.perf_counter()
    _, exact = flat.search(q, 10)
    t_exact_batch = time.perf_counter() - t0
    exact_one = []
    for i in range(20):
        t0 = time.perf_counter(); flat.search(q[i : i + 1], 10); exact_one.append(time.perf_counter() - t0)
    sweep = {}
    for nprobe in sorted({*NPROBE_SWEEP, ix.IVF_NPROBE}):
        params = faiss.SearchParametersIVF(nprobe=nprobe)
        ts, hits = [], []
        for i in range(queries):
            t0 = time.perf_counter()
            _, got = index.search(q[i : i + 1], 10, params=params)  # one query, as Retriever._dense asks
            ts.append(time.perf_counter() - t0)
            hits.append(len(set(got[0].tolist()) & set(exact[i].tolist())) / 10)
        sweep[nprobe] = dict(recall10=float(np.mean(hits)), p50_ms=pct(ts, 50), p95_ms=pct(ts, 95))
        print(f"  nprobe {nprobe:4d}: recall@10 {sweep[nprobe]['recall10']:.3f}, p50 {sweep[nprobe]['p50_ms']:.2f} ms, "
              f"p95 {sweep[nprobe]['p95_ms']:.2f} ms", flush=True)
    return dict(vectors=n, kind="IVF-Flat", nlist=int(index.nlist), nprobe=ix.IVF_NPROBE, build_s=t_build,
                **sweep[ix.IVF_NPROBE], sweep=sweep,
                exact_p50_ms=pct(exact_one, 50), exact_batch_s=t_exact_batch)


def svg_plot(rows: list[dict], vec: dict | None, path: Path) -> None:
    """Log-log lines of time against corpus size (passages), by hand."""
    series = [("warm ask p50", "ask_p50_ms", "#1f77b4"), ("dense search p50", "dense_p50_ms", "#d62728"),
              ("exact search p50", "exact_p50_ms", "#ff7f0e"), ("BM25 scoring p50", "bm25_p50_ms", "#2ca02c")]
    pts = {key: [(r["chunks"], r[key]) for r in rows] for _, key, _ in series}
    if vec:
        pts["dense_p50_ms"].append((vec["vectors"], vec["p50_ms"]))
        pts["exact_p50_ms"].append((vec["vectors"], vec["exact_p50_ms"]))
    xs = [x for v in pts.values() for x, _ in v]
    ys = [max(y, 1e-3) for v in pts.values() for _, y in v]
    lx0, lx1 = np.floor(np.log10(min(xs))), np.ceil(np.log10(max(xs)))
    ly0, ly1 = np.floor(np.log10(min(ys))), np.ceil(np.log10(max(ys)))
    W, H, L, B, T, R = 720, 440, 70, 50, 40, 200

    def px(x):
        return L + (np.log10(x) - lx0) / max(lx1 - lx0, 1) * (W - L - R)

    def py(y):
        return H - B - (np.log10(max(y, 1e-3)) - ly0) / max(ly1 - ly0, 1) * (H - B - T)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{L}" y="22" font-size="14">Time per query vs corpus size (passages), log-log; 2 cores</text>']
    for e in range(int(lx0), int(lx1) + 1):
        out.append(f'<line x1="{px(10**e):.1f}" y1="{T}" x2="{px(10**e):.1f}" y2="{H-B}" stroke="#ddd"/>'
                   f'<text x="{px(10**e):.1f}" y="{H-B+16}" text-anchor="middle">1e{e}</text>')
    for e in range(int(ly0), int(ly1) + 1):
        out.append(f'<line x1="{L}" y1="{py(10**e):.1f}" x2="{W-R}" y2="{py(10**e):.1f}" stroke="#ddd"/>'
                   f'<text x="{L-6}" y="{py(10**e)+4:.1f}" text-anchor="end">{10**e:g} ms</text>')
    out.append(f'<text x="{(L+W-R)/2}" y="{H-12}" text-anchor="middle">passages (vectors)</text>')
    for i, (label, key, colour) in enumerate(series):
        p = sorted(pts[key])
        out.append('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
            colour, " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in p)))
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in p]
        out.append(f'<rect x="{W-R+15}" y="{T+20*i}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{W-R+32}" y="{T+20*i+10}">{label}</text>')
    out.append("</svg>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def table(rows: list[dict], rate: float | None) -> str:
    head = ("| letters | passages | sentences | build (stand-in, excl. its embedding) | ingest letters/s (stand-in) "
            "| real ingest (e5 at measured rate) | peak RSS build / all | serving process RSS (index; sentence vectors) "
            "| index on disk | load (index + pipeline) "
            "| warm ask p50 / p95 | BM25 p50 | dense p50 (kind) | exact p50 | recall@10 (tie-aware) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        real = (r["build_rest_s"] + r["embedded"] / rate) if rate else None
        lines.append(
            f"| {r['letters']} | {r['chunks']} | {r['sentences']} | {r['build_rest_s']:.1f} s "
            f"| {r['letters'] / r['build_s']:.2f} | {_dur(real)} | {r.get('build_rss_mb', 0):.0f} / {r['peak_rss_mb']:.0f} MB "
            f"| {_serving(r)} "
            f"| {r['index_bytes'] / 2**20:.1f} MB | {r['load_s']:.2f} + {r['pipeline_s']:.2f} s "
            f"| {r['ask_p50_ms']:.0f} / {r['ask_p95_ms']:.0f} ms | {r['bm25_p50_ms']:.2f} ms "
            f"| {r['dense_p50_ms']:.2f} ms ({'IVF' if r['ann'] else 'exact'}) | {r['exact_p50_ms']:.2f} ms "
            f"| {r['recall10']:.3f} ({r['recall10_ties']:.3f}) |")
    return "\n".join(lines)


def _serving(r: dict) -> str:
    if "serve_total_mb" not in r:  # a --json of a run before the serving process was measured
        return "n/a"
    return (f"{r['serve_total_mb']:.0f} MB ({r['serve_index_mb']:.0f}; {r['serve_sentences_mb']:.0f})")


def _dur(s: float | None) -> str:
    if s is None:
        return "n/a"
    return f"{s:.0f} s" if s < 120 else f"{s / 60:.0f} min" if s < 7200 else f"{s / 3600:.1f} h"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="5,500,5000")
    ap.add_argument("--vectors", type=int, default=1_000_000, help="0: skip the vectors-only run")
    ap.add_argument("--real-sample", type=int, default=32, help="0: skip the real embedder")
    ap.add_argument("--plot", type=Path, default=ROOT / "docs" / "scaling.svg")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw results here")
    ap.add_argument("--keep", type=Path, default=None, help="keep/reuse the vectors-only approximate index in this folder")
    ap.add_argument("--render", default="", help="only redraw table and plot from --json files of earlier runs (comma-separated)")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--serve", type=Path, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve is not None:
        print(json.dumps(serve_only(a.serve)))
        return
    if a.one is not None:
        print(json.dumps(run_one(a.one)))
        return
    if a.render:
        rate, rows, vec = None, [], None
        for f in a.render.split(","):
            d = json.loads(Path(f).read_text(encoding="utf-8"))
            rate, rows, vec = d["rate"] or rate, rows + d["rows"], d["vectors"] or vec
        print(table(sorted(rows, key=lambda r: r["letters"]), rate))
        svg_plot(rows, vec, a.plot)
        print(f"\nplot: {a.plot}")
        return
    from rag.store import index as ix

    settings = load_settings()
    print(f"ANN threshold (Settings.ann_min_vectors): {settings.ann_min_vectors} vectors; "
          f"above it IVF-Flat, {ix.IVF_LISTS_PER_SQRT}·sqrt(n) cells (at least {ix.IVF_MIN_PER_LIST} vectors each), "
          f"nprobe {ix.IVF_NPROBE}", flush=True)
    rate = real_rate(a.real_sample) if a.real_sample else None
    if rate:
        print(f"real embedder {settings.embedder}: {rate:.1f} passages/s (measured on {a.real_sample} real passages)",
              flush=True)
    rows = []
    for n in [int(x) for x in a.sizes.split(",") if x]:
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True)
        if out.returncode:
            print(f"{n} letters failed:\n{out.stderr[-2000:]}", flush=True)
            continue
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"{n} letters done in {time.perf_counter() - t0:.0f} s: {rows[-1]}", flush=True)
    vec = None
    if a.vectors:
        vec = run_vectors(a.vectors, keep=a.keep)
        built = "reused" if vec["build_s"] is None else f"{vec['build_s']:.0f} s"
        print(f"{vec['vectors']} vectors: IVF-Flat, {vec['nlist']} cells, nprobe {vec['nprobe']}, "
              f"build {built}, recall@10 {vec['recall10']:.3f}, p50 {vec['p50_ms']:.2f} ms, "
              f"p95 {vec['p95_ms']:.2f} ms (exact search p50 {vec['exact_p50_ms']:.1f} ms)", flush=True)
    print("\nMeasured with the STAND-IN embedder (hashed bag of words, 384-d): everything but the "
          "'real ingest' column, which is the measured build minus stand-in embedding plus "
          "(chunks + sentences) / the real embedder's measured rate.\n")
    print(table(rows, rate))
    if rows or vec:
        svg_plot(rows, vec, a.plot)
        print(f"\nplot: {a.plot}")
    if a.json:
        a.json.write_text(json.dumps(dict(rate=rate, rows=rows, vectors=vec), indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
