"""Validate the evaluation sets eval/kamervragen.jsonl and eval/letters.jsonl.

Stdlib + pytest only, so it runs without the project's pipeline. See
eval/SCHEMA.md for the schema and for how evidence quotes are normalised.

Letters are read from <repo>/corpus; a missing letter fails the tests that
need it (a skip would let them pass without checking anything).
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO / "eval"
SETS = {"kamervragen": EVAL / "kamervragen.jsonl", "letters": EVAL / "letters.jsonl"}

LETTER_FILES = {
    "toekomstagenda-internationaal": "000_137c8bc658e88daa.txt",
    "voortgangsbrief-2025": "001_f1e8014ba52786d6.txt",
    "voortgangsbrief-2023": "002_bc6d521852f56017.txt",
    "regionale-aanpak": "003_7e6436581eb7aa94.txt",
    "kamervragen-2022": "004_4a27bff66c3de69e.txt",
}
KAMERVRAGEN_LETTER = "kamervragen-2022"
OTHER_LETTERS = [k for k in LETTER_FILES if k != KAMERVRAGEN_LETTER]

FIELDS = {
    "id": str,
    "set": str,
    "lang": str,
    "question": str,
    "answerable": bool,
    "procedural": bool,
    "reference_answer": str,
    "evidence": list,
    "key_facts": list,
    "notes": str,
}

# ---------------------------------------------------------------------------
# Normalisation (documented in eval/SCHEMA.md)
# ---------------------------------------------------------------------------

# Vowel pairs that Dutch spelling separates with a real hyphen in compounds
# (informatie-uitwisseling, politie-eenheden, zee-egel, auto-ongeluk).
_VOWEL_CLASH = {"aa", "ae", "ai", "au", "ee", "ei", "eu", "ie", "ij", "oe", "oi",
                "oo", "ou", "ui", "uu"}
_LINE_HYPHEN = re.compile(r"(\S*?)(\w)-[ \t\u00a0]*\n[ \t\u00a0]*(?=(\w))")


def _join_hyphen(m: re.Match) -> str:
    before, last, nxt = m.group(1), m.group(2), m.group(3)
    fragment = before + last
    word = re.split(r"[^\w-]", fragment)[-1]
    # Next line starts with a capital or digit: a real hyphen (FIU-Nederland).
    keep = not nxt.islower()
    # Acronym-like fragment (LAC-regio, KMar-medewerkers): real hyphen.
    keep = keep or any(ch.isupper() for ch in word[1:])
    # Vowel clash (informatie-uitwisseling): real hyphen.
    keep = keep or (last.lower() + nxt.lower()) in _VOWEL_CLASH
    return fragment + ("-" if keep else "")


def normalise(text: str) -> str:
    """Letter text -> one line: words hyphenated across a line break joined,
    real hyphens kept, every whitespace run (incl. NBSP, newlines, page-break
    lines) collapsed to one space."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _LINE_HYPHEN.sub(_join_hyphen, text)
    return re.sub(r"\s+", " ", text).strip()


def loose(text: str) -> str:
    """Robust form: NFC, lower case, no whitespace, no hyphens or soft hyphens."""
    text = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


def ws(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------

LETTERS_DIR = REPO / "corpus"


@pytest.fixture(scope="module")
def letters() -> dict[str, dict[str, str]]:
    out = {}
    for lid, name in LETTER_FILES.items():
        raw = (LETTERS_DIR / name).read_text(encoding="utf-8")
        out[lid] = {"raw": raw, "strict": normalise(raw), "loose": loose(raw)}
    return out


def _load(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:  # pragma: no cover - reported by assert
                pytest.fail(f"{path.name}:{n}: invalid JSON: {e}")
    return rows


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict]]:
    return {name: _load(path) for name, path in SETS.items()}


def _all(rows):
    return [r for name in SETS for r in rows[name]]


# ---------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------

def test_files_exist_and_utf8():
    for path in SETS.values():
        assert path.is_file(), path
        text = path.read_text(encoding="utf-8")
        # ensure_ascii=False: Dutch characters are stored literally.
        assert "\\u00" not in text, f"{path.name}: escaped non-ASCII characters"
        for n, line in enumerate(text.splitlines(), 1):
            assert line.strip(), f"{path.name}:{n}: blank line"


