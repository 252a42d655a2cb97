"""Notebooks: a conversation and its briefing note, kept server-side as they change.

A browser reload, a dropped connection or an app restart must not lose a note
built over an afternoon, so the app writes every change here at once, each as
one transaction, and reads the notebook back when a page opens.

Who sees what: a notebook belongs to a workspace. Both are random 128-bit ids
that live only in the page URL (`?ws=…&nb=…`): whoever has the URL has the
notebook, the list of earlier notebooks is that workspace's, and a browser
session without the URL starts a workspace of its own. There are no accounts;
the ids are capabilities, as in a shared-document link.

Where: an SQLite file (Settings.notebooks_path, the default, nothing to run),
or the Postgres database of RAG_STORE when the index lives there, so app
processes behind one load balancer share notebooks. The SQL is the same for
both; only the connection and the parameter style differ.

What is stored is plain JSON: messages as the app keeps them (an Answer as
`answer_record`, with the passages its source cards show) and note items as
the note's own records (rag.app.note.NoteItem.to_record).
"""
from __future__ import annotations

import json
import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rag import texts as T
from rag.config import POSTGRES_CONNECT_TIMEOUT_S, is_postgres_uri, psycopg_uri
from rag.errors import InputError, StoreError
from rag.records import Answer, Chunk, Citation, Passage

ID_BYTES = 16  # 128 bits: not guessable, so a URL is the only way in
_ID = re.compile(r"[A-Za-z0-9_-]{22}")
MAX_TITLE_CHARS = 200
# One stored message or note item; far above any answer the app produces
# (an answer with its passages is ~10 KB), so only a damaged value hits it.
MAX_RECORD_CHARS = 2_000_000

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS rag_notebooks (
        id TEXT PRIMARY KEY,
        workspace TEXT NOT NULL,
        title TEXT NOT NULL,
        intro TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '[]',
        next_id INTEGER NOT NULL DEFAULT 1,
        created TEXT NOT NULL,
        updated TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS rag_notebooks_ws ON rag_notebooks (workspace, updated)",
    """CREATE TABLE IF NOT EXISTS rag_notebook_messages (
        notebook TEXT NOT NULL,
        seq INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (notebook, seq))""",
)


def new_id() -> str:
    """A fresh workspace or notebook id (URL-safe, 22 characters)."""
    return secrets.token_urlsafe(ID_BYTES)


def valid_id(value: Any) -> bool:
    return isinstance(value, str) and bool(_ID.fullmatch(value))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


# ----------------------------------------------------------------- records
def answer_record(answer: Answer) -> dict[str, Any]:
    """An Answer as stored JSON: every field, with the passages' chunks
    (what the source cards and a refusal's closest passages show). The
    chunks' typed spans are left out: only the answerer reads them."""
    d: dict[str, Any] = {f.name: getattr(answer, f.name) for f in fields(answer)
                         if f.name not in ("citations", "passages")}
    d["citations"] = [c.to_dict() for c in answer.citations]
    d["passages"] = [{
        "chunk": {k: v for k, v in p.chunk.to_dict().items() if k != "typed"},
        "rank": p.rank, "score": float(p.score),
        "dense_score": None if p.dense_score is None else float(p.dense_score),
        "bm25_score": None if p.bm25_score is None else float(p.bm25_score),
    } for p in answer.passages]
    return d


def answer_from_record(d: dict[str, Any]) -> Answer:
    d = dict(d)
    d["citations"] = [Citation(**c) for c in d.get("citations", ())]
    d["passages"] = [Passage(chunk=Chunk.from_dict(p["chunk"]), rank=p["rank"], score=p["score"],
                             dense_score=p.get("dense_score"), bm25_score=p.get("bm25_score"))
                     for p in d.get("passages", ())]
    known = {f.name for f in fields(Answer)}
    return Answer(**{k: v for k, v in d.items() if k in known})


def message_record(msg: dict[str, Any]) -> dict[str, Any]:
    """A chat message as the app keeps it ({"id", "role", "content",
    optional "answer": Answer, "error": str}) as stored JSON."""
    out = {k: v for k, v in msg.items() if k != "answer"}
    if isinstance(msg.get("answer"), Answer):
        out["answer"] = answer_record(msg["answer"])
    return out


def message_from_record(d: dict[str, Any]) -> dict[str, Any]:
    msg = dict(d)
    if isinstance(msg.get("answer"), dict):
        msg["answer"] = answer_from_record(msg["answer"])
    return msg


@dataclass(frozen=True)
class NotebookInfo:
    """A line in the list of a workspace's notebooks."""

    id: str
    title: str
    created: str
    updated: str


