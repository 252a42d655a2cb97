"""Ingest: the corpus folder of letters, one JSON manifest beside each file.

`corpus/<name>.txt` holds the letter text exactly as extracted; `<name>.json`
holds its metadata (rag.records.Letter). New letters, in any format of the
registry in rag/ingest/formats.py, are added with `add_letter`, which converts the
file to text in the same page convention as the shipped letters: a new page
starts with a line beginning with a space.
"""
from __future__ import annotations

import dataclasses
import glob
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Callable, Iterable, Sequence

from rag.ingest import formats
from rag.ingest.chunk import CHUNKER_VERSION
from rag.ingest import layout
from rag.ingest.clean import CleanText, clean_letter
from rag.config import Settings
from rag.errors import InputError
from rag.fileutil import atomic_write_text, sha256_file, slug
from rag.records import Letter

KINDS = layout.KINDS
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
            data = _memo(manifest, lambda m: json.loads(m.read_text(encoding="utf-8")))
            letter = Letter(**{k: v for k, v in data.items() if k in known})
        except (ValueError, TypeError) as exc:
            raise InputError(f"Manifest {manifest.name} is onleesbaar: {exc}", "Herstel of verwijder dit bestand.") from exc
        path = folder / letter.file
        if not path.is_file():
            raise InputError(f"Manifest {manifest.name} verwijst naar ontbrekend bestand {letter.file}.")
        if letter.letter_id in seen:
            raise InputError(f"Brief-id {letter.letter_id} komt twee keer voor in {folder}.")
        seen.add(letter.letter_id)
        actual = _memo(path, sha256_file)
        if actual != letter.sha256:
            letter = Letter(**{**letter.to_dict(), "sha256": actual})
        letters.append(letter)
    return letters


# (path, size, mtime, inode) -> parsed manifest or file hash: adding 500
# letters one by one re-lists the corpus each time, and would otherwise
# re-read and re-hash every letter on every add (quadratic in the corpus).
_MEMO: dict[tuple, object] = {}


