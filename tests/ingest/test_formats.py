"""Letter formats (rag/ingest/formats.py): one registry from suffix to reader, the
web page and Word readers on pages laid out as the official sites publish
them, bad files refused with their reason, and every place that names the
accepted files (folder walk, CLI help, upload widget, README) asking the
registry.

The documents here are made up (invented dossier, numbers and sentences) in
the layouts of officielebekendmakingen.nl and tweedekamer.nl; the Word file
is written by python-docx at test time.
"""
from __future__ import annotations

import ast
import types
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rag import cli
from rag.ingest import corpus, formats
from rag.ingest.corpus import expand_paths, extract_metadata, extract_text
from rag.errors import InputError
from tests.support.fakes import make_pdf

ROOT = Path(__file__).resolve().parents[2]

# ------------------------------------------------------------------ documents

CHROME = ("Direct naar de inhoud", "cookies", "Uitgebreid zoeken", "Zoekresultaten", "Downloads", "Rijksoverheid",
          "scripttekst", "Kamerleden", "Deel deze pagina", "Brieven regering", "Privacyverklaring", "Nieuwsbrief")


def _ob_page() -> bytes:
    """A Kamerstuk letter as officielebekendmakingen.nl renders it: site
    chrome around a main element with the document, declared windows-1252."""
    html = """<!DOCTYPE html>
<html lang="nl"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>Kamerstuk 29911-912 | Overheid.nl &gt; Officiële bekendmakingen</title>
<style>.stuk { font-family: serif; }</style>
</head>
<body>
<a class="skiplink" href="#content">Direct naar de inhoud</a>
<div id="cookiebar" role="dialog"><p>Wij gebruiken cookies om deze website te verbeteren en om te meten hoe
bezoekers de website gebruiken. Accepteert u de cookies voor deze website?</p><button>Ja</button><button>Nee</button></div>
<header class="header">
  <div class="header__logo">Officiële bekendmakingen</div>
  <nav class="navigation"><ul><li><a href="/">Home</a></li><li><a href="/zoeken">Uitgebreid zoeken</a></li>
  <li><a href="/over">Over deze website</a></li><li><a href="/help">Hulp bij zoeken</a></li></ul></nav>
</header>
<div class="breadcrumb"><ol><li><a href="/">Home</a></li><li><a href="/res">Zoekresultaten</a></li>
<li>Kamerstuk 29911-912</li></ol></div>
<main id="content"><div class="row">
<article>
  <h1 class="dossiertitel"><span class="dossiernummer">29&nbsp;911</span>
      Bestrijding georganiseerde criminaliteit</h1>
  <div class="stuk">
    <h1 class="stuktitel"><span class="stuknummer">Nr. 912</span> BRIEF VAN DE MINISTER VAN JUSTITIE
      EN VEILIGHEID</h1>
    <p class="aanhef">Aan de Voorzitter van de Tweede Kamer der Staten-Generaal</p>
    <p class="datumtekst">Den Haag, 3 februari 2031</p>
    <p>Met deze brief informeer ik uw Kamer over de <em>coördinatie</em> van de proef Kustwacht Noord,
      waarin douane, politie en marechaussee samen de kleine havens langs de Waddenkust controleren.<sup><a
      href="#note-1">1</a></sup></p>
    <h2 class="kop">Resultaten van het eerste jaar</h2>
    <p>In het eerste jaar zijn 41 vaartuigen gecontroleerd. Bij zes controles is een verdachte lading
      aangetroffen en overgedragen aan het Openbaar Ministerie.</p>
    <ul class="expliciet"><li>de inzet van een extra patrouilleboot;</li>
      <li>een gedeeld informatiebeeld van de drie diensten.</li></ul>
    <table><thead><tr><th>Jaar</th><th>Budget</th></tr></thead>
      <tbody><tr><td>2031</td><td>€ 12 miljoen</td></tr><tr><td>2032</td><td>€ 14 miljoen</td></tr></tbody></table>
    <p class="ondertekening">De Minister van Justitie en Veiligheid,<br/>Q. Verzonnen</p>
  </div>
</article>
<aside class="sidebar"><h2>Downloads</h2><ul><li>PDF (120 kB)</li><li>XML</li></ul></aside>
</div></main>
<footer class="footer"><p>Dit is een website van de Rijksoverheid.</p><ul><li>Privacyverklaring</li>
<li>Toegankelijkheid</li><li>Contact</li></ul></footer>
<script>var tekst = "geheime scripttekst";</script>
</body></html>
"""
    return html.encode("cp1252")


