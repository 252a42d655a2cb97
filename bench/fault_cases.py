"""Run index and cache faults through the real CLI (`python -m rag ask Q --json`).

    .venv/bin/python bench/fault_cases.py

Each case damages a fresh copy of the built index the way ../shared/notes/fault-cases.md describes, then runs the CLI
with RAG_INDEX_DIR / RAG_CACHE_DIR pointing at the copy. Prints a Markdown
table: exit status, whether it answered, whether the message is clear (a
`Fout:` line and no traceback), and the first line the user sees.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.config import load_settings  # noqa: E402
from rag.fileutil import sha256_file  # noqa: E402

QUESTION = "Welke landen produceren de cocaïne die naar Europa komt?"


def version(index: Path) -> Path:
    return index / (index / "CURRENT").read_text().strip()


def edit_first_chunk(index: Path, **fields) -> None:
    v = version(index)
    lines = (v / "chunks.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    first.update(fields)
    lines[0] = json.dumps(first)
    (v / "chunks.jsonl").write_text("\n".join(lines) + "\n")
    m = json.loads((v / "manifest.json").read_text())
    m["files"]["chunks.jsonl"] = sha256_file(v / "chunks.jsonl")
    (v / "manifest.json").write_text(json.dumps(m))


def manifest_devzero(index: Path) -> None:
    v = version(index)
    m = json.loads((v / "manifest.json").read_text())
    m["files"]["/dev/zero"] = "0" * 64
    (v / "manifest.json").write_text(json.dumps(m))


def npz(folder: Path, damage: str) -> None:
    for f in folder.glob("*.npz"):
        f.write_bytes(f.read_bytes()[: f.stat().st_size // 2] if damage == "trunc" else b"PK\x03\x04garbage")


def stale(index: Path) -> None:
    (index / "CURRENT").write_text("")  # nothing built: a rebuild must read the damaged cache


CASES = {
    "current_invalid_utf8": lambda i, c: (i / "CURRENT").write_bytes(b"\xff\xfe"),
    "current_is_dir": lambda i, c: ((i / "CURRENT").unlink(), (i / "CURRENT").mkdir()),
    "current_1MB": lambda i, c: (i / "CURRENT").write_text("v" * 2**20),
    "current_abs_path_etc": lambda i, c: (i / "CURRENT").write_text("/etc"),
    "current_traversal_other_index": lambda i, c: (i / "CURRENT").write_text("../index2/v-1"),
    "index_dir_is_file": lambda i, c: (shutil.rmtree(i), i.write_text("not a folder")),
    "manifest_files_devzero": lambda i, c: manifest_devzero(i),
    "chunks_text_int_rehashed": lambda i, c: edit_first_chunk(i, text=5),
    "index_cache_npz_trunc_stale": lambda i, c: (npz(i / "cache", "trunc"), stale(i)),
    "index_cache_npz_garbage_zip_stale": lambda i, c: (npz(i / "cache", "zip"), stale(i)),
    "sentences_npz_trunc": lambda i, c: npz(version(i), "trunc"),
    "sentences_npz_garbage_zip": lambda i, c: npz(version(i), "zip"),
}


def run(case: str, base, tmp: Path) -> tuple[str, ...]:
    index, cache = tmp / case / "index", tmp / case / "cache"
    shutil.copytree(base.index_dir, index)
    cache.mkdir(parents=True)
    (cache / "models").symlink_to(base.cache_dir / "models")
    if (base.cache_dir / "tiktoken").exists():
        (cache / "tiktoken").symlink_to(base.cache_dir / "tiktoken")
    CASES[case](index, cache)
    env = {**os.environ, "RAG_INDEX_DIR": str(index), "RAG_CACHE_DIR": str(cache)}
    try:
        r = subprocess.run([sys.executable, "-m", "rag", "ask", QUESTION, "--json"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return (case, "hang", "no", "no", "killed after 300 s")
    answered = r.returncode == 0 and '"answer"' in r.stdout
    clear = "Traceback" not in r.stderr and (answered or "Fout:" in r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("Fout:")]
    head = "answered: " + json.loads(r.stdout)["answer"][:60] if answered else (lines[0] if lines else r.stderr[-120:])
    return (case, str(r.returncode), "yes" if answered else "no", "yes" if clear else "no",
            head.replace(str(tmp), "…").replace("|", "/")[:150])


def lock_held(base, tmp: Path) -> tuple[str, ...]:
    index = tmp / "lock" / "index"
    shutil.copytree(base.index_dir, index)
    with open(index / ".lock", "a+") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        f.truncate(0)  # the lock file holds its holder's pid (the copied one holds the builder's)
        f.write("12345")
        f.flush()
        env = {**os.environ, "RAG_INDEX_DIR": str(index)}
        # --rebuild: an ingest that must build (one with nothing to do says
        # "al actueel" without taking the lock, rightly).
        r = subprocess.run([sys.executable, "-m", "rag", "ingest", "--rebuild"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("Fout:")]
    return ("ingest --rebuild while .lock held by another process", str(r.returncode), "no",
            "yes" if lines and "Traceback" not in r.stderr else "no", (lines[0] if lines else r.stderr[-120:])[:150])


def _ro_mount(path: Path, fill) -> None:
    """A read-only tmpfs at `path`, filled first (needs root, as in CI)."""
    path.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512m", "tmpfs", str(path)], check=True)
    fill(path)
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)


def read_only_cases(base, tmp: Path) -> list[tuple[str, ...]]:
    """Read-only index, cache and corpus folders (real read-only mounts)."""
    letter = tmp / "ro-letter.txt"
    letter.write_text((base.corpus_dir / "003_7e6436581eb7aa94.txt").read_text().replace("regionale", "lokale"))
    mounts, rows = [], []

    def cli(name, args, **env_dirs):
        env = {**os.environ, **{k: str(v) for k, v in env_dirs.items()}}
        r = subprocess.run([sys.executable, "-m", "rag", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=300)
        answered = r.returncode == 0 and ('"answer"' in r.stdout or "index (" in r.stdout)
        fout = [ln for ln in r.stderr.splitlines() if ln.startswith("Fout:")]
        clear = "Traceback" not in r.stderr and (answered or bool(fout))
        head = (r.stdout.splitlines() or [""])[0][:80] if answered else (fout[0] if fout else r.stderr[-120:])
        rows.append((name, str(r.returncode), "yes" if answered else "no", "yes" if clear else "no",
                     head.replace(str(tmp), "…").replace("|", "/")[:150]))

    try:
        ro_index = tmp / "ro" / "index"
        _ro_mount(ro_index, lambda p: shutil.copytree(base.index_dir, p, dirs_exist_ok=True))
        mounts.append(ro_index)
        cli("RO index, valid, ask", ["ask", QUESTION, "--json"], RAG_INDEX_DIR=ro_index)
        corpus = tmp / "ro" / "corpus"
        shutil.copytree(base.corpus_dir, corpus)
        cli("RO index, ingest new letter", ["ingest", str(letter)], RAG_INDEX_DIR=ro_index, RAG_CORPUS_DIR=corpus)
        rows[-1] = rows[-1][:4] + (rows[-1][4] + f" (corpus still {len(list(corpus.glob('*.txt')))} letters)",)
        ro_cache = tmp / "ro" / "cache"

        def fill_cache(p: Path) -> None:
            (p / "models").symlink_to(base.cache_dir / "models")
            if (base.cache_dir / "tiktoken").exists():
                (p / "tiktoken").symlink_to(base.cache_dir / "tiktoken")

        _ro_mount(ro_cache, fill_cache)
        mounts.append(ro_cache)
        cli("RO cache (no sentence cache), ask", ["ask", QUESTION, "--json"], RAG_CACHE_DIR=ro_cache)
        ro_corpus = tmp / "ro" / "corpus-ro"
        _ro_mount(ro_corpus, lambda p: shutil.copytree(base.corpus_dir, p, dirs_exist_ok=True))
        mounts.append(ro_corpus)
        index2 = tmp / "ro" / "index2"
        shutil.copytree(base.index_dir, index2)
        cli("RO corpus, ingest new letter", ["ingest", str(letter)], RAG_CORPUS_DIR=ro_corpus, RAG_INDEX_DIR=index2)
    finally:
        for m in mounts:
            subprocess.run(["umount", str(m)], check=False)
    return rows


def main() -> None:
    base = load_settings()
    print("| case | exit | answered | clear message | what the user sees (head) |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        for case in CASES:
            print("| " + " | ".join(run(case, base, Path(tmp))) + " |", flush=True)
        print("| " + " | ".join(lock_held(base, Path(tmp))) + " |", flush=True)
        for row in read_only_cases(base, Path(tmp)):
            print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
