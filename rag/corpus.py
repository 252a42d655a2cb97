"""Ingest: the corpus folder of letters, one JSON manifest beside each file.

`corpus/<name>.txt` holds the letter text exactly as extracted; `<name>.json`
holds its metadata (rag.records.Letter). New letters (.txt, .md, .pdf) are
added with `add_letter`, which converts a PDF to text in the same page
convention as the shipped letters: a new page starts with a line beginning
with a space.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import fields
from pathlib import Path

from .chunk import CHUNKER_VERSION
from .clean import CleanText, clean_letter
from .config import Settings
from .errors import InputError
from .fileutil import atomic_write_text, sha256_file, slug
from .records import Letter

KINDS = ("kamerbrief", "beantwoording kamervragen")
SUPPORTED = (".txt", ".md", ".pdf")
MAX_FILE_BYTES = 20 * 1024 * 1024


def load_letters(settings: Settings) -> list[Letter]:
    """All letters of the corpus, in file order, with their current hashes."""
    folder = settings.corpus_dir
    if not folder.is_dir():
        raise InputError(f"Corpusmap {folder} bestaat niet.", "Zet RAG_CORPUS_DIR of herstel de map corpus/.")
    letters, seen = [], set()
    known = {f.name for f in fields(Letter)}
    for manifest in sorted(folder.glob("*.json")):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            letter = Letter(**{k: v for k, v in data.items() if k in known})
        except (ValueError, TypeError) as exc:
            raise InputError(f"Manifest {manifest.name} is onleesbaar: {exc}", "Herstel of verwijder dit bestand.") from exc
        path = folder / letter.file
        if not path.is_file():
            raise InputError(f"Manifest {manifest.name} verwijst naar ontbrekend bestand {letter.file}.")
        if letter.letter_id in seen:
            raise InputError(f"Brief-id {letter.letter_id} komt twee keer voor in {folder}.")
        seen.add(letter.letter_id)
        actual = sha256_file(path)
        if actual != letter.sha256:
            letter = Letter(**{**letter.to_dict(), "sha256": actual})
        letters.append(letter)
    return letters


def read_text(letter: Letter, settings: Settings) -> str:
    return (settings.corpus_dir / letter.file).read_text(encoding="utf-8")


def clean(letter: Letter, settings: Settings) -> CleanText:
    return clean_letter(read_text(letter, settings))


def corpus_hashes(letters: list[Letter]) -> dict[str, str]:
    return {letter.letter_id: letter.sha256 for letter in letters}


def chunker_version(settings: Settings) -> str:
    """Identifies how chunks were made: code version and size settings, so a
    changed setting makes the index stale instead of silently mixed."""
    return f"{CHUNKER_VERSION}/tokens={settings.chunk_tokens}/overlap={settings.chunk_overlap_sentences}"


def extract_text(path: Path) -> str:
    """Text of a .txt/.md/.pdf file in the corpus page convention."""
    if not path.is_file():
        raise InputError(f"Bestand {path} bestaat niet.")
    if path.suffix.lower() not in SUPPORTED:
        raise InputError(f"{path.name}: bestandstype {path.suffix or '(geen)'} wordt niet ondersteund.", f"Gebruik {', '.join(SUPPORTED)}.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{path.name} is groter dan {MAX_FILE_BYTES // 2**20} MB.")
    if path.suffix.lower() == ".pdf":
        text = _pdf_text(path)
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            try:
                text = path.read_bytes().decode("cp1252")
            except UnicodeDecodeError as exc:
                raise InputError(f"{path.name} is geen leesbare tekst (UTF-8 of Windows-1252).") from exc
        if "\x00" in text:
            raise InputError(f"{path.name} lijkt een binair bestand, geen tekst.")
    if len(text.split()) < 20:
        raise InputError(f"{path.name} bevat vrijwel geen tekst ({len(text.split())} woorden).", "Is het een gescande PDF zonder tekstlaag?")
    return text


def _pdf_text(path: Path) -> str:
    from .pdftext import PdfError, extract_pages

    try:
        pages = [p.strip("\n") for p in extract_pages(path)]
    except PdfError as exc:
        raise InputError(f"{path.name} kan niet gelezen worden ({exc}).",
                         "Sla de brief opnieuw op als PDF met een tekstlaag, of als .txt.") from None
    # A leading space marks a page's first line, the page-start signal the
    # cleaner reads in the shipped letters; so no other line may have one.
    pages = ["\n".join(line.lstrip() for line in p.splitlines()).strip() for p in pages]
    return "\n".join(" " + p for p in pages if p) + "\n"


def add_letter(
    path: Path,
    settings: Settings,
    *,
    title: str | None = None,
    kind: str = "kamerbrief",
    date: str = "",
    kamerstuk: str = "",
    minister: str = "",
    letter_id: str | None = None,
) -> Letter:
    """Copy a letter into the corpus with its manifest. Returns the Letter.

    Nothing is written unless the file reads as text; the text file and its
    manifest are each written atomically.
    """
    path = Path(path)
    if kind not in KINDS:
        raise InputError(f"Onbekende soort brief: {kind}", f"Kies uit: {', '.join(KINDS)}.")
    if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise InputError(f"Datum {date!r} is niet van de vorm JJJJ-MM-DD.")
    text = extract_text(path)
    existing = {letter.letter_id: letter for letter in load_letters(settings)}
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for letter in existing.values():
        if letter.sha256 == digest:
            return letter  # same text already in the corpus: nothing to add
    clean_title = title or _guess_title(text) or path.stem
    lid = letter_id or slug(path.stem if not title else title, "brief")
    base, n = lid, 2
    while lid in existing:
        lid, n = f"{base}-{n}", n + 1
    name = f"{lid}.txt"
    letter = Letter(letter_id=lid, title=clean_title, kind=kind, file=name, sha256=digest,
                    date=date, kamerstuk=kamerstuk, minister=minister,
                    note=f"Toegevoegd uit {path.name}.")
    atomic_write_text(settings.corpus_dir / name, text)
    atomic_write_text(settings.corpus_dir / f"{lid}.json", json.dumps(letter.to_dict(), ensure_ascii=False, indent=2) + "\n")
    return letter


def _guess_title(text: str) -> str:
    for line in text.splitlines():
        s = " ".join(line.split())
        if 8 <= len(s) <= 120:
            return s
    return ""


def remove_letter(letter: Letter, settings: Settings) -> None:
    """Undo add_letter (used when the index could not be rebuilt)."""
    stem = Path(letter.file).stem
    for path in (settings.corpus_dir / letter.file, settings.corpus_dir / f"{stem}.json",
                 settings.corpus_dir / f"{letter.letter_id}.json"):
        path.unlink(missing_ok=True)
