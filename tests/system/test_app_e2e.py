"""The Streamlit app in a real headless browser (Debian's chromium + playwright).

Starts `streamlit run streamlit_app.py` on a free port, asks a question, follows
a citation link to its source card, asks a follow-up, collects both answers in
the note and downloads the note as DOCX. Screenshots go to a fresh temporary
folder whose path is printed (pytest -s shows it).

Without /usr/bin/chromium the test is skipped, except under CI=true, where a
missing browser is a failure.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, free_port, require, wait_healthy

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Welke landen produceren de cocaïne die naar Europa komt?"
FOLLOW_UP = "En welke transitlanden worden genoemd?"
REFUSED = "Wie is de burgemeester van Amsterdam?"


@pytest.fixture(scope="module")
def app_url():
    require(CHROMIUM.exists(), f"{CHROMIUM} not installed (apt-get install chromium)")
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="rag-streamlit-log-")) / "streamlit.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log_path)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
        print(f"\nstreamlit log: {log_path}")


def test_chat_citations_note_docx(app_url):
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:  # pragma: no cover
        require(False, "the playwright Python package is not installed")
    from docx import Document

    shots = Path(tempfile.mkdtemp(prefix="rag-app-screens-"))
    print(f"\nscreenshots: {shots}")
    profile = tempfile.mkdtemp(prefix="rag-chromium-profile-")
    timings: dict[str, float] = {}

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="nl-NL",
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(60_000)

            t0 = time.perf_counter()
            page.goto(app_url)
            chat = page.get_by_test_id("stChatInputTextArea")
            expect(chat).to_be_visible(timeout=240_000)  # first run: embedder + index
            timings["first_load_s"] = time.perf_counter() - t0
            page.screenshot(path=str(shots / "01-start.png"))

            # -- a question: answer with markers and source cards
            t0 = time.perf_counter()
            chat.fill(QUESTION)
            chat.press("Enter")
            first = page.get_by_test_id("stChatMessage").nth(1)
            expect(first.locator(".rag-card").first).to_be_visible(timeout=120_000)
            expect(first.get_by_role("button", name="Toevoegen aan notitie")).to_be_visible()
            timings["question_s"] = time.perf_counter() - t0
            body = first.inner_text()
            assert "Colombia" in body, body
            # Auto-waiting: under load the rendering can trail the buttons.
            expect(first.locator("mark").first).to_be_attached()
            page.screenshot(path=str(shots / "02-answer.png"))

            # -- a marker links to its card, which becomes the :target
            marker = first.locator("a.rag-cite").nth(1)
            href = marker.get_attribute("href")
            assert href and href.startswith("#bron-"), href
            marker.click()
            page.wait_for_function("h => location.hash === h", arg=href)
            # The card of the passage it quotes: the card's own id, or a marker's anchor in it.
            card = page.locator(f"div.rag-card:has({href}), div.rag-card{href}")
            expect(card).to_be_in_viewport()
            assert page.evaluate("() => document.querySelector(':target') && document.querySelector(':target').id") \
                == href[1:]
            page.screenshot(path=str(shots / "03-citation-target.png"))

            # -- a follow-up uses the conversation
            t0 = time.perf_counter()
            chat.fill(FOLLOW_UP)
            chat.press("Enter")
            second = page.get_by_test_id("stChatMessage").nth(3)
            expect(second.get_by_role("button", name="Toevoegen aan notitie")).to_be_visible(timeout=120_000)
            timings["follow_up_s"] = time.perf_counter() - t0
            expect(second).to_contain_text("Gezocht als:")
            expect(second.locator(".rag-card").first).to_be_attached()
            second.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "04-follow-up.png"))

            # -- both answers into the note
            first.get_by_role("button", name="Toevoegen aan notitie").click()
            expect(first.get_by_role("button", name="In notitie ✓")).to_be_visible()
            second = page.get_by_test_id("stChatMessage").nth(3)
            second.get_by_role("button", name="Toevoegen aan notitie").click()
            expect(second.get_by_role("button", name="In notitie ✓")).to_be_visible()

            page.get_by_role("radio", name="Notitie (2)", exact=True).click()
            title = page.get_by_label("Titel", exact=True)
            expect(title).to_be_visible()
            title.fill("Cocaïnehandel: herkomst en transit")
            title.press("Tab")
            expect(page.locator("strong", has_text="Referenties")).to_be_visible()
            # Wait until the rerun with the new title has reached the page (the
            # Markdown export shows it) before typing on: a field typed into
            # while a rerun is in flight is redrawn with the value it had.
            expect(page.get_by_test_id("stCode").last).to_contain_text("# Cocaïnehandel: herkomst en transit",
                                                                      timeout=30_000)
            page.get_by_label("Inleiding", exact=True).fill("Notitie voor het overleg over de internationale aanpak.")
            page.get_by_label("Inleiding", exact=True).press("Tab")
            expect(page.get_by_test_id("stCode").last).to_contain_text("Notitie voor het overleg", timeout=30_000)
            page.screenshot(path=str(shots / "05-note.png"))

            with page.expect_download(timeout=60_000) as dl_info:
                page.get_by_role("button", name="Download Word (DOCX)").click()
            download = dl_info.value
            assert download.suggested_filename.endswith(".docx"), download.suggested_filename
            data = Path(download.path()).read_bytes()

            # -- the letters view
            page.get_by_role("radio", name="Brieven", exact=True).click()
            expect(page.get_by_text("Brieven in het corpus (5)", exact=True)).to_be_visible()
            expect(page.get_by_test_id("stTable")).to_contain_text("Kamerstuk")
            expect(page.get_by_test_id("stTable")).to_contain_text("29 911, nr. 355")
            page.get_by_text("Pagina 1", exact=True).click()
            expect(page.locator(".rag-page").first).to_be_visible()
            page.screenshot(path=str(shots / "06-letters.png"))

            # -- a question the letters do not answer: plain refusal + closest passages
            page.get_by_role("radio", name="Notitie (2)", exact=True).click()
            expect(page.get_by_label("Titel", exact=True)).to_have_value("Cocaïnehandel: herkomst en transit")
            page.get_by_role("radio", name="Gesprek", exact=True).click()
            chat = page.get_by_test_id("stChatInputTextArea")
            chat.fill(REFUSED)
            chat.press("Enter")
            refusal = page.locator(".rag-refusal").last
            expect(refusal).to_have_text("Dat staat niet in deze brieven.", timeout=120_000)
            # The closest passages are folded away (they are no answer), and the
            # refusal goes into the note only on purpose.
            expect(page.locator(".rag-card-plain").first).not_to_be_visible()
            page.get_by_text("Passages die er het dichtst bij komen").last.click()
            expect(page.locator(".rag-card-plain").first).to_be_visible()
            last = page.get_by_test_id("stChatMessage").last
            assert last.get_by_role("button", name="Toevoegen aan notitie").count() == 0
            expect(last.get_by_role("button", name="Toch in notitie …")).to_be_visible()
            refusal.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "07-refusal.png"))
            assert "Traceback" not in page.inner_text("body")
        finally:
            context.close()

    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Cocaïnehandel: herkomst en transit" in text
    assert QUESTION in text and FOLLOW_UP in text
    assert "Referenties" in text and "Bronnen" in text
    assert "[1] " in text and "Colombia" in text
    assert "Kamerstuk 29 911, nr. 355" in text
    print("timings:", {k: round(v, 1) for k, v in timings.items()})
