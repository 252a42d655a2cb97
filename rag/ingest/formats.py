"""The letter file formats: one registry from file suffix to reader.

Every format registers itself once, with its suffixes, a Dutch label and a
reader `path -> str` (one converter per format). Everything that names the
accepted files asks this registry: `corpus.extract_text` and the folder walk,
the CLI's help and messages, the app's upload widget. A new format is one
`register(...)` (or `@reader(...)`) call; nothing else lists suffixes.

A reader returns the text in the corpus page convention the cleaner reads
(rag/ingest/clean.py): a page starts with a line beginning with a space, and no
other line begins with one. PDF pages come from the PDF; a web page or Word
document has no pages of its own and is one page. Blocks (paragraphs,
headings, list items, table rows) are one line each with a blank line
between them. A reader refuses a file it cannot use with an InputError
saying why; `corpus.extract_text` adds the checks every format shares
(exists, size, enough words).
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rag.errors import InputError

Reader = Callable[[Path], str]

# Fewer words than this is not a letter (a header line, an empty page).
MIN_WORDS = 20


@dataclass(frozen=True)
class Format:
    label: str  # Dutch, for messages and the upload widget: "Word-document"
    suffixes: tuple[str, ...]  # lower case with the dot: (".html", ".htm")
    read: Reader
    empty_hint: str = ""  # what to check when (almost) no text came out


_FORMATS: list[Format] = []
_BY_SUFFIX: dict[str, Format] = {}


def register(label: str, suffixes: tuple[str, ...] | list[str], read: Reader, empty_hint: str = "") -> Format:
    """Register `read` as the reader of `suffixes`; one reader per suffix."""
    norm = tuple(s.lower() if s.startswith(".") else f".{s.lower()}" for s in suffixes)
    taken = [s for s in norm if s in _BY_SUFFIX]
    if not norm or taken:
        raise ValueError(f"suffixes already registered or none given: {taken or norm}")
    fmt = Format(label=label, suffixes=norm, read=read, empty_hint=empty_hint)
    _FORMATS.append(fmt)
    for s in norm:
        _BY_SUFFIX[s] = fmt
    return fmt


def unregister(fmt: Format) -> None:
    """Take a format out again (tests that register a format of their own)."""
    _FORMATS.remove(fmt)
    for s in fmt.suffixes:
        _BY_SUFFIX.pop(s, None)


def reader(label: str, *suffixes: str, empty_hint: str = "") -> Callable[[Reader], Reader]:
    """Decorator form of `register`."""
    def deco(fn: Reader) -> Reader:
        register(label, suffixes, fn, empty_hint)
        return fn
    return deco


def formats() -> tuple[Format, ...]:
    return tuple(_FORMATS)


def suffixes() -> tuple[str, ...]:
    """Every accepted suffix, in registration order: (".txt", ".md", ...)."""
    return tuple(s for f in _FORMATS for s in f.suffixes)


def for_path(path: Path | str) -> Format | None:
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def supports(path: Path | str) -> bool:
    return for_path(path) is not None


def suffix_list(last: str = ", ") -> str:
    """".txt, .md, .pdf" (with `last` before the final one: " of ")."""
    items = list(suffixes())
    return ", ".join(items[:-1]) + last + items[-1] if len(items) > 1 else "".join(items)


def upload_types() -> list[str]:
    """The suffixes without the dot, as Streamlit's file_uploader wants them."""
    return [s.lstrip(".") for s in suffixes()]


def describe() -> str:
    """One line naming every format: "tekst (.txt, .md), PDF (.pdf), ..."."""
    return ", ".join(f"{f.label} ({', '.join(f.suffixes)})" for f in _FORMATS)


def one_page(blocks: list[str]) -> str:
    """Blocks as one page of the corpus convention: a blank line between
    blocks, the first line starting with the page-start space, no other line
    starting with a space (the cleaner would take it for a new page)."""
    lines = [[" ".join(line.split()) for line in block.splitlines()] for block in blocks]
    text = "\n\n".join("\n".join(x for x in block if x) for block in lines if any(block))
    return " " + text + "\n" if text else ""