def _memo(path: Path, compute: Callable[[Path], object]):
    st = path.stat()
    key = (compute.__name__, str(path), st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    if key not in _MEMO:
        if len(_MEMO) > 20_000:
            _MEMO.clear()
        _MEMO[key] = compute(path)
    return _MEMO[key]


def letter_digest(text: str) -> str:
    """A letter's content hash (Letter.sha256): equal texts are one letter."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(letter: Letter, settings: Settings) -> str:
    return (settings.corpus_dir / letter.file).read_text(encoding="utf-8")


def clean(raw: str) -> CleanText:
    """A letter's text cleaned, its furniture read by its layout (rag.ingest.layout)."""
    return clean_letter(raw, layout.parse(raw).furniture_lines())


def corpus_hashes(letters: list[Letter]) -> dict[str, str]:
    return {letter.letter_id: letter.sha256 for letter in letters}


def chunker_version(settings: Settings) -> str:
    """Identifies how chunks were made: code version and size settings, so a
    changed setting makes the index stale instead of silently mixed."""
    return f"{CHUNKER_VERSION}/tokens={settings.chunk_tokens}/overlap={settings.chunk_overlap_sentences}"


def extract_text(path: Path) -> str:
    """Text of a letter file in the corpus page convention, read by the reader
    its suffix is registered with (rag/ingest/formats.py)."""
    if not path.is_file():
        raise InputError(f"Bestand {path} bestaat niet.")
    fmt = formats.for_path(path)
    if fmt is None:
        raise InputError(f"{path.name}: bestandstype {path.suffix or '(geen)'} wordt niet ondersteund.",
                         f"Gebruik {formats.suffix_list()}.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{path.name} is groter dan {MAX_FILE_BYTES // 2**20} MB.")
    text = fmt.read(path)
    if len(text.split()) < formats.MIN_WORDS:
        raise InputError(f"{path.name} bevat vrijwel geen tekst ({len(text.split())} woorden).", fmt.empty_hint)
    return text


def __getattr__(name: str):
    # SUPPORTED is asked of the registry each time, so a format registered
    # after this module was imported is supported too.
    if name == "SUPPORTED":
        return formats.suffixes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def add_letter(
    path: Path,
    settings: Settings,
    *,
    title: str | None = None,
    kind: str | None = None,
    date: str = "",
    kamerstuk: str = "",
    minister: str = "",
    letter_id: str | None = None,
) -> Letter:
    """Copy a letter into the corpus with its manifest. Returns the Letter.

    Nothing is written unless the file reads as text; the text file and its
    manifest are each written atomically. Title, date, Kamerstuk and minister
    not given are taken from the text where it states them
    (`extract_metadata`), else left empty (the title falls back to the first
    line of text, then the file name).
    """
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise InputError(f"Onbekende soort brief: {kind}", f"Kies uit: {', '.join(KINDS)}.")
    if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise InputError(f"Datum {date!r} is niet van de vorm JJJJ-MM-DD.")
    text = extract_text(path)
    existing = {letter.letter_id: letter for letter in load_letters(settings)}
    digest = letter_digest(text)
    for letter in existing.values():
        if letter.sha256 == digest:
            return letter  # same text already in the corpus: nothing to add
    header = stated_header(text)
    date = date or header.date
    kamerstuk = kamerstuk or header.kamerstuk
    minister = minister or header.sender_name
    header = dataclasses.replace(header, date=date, kamerstuk=kamerstuk)
    clean_title = title or layout.display_title(header, fallback=_guess_title(text) or path.stem)
    titles = {x.title for x in existing.values()}
    if clean_title in titles and not title:
        # Two documents never share a title: a subject repeats over the years
        # ("Voortgang integrale aanpak cybercrime"), so the reference a reader
        # tells them apart by is added, else the file's name.
        told = ", ".join(x for x in (f"Kamerstuk {kamerstuk}" if kamerstuk else "",
                                     layout.long_date(date) if date else "") if x)
        # (a title made of the Kamerstuk and date already holds them: then the file)
        told = told if told and (not kamerstuk or kamerstuk not in clean_title) else ""
        clean_title = f"{clean_title} ({told or path.stem})"
    lid = letter_id or slug(path.stem if not title else title, "brief")
    base, n = lid, 2
    while lid in existing:
        lid, n = f"{base}-{n}", n + 1
    name = f"{lid}.txt"
    letter = Letter(letter_id=lid, title=clean_title, kind=kind or header.kind or layout.KAMERBRIEF, file=name,
                    sha256=digest, date=date, kamerstuk=kamerstuk, minister=minister,
                    note=f"Toegevoegd uit {path.name}.", dossier=header.dossier, dossier_title=header.dossier_title,
                    number=header.number, sender=header.sender, members=header.members,
                    subject=header.title)
    atomic_write_text(settings.corpus_dir / name, text)
    atomic_write_text(settings.corpus_dir / f"{lid}.json", json.dumps(letter.to_dict(), ensure_ascii=False, indent=2) + "\n")
    return letter


def _guess_title(text: str) -> str:
    """The first line of text that could be a title (not the salutation or
    the return address)."""
    for line in text.splitlines():
        s = " ".join(line.split())
        if 8 <= len(s) <= 120 and not re.match(r"(Geachte|> ?Retouradres|Aan de )", s, re.IGNORECASE):
            return s
    return ""


def remove_letter(letter: Letter, settings: Settings) -> None:
    """Undo add_letter (used when the index could not be rebuilt)."""
    stem = Path(letter.file).stem
    for path in (settings.corpus_dir / letter.file, settings.corpus_dir / f"{stem}.json",
                 settings.corpus_dir / f"{letter.letter_id}.json"):
        path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- metadata the text states

# The letter's own date: the letterhead's "Datum 10 november 2022" or a
# dated sign-off line "Den Haag, 12 maart 2024"; dates in the body are events.
_DATE_LINE = re.compile(rf"^\s*(?:Datum\s*:?|Den Haag,|'s-Gravenhage,)\s*{layout.DATE_NL}\s*$", re.IGNORECASE | re.MULTILINE)
# The letter's own Kamerstuk: the page footer the shipped letters carry
# ("Tweede Kamer, vergaderjaar 2021–2022, 29 911, nr. 355") or a labelled
# line in the first lines ("Kamerstuk: 29 911, nr. 355"). References in
# footnotes ("6 Kamerstuk 29 911, nr. 348.") are other documents.
_DOSSIER = r"(\d{2}\s?\d{3}(?:[ -][A-Z]{1,4}|\s+[IVXL]+)?),\s*nr\.\s*(\d+)"
_FOOTER = re.compile(rf"Tweede Kamer,\s*vergaderjaar\s+\d{{4}}\s*[–-]\s*\d{{4}},\s*{_DOSSIER}")
_KAMERSTUK_LINE = re.compile(rf"^\s*Kamerstuk(?:nummer)?\s*:?\s*{_DOSSIER}\.?\s*$", re.IGNORECASE)
# The signature: "De Minister van Justitie en Veiligheid," then (blank lines
# allowed) a name beginning with initials: "D. Yeşilgöz-Zegerius", "D.M. van Weel".
_ROLE = re.compile(r"^\s*De\s+(?:minister|staatssecretaris)\s+(?:van|voor)\s+[\w ,.'’-]{3,80}?,?\s*$", re.IGNORECASE)
_NAME = re.compile(r"^\s*((?:[A-Z]\.\s?){1,5}(?:[a-z]{1,4}\s)*[\w’'-]+(?:[ -][\w’'-]+){0,3})\s*$")
_SUBJECT = re.compile(r"^\s*Onderwerp\s*:?\s+(\S.*?)\s*$", re.IGNORECASE)
_LABELS = re.compile(r"^\s*(Geachte|Datum|Ons kenmerk|Uw kenmerk|Bijlage|Betreft|Aan )", re.IGNORECASE)


@dataclass(frozen=True)
class StatedMetadata:
    """What a letter's text says about itself; "" where it says nothing."""

    title: str = ""
    date: str = ""  # ISO yyyy-mm-dd
    kamerstuk: str = ""  # "29 911, nr. 355"
    minister: str = ""  # the signer's name as written


def _dossier(number: str, nr: str) -> str:
    digits = number.replace(" ", "")
    head = f"{digits[:2]} {digits[2:5]}{digits[5:]}" if digits[:5].isdigit() else number
    return f"{' '.join(head.split())}, nr. {nr}"


def stated_header(text: str) -> layout.DocHeader:
    """What the document states about itself: its layout's header
    (rag.ingest.layout), with the letter form's own statements (a "Kamerstuk:" line,
    the PDF footer, the signature, the "Onderwerp" line) where the layout
    read none."""
    header = layout.parse(text).header
    old = extract_metadata(text)
    return dataclasses.replace(
        header, title=header.title or old.title, date=header.date or old.date,
        kamerstuk=header.kamerstuk or old.kamerstuk, sender_name=header.sender_name or old.minister)


def extract_metadata(text: str) -> StatedMetadata:
    """Title (the "Onderwerp" line), date, Kamerstuk and minister, each only
    where the letter states it about itself (letterhead, page footer,
    signature); never from a reference to another document or a date in the
    body, never guessed."""
    text = unicodedata.normalize("NFC", text)
    lines = text.splitlines()

    stated_date = ""
    m = _DATE_LINE.search(text)
    if m:
        stated_date = layout.iso(*m.groups())  # "" for 31 februari: stated, but not a date

    kamerstuk = ""
    m = _FOOTER.search(text)
    if m:
        kamerstuk = _dossier(*m.groups())
    else:
        for line in lines[:40]:
            m = _KAMERSTUK_LINE.match(line)
            if m:
                kamerstuk = _dossier(*m.groups())
                break

    minister = ""
    for i, line in enumerate(lines):
        if not _ROLE.match(line):
            continue
        following = [x for x in lines[i + 1 : i + 5] if x.strip()][:1]
        m = _NAME.match(following[0]) if following else None
        if m and len(m.group(1)) <= 60:
            minister = " ".join(m.group(1).split())
            break

    title = ""
    for i, line in enumerate(lines[:60]):
        m = _SUBJECT.match(line)
        if not m:
            continue
        title = m.group(1)
        if not re.search(r"[.?!:]$", title):  # the subject runs on to the next line
            nxt = [x for x in lines[i + 1 : i + 4] if x.strip()][:1]
            if nxt and not _LABELS.match(nxt[0]) and len(nxt[0].strip()) <= 100:
                title = f"{title} {nxt[0].strip()}"
        title = " ".join(title.split()).rstrip(".")
        if len(title) > 200:
            title = ""
        break
    return StatedMetadata(title=title, date=stated_date, kamerstuk=kamerstuk, minister=minister)


# --------------------------------------------------------------------------- many letters at once


@dataclass
class Triage:
    """Input files sorted before anything is written: `new` letters to add,
    `duplicates` (file, letter id or earlier file with the same text),
    `refused` (file, why), `ignored` files of another type found in a folder."""

    new: list[Path] = field(default_factory=list)
    duplicates: list[tuple[Path, str]] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)