def _tk_page() -> bytes:
    """A document page in the tweedekamer.nl style: "Brief regering :
    <onderwerp>" over the letter, in the main content."""
    return """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Brief regering</title></head>
<body>
<header class="m-header"><nav aria-label="Hoofdmenu"><ul><li>Kamerleden</li><li>Commissies</li>
<li>Debat direct</li><li>Kamerstukken</li></ul></nav><form role="search"><input name="q"><button>Zoeken</button></form></header>
<main id="main-content">
  <nav aria-label="Kruimelpad" class="m-breadcrumb"><a href="/">Home</a> / <a>Kamerstukken</a> / Brieven regering</nav>
  <div class="u-padding-top"><h1>Brief regering : Voortgang pilot Slimme Containercontrole</h1>
  <table class="m-meta"><tr><th>Nummer</th><td>2031D04567</td></tr><tr><th>Datum</th><td>9 maart 2031</td></tr></table></div>
  <div class="m-document">
    <p>Geachte voorzitter,</p>
    <p>Hierbij stuur ik uw Kamer de tweede voortgangsrapportage over de pilot Slimme Containercontrole in de
       haven van Harlingen. De scanner herkent sinds de zomer ook koelcontainers met dubbele wanden.</p>
    <p>In de komende maanden breiden we de pilot uit naar twee andere terminals. De resultaten
       daarvan deel ik voor het einde van het jaar met uw Kamer.</p>
    <p>De Minister van Justitie en Veiligheid,<br>Q. Verzonnen</p>
  </div>
  <div class="m-share">Deel deze pagina via e-mail of sociale media</div>
</main>
<footer><p>Nieuwsbrief</p><p>Privacyverklaring</p></footer>
</body></html>
""".encode("utf-8")


def _nav_only_page() -> bytes:
    """A page that is only site chrome: menus, breadcrumb, a search form, footer."""
    items = "".join(f"<li><a href='/{i}'>Menu-onderdeel {w}</a></li>" for i, w in enumerate(
        "Home Zoeken Uitgebreid Kamerstukken Handelingen Staatscourant Staatsblad Gemeenteblad Provinciaal "
        "Waterschapsblad Tractatenblad Help Contact Over".split()))
    return f"""<html><head><meta charset="utf-8"></head><body>
<header><nav class="main-menu"><ul>{items}</ul></nav></header>
<div class="breadcrumb">Home / Zoeken / Resultaten</div>
<main><form><label>Zoekterm</label><input name="q"><button>Zoek</button></form><p>Geen resultaten.</p></main>
<footer><ul>{items}</ul><p>Dit is een website van de Rijksoverheid over officiële publicaties.</p></footer>
</body></html>""".encode("utf-8")


HEADER_LINES = ("29 911 Bestrijding georganiseerde criminaliteit",
                "Nr. 912 BRIEF VAN DE MINISTER VAN JUSTITIE EN VEILIGHEID",
                "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal",
                "Den Haag, 3 februari 2031")


def _docx(path: Path, *, body: bool = True) -> Path:
    """A Kamerstuk as a Word file (written now: *.docx is not committed), with
    a page header and footer that are not the letter's text."""
    import docx

    doc = docx.Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = "Kopregel: Tweede Kamer der Staten-Generaal, vergaderjaar 2030-2031"
    section.footer.paragraphs[0].text = "Voetregel pagina 1 van 2"
    if body:
        doc.add_heading(HEADER_LINES[0], level=1)
        doc.add_paragraph(HEADER_LINES[1])
        doc.add_paragraph(HEADER_LINES[2])
        doc.add_paragraph(HEADER_LINES[3])
        p = doc.add_paragraph("Met deze brief informeer ik uw Kamer over de ")
        p.add_run("proef Kustwacht Noord").bold = True
        p.add_run(", waarin douane, politie en marechaussee samen de kleine havens langs de Waddenkust controleren.")
        doc.add_paragraph("In het eerste jaar zijn 41 vaartuigen gecontroleerd.", style="List Bullet")
        table = doc.add_table(rows=2, cols=2)
        for r, row in enumerate((("Jaar", "Budget"), ("2031", "€ 12 miljoen"))):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        doc.add_paragraph("De Minister van Justitie en Veiligheid,")
        doc.add_paragraph("Q. Verzonnen")
    else:
        doc.add_paragraph("")
    doc.save(str(path))
    return path


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _page_convention(text: str) -> None:
    """One page: the first line starts with the page-start space, no other line does."""
    assert text.startswith(" ") and not text.startswith("  ")
    assert not [line for line in text.splitlines()[1:] if line[:1].isspace()]