def test_schema(rows):
    for name, items in rows.items():
        for r in items:
            rid = r.get("id", "?")
            assert set(r) == set(FIELDS), f"{rid}: fields {sorted(set(r) ^ set(FIELDS))}"
            for f, typ in FIELDS.items():
                assert isinstance(r[f], typ), f"{rid}: {f} should be {typ.__name__}"
            assert r["set"] == name, f"{rid}: set {r['set']!r} in {name}.jsonl"
            assert r["lang"] in {"nl", "en"}, rid
            assert r["question"].strip() == r["question"] and r["question"], rid
            assert "  " not in r["question"] and "\n" not in r["question"], rid
            for ev in r["evidence"]:
                assert isinstance(ev, dict) and set(ev) == {"letter_id", "quote"}, rid
                assert ev["letter_id"] in LETTER_FILES, f"{rid}: letter {ev['letter_id']}"
                assert isinstance(ev["quote"], str) and ev["quote"].strip(), rid
                assert ev["quote"] == ws(ev["quote"]), f"{rid}: quote not whitespace-normalised"
            for fact in r["key_facts"]:
                assert isinstance(fact, list) and fact, f"{rid}: empty fact"
                assert all(isinstance(v, str) and v.strip() for v in fact), rid
            assert len(r["key_facts"]) <= 4, f"{rid}: more than 4 key facts"
            if r["answerable"]:
                assert r["evidence"], f"{rid}: answerable without evidence"
                assert r["reference_answer"].strip(), f"{rid}: no reference answer"
                if r["procedural"]:
                    assert r["key_facts"] == [], f"{rid}: procedural with key facts"
                else:
                    assert 1 <= len(r["key_facts"]) <= 4, f"{rid}: needs 1-4 key facts"
            else:
                assert r["evidence"] == [] and r["key_facts"] == [], rid
                assert r["procedural"] is False, rid


def test_ids_unique_and_patterned(rows):
    ids = [r["id"] for r in _all(rows)]
    dup = [i for i, c in Counter(ids).items() if c > 1]
    assert not dup, f"duplicate ids {dup}"
    for r in rows["kamervragen"]:
        assert re.fullmatch(r"kv-\d{2}", r["id"]), r["id"]
    for r in rows["letters"]:
        pat = r"lt-\d{2,3}" if r["answerable"] else r"un-\d{2,3}"
        assert re.fullmatch(pat, r["id"]), r["id"]


def test_kamervragen_set(rows):
    kv = rows["kamervragen"]
    assert [r["id"] for r in kv] == [f"kv-{i:02d}" for i in range(1, 18)]
    for r in kv:
        assert r["answerable"] is True, r["id"]
        assert r["lang"] == "nl", r["id"]
        assert any(e["letter_id"] == KAMERVRAGEN_LETTER for e in r["evidence"]), r["id"]
    assert sum(r["procedural"] for r in kv) >= 1


def test_letters_set_counts(rows):
    lt = rows["letters"]
    answerable = [r for r in lt if r["answerable"]]
    unanswerable = [r for r in lt if not r["answerable"]]
    assert len(answerable) >= 40
    assert len(unanswerable) >= 10
    assert sum(r["lang"] == "en" for r in answerable) >= 5
    assert sum(r["lang"] == "en" for r in unanswerable) >= 1
    per_letter = Counter(e["letter_id"] for r in answerable for e in {x["letter_id"]: x for x in r["evidence"]}.values())
    for lid in OTHER_LETTERS:
        assert per_letter[lid] >= 8, f"{lid}: only {per_letter[lid]} questions"
    cross = [r for r in answerable if len({e["letter_id"] for e in r["evidence"]}) > 1]
    assert len(cross) >= 2, "need a few cross-letter questions"
    assert not any(r["procedural"] for r in lt)


# ---------------------------------------------------------------------------
# Evidence and key facts against the letters
# ---------------------------------------------------------------------------