def _walk(folder: Path, out: list[Path], ignored: list[Path]) -> None:
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            (out if formats.supports(path) else ignored).append(path)


def expand_paths(paths: Sequence[Path | str]) -> Triage:
    """Folders (recursively: every file of a registered format, hidden files skipped) and
    globs ("brieven/*.pdf", "**" allowed) into files, each once. A path that
    neither exists nor matches anything is refused. Returns a Triage whose
    `new` holds the files still to be read."""
    t = Triage()
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            _walk(p, found, t.ignored)
        elif p.is_file():
            found.append(p)  # named explicitly: an unsupported type is refused, with why
        elif glob.has_magic(str(raw)):
            matches = sorted(glob.glob(str(raw), recursive=True))
            if not matches:
                t.refused.append((p, "geen bestanden die hierop passen"))
            for m in map(Path, matches):
                if m.is_dir():
                    _walk(m, found, t.ignored)
                elif formats.supports(m):
                    found.append(m)
                else:
                    t.ignored.append(m)
        else:
            t.refused.append((p, "bestaat niet"))
    seen: set[Path] = set()
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            t.new.append(f)
    return t


def triage(paths: Sequence[Path | str], settings: Settings,
           each: Callable[[Iterable[Path]], Iterable[Path]] = lambda xs: xs) -> Triage:
    """Expand `paths` and read every file once (through `each`, e.g. a
    progress bar): unreadable files are refused with the reason, a text
    already in the corpus (or met earlier in this run) is a duplicate, the
    rest is `new`. Nothing is written."""
    t = expand_paths(paths)
    files, t.new = t.new, []
    known = {letter.sha256: letter.letter_id for letter in load_letters(settings)}
    for path in each(files):
        try:
            text = extract_text(path)
        except InputError as exc:
            t.refused.append((path, exc.message))
            continue
        except OSError as exc:
            t.refused.append((path, f"{path.name} kan niet gelezen worden ({exc.strerror or exc})."))
            continue
        except Exception as exc:  # noqa: BLE001 - one odd file never stops the run
            t.refused.append((path, f"{path.name} kan niet gelezen worden ({type(exc).__name__}: {exc})."))
            continue
        digest = letter_digest(text)
        if digest in known:
            t.duplicates.append((path, known[digest]))
            continue
        known[digest] = str(path)
        t.new.append(path)
    return t