# ------------------------------------------------------------------ web pages
def test_officielebekendmakingen_page_keeps_the_letter_and_drops_the_chrome(tmp_path):
    f = tmp_path / "kst-29911-912.html"
    f.write_bytes(_ob_page())
    text = extract_text(f)
    lines = _lines(text)
    _page_convention(text)
    # The header lines, each on its own line and in order.
    at = [lines.index(h) for h in HEADER_LINES]
    assert at == sorted(at) and at[0] == 0, lines[:6]
    assert "Resultaten van het eerste jaar" in lines
    # A paragraph is one line, its inline markup and source line breaks joined.
    assert any(line.startswith("Met deze brief informeer ik uw Kamer over de coördinatie van de proef Kustwacht Noord, "
                               "waarin douane") for line in lines)
    assert "de inzet van een extra patrouilleboot;" in lines  # a list item is a block
    assert "2031 | € 12 miljoen" in lines and "Jaar | Budget" in lines  # table rows; € by the declared charset
    i = lines.index("De Minister van Justitie en Veiligheid,")
    assert lines[i + 1] == "Q. Verzonnen"  # <br> kept as a line break
    assert "\n\nResultaten van het eerste jaar\n\n" in text  # blank line between blocks
    for chrome in CHROME:
        assert chrome not in text, chrome
    stated = extract_metadata(text)
    assert (stated.date, stated.minister) == ("2031-02-03", "Q. Verzonnen")


def test_tweedekamer_page_keeps_the_brief_regering_heading_and_body(tmp_path):
    f = tmp_path / "brief-regering.htm"
    f.write_bytes(_tk_page())
    text = extract_text(f)
    lines = _lines(text)
    _page_convention(text)
    assert lines[0] == "Brief regering : Voortgang pilot Slimme Containercontrole"
    assert "Datum | 9 maart 2031" in lines
    assert "Geachte voorzitter," in lines
    assert any(line.startswith("Hierbij stuur ik uw Kamer de tweede voortgangsrapportage") and
               line.endswith("met dubbele wanden.") for line in lines)
    assert lines[-2:] == ["De Minister van Justitie en Veiligheid,", "Q. Verzonnen"]
    for chrome in CHROME + ("Zoeken", "Home"):
        assert chrome not in text, chrome


def test_a_page_without_main_or_article_is_read_from_its_body_without_chrome(tmp_path):
    body = "".join(f"<div class='tekst'><p>Alinea {i}: de proef met drones boven de haven loopt volgens plan "
                   f"en wordt in het najaar geëvalueerd.</p></div>" for i in range(3))
    f = tmp_path / "kaal.html"
    f.write_text(f"<html><body><div id='site-header'>Logo en zoekbalk</div><ul class='menu'><li>Home</li></ul>"
                 f"{body}<div class='site-footer'>Colofon</div></body></html>", encoding="utf-8")
    lines = _lines(extract_text(f))
    assert len(lines) == 3 and all(line.startswith("Alinea ") for line in lines)


def test_a_navigation_only_page_is_refused_with_its_reason(tmp_path):
    f = tmp_path / "zoeken.html"
    f.write_bytes(_nav_only_page())
    with pytest.raises(InputError) as err:
        extract_text(f)
    assert "zoeken.html bevat geen documenttekst, alleen navigatie" in err.value.message
    assert err.value.hint


def test_html_that_is_really_a_pdf_says_so(tmp_path):
    f = tmp_path / "brief.html"
    f.write_bytes(make_pdf("x " * 30))
    with pytest.raises(InputError, match="geen webpagina maar een PDF"):
        extract_text(f)


# ------------------------------------------------------------------ Word
def test_docx_paragraphs_and_table_rows_in_order_without_page_header_and_footer(tmp_path):
    text = extract_text(_docx(tmp_path / "kamerstuk.docx"))
    lines = _lines(text)
    _page_convention(text)
    assert lines[:4] == list(HEADER_LINES)
    assert lines[4] == ("Met deze brief informeer ik uw Kamer over de proef Kustwacht Noord, waarin douane, politie "
                        "en marechaussee samen de kleine havens langs de Waddenkust controleren.")  # runs joined
    assert lines[5:] == ["In het eerste jaar zijn 41 vaartuigen gecontroleerd.", "Jaar | Budget", "2031 | € 12 miljoen",
                         "De Minister van Justitie en Veiligheid,", "Q. Verzonnen"]
    assert "Kopregel" not in text and "Voetregel" not in text


