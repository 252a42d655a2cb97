"""Sessions answer side by side through the app's question path (PipelineGuard)."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from rag.app.session import LLMServer, PipelineGuard, with_llm_settings
from rag.library import Library

from tests.support.fake_openai_server import FakeOpenAIServer

QUESTIONS = [
    "Welke bronlanden van cocaïne noemen de brieven?",
    "Vertel iets over het Nederlands-Belgische havenproject tegen drugssmokkel.",
    "Wie is de burgemeester van Amsterdam?",
    "What does the minister say about the ports of Rotterdam and Antwerp?",
    "Hoeveel geld gaat er naar de regionale aanpak van ondermijning?",
    "Wat doet de Taskforce Underground Banking?",
]


@pytest.fixture(scope="module")
def guard(pipeline):
    g = PipelineGuard()
    g.swap(Library(pipeline))
    return g


@pytest.mark.model
def test_concurrent_sessions_get_the_answers_one_session_gets(guard):
    expected = {q: guard.ask(q).answer for q in QUESTIONS}
    work = QUESTIONS * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda q: (q, guard.ask(q).answer), work))
    assert [a for _, a in answers] == [expected[q] for q in work]


@pytest.mark.model
def test_a_slow_llm_answer_blocks_no_other_session(guard):
    """One session waits on a slow LLM server; another session's extractive
    question is answered meanwhile (no server-wide lock on the question path)."""
    with FakeOpenAIServer(reply="Colombia [1].", delay_s=5.0) as server:
        slow_pipeline = with_llm_settings(guard.pipeline, LLMServer(server.base_url, "fake-model"))
        started = threading.Event()
        done: dict[str, float] = {}

        def slow() -> None:
            started.set()
            guard.ask(QUESTIONS[0], pipeline=slow_pipeline, generator="openai")
            done["slow"] = time.monotonic()

        t = threading.Thread(target=slow)
        t.start()
        started.wait(5)
        time.sleep(0.3)  # the slow request is at the server
        answer = guard.ask(QUESTIONS[1])
        done["fast"] = time.monotonic()
        t.join(30)
    assert answer.status == "answered" and "Fortius" in answer.answer
    assert done["fast"] < done["slow"]


@pytest.mark.model
def test_a_swapped_in_pipeline_serves_the_next_question(guard, pipeline):
    other = pipeline.with_settings(k=2)
    g = PipelineGuard()
    g.swap(Library(pipeline))
    assert len(g.ask(QUESTIONS[1]).passages) >= pipeline.settings.k
    g.swap(Library(other))
    assert len(g.ask(QUESTIONS[1]).passages) == 2


class _Pipe:
    """Stands in for a Library and its Pipeline: a version, and what following_live finds."""

    def __init__(self, version: str, newer=None, refresh: float = 0.0):
        from rag.config import load_settings

        self.version, self.newer, self.looks = version, newer, 0
        self.pipeline = self
        self.settings = load_settings().replace(refresh_seconds=refresh)

    def following_live(self):
        self.looks += 1
        if isinstance(self.newer, Exception):
            raise self.newer
        return self.newer


def test_current_follows_a_version_another_process_built():
    g = PipelineGuard()
    newer = _Pipe("v2")
    g.swap(_Pipe("v1", newer))
    assert g.current() is newer and g.pipeline is newer
    assert g.current() is newer and newer.looks == 1  # v2 is live: looked, nothing to load


def test_current_looks_at_most_every_refresh_seconds_and_never_waits():
    g = PipelineGuard()
    old = _Pipe("v1", _Pipe("v2"), refresh=3600)
    g.swap(old)
    assert g.current() is old and old.looks == 0  # too soon after the load
    g._checked -= 3601
    held = threading.Event()
    release = threading.Event()

    def hold():
        with g.lock:
            held.set()
            release.wait(5)

    t = threading.Thread(target=hold)  # another session is loading or swapping
    t.start()
    held.wait(5)
    assert g.current() is old and old.looks == 0  # answers from what it has, without waiting
    release.set()
    t.join()
    assert g.current().version == "v2" and old.looks == 1


def test_a_version_that_cannot_be_loaded_leaves_the_current_one_answering():
    from rag.errors import IndexStateError

    g = PipelineGuard()
    old = _Pipe("v1", IndexStateError("beschadigd", "opnieuw bouwen"))
    g.swap(old)
    assert g.current() is old and old.looks == 1
    assert g.current() is old and old.looks == 2  # the next look tries again


def test_an_app_process_sizes_torch_threads_before_torch_loads(monkeypatch):
    import os
    import sys

    from rag.embed.model import size_threads_for_serving

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    size_threads_for_serving(0)  # 0: all cores, nothing set
    assert "OMP_NUM_THREADS" not in os.environ
    size_threads_for_serving(1)
    assert os.environ["OMP_NUM_THREADS"] == "1"
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # the user's choice wins
    size_threads_for_serving(1)
    assert os.environ["OMP_NUM_THREADS"] == "2"