@dataclass
class Notebook:
    """A notebook as read back: the conversation, the note and its header."""

    id: str
    workspace: str
    title: str
    intro: str
    messages: list[dict[str, Any]]  # message_from_record form
    note: list[dict[str, Any]]  # NoteItem.to_record form
    next_id: int
    created: str
    updated: str


def _dumps(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > MAX_RECORD_CHARS:
        raise InputError("Dit is te groot om in de notitie op te slaan.",
                         f"Maximaal {MAX_RECORD_CHARS:,} tekens per antwoord of notitie.".replace(",", "."))
    return text


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())[:MAX_TITLE_CHARS]
    return title or T.NOTE_TITLE


# ------------------------------------------------------------------- store
def store_target(settings) -> str:
    """The Postgres database when the index lives there (RAG_STORE), else
    the SQLite file (RAG_NOTEBOOKS)."""
    return settings.store if is_postgres_uri(settings.store) else str(settings.notebooks_path)


class NotebookStore:
    """Notebooks in SQLite (a file) or Postgres (a URI). Every method is one
    transaction on a connection of its own, so app sessions in threads and
    several app processes may share one store; a method on a notebook of
    another workspace finds nothing."""

    def __init__(self, target: str | Path):
        self.postgres = is_postgres_uri(str(target))
        self.target = psycopg_uri(str(target)) if self.postgres else Path(target)
        self._ready = False

    @property
    def where(self) -> str:
        return "de Postgres-database (RAG_STORE)" if self.postgres else str(self.target)

    # -- connection -------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[Any]:
        """A cursor inside one transaction: committed when the block ends,
        rolled back on any error. Database errors become a StoreError whose
        message says where the notes are kept."""
        try:
            conn = self._connect()
        except Exception as exc:  # noqa: BLE001 - any driver error: unreachable or unreadable
            raise self._error(exc) from exc
        try:
            cur = conn.cursor()
            if not self._ready:
                for stmt in SCHEMA:
                    cur.execute(stmt)
            yield _Cursor(cur, self.postgres)
            conn.commit()
            self._ready = True
        except (InputError, StoreError):
            conn.rollback()
            raise
        except Exception as exc:  # noqa: BLE001
            conn.rollback()
            if isinstance(exc, sqlite3.Error) or type(exc).__module__.startswith("psycopg"):
                raise self._error(exc) from exc
            raise
        finally:
            conn.close()

    def _connect(self):
        if self.postgres:
            import psycopg

            return psycopg.connect(self.target, connect_timeout=POSTGRES_CONNECT_TIMEOUT_S)
        path: Path = self.target
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")  # readers never wait on a writer
        return conn

    def _error(self, exc: BaseException) -> StoreError:
        return StoreError(
            f"De notities konden niet worden gelezen of opgeslagen ({self.where}): {type(exc).__name__}: {exc}"[:600],
            "Wat in dit venster staat blijft staan; probeer het zo opnieuw. Is het bestand beschadigd, "
            "zet het dan opzij (RAG_NOTEBOOKS wijst een ander bestand aan).",
        )

    # -- notebooks --------------------------------------------------------
    def _ensure(self, cur, workspace: str, notebook: str, title: str = T.NOTE_TITLE) -> None:
        """Create the notebook when it does not exist yet (an app page has its
        ids before the first change; the row comes with that change), and
        refuse an id another workspace owns."""
        self._check_ids(workspace, notebook)
        now = _now()
        cur.execute("INSERT INTO rag_notebooks (id, workspace, title, created, updated) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (id) DO NOTHING", (notebook, workspace, _clean_title(title), now, now))
        cur.execute("SELECT workspace FROM rag_notebooks WHERE id = ?", (notebook,))
        if cur.fetchone()[0] != workspace:  # an id of another workspace is never written to
            raise InputError("Deze notitie hoort bij een andere werkruimte.", "Open een nieuwe notitie.")

    def get(self, workspace: str, notebook: str) -> Notebook | None:
        if not (valid_id(workspace) and valid_id(notebook)):
            return None
        with self._tx() as cur:
            cur.execute("SELECT title, intro, note, next_id, created, updated FROM rag_notebooks "
                        "WHERE id = ? AND workspace = ?", (notebook, workspace))
            row = cur.fetchone()
            if row is None:
                return None
            cur.execute("SELECT data FROM rag_notebook_messages WHERE notebook = ? ORDER BY seq", (notebook,))
            messages = [message_from_record(json.loads(r[0])) for r in cur.fetchall()]
        title, intro, note, next_id, created, updated = row
        return Notebook(id=notebook, workspace=workspace, title=title, intro=intro, messages=messages,
                        note=json.loads(note), next_id=int(next_id), created=created, updated=updated)

    def list(self, workspace: str) -> list[NotebookInfo]:
        """The workspace's notebooks, most recently changed first."""
        if not valid_id(workspace):
            return []
        with self._tx() as cur:
            cur.execute("SELECT id, title, created, updated FROM rag_notebooks WHERE workspace = ? "
                        "ORDER BY updated DESC, created DESC", (workspace,))
            return [NotebookInfo(*row) for row in cur.fetchall()]

    def rename(self, workspace: str, notebook: str, title: str) -> None:
        with self._tx() as cur:
            self._ensure(cur, workspace, notebook, title)
            cur.execute("UPDATE rag_notebooks SET title = ?, updated = ? WHERE id = ? AND workspace = ?",
                        (_clean_title(title), _now(), notebook, workspace))

    def delete(self, workspace: str, notebook: str) -> bool:
        """Delete a notebook with its conversation; False if there was none."""
        if not (valid_id(workspace) and valid_id(notebook)):
            return False
        with self._tx() as cur:
            cur.execute("DELETE FROM rag_notebooks WHERE id = ? AND workspace = ?", (notebook, workspace))
            gone = cur.rowcount > 0
            if gone:
                cur.execute("DELETE FROM rag_notebook_messages WHERE notebook = ?", (notebook,))
        return gone

    # -- changes ----------------------------------------------------------
    def add_message(self, workspace: str, notebook: str, message: dict[str, Any], next_id: int) -> None:
        """Append one chat message (and the id counter it used up)."""
        data = _dumps(message_record(message))
        with self._tx() as cur:
            self._ensure(cur, workspace, notebook)
            cur.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM rag_notebook_messages WHERE notebook = ?",
                        (notebook,))
            seq = cur.fetchone()[0]
            cur.execute("INSERT INTO rag_notebook_messages (notebook, seq, data) VALUES (?, ?, ?)",
                        (notebook, seq, data))
            cur.execute("UPDATE rag_notebooks SET next_id = ?, updated = ? WHERE id = ? AND workspace = ?",
                        (int(next_id), _now(), notebook, workspace))

    def clear_messages(self, workspace: str, notebook: str) -> None:
        """A new conversation in the same notebook: the note stays."""
        if not (valid_id(workspace) and valid_id(notebook)):
            return
        with self._tx() as cur:
            cur.execute("SELECT 1 FROM rag_notebooks WHERE id = ? AND workspace = ?", (notebook, workspace))
            if cur.fetchone() is None:  # another workspace's notebook: not this caller's to clear
                return
            cur.execute("DELETE FROM rag_notebook_messages WHERE notebook = ?", (notebook,))
            cur.execute("UPDATE rag_notebooks SET updated = ? WHERE id = ? AND workspace = ?",
                        (_now(), notebook, workspace))

    def save_note(self, workspace: str, notebook: str, items: list[dict[str, Any]],
                  title: str | None = None, intro: str | None = None) -> None:
        """The whole note (it is small: references, not passages), and its
        title and introduction when given, in one transaction."""
        data = _dumps(list(items))
        if intro is not None:
            _dumps(intro)  # the size check
        with self._tx() as cur:
            self._ensure(cur, workspace, notebook, title or T.NOTE_TITLE)
            cur.execute("UPDATE rag_notebooks SET note = ?, updated = ? WHERE id = ? AND workspace = ?",
                        (data, _now(), notebook, workspace))
            if title is not None:
                cur.execute("UPDATE rag_notebooks SET title = ? WHERE id = ? AND workspace = ?",
                            (_clean_title(title), notebook, workspace))
            if intro is not None:
                cur.execute("UPDATE rag_notebooks SET intro = ? WHERE id = ? AND workspace = ?",
                            (intro, notebook, workspace))

    @staticmethod
    def _check_ids(*ids: str) -> None:
        if not all(valid_id(x) for x in ids):
            raise InputError("Ongeldige notitie-id in de adresbalk.", "Open de app zonder ?ws=… en ?nb=….")


class _Cursor:
    """sqlite3's '?' placeholders for both drivers (psycopg wants '%s')."""

    def __init__(self, cur, postgres: bool):
        self._cur = cur
        self._postgres = postgres

    def execute(self, sql: str, params: tuple = ()) -> None:
        self._cur.execute(sql.replace("?", "%s") if self._postgres else sql, params)

    def fetchone(self):
        return self._cur.fetchone()

    def fetchall(self):
        return self._cur.fetchall()

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount
