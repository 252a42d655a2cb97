"""Run index and cache faults through the real CLI (`python -m rag ask Q --json`).

    .venv/bin/python bench/fault_cases.py

Each case damages a fresh copy of the built index (and of the sentence-vector
cache) the way ../shared/notes/fault-cases.md describes, then runs the CLI
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
    "sent_cache_npz_trunc": lambda i, c: npz(c / "sentences", "trunc"),
    "sent_cache_npz_garbage_zip": lambda i, c: npz(c / "sentences", "zip"),
}


def run(case: str, base, tmp: Path) -> tuple[str, ...]:
    index, cache = tmp / case / "index", tmp / case / "cache"
    shutil.copytree(base.index_dir, index)
    cache.mkdir(parents=True)
    (cache / "models").symlink_to(base.cache_dir / "models")
    shutil.copytree(base.cache_dir / "sentences", cache / "sentences")
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
        f.write("12345")
        f.flush()
        env = {**os.environ, "RAG_INDEX_DIR": str(index)}
        r = subprocess.run([sys.executable, "-m", "rag", "ingest"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300)
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("Fout:")]
    return ("ingest while .lock held by another process", str(r.returncode), "no",
            "yes" if lines and "Traceback" not in r.stderr else "no", (lines[0] if lines else r.stderr[-120:])[:150])


def main() -> None:
    base = load_settings()
    print("| case | exit | answered | clear message | what the user sees (head) |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        for case in CASES:
            print("| " + " | ".join(run(case, base, Path(tmp))) + " |", flush=True)
        print("| " + " | ".join(lock_held(base, Path(tmp))) + " |", flush=True)


if __name__ == "__main__":
    main()