def test_quotes_occur_in_letters(letters, rows):
    bad = []
    for r in _all(rows):
        for ev in r["evidence"]:
            doc = letters[ev["letter_id"]]
            q = unicodedata.normalize("NFC", ev["quote"])
            if loose(q) not in doc["loose"]:
                bad.append(f"{r['id']} [{ev['letter_id']}] loose: {q[:70]}")
            elif q not in doc["strict"]:
                bad.append(f"{r['id']} [{ev['letter_id']}] strict: {q[:70]}")
    assert not bad, "\n".join(bad)


def test_quotes_reasonable_length(rows):
    for r in _all(rows):
        for ev in r["evidence"]:
            n = len(ev["quote"].split())
            assert 4 <= n <= 60, f"{r['id']}: quote of {n} words"


def test_key_facts_supported(rows):
    bad = []
    for r in _all(rows):
        quotes = " ".join(e["quote"] for e in r["evidence"]).lower()
        support = quotes + " " + r["reference_answer"].lower()
        for fact in r["key_facts"]:
            if not any(v.lower() in support for v in fact):
                bad.append(f"{r['id']}: {fact}")
            # letters set: stricter, the fact must be in the evidence itself
            elif r["set"] == "letters" and not any(v.lower() in quotes for v in fact):
                bad.append(f"{r['id']}: {fact} not in evidence quotes")
    assert not bad, "\n".join(bad)


def _shingles(text: str, n: int = 6) -> list[str]:
    words = ws(text).split()
    return [loose(" ".join(words[i:i + n])) for i in range(max(1, len(words) - n + 1))]


def test_kamervragen_text_verbatim(letters, rows):
    """Question and reference answer are copied from letter 004: (nearly) all
    6-word shingles occur in the letter; the few that do not straddle a page
    break, footnote block or dropped footnote marker."""
    doc = letters[KAMERVRAGEN_LETTER]["loose"]
    for r in rows["kamervragen"]:
        for field in ("question", "reference_answer"):
            sh = _shingles(r[field])
            hit = sum(s in doc for s in sh)
            assert hit / len(sh) >= 0.85, f"{r['id']} {field}: {hit}/{len(sh)} shingles"


def test_kamervragen_answers_distinct_and_ordered(letters, rows):
    doc = letters[KAMERVRAGEN_LETTER]["loose"]
    pos = []
    for r in rows["kamervragen"]:
        head = loose(" ".join(r["reference_answer"].split()[:8]))
        assert head in doc, r["id"]
        pos.append(doc.index(head))
    assert pos == sorted(pos), "reference answers out of letter order"


def test_unanswerable_not_trivially_in_letters(letters, rows):
    """Unanswerable questions carry no evidence; guard against an accidental
    copy of a letter sentence as question."""
    for r in rows["letters"]:
        if not r["answerable"]:
            for doc in letters.values():
                assert loose(r["question"]) not in doc["loose"], r["id"]


# ---------------------------------------------------------------------------
# The blind files: dev_extra (tuned on) and the test files (report only)
# ---------------------------------------------------------------------------

BLIND = {name: EVAL / f"{name}.jsonl"
         for name in ("dev_extra", "dev_typed_a", "dev_typed_b", "dev_typed_c", "dev_typed_d", "dev_typed_e", "dev_typed_f", "dev_typed_g", "test", "test_b", "test_c", "test_d", "test_e", "test_f", "test_g", "test_h", "test_i", "test_j", "test_k", "test_l", "test_m", "test_n")}
KINDS = {"answerable", "near_miss", "off_topic"}
NM_CLASSES = {"type_absent", "anchor_replaced", "announcement_only", "other"}


def _turns(path: Path) -> list[dict]:
    """Single questions, and each conversation turn with its conversation id."""
    out = []
    for rec in _load(path):
        if "turns" in rec:
            assert rec["kind"] == "conversation" and len(rec["turns"]) >= 2, rec["id"]
            out += [{**t, "id": f"{rec['id']}-t{i}", "conversation": rec["id"]}
                    for i, t in enumerate(rec["turns"], start=1)]
        else:
            out.append(rec)
    return out


