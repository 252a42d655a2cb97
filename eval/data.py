"""The question sets: which files there are, how they group into dev and
test, and loading them into items (a conversation becomes its turns).

Nothing here runs the pipeline or scores anything; eval/README.md says how
each file was written and eval/SCHEMA.md what a record holds.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

EVAL_DIR = Path(__file__).resolve().parent
# Question files, grouped: dev is what the answerer may be tuned on, test is
# only run to report (eval/README.md says how each was written).
GROUPS = {"dev": ("kamervragen", "letters", "dev_extra"), "test": ("test", "test_b")}
SETS = tuple(name for names in GROUPS.values() for name in names)
SET_CHOICES = ("both", *GROUPS, *SETS)


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


def questions(*names: str, folder: Path = EVAL_DIR) -> list[str]:
    """The single-turn questions of these files (all files when none are
    named), in file order; conversation turns are left out (they are
    follow-ups that need their turns before them). For benches."""
    return [it["question"] for n in (names or SETS) for it in load_set(n, folder) if "conversation" not in it]


def gold_quotes(item: dict[str, Any], *, exclude_letters: Iterable[str] = ()) -> list[str]:
    skip = set(exclude_letters)
    return [e["quote"] for e in item.get("evidence", []) if e["letter_id"] not in skip]