def test_docx_content_controls_tracked_changes_and_nested_tables(tmp_path):
    """Text in a content control is the letter's; deleted text is not."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    path = _docx(tmp_path / "sjabloon.docx")
    doc = docx.Document(str(path))
    body = doc.element.body
    body.insert(0, parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>Onderwerp Proef Kustwacht Noord</w:t></w:r></w:p>'
        f'</w:sdtContent></w:sdt>'))
    body.insert(1, parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">Het budget is </w:t></w:r>'
        f'<w:del w:id="1" w:author="a" w:date="2031-01-01T00:00:00Z"><w:r><w:delText>tien</w:delText>'
        f'<w:t>geschrapt</w:t></w:r></w:del>'
        f'<w:ins w:id="2" w:author="a" w:date="2031-01-01T00:00:00Z"><w:r><w:t>twaalf</w:t></w:r></w:ins>'
        f'<w:r><w:t xml:space="preserve"> miljoen euro.</w:t></w:r></w:p>'))
    outer = doc.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Regio"
    inner = outer.cell(0, 1).add_table(rows=2, cols=1)
    inner.cell(0, 0).text, inner.cell(1, 0).text = "Noord", "Zuid"
    doc.save(str(path))
    lines = _lines(extract_text(path))
    assert lines[:2] == ["Onderwerp Proef Kustwacht Noord", "Het budget is twaalf miljoen euro."]
    assert lines[-1] == "Regio | Noord Zuid"  # a nested table is part of its cell, not rows of its own


def test_a_word_file_without_text_is_refused_with_its_reason(tmp_path):
    with pytest.raises(InputError) as err:
        extract_text(_docx(tmp_path / "leeg.docx", body=False))
    assert "leeg.docx bevat geen tekst" in err.value.message and "kop- of voettekst" in err.value.message


@pytest.mark.parametrize("content,reason", [
    (b"Dit is geen Word-bestand maar gewone tekst.", "geen zip-archief"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "geen zip-archief"),  # an old .doc, renamed
    (None, "geen geldig Word-bestand"),  # a zip, but no Word document in it
])
def test_a_corrupt_docx_is_refused_with_its_reason_not_a_traceback(tmp_path, content, reason):
    f = tmp_path / "kapot.docx"
    if content is None:
        with zipfile.ZipFile(f, "w") as zf:
            zf.writestr("iets.txt", "geen document")
    else:
        f.write_bytes(content)
    with pytest.raises(InputError) as err:
        extract_text(f)
    assert reason in err.value.message and err.value.message.startswith("kapot.docx ")
    assert "Traceback" not in str(err.value)


def test_a_docx_that_unpacks_to_too_much_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(formats, "MAX_DOCX_UNPACKED", 1000)
    with pytest.raises(InputError, match="uitgepakt groter"):
        extract_text(_docx(tmp_path / "bom.docx"))


# ------------------------------------------------------------------ PDF and text
def test_a_pdf_with_only_a_header_line_is_refused_with_its_reason(tmp_path):
    f = tmp_path / "alleen-kop.pdf"
    f.write_bytes(make_pdf("Tweede Kamer der Staten-Generaal 2"))
    with pytest.raises(InputError) as err:
        extract_text(f)
    assert "alleen-kop.pdf bevat vrijwel geen tekst (5 woorden)" in err.value.message
    assert "gescande PDF" in err.value.hint


def test_text_in_windows_1252_is_read(tmp_path):
    f = tmp_path / "oud.txt"
    f.write_bytes((" Geachte voorzitter,\n\n" + "De coördinatie kost € 5 miljoen per jaar. " * 5).encode("cp1252"))
    assert "coördinatie kost € 5 miljoen" in extract_text(f)


# ------------------------------------------------------------------ the registry
def test_the_registry_holds_the_built_in_formats_once():
    assert formats.suffixes() == (".txt", ".md", ".pdf", ".html", ".htm", ".docx")
    assert corpus.SUPPORTED == formats.suffixes()
    assert formats.for_path("A.DOCX").label == "Word-document"
    with pytest.raises(ValueError):
        formats.register("nog een PDF-lezer", (".PDF",), lambda p: "")


@pytest.fixture()
def extra_format():
    """A format registered by a test: everything that names formats must show it."""
    fmt = formats.register("proefformaat", (".xyz",), lambda p: " " + "woord " * 30 + "\n")
    yield fmt
    formats.unregister(fmt)


def test_a_registered_format_is_read_walked_and_named_everywhere(tmp_path, extra_format, capsys):
    (tmp_path / "d").mkdir()
    for name in ("a.xyz", "b.html", "c.docx", "d.odt"):
        (tmp_path / "d" / name).write_text("x")
    t = expand_paths([tmp_path / "d"])
    assert [p.name for p in t.new] == ["a.xyz", "b.html", "c.docx"] and [p.name for p in t.ignored] == ["d.odt"]
    assert extract_text(tmp_path / "d" / "a.xyz").split()[0] == "woord"
    assert ".xyz" in corpus.SUPPORTED
    with pytest.raises(InputError) as err:
        extract_text(tmp_path / "d" / "d.odt")
    assert err.value.hint == f"Gebruik {formats.suffix_list()}." and ".xyz" in err.value.hint
    with pytest.raises(SystemExit):
        cli.main(["ingest", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert formats.describe() in help_text and "proefformaat (.xyz)" in help_text


def _uploader_call() -> ast.Call:
    tree = ast.parse((ROOT / "streamlit_app.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr == "file_uploader"]
    assert len(calls) == 1
    return calls[0]


def test_the_upload_widget_accepts_what_the_registry_reads(extra_format):
    """The `type=` and label the app passes to st.file_uploader, evaluated as
    the app evaluates them (with a format registered here, so a list written
    out in the app would fail)."""
    call = _uploader_call()
    # st.get_option: the upload size limit the label states (.streamlit/config.toml).
    scope = {"F": formats, "st": types.SimpleNamespace(get_option=lambda name: 20)}
    kwargs = {k.arg: eval(compile(ast.Expression(k.value), "streamlit_app.py", "eval"), scope) for k in call.keywords}
    label = eval(compile(ast.Expression(call.args[0]), "streamlit_app.py", "eval"), scope)
    assert kwargs["type"] == ["txt", "md", "pdf", "html", "htm", "docx", "xyz"]
    assert all(s in label for s in formats.suffixes())


def test_readme_names_the_registry_formats_once():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Letter formats", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`." in line]
    named = [(row.split("|")[1].strip(), tuple(re.findall(r"`(\.\w+)`", row.split("|")[2]))) for row in rows]
    assert named == [(f.label, f.suffixes) for f in formats.formats()]
    # Nowhere else a list of suffixes that could fall behind the registry.
    outside = readme.replace(section, "")
    assert not re.search(r"\.txt\b.{0,20}\.md\b", outside), "a second list of formats in README"


# ------------------------------------------------------------------ the command
@pytest.mark.subprocess
def test_rag_ingest_adds_a_web_page_and_a_word_file_and_refuses_a_navigation_page(tmp_path, pipeline, settings):
    """`python -m rag ingest FOLDER` as a process, over a copy of the corpus and
    index (the `pipeline` fixture makes sure the index is built, so only the
    two new letters are embedded)."""
    shutil.copytree(settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(pipeline.retriever.index.path.parent, tmp_path / "index", ignore=shutil.ignore_patterns(".lock"))
    box = tmp_path / "downloads"
    box.mkdir()
    (box / "kst-29911-912.html").write_bytes(_ob_page())
    _docx(box / "brief-regering.docx")
    (box / "zoeken.html").write_bytes(_nav_only_page())
    env = {**os.environ, "RAG_CORPUS_DIR": str(tmp_path / "corpus"), "RAG_INDEX_DIR": str(tmp_path / "index"),
           "RAG_CACHE_DIR": str(settings.cache_dir)}
    r = subprocess.run([sys.executable, "-m", "rag", "ingest", str(box)], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=900, check=False)
    assert r.returncode == cli.EXIT_SOME_FILES_REFUSED, r.stderr
    out = r.stdout
    assert "samenvatting: 2 toegevoegd, 0 overgeslagen (al aanwezig), 1 geweigerd" in out, out
    # Both files hold the same Kamerstuk letter: each is titled by what its header
    # states (sender, Kamerstuk, date), never by the dossier line, and the two
    # titles differ.
    title = r"Brief van de minister van Justitie en Veiligheid, Kamerstuk 29 911, nr\. 912, 3 februari 2031"
    meta = r"\(2031-02-03, Kamerstuk 29 911, nr\. 912, Q\. Verzonnen\)"
    for stem in ("kst-29911-912", "brief-regering"):
        assert re.search(rf"^toegevoegd: {stem}\t{title}(?: \([\w-]+\))? {meta}$", out, re.M), out
    assert "29 911 Bestrijding georganiseerde criminaliteit (" not in out
    assert f"geweigerd: {box / 'zoeken.html'}: zoeken.html bevat geen documenttekst, alleen navigatie" in out
    assert "index (gebouwd):" in out and "uit 7 brieven" in out
    assert (tmp_path / "corpus" / "kst-29911-912.txt").read_text(encoding="utf-8") == extract_text(box / "kst-29911-912.html")
    assert "Traceback" not in r.stderr