@pytest.mark.parametrize("name", BLIND)
def test_blind_file_schema_and_evidence(name, letters):
    items = _turns(BLIND[name])
    for it in items:
        assert it["kind"] in KINDS and it["lang"] in ("nl", "en"), it["id"]
        assert (it["kind"] == "answerable") == it["answerable"], it["id"]
        if "nm_class" in it:
            assert it["kind"] == "near_miss" and it["nm_class"] in NM_CLASSES, it["id"]
        if not it["answerable"]:
            assert it["evidence"] == [] and it["key_facts"] == [], it["id"]
            continue
        assert it["evidence"] and it["key_facts"], it["id"]
        quotes = " ".join(e["quote"] for e in it["evidence"]).lower()
        for e in it["evidence"]:
            assert loose(e["quote"]) in letters[e["letter_id"]]["loose"], (it["id"], e["quote"][:60])
        for fact in it["key_facts"]:
            assert any(v.lower() in quotes for v in fact), (it["id"], fact)


def test_ids_are_unique_across_all_files():
    ids = [r["id"] for path in [*SETS.values(), *BLIND.values()] for r in _load(path)]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


@pytest.mark.parametrize("name", ["test", "test_b"])
def test_test_files_have_the_required_mix(name):
    """Issue #8's protocol: at least 90 questions, paraphrased answerable
    Dutch, English, near-miss and off-topic ones, and conversations."""
    recs = _load(BLIND[name])
    singles = [r for r in recs if "turns" not in r]
    count = Counter((r["kind"], r["lang"]) for r in singles)
    assert len(singles) >= 90
    assert count["answerable", "nl"] >= 45
    assert count["answerable", "en"] >= 12
    assert count["near_miss", "nl"] + count["near_miss", "en"] >= 17
    assert count["off_topic", "nl"] + count["off_topic", "en"] >= 8
    assert sum("turns" in r for r in recs) >= 6


# ---------------------------------------------------------------------------
# pub_dev, pub2_dev, pub2_test, pub3_dev: questions over one half of eval/published, eval/published2, eval/published3
# ---------------------------------------------------------------------------

PUBLISHED = EVAL / "published"


@pytest.mark.parametrize("name, folder, half", [("published_dev", PUBLISHED, "dev"), ("published_dev_b", PUBLISHED, "dev"),
                                                ("published2_dev", EVAL / "published2", "dev"),
                                                ("published2_dev_b", EVAL / "published2", "dev"),
                                                ("published2_test", EVAL / "published2", "test"),
                                                ("published2_test_b", EVAL / "published2", "test"),
                                                ("published3_dev", EVAL / "published3", "dev"),
                                                ("published3_dev_b", EVAL / "published3", "dev")])
def test_published_questions_ask_only_their_half_of_the_documents_and_quote_them(name, folder, half):
    own = set(json.loads((folder / "split.json").read_text(encoding="utf-8"))[half])
    texts = {p.stem: loose(p.read_text(encoding="utf-8")) for p in (folder / "letters").glob("*.txt")}
    recs = _load(EVAL / f"{name}.jsonl")
    assert len(recs) >= 40
    for r in recs:
        assert r["kind"] in KINDS and (r["kind"] == "answerable") == r["answerable"], r["id"]
        assert r["kind"] == "off_topic" or r["doc"] in own, r["id"]
        assert ("nm_class" in r) == (r["kind"] == "near_miss") and r.get("nm_class", "other") in NM_CLASSES, r["id"]
        if not r["answerable"]:
            assert r["evidence"] == [] and r["key_facts"] == [], r["id"]
            continue
        quotes = " ".join(e["quote"] for e in r["evidence"]).lower()
        for e in r["evidence"]:
            assert f"{e['letter_id']}.txt" in own and loose(e["quote"]) in texts[e["letter_id"]], (r["id"], e["quote"][:60])
        assert r["key_facts"] and all(any(v.lower() in quotes for v in fact) for fact in r["key_facts"]), r["id"]


def test_the_run_help_names_every_group_and_selection():
    from eval.__main__ import _parser
    from eval.data import GROUPS, SELECTIONS
    run = next(a for a in _parser()._subparsers._group_actions[0].choices["run"]._actions if a.dest == "set")
    assert "{" not in run.help, run.help  # an unformatted placeholder
    for name in (*GROUPS, *SELECTIONS):
        assert name in run.help, name
