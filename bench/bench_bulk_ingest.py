"""`python -m rag ingest DIR` on many letters, killed half-way and resumed.

Makes N synthetic letters (default 500) from the five real ones in corpus/:
letter i is corpus letter i % 5 with one numbered sentence appended to every
paragraph ("Dit is synthetische brief 17, alinea 3."), so every letter's text
and every chunk differ (nothing is a duplicate of anything, all passages are
new to the embedder), while the page convention and signature stay as in the
original (title/date/Kamerstuk/minister are extracted as for the real letter).
The folder also holds one exact copy of a corpus letter (skipped as
duplicate), a broken PDF and a binary .txt (both refused).

Runs in a temp copy: RAG_CORPUS_DIR and RAG_INDEX_DIR point at copies of
corpus/ and index/ (so the five letters are not re-embedded), RAG_CACHE_DIR
at a temp folder whose models/ is a symlink to .cache/models (the embedder is
not rebuilt). Run 1 is SIGKILLed --kill-after seconds after it starts
embedding; run 2 resumes; run 3 must do nothing. Embedded texts per run are
read from the embedding bar (its total is what that run had to embed) and
from the vector cache's growth (what was saved).

    .venv/bin/python bench/bench_bulk_ingest.py --letters 40 --kill-after 30
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.config import load_settings  # noqa: E402
import numpy as np  # noqa: E402
import psutil  # noqa: E402

from rag.embed.vectorcache import CACHE_DIR  # noqa: E402

BAR = re.compile(r"Inbedden:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+)")


def make_letters(out: Path, n: int) -> None:
    settings = load_settings()
    sources = sorted(settings.corpus_dir.glob("*.txt"))
    out.mkdir(parents=True)
    for i in range(n):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        paragraphs = re.split(r"(\n[ \t]*\n)", text)
        j = 0
        for k in range(0, len(paragraphs), 2):
            if paragraphs[k].strip():
                j += 1
                paragraphs[k] = paragraphs[k].rstrip("\n") + f" Dit is synthetische brief {i}, alinea {j}."
        (out / f"brief-{i:04d}.txt").write_text("".join(paragraphs), encoding="utf-8")
    shutil.copy(sources[0], out / "kopie-van-corpusbrief.txt")
    (out / "kapot.pdf").write_bytes(b"%PDF-1.4 afgebroken")
    (out / "binair.txt").write_bytes(bytes(range(256)) * 8)


def cache_keys(index_dir: Path) -> int:
    """Texts in the vector cache (main file and shards), without loading a model."""
    keys: set[str] = set()
    for f in (index_dir / CACHE_DIR).glob("*.npz"):
        try:
            with np.load(f, allow_pickle=False) as data:
                keys |= {str(k) for k in data["keys"]}
        except Exception:  # noqa: BLE001 - a damaged shard counts as empty, as in VectorCache
            pass
    return len(keys)


def bar_counts(log: str) -> list[tuple[int, int]]:
    """(done, total) of the last update of each embedding bar."""
    runs: list[list[int]] = []
    for m in BAR.finditer(log.replace("\r", "\n")):
        done, total = int(m.group(1)), int(m.group(2))
        if not runs or runs[-1][1] != total or done < runs[-1][0]:
            runs.append([done, total])
        runs[-1][0] = done
    return [(d, t) for d, t in runs]


def ingest(env: dict, folder: Path, log: Path, kill_after: float | None) -> tuple[float, int | None, str, str, float]:
    """One `rag ingest` run: seconds, exit code, stdout, stderr and peak RSS
    (MiB, sampled every 0.5 s)."""
    t0 = time.perf_counter()
    peak = 0
    with open(log, "w") as err, tempfile.TemporaryFile("w+") as out:
        p = subprocess.Popen([sys.executable, "-m", "rag", "ingest", str(folder)], cwd=ROOT, env=env,
                             stdout=out, stderr=err, text=True)
        proc = psutil.Process(p.pid)
        started = None
        while p.poll() is None:
            with contextlib.suppress(psutil.Error):
                peak = max(peak, proc.memory_info().rss)
            time.sleep(0.5)
            if kill_after is None:
                continue
            if started is None and "Inbedden" in log.read_text():
                started = time.perf_counter()
            if started is not None and time.perf_counter() - started >= kill_after:
                p.send_signal(signal.SIGKILL)
                break
        p.wait()
        out.seek(0)
        text = out.read()
    return time.perf_counter() - t0, p.returncode, text, log.read_text(), peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--letters", type=int, default=500)
    ap.add_argument("--kill-after", type=float, default=60.0, help="seconds of embedding before the SIGKILL")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = ap.parse_args()

    settings = load_settings()
    tmp = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    try:
        shutil.copytree(settings.corpus_dir, tmp / "corpus")
        if settings.index_dir.is_dir():
            shutil.copytree(settings.index_dir, tmp / "index", ignore=shutil.ignore_patterns(".lock"))
        (tmp / "cache").mkdir()
        (tmp / "cache" / "models").symlink_to(settings.embedder_cache.resolve())
        make_letters(tmp / "in", args.letters)
        env = {**os.environ, "RAG_CORPUS_DIR": str(tmp / "corpus"), "RAG_INDEX_DIR": str(tmp / "index"),
               "RAG_CACHE_DIR": str(tmp / "cache")}

        keys = lambda: cache_keys(tmp / "index")  # noqa: E731
        files = len(list((tmp / "in").iterdir()))
        k0 = keys()
        print(f"files: {files} ({args.letters} synthetic letters, 1 copy of a corpus letter, 1 broken PDF, "
              f"1 binary .txt); cache before: {k0} texts")

        t1, rc1, out1, log1, rss1 = ingest(env, tmp / "in", tmp / "run1.log", args.kill_after)
        k1 = keys()
        bars1 = bar_counts(log1)
        in_corpus = len(list((tmp / "corpus").glob("*.json")))
        print(f"run 1: killed after {t1:.0f} s (rc {rc1}); embedding bar reached {bars1[-1] if bars1 else '-'}; "
              f"saved to the cache: {k1 - k0} texts; letters in corpus/: {in_corpus}; peak RSS {rss1:.0f} MiB")

        t2, rc2, out2, log2, rss2 = ingest(env, tmp / "in", tmp / "run2.log", None)
        k2 = keys()
        bars2 = bar_counts(log2)
        print(f"run 2: {t2:.0f} s (rc {rc2}); embedded (bar totals): {[t for _, t in bars2]}; "
              f"cache grew by {k2 - k1} texts; peak RSS {rss2:.0f} MiB")
        print("\n".join("  " + ln for ln in out2.splitlines() if ln.startswith(("samenvatting", "geweigerd", "index"))))

        t3, rc3, out3, log3, rss3 = ingest(env, tmp / "in", tmp / "run3.log", None)
        bars3 = bar_counts(log3)
        print(f"run 3: {t3:.0f} s (rc {rc3}); embedded: {sum(t for _, t in bars3)}; peak RSS {rss3:.0f} MiB")
        print("\n".join("  " + ln for ln in out3.splitlines() if ln.startswith(("samenvatting", "index"))))

        lost = (bars1[-1][0] if bars1 else 0) - (k1 - k0)
        print(f"\nembedded on run 1 (saved): {k1 - k0}, on run 2: {sum(t for _, t in bars2)}, "
              f"together {k1 - k0 + sum(t for _, t in bars2)} = cache growth {k2 - k0}; "
              f"lost to the kill (embedded but not yet saved): {max(lost, 0)}")
        # The summary of the resumed run, checked against what the folder holds.
        want2 = (f"samenvatting: {args.letters} toegevoegd", "1 overgeslagen (al aanwezig: kopie-van-corpusbrief.txt)",
                 "2 geweigerd")
        want3 = (f"samenvatting: 0 toegevoegd, {args.letters + 1} overgeslagen", "2 geweigerd")
        print(f"summary of run 2 as expected: {all(w in out2 for w in want2)}; "
              f"of run 3: {all(w in out3 for w in want3)}")
        if args.keep:
            print(f"kept: {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
