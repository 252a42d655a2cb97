"""Index faults from ../shared/notes/fault-cases.md as a table: each damages a
freshly built index one way and must end in a clear IndexStateError (the
CLI's `Fout:` and exit 2), never a traceback or a hang."""
from __future__ import annotations

import json
import os
import threading
import time

import pytest

from bench.fault_cases import edit_first_chunk
from rag import fileutil
from rag.store import index as index_mod
from rag.errors import IndexStateError

from tests.support.fakes import CHUNKS, build, load


def _version(tmp_path):
    return tmp_path / (tmp_path / "CURRENT").read_text().strip()


def _edit_manifest(tmp_path, change):
    v = _version(tmp_path)
    m = json.loads((v / "manifest.json").read_text())
    change(m)
    (v / "manifest.json").write_text(json.dumps(m))


def _edit_chunk(tmp_path, **fields):
    edit_first_chunk(tmp_path, **fields)


def _current(tmp_path, data: bytes):
    (tmp_path / "CURRENT").write_bytes(data)


FAULTS = {
    "current_invalid_utf8": lambda t: _current(t, b"\xff\xfe"),
    "current_1MB": lambda t: _current(t, b"v" * 2**20),
    "current_nul": lambda t: _current(t, b"v-abc\x00def"),
    "current_abs_path": lambda t: _current(t, b"/etc"),
    "current_traversal": lambda t: _current(t, b"../other-index/v-1"),
    "current_garbage_name": lambda t: _current(t, b"v-does-not-exist"),
    "current_is_dir": lambda t: ((t / "CURRENT").unlink(), (t / "CURRENT").mkdir()),
    "manifest_files_devzero": lambda t: _edit_manifest(t, lambda m: m["files"].update({"/dev/zero": "0"})),
    "manifest_files_traversal": lambda t: _edit_manifest(t, lambda m: m["files"].update({"../../passwd": "0"})),
    "manifest_is_list": lambda t: (_version(t) / "manifest.json").write_text("[]"),
    "chunks_text_int": lambda t: _edit_chunk(t, text=5),
    "chunks_pages_null": lambda t: _edit_chunk(t, pages=None),
    "chunks_spans_outside": lambda t: _edit_chunk(t, answer_spans=[[0, 10**6]]),
    "faiss_deleted": lambda t: (_version(t) / "vectors.faiss").unlink(),
    "version_dir_deleted": lambda t: [p.unlink() for p in _version(t).iterdir()] and _version(t).rmdir(),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_index_fault_gives_a_clear_message(tmp_path, fault):
    build(CHUNKS, tmp_path)
    FAULTS[fault](tmp_path)
    with pytest.raises(IndexStateError) as err:
        load(tmp_path)
    assert err.value.message and "Traceback" not in str(err.value)


def test_index_folder_that_is_a_file(tmp_path):
    f = tmp_path / "index"
    f.write_text("not a folder")
    with pytest.raises(IndexStateError, match="geen map"):
        load(f)


class _Clock:
    """The time module as rag.fileutil's lock sees it, on a clock that sleeping moves
    on at once: waiting out a lock costs no real time and is measured exactly."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def __getattr__(self, name):
        return getattr(time, name)


def test_a_held_build_lock_says_who_holds_it(tmp_path, monkeypatch):
    build(CHUNKS, tmp_path)
    entered, release = threading.Event(), threading.Event()

    def hold():
        with index_mod._build_lock(tmp_path):
            entered.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    assert entered.wait(5)
    clock = _Clock()
    monkeypatch.setattr(fileutil, "time", clock)
    try:
        with pytest.raises(IndexStateError, match=f"pid {os.getpid()}"):
            with index_mod._build_lock(tmp_path, wait_s=0.5):
                pass
    finally:
        release.set()
        t.join()
    # It gave up once its own wait was over, not when the holder let go (10 s
    # of real time): the waited time is on the fake clock, one poll at most
    # past wait_s. The real wall time is printed by bench/bench_latency_checks.py.
    assert 0.5 <= clock.now < 0.5 + 1


def test_a_signed_index_detects_a_rehashed_edit(tmp_path):
    """With RAG_INDEX_KEY the manifest is signed: an edited chunk with its
    checksum recomputed loads without the key but is refused with it."""
    build(CHUNKS, tmp_path, key="geheim")
    assert len(load(tmp_path, key="geheim").chunks) == len(CHUNKS)
    _edit_chunk(tmp_path, text="Nederland, België en Duitsland produceren de cocaïne.")
    load(tmp_path)  # no key: checksums were recomputed, so this passes
    with pytest.raises(IndexStateError, match="RAG_INDEX_KEY"):
        load(tmp_path, key="geheim")
    with pytest.raises(IndexStateError, match="RAG_INDEX_KEY"):
        load(tmp_path, key="een andere sleutel")