# --------------------------------------------------------------------------- plain text


@reader("tekst", ".txt", ".md", empty_hint="Het bestand is (vrijwel) leeg.")
def read_plain(path: Path) -> str:
    """UTF-8, else Windows-1252 (what older Windows editors write); a file
    with NUL bytes is binary, not text."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path.name} is geen leesbare tekst (UTF-8 of Windows-1252).") from exc
    if "\x00" in text:
        raise InputError(f"{path.name} lijkt een binair bestand, geen tekst.")
    return text


# --------------------------------------------------------------------------- PDF


@reader("PDF", ".pdf", empty_hint="Is het een gescande PDF zonder tekstlaag?")
def read_pdf(path: Path) -> str:
    """Page by page through pypdf in a bounded child process (rag/ingest/pdftext.py)."""
    from rag.ingest.pdftext import PdfError, extract_pages

    try:
        pages = [p.strip("\n") for p in extract_pages(path)]
    except PdfError as exc:
        raise InputError(f"{path.name} kan niet gelezen worden ({exc}).",
                         "Sla de brief opnieuw op als PDF met een tekstlaag, of als .txt.") from None
    # A leading space marks a page's first line, the page-start signal the
    # cleaner reads in the shipped letters; so no other line may have one.
    pages = ["\n".join(line.lstrip() for line in p.splitlines()).strip() for p in pages]
    return "\n".join(" " + p for p in pages if p) + "\n"


# --------------------------------------------------------------------------- web page

# Elements that are never document text.
_NEVER = frozenset({
    "script", "style", "noscript", "template", "nav", "aside", "form", "button", "select", "textarea",
    "input", "label", "dialog", "iframe", "object", "embed", "svg", "canvas", "head", "title", "meta", "link",
})
# A <header>/<footer> is page chrome (the site's banner, its contentinfo)
# unless it sits inside the content, where it is the document's own (ARIA's
# rule for the banner and contentinfo landmarks).
_LANDMARK = frozenset({"header", "footer"})
_CONTENT = frozenset({"main", "article", "section", "aside", "nav"})
_CHROME_ROLES = frozenset({"navigation", "menu", "menubar", "banner", "contentinfo", "search", "complementary",
                           "dialog", "alertdialog"})
# What a class or id says about an element, compared per word part
# ("site-nav", "mainMenu", "cookie_bar", "sr-only"): page chrome in English
# and Dutch site templates (skip links, cookie bars, breadcrumbs =
# "kruimelpad"), and text only screen readers get ("opent in nieuw venster").
_CHROME_WORDS = frozenset({
    "nav", "navbar", "navigation", "navigatie", "menu", "menubar", "mainmenu", "hoofdmenu", "submenu",
    "breadcrumb", "breadcrumbs", "kruimelpad", "cookie", "cookies", "cookiebar", "cookiebanner",
    "cookieconsent", "skiplink", "skiplinks", "srtext", "sronly", "visuallyhidden", "screenreader",
    "toolbar", "share", "social",
})
_LANDMARK_NAME = re.compile(r"header|footer|banner|masthead", re.IGNORECASE)
_BLOCK = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "html", "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "ul",
})


def _names(tag) -> list[str]:
    names = [str(tag.get("id") or ""), str(tag.get("role") or "")]
    cls = tag.get("class") or []
    names.extend(cls if isinstance(cls, list) else str(cls).split())
    return [n for n in names if n]


def _words_of(name: str) -> set[str]:
    parts = [p for p in re.split(r"[^a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", name).lower()) if p]
    return set(parts) | {a + b for a, b in zip(parts, parts[1:])}


def _in_content(tag) -> bool:
    return any(p.name in _CONTENT for p in tag.parents)


def _is_chrome(tag) -> bool:
    if tag.name in ("html", "body", "main", "article") or str(tag.get("role") or "").lower() == "main":
        return False  # the content itself, whatever its classes say
    if tag.name in _NEVER or tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if str(tag.get("role") or "").lower() in _CHROME_ROLES:
        return True
    names = _names(tag)
    if any(_words_of(n) & _CHROME_WORDS for n in names):
        return True
    landmark = tag.name in _LANDMARK or any(_LANDMARK_NAME.search(n) for n in names)
    return landmark and not _in_content(tag)


def _blocks(root) -> list[str]:
    """The element's text as blocks: one per paragraph, heading, list item
    or table row (cells joined with " | "); <br> keeps its line break.
    Iterative, so a deeply nested page cannot exhaust the recursion limit."""
    from bs4 import NavigableString, Tag
    from bs4.element import CData

    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        lines = [" ".join(line.split()) for line in "".join(buf).split("\n")]
        buf.clear()
        if any(lines):
            out.append("\n".join(x for x in lines if x))

    end = object()
    stack = [(iter(root.children), True)]  # (children, is a block: its end ends a line)
    while stack:
        children, block = stack[-1]
        node = next(children, end)
        if node is end:
            stack.pop()
            if block:
                flush()
        elif isinstance(node, NavigableString):
            if type(node) in (NavigableString, CData):  # not comments, doctypes, processing instructions
                buf.append(str(node).replace("\r", " ").replace("\n", " "))
        elif not isinstance(node, Tag):
            continue
        elif node.name == "br":
            buf.append("\n")
        elif node.name == "tr":
            flush()
            cells = [" ".join(" ".join(b.split()) for b in _blocks(cell))
                     for cell in node.find_all(["td", "th"], recursive=False)]
            row = " | ".join(c for c in cells if c)
            if row:
                out.append(row)
        else:
            if node.name in _BLOCK:
                flush()
            stack.append((iter(node.children), node.name in _BLOCK))
    flush()
    return out


def _words(tag) -> int:
    return len(tag.get_text(" ").split()) if tag is not None else 0


@reader("webpagina", ".html", ".htm", empty_hint="Is de pagina opgeslagen voordat de tekst geladen was?")
def read_html(path: Path) -> str:
    """A web page saved from the browser, e.g. a Kamerstuk on
    officielebekendmakingen.nl or a document page of tweedekamer.nl: the
    document in its main or article element, without the site's chrome
    (navigation, header, footer, cookie bar, forms, scripts). Decoded by the
    page's declared charset (BeautifulSoup reads it from the bytes)."""
    from bs4 import BeautifulSoup

    data = path.read_bytes()
    if data.startswith((b"%PDF", b"PK\x03\x04")):
        other = "een PDF" if data.startswith(b"%PDF") else "een Word- of zip-bestand"
        raise InputError(f"{path.name} is geen webpagina maar {other}.", "Geef het bestand de juiste extensie.")
    try:
        # lxml comes with python-docx; it is fast and lenient with broken markup.
        soup = BeautifulSoup(data, "lxml")
    except Exception as exc:  # noqa: BLE001 - a parser failure is a reason, never a traceback
        raise InputError(f"{path.name} kan niet als webpagina gelezen worden ({type(exc).__name__}).") from None
    body = soup.body or soup
    for junk in body.find_all(["script", "style", "noscript", "template"]):
        junk.decompose()
    total = _words(body)
    # The content the page marks as such; chrome inside it goes too. An
    # element holding the content is never chrome itself (a body or wrapper
    # with a "nav-open" or "has-cookie-bar" class).
    holds_content = {id(p) for el in body.find_all(["main", "article"]) for p in el.parents}
    chrome = [t for t in body.find_all(True) if id(t) not in holds_content and _is_chrome(t)]
    for tag in chrome:
        if not tag.decomposed:
            tag.decompose()
    articles = sorted(body.find_all("article"), key=_words, reverse=True)
    candidates = [body.find("main") or body.find(attrs={"role": "main"}), *articles[:1], body]
    for root in candidates:
        if root is not None and _words(root) >= MIN_WORDS:
            return one_page(_blocks(root))
    if total >= MIN_WORDS:
        raise InputError(f"{path.name} bevat geen documenttekst, alleen navigatie en andere paginaonderdelen.",
                         "Open het document zelf (niet een zoek- of overzichtspagina) en sla die pagina op.")
    return one_page(_blocks(body))  # (almost) empty: extract_text says so


