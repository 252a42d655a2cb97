"""The question sets: which files there are, how they group into dev and
test, and loading them into items (a conversation becomes its turns).

Nothing here runs the pipeline or scores anything; eval/README.md says how
each file was written and eval/SCHEMA.md what a record holds.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

EVAL_DIR = Path(__file__).resolve().parent
# Question files, grouped: dev is what the answerer may be tuned on, test is
# only run to report (eval/README.md says how each was written). The "new
# letters" groups ask about 48 real published documents the project did not
# ship (../shared/letters-extra), split into dev and test by document.
GROUPS = {
    "dev": ("kamervragen", "letters", "dev_extra", "dev_typed_a", "dev_typed_b", "dev_typed_c", "dev_typed_d",
            "dev_typed_e", "dev_typed_f", "dev_typed_g"),
    "test": ("test", "test_b", "test_c", "test_d"),
    "new_dev": ("newletters_dev", "newletters_dev_b"),
    "new_test": ("newletters_test",),
    # Written blind after the test group's failures had been read once (to
    # classify them): the clean report for answerer changes made since.
    "test_fresh": ("test_e", "test_f"),
    # Written blind after test_fresh's failures had been read once (to
    # classify them): the clean report for answerer changes made since.
    "test_late": ("test_g", "test_h"),
    # Written blind after test_late's failures had been read once: the clean
    # report for the answerer changes made after that.
    "test_round4": ("test_i", "test_j"),
    # Written blind after test_round4's failures had been read once: the
    # clean report for the answerer changes made after that.
    "test_round5": ("test_k", "test_l"),
    # Written blind after test_round5's failures had been read once.
    "test_round6": ("test_m", "test_n"),
    # Written blind from the dev half of 30 more published documents
    # (eval/published): a second, smaller corpus of real documents to fit on.
    "pub_dev": ("published_dev", "published_dev_b"),
    # Written blind from the dev half of 21 more (eval/published2), collected
    # and split before any answerer change they measure.
    "pub2_dev": ("published2_dev", "published2_dev_b"),
    # Written blind from the test half of eval/published2 (12 documents no
    # question had been asked of) and committed before the answerer changes
    # they measure: a report on real documents the answerer was never fitted on.
    "pub2_test": ("published2_test", "published2_test_b"),
    # Written blind from 14 more (eval/published3), all dev: fresh documents
    # to fit on after pub2_test showed how the answerer does on unseen ones.
    "pub3_dev": ("published3_dev", "published3_dev_b"),
}
SETS = tuple(name for names in GROUPS.values() for name in names)
# What "both", "all", "new", "pub", "pub2", "pub3" and "five" run: the five letters' dev
# and test; everything; the groups of letters-extra; those of eval/published;
# those of eval/published2 (dev and test); that of eval/published3;
# every group of the five letters.
SELECTIONS = {"both": ("dev", "test"), "all": tuple(GROUPS), "new": ("new_dev", "new_test"),
              "pub": ("pub_dev",), "pub2": ("pub2_dev", "pub2_test"), "pub3": ("pub3_dev",),
              "five": ("dev", "test", "test_fresh", "test_late", "test_round4", "test_round5", "test_round6")}
SET_CHOICES = (*SELECTIONS, *GROUPS, *SETS)
# The corpus a group's questions are about: the project's own letters, or
# the folder of real published documents beside the repository.
NEW_LETTERS = "letters-extra"
PUBLISHED = "published"
PUBLISHED2 = "published2"
PUBLISHED3 = "published3"
CORPUS_OF_GROUP = {"new_dev": NEW_LETTERS, "new_test": NEW_LETTERS, "pub_dev": PUBLISHED, "pub2_dev": PUBLISHED2,
                   "pub2_test": PUBLISHED2, "pub3_dev": PUBLISHED3}
NEW_LETTERS_DIR = Path(os.environ.get("EVAL_NEW_LETTERS_DIR", EVAL_DIR.parent.parent / "shared" / "letters-extra"))
# Where each corpus other than the project's own lies (its documents in
# `letters/`), and the cache folder its index is built in.
CORPUS_DIRS = {NEW_LETTERS: NEW_LETTERS_DIR, PUBLISHED: EVAL_DIR / "published", PUBLISHED2: EVAL_DIR / "published2",
               PUBLISHED3: EVAL_DIR / "published3"}
CORPUS_CACHE = {NEW_LETTERS: "new-letters", PUBLISHED: "published", PUBLISHED2: "published2", PUBLISHED3: "published3"}
# The groups the answerer may be fitted on; every other group only reports.
DEV_GROUPS = ("dev", "new_dev", "pub_dev", "pub2_dev", "pub3_dev")
# Labels of the older question files' asked type and near-miss class (the
# newer files carry them in the record), added by a helper that saw only the
# questions and the letters.
LABELS_FILE = EVAL_DIR / "asked_labels.jsonl"


def group_of(set_name: str) -> str:
    return next(g for g, names in GROUPS.items() if set_name in names)


def corpus_of(set_name: str) -> str:
    """"" for the project's corpus, else the name of the published documents' corpus (CORPUS_DIRS)."""
    return CORPUS_OF_GROUP.get(group_of(set_name), "")


@lru_cache(maxsize=1)
def _labels() -> dict[str, dict[str, str]]:
    if not LABELS_FILE.is_file():
        return {}
    rows = (json.loads(x) for x in LABELS_FILE.read_text(encoding="utf-8").splitlines() if x.strip())
    return {r["id"]: {k: v for k, v in r.items() if k != "id"} for r in rows}


def _normalise(item: dict[str, Any], set_name: str) -> dict[str, Any]:
    item = dict(item)
    item["set"] = set_name
    item.setdefault("procedural", False)
    item.setdefault("kind", "answerable" if item["answerable"] else "near_miss")
    item.setdefault("qtype", "")
    for key, value in _labels().get(item["id"], {}).items():
        item.setdefault(key, value)
    item.setdefault("asked", "")
    item["corpus"] = corpus_of(set_name)
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
    if which in SELECTIONS:
        names = tuple(n for g in SELECTIONS[which] for n in GROUPS[g])
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
    names = names or tuple(n for g in SELECTIONS["both"] for n in GROUPS[g])
    return [it["question"] for n in names for it in load_set(n, folder) if "conversation" not in it]


def gold_quotes(item: dict[str, Any], *, exclude_letters: Iterable[str] = ()) -> list[str]:
    skip = set(exclude_letters)
    return [e["quote"] for e in item.get("evidence", []) if e["letter_id"] not in skip]