# --------------------------------------------------------------------------- Word

# A .docx is a zip; more than this unpacked is a zip bomb, not a letter.
MAX_DOCX_UNPACKED = 200 * 2**20


def _docx_paragraph(p) -> str:
    """A paragraph's text: its runs in order, also inside hyperlinks,
    content controls, fields and tracked insertions; not deleted text, and
    not text boxes anchored in it (their fallback copy would double them)."""
    from docx.oxml.ns import qn

    skip = {qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent"),
            "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
    parts = []
    for r in p.iter(qn("w:r")):
        node, keep = r.getparent(), True
        while node is not None and node is not p:
            if node.tag in skip:
                keep = False
                break
            node = node.getparent()
        if keep:
            parts.append(r.text)
    return "".join(parts)


def _nearest(node, tag: str):
    """The closest ancestor of `node` with this tag (None if there is none)."""
    node = node.getparent()
    while node is not None and node.tag != tag:
        node = node.getparent()
    return node


def _docx_blocks(container, out: list[str]) -> None:
    """Paragraphs and table rows of a body or table cell, in document order;
    content controls and custom XML are looked into."""
    from docx.oxml.ns import qn

    for el in container.iterchildren():
        if el.tag == qn("w:p"):
            out.append(_docx_paragraph(el))
        elif el.tag == qn("w:tbl"):
            # Rows and cells of this table, also inside content controls; a
            # nested table's rows belong to the cell that holds it.
            for tr in el.iter(qn("w:tr")):
                if _nearest(tr, qn("w:tbl")) is not el:
                    continue
                cells = []
                for tc in tr.iter(qn("w:tc")):
                    if _nearest(tc, qn("w:tr")) is tr:
                        inner: list[str] = []
                        _docx_blocks(tc, inner)
                        cells.append(" ".join(" ".join(x.split()) for x in inner if x.strip()))
                out.append(" | ".join(c for c in cells if c))
        elif el.tag in (qn("w:sdt"), qn("w:customXml")):
            content = el.find(qn("w:sdtContent")) if el.tag == qn("w:sdt") else el
            if content is not None:
                _docx_blocks(content, out)


@reader("Word-document", ".docx", empty_hint="Staat de tekst alleen in afbeeldingen of tekstvakken?")
def read_docx(path: Path) -> str:
    """A Word document (e.g. a Kamerstuk downloaded from tweedekamer.nl):
    the body's paragraphs and table rows in order. Page headers and footers
    (letterhead, page numbers) are not the letter's text and stay out;
    footnotes and text boxes are not read."""
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise InputError(f"{path.name} is geen geldig Word-bestand (.docx): het is geen zip-archief.",
                         "Is het een oud .doc-bestand of beveiligd met een wachtwoord? Sla het in Word op als .docx of PDF.") from None
    if unpacked > MAX_DOCX_UNPACKED:
        raise InputError(f"{path.name} is uitgepakt groter dan {MAX_DOCX_UNPACKED // 2**20} MB; dat is geen brief.")
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx fails in many ways on a damaged package
        missing = re.search(r"no item named '([^']+)'", str(exc))
        why = f"onderdeel {missing.group(1)} ontbreekt" if missing else f"{type(exc).__name__}: {exc}"[:200]
        raise InputError(f"{path.name} is geen geldig Word-bestand (.docx): {why}.",
                         "Open het in Word en sla het opnieuw op als .docx, of als PDF.") from None
    blocks: list[str] = []
    _docx_blocks(document.element.body, blocks)
    text = one_page([b.replace("\t", " ") for b in blocks if b.strip()])
    if not text.strip():
        header = any(p.text.strip() for s in document.sections for part in (s.header, s.footer) for p in part.paragraphs)
        raise InputError(f"{path.name} bevat geen tekst"
                         + (" (alleen in de kop- of voettekst, en die telt niet als brieftekst)." if header else "."),
                         "Staat de tekst alleen in afbeeldingen? Sla de brief dan op als PDF met een tekstlaag.")
    return text
