"""Briefingassistent: chat over the Kamerbrieven, with sources and a briefing note.

    streamlit run streamlit_app.py        (or: make app)

Three views: Gesprek (chat with cited answers and source cards), Notitie (the
collected answers, exported to Markdown or Word) and Brieven (the corpus, read
page by page, and uploading a new letter). One Pipeline per server process
(st.cache_resource). The logic that needs no Streamlit: rag/app/render.py (how an
answer and its sources look), rag/app/note.py (the briefing note and its export)
and rag/app/session.py (history, errors, the shared pipeline and its lock).
"""
from __future__ import annotations

import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st
from streamlit.logger import get_logger

from rag.answer import answerers
from rag.app import session as H  # session glue: history, errors, PipelineGuard
from rag.app import note as N  # the briefing note
from rag.app import render as R  # answers, source cards, metadata
from rag.ingest import formats as F  # the accepted letter files
from rag.app import notebooks as NB  # conversations and notes kept between visits
from rag import texts as T
from rag.config import MODES, load_settings
from rag.errors import RagError
from rag.fileutil import slug

log = get_logger("rag.app")  # the server log

st.set_page_config(page_title="Briefingassistent Kamerbrieven", page_icon="📄", layout="wide")

CSS = """
<style>
.rag-card { border: 1px solid rgba(128,128,128,.35); border-left: 4px solid #2563eb; border-radius: 6px;
  padding: .55rem .8rem; margin: .45rem 0; scroll-margin-top: 5rem; transition: box-shadow .2s, background .2s; }
.rag-card:target { border-color: #d97706; border-left-color: #d97706; background: rgba(250, 204, 21, .10);
  box-shadow: 0 0 0 3px rgba(217, 119, 6, .35); }
.rag-card-plain { border-left-color: #9ca3af; }
.rag-card-n { float: right; font-weight: 700; color: #2563eb; margin-left: .6rem; }
.rag-card-title { font-weight: 600; line-height: 1.3; }
.rag-card-meta { font-size: .85rem; opacity: .75; margin: .1rem 0 .35rem 0; }
.rag-card-text { font-size: .92rem; line-height: 1.5; }
.rag-card-text mark { background: #fde68a; color: inherit; padding: 0 .12em; border-radius: 2px; }
a.rag-cite { text-decoration: none; font-weight: 600; font-size: .9em; }
a.rag-cite:hover { text-decoration: underline; }
.rag-refusal { font-weight: 600; font-size: 1.05rem; }
.rag-partial { border-left: 4px solid #d08c00; background: #fff6e0; padding: 0.5rem 0.8rem; margin-bottom: 0.5rem; }
.rag-page { line-height: 1.55; }
.rag-card:has(span:target) { border-color: #d97706; border-left-color: #d97706; background: rgba(250, 204, 21, .10);
  box-shadow: 0 0 0 3px rgba(217, 119, 6, .35); }
/* Streamlit's own texts that no widget parameter sets (1.67), in Dutch:
   the upload button and its size line, and the multiselect's "Select all". */
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "Bestand kiezen"; font-size: .95rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "of sleep het bestand hierheen"; font-size: .85rem; }
[role="option"][data-key="__select_all__"] > div { font-size: 0; }
[role="option"][data-key="__select_all__"] > div::after { content: "Alles kiezen"; font-size: .95rem; }
</style>
"""

EXAMPLES = (
    "Welke landen produceren de cocaïne die naar Europa komt?",
    "Hoeveel meldingen van ongebruikelijke transacties waren er?",
    "Wat is het internationaal offensief tegen georganiseerde criminaliteit?",
)
VIEWS = ("Gesprek", "Notitie", "Brieven")
KEEP_UNDATED = "Ook brieven zonder datum"


# ------------------------------------------------------------------ pipeline
def _progress_bar(text: str):
    """A Streamlit progress bar and a pipeline progress callback driving it:
    messages without a fraction keep the bar where it was."""
    bar = st.progress(0.0, text=text)
    last = [0.0]

    def progress(message: str, fraction: float | None = None) -> None:
        if fraction is not None:
            last[0] = max(0.0, min(1.0, float(fraction)))
        bar.progress(last[0], text=message)

    return bar, progress


@st.cache_resource(show_spinner=False)
def _guard(corpus_dir: str, index_dir: str, cache_dir: str, embedder: str) -> H.PipelineGuard:
    """One holder per server (and per corpus/index/embedder configuration)."""
    return H.PipelineGuard()


def get_guard() -> H.PipelineGuard:
    """The loaded pipeline; the first session loads it with visible progress."""
    settings = load_settings()
    guard = _guard(str(settings.corpus_dir), str(settings.index_dir), str(settings.cache_dir), settings.embedder)
    if guard.pipeline is not None:
        return guard
    with st.spinner("De assistent wordt gestart …"), guard.lock:
        if guard.pipeline is not None:  # another session loaded it meanwhile
            return guard
        with st.status("Eerste start: embedder en index voorbereiden (dit gebeurt één keer) …",
                       expanded=True) as status:
            _, progress = _progress_bar("Starten …")
            try:
                guard.load(settings, progress)
            except Exception as exc:  # noqa: BLE001 - shown, never a traceback
                status.update(label="Starten mislukt", state="error", expanded=True)
                show_error(exc)
                st.stop()
            log.info("Pipeline geladen in %.1f s", guard.load_seconds)
            status.update(label=f"Klaar: embedder en index geladen in {guard.load_seconds:.0f} s",
                          state="complete", expanded=False)
    return guard


def show_error(exc: BaseException, where=None) -> str:
    """st.error with message and hint; unexpected errors go to the server log."""
    if not isinstance(exc, RagError):
        log.error("Onverwachte fout in de app", exc_info=exc)
    text = H.error_message(exc)
    (where or st).error(text)
    return text


# ------------------------------------------------------------------- state
# The conversation and the note live in the session for rendering and are
# written to the notebook store (rag.app.notebooks) at every change, so a reload,
# a dropped connection or an app restart brings them back from the URL's ids.
@st.cache_resource(show_spinner=False)
def _notebook_store(target: str) -> NB.NotebookStore:
    return NB.NotebookStore(target)


def notebook_store() -> NB.NotebookStore:
    return _notebook_store(NB.store_target(load_settings()))


def init_state() -> None:
    """The session's notebook: the one the URL names (read back from the
    store once per session), else a new one with fresh ids in the URL."""
    ss = st.session_state
    ss.setdefault("llm_checked", None)
    qp = st.query_params
    ws, nb = qp.get("ws"), qp.get("nb")
    if not NB.valid_id(ws):
        ws = NB.new_id()
    if not NB.valid_id(nb):
        nb = NB.new_id()
    if qp.get("ws") != ws or qp.get("nb") != nb:
        qp.update(ws=ws, nb=nb)
    if ss.get("notebook") == (ws, nb):
        return
    book = None
    try:
        book = notebook_store().get(ws, nb)
    except RagError as exc:
        ss.save_error = H.error_message(exc)
    ss.notebook = (ws, nb)
    ss.messages = book.messages if book else []
    ss.note = [N.NoteItem.from_record(d) for d in book.note] if book else []
    ss.next_id = book.next_id if book else 1
    ss.note_title = book.title if book else T.NOTE_TITLE
    ss.note_intro = book.intro if book else ""
    ss.editing = None


def save(action, *args) -> bool:
    """One change to the store; when the store fails the session keeps the
    change (nothing in the window is lost) and the page says it was not saved."""
    try:
        action(*st.session_state.notebook, *args)
    except RagError as exc:
        st.session_state.save_error = H.error_message(exc)
        log.warning("Notitieboek niet opgeslagen: %s", exc)
        return False
    st.session_state.pop("save_error", None)
    return True


def save_message(msg: dict) -> None:
    save(notebook_store().add_message, msg, st.session_state.next_id)


def save_note() -> None:
    ss = st.session_state
    save(notebook_store().save_note, [item.to_record() for item in ss.note], ss.note_title, ss.note_intro)


def new_id() -> str:
    n = st.session_state.next_id
    st.session_state.next_id = n + 1
    return f"m{n}"


def new_conversation() -> None:
    st.session_state.messages = []
    save(notebook_store().clear_messages)


def open_notebook(nb: str) -> None:
    """Switch to a notebook of this workspace (or a new one): its id goes into
    the URL and init_state reads it on the rerun."""
    st.query_params["nb"] = nb
    st.session_state.pop("notebook", None)


def delete_notebook(nb: str) -> None:
    ws = st.session_state.notebook[0]
    if save(lambda *_: notebook_store().delete(ws, nb)):
        st.toast("Notitie verwijderd")
        if nb == st.session_state.notebook[1]:
            open_notebook(NB.new_id())


def add_to_note(msgid: str) -> None:
    for msg in st.session_state.messages:
        if msg["id"] == msgid and msg.get("answer") is not None:
            if not any(item.msgid == msgid for item in st.session_state.note):
                st.session_state.note.append(N.NoteItem.from_answer(msg["answer"], msgid))
                save_note()
                st.toast("Toegevoegd aan de notitie")


def move_note_item(i: int, delta: int) -> None:
    note = st.session_state.note
    j = i + delta
    if 0 <= j < len(note):
        note[i], note[j] = note[j], note[i]
        st.session_state.editing = None
        save_note()


def remove_note_item(i: int) -> None:
    del st.session_state.note[i]
    st.session_state.editing = None
    save_note()


def save_edit(i: int, shown: dict[int, int]) -> None:
    """The edited answer text of note item i (rag.app.note.edit_item)."""
    ss = st.session_state
    try:
        item, unknown = N.edit_item(ss.note[i], ss[f"edit-{i}"], shown)
    except RagError as exc:
        ss.edit_error = H.error_message(exc)
        return
    ss.note[i] = item
    ss.editing = None
    ss.pop("edit_error", None)
    if unknown:
        st.toast("Weggelaten: " + ", ".join(f"[{n}]" for n in unknown) + " hoort bij geen bron van dit antwoord")
    save_note()


# ----------------------------------------------------------------- sidebar
def sidebar(pipeline) -> H.ChatOptions:
    s = pipeline.settings
    titles = {letter.letter_id: letter.title for letter in pipeline.letters}
    date_from = date_to = None
    with st.sidebar:
        st.header("Zoeken")
        chosen = st.multiselect(
            "Brieven om in te zoeken", options=list(titles), format_func=lambda lid: titles.get(lid, lid),
            placeholder="Alle brieven", key="f_letters",
            help="Leeg laten om in alle brieven te zoeken.",
        )
        letters = [lid for lid in chosen if lid in titles] or None
        # Dossier and document type: the values the letters state (rag.filters).
        facets = pipeline.retriever.facets
        dossiers = kinds = None
        if facets.dossiers:
            dossiers = [d for d in st.multiselect(
                "Dossiers", options=list(facets.dossiers), format_func=facets.dossier_label,
                placeholder="Alle dossiers", key="f_dossiers",
                help="Kamerstukdossiers die de brieven noemen (bijv. 29 911). Leeg laten voor alle dossiers.",
            ) if d in facets.dossiers] or None
        if facets.kinds:
            kinds = [x for x in st.multiselect(
                "Soort document", options=list(facets.kinds), placeholder="Alle soorten", key="f_kinds",
                help="Leeg laten om in alle soorten documenten te zoeken.",
            ) if x in facets.kinds] or None

        keep_undated = False
        if st.toggle("Filter op datum", key="f_use_dates"):
            picked = st.date_input("Periode", value=(date(2020, 1, 1), date.today()), format="DD-MM-YYYY",
                                   key="f_dates")
            picked = tuple(picked) if isinstance(picked, (tuple, list)) else (picked,)
            if picked and picked[0]:
                date_from = picked[0].isoformat()
            if len(picked) > 1 and picked[1]:
                date_to = picked[1].isoformat()
            keep_undated = st.checkbox(KEEP_UNDATED, key="f_keep_undated",
                                       help="Een brief zonder datum kan niet binnen de periode blijken te vallen; "
                                       "aangevinkt doet hij toch mee.")
            undated = sum(1 for letter in pipeline.letters if not letter.date)
            if undated and not keep_undated:
                st.caption(f"Let op: brieven zonder datum ({undated} van {len(pipeline.letters)}) doen niet mee, "
                           f"tenzij ‘{KEEP_UNDATED}’ aangevinkt is. Het antwoord zegt hoeveel er buiten bleven.")

        with st.expander("Geavanceerd"):
            mode = st.selectbox("Zoeken op", MODES, index=MODES.index(s.mode) if s.mode in MODES else 0,
                                format_func=R.MODE_LABELS.get, key="f_mode")
            k = st.slider("Aantal passages als bewijs", 1, 15, min(max(s.k, 1), 15), key="f_k",
                          help="Zoveel passages uit de brieven krijgt het antwoord als bewijs.")
            st.caption(f"Taalmodel voor het zoeken: {s.embedder}")
        search = s.search_options(k=k, mode=mode, letters=letters, dossiers=dossiers, kinds=kinds,
                                  date_from=date_from, date_to=date_to, keep_undated=keep_undated)

        st.header("Antwoord")
        names = answerers.names()
        generator = st.radio("Antwoordvorm", names, index=names.index(s.generator) if s.generator in names else 0,
                             format_func=lambda name: answerers.spec(name).label, key="f_gen")
        llm = None
        if answerers.spec(generator).needs_server:
            base = st.text_input("Basis-URL", value=s.llm_base_url, placeholder="http://localhost:11434/v1",
                                 key="f_base_url")
            model = st.text_input("Model", value=s.llm_model, placeholder="bijv. qwen2.5:7b-instruct",
                                  key="f_model")
            api_key = st.text_input("API-sleutel", value=s.llm_api_key, type="password", key="f_api_key",
                                    help="Leeg laten als de server geen sleutel vraagt.")
            llm = H.LLMServer(base, model, api_key)
            if st.button("Verbinding controleren", key="f_check"):
                check_llm(pipeline, llm, force=True)
            checked = st.session_state.llm_checked
            if checked and checked[0] == llm:
                if checked[1] is None:
                    st.success("Server bereikbaar.")
                else:
                    st.error(checked[1])
        st.divider()
        st.button("Nieuw gesprek", key="new_chat", on_click=new_conversation, icon=":material/add_comment:",
                  width="stretch", help="Het gesprek begint opnieuw; de notitie blijft.")
        st.caption(f"{len(pipeline.letters)} brieven in het corpus")
    return H.ChatOptions(search, generator, llm)


def notebooks_panel() -> None:
    """The workspace's notebooks: this one, a new one, earlier ones to reopen
    or delete. A notebook's name is its note's title (renamed there)."""
    ss = st.session_state
    ws, nb = ss.notebook
    with st.sidebar:
        st.header("Notities")
        st.caption(f"Nu open: **{R.md_escape(ss.note_title)}**")
        try:
            books = [b for b in notebook_store().list(ws) if b.id != nb]
        except RagError as exc:
            st.warning(H.error_message(exc))
            books = []
        st.button("Nieuwe notitie", key="nb_new", on_click=open_notebook, args=(NB.new_id(),),
                  icon=":material/note_stack_add:", width="stretch",
                  help="Een lege notitie met een eigen gesprek; deze blijft bewaard.")
        if books:
            labels = {b.id: f"{b.title} · {R.dutch_datetime(b.updated)}" for b in books}
            pick = st.selectbox("Eerdere notities", list(labels), index=None, format_func=labels.get,
                                placeholder="Kies een notitie …", key=f"nb_pick_{nb}")
            if pick:
                c1, c2 = st.columns(2)
                c1.button("Openen", key="nb_open", on_click=open_notebook, args=(pick,), width="stretch")
                with c2.popover("Verwijderen", width="stretch"):
                    st.write(f"‘{labels[pick]}’ met het gesprek erbij verwijderen? Dit kan niet ongedaan worden.")
                    st.button("Ja, verwijderen", key="nb_delete", on_click=delete_notebook, args=(pick,),
                              type="primary")
        st.caption("Gesprek en notitie worden bewaard terwijl u werkt. Bewaar het adres van deze pagina "
                   "(bladwijzer): daarmee vindt u uw notities terug; wie het adres niet heeft, ziet ze niet.")


def check_llm(pipeline, llm: H.LLMServer, force: bool = False) -> bool:
    """check_llm once per server configuration (or on request); remembers the result."""
    checked = st.session_state.llm_checked
    if not force and checked and checked[0] == llm:
        return checked[1] is None
    error = None
    if not llm.base_url or not llm.model:
        error = "Vul de basis-URL en het model van de OpenAI-compatibele server in (in de zijbalk)."
    else:
        try:
            with st.spinner("Verbinding met de taalmodelserver controleren …"):
                pipeline.check_llm(pipeline.settings.replace(**llm.changes()))
        except Exception as exc:  # noqa: BLE001
            if not isinstance(exc, RagError):
                log.error("Controle taalmodelserver mislukt", exc_info=exc)
            error = H.error_message(exc)
    st.session_state.llm_checked = (llm, error)
    return error is None


# ------------------------------------------------------------- conversation
def answer_warnings(ans) -> None:
    """What the answer warns about (a filter that left letters out, an LLM
    answer without valid citations), in the answer's own box; the refusal
    a filter gave is not said twice."""
    for w in ans.warnings:
        if w != ans.answer:
            st.warning(w)


def page_href(c) -> str:
    """The letters view at the page of one letter a citation quotes, with its
    quote marked there, in this notebook."""
    ws, nb = st.session_state.notebook
    return "?" + urlencode({"ws": ws, "nb": nb, "brief": c.letter_id, "pagina": c.page,
                            "citaat": c.quote[:R.MAX_LINK_QUOTE]})


def source_cards(ans, mid: str, heading: str) -> None:
    """An answer's warnings, then one source card per quoted passage under `heading`."""
    answer_warnings(ans)
    if ans.citations:
        st.markdown(heading)
        st.markdown("".join(R.source_card_html(group, R.passage_text_for(group[0], ans.passages), mid,
                                               page_href(group[0]))
                            for group in R.cards_by_passage(ans.citations)), unsafe_allow_html=True)


def render_assistant(msg: dict) -> None:
    """An answer with its citation links, source cards and actions."""
    if msg.get("error"):
        st.error(msg["error"])
        return
    ans = msg["answer"]
    mid = msg["id"]
    standalone = R.shown_standalone(ans)
    if standalone:
        st.caption(f"Gezocht als: {R.md_escape(standalone)}")
    if ans.status.context:
        # Visibly not a full answer: the letters discuss the subject but do
        # not state what was asked; the cited sentences are context.
        st.markdown(f'<div class="rag-partial"><b>{ans.status.label}.</b> {R.esc(ans.answer)}</div>',
                    unsafe_allow_html=True)
        source_cards(ans, mid, "**Context uit de brieven** (geen antwoord op de vraag)")
    elif ans.abstained:
        st.markdown(f'<div class="rag-refusal">{R.esc(ans.answer)}</div>', unsafe_allow_html=True)
        answer_warnings(ans)
        if ans.passages:
            # Not evidence: folded away, so they are not read as an answer.
            with st.expander("Passages die er het dichtst bij komen (geen antwoord)"):
                st.caption("De brieven geven hier geen antwoord op; beoordeel zelf of deze passages iets zeggen.")
                st.markdown("".join(R.passage_card_html(p, mid) for p in ans.passages[:3]),
                            unsafe_allow_html=True)
    else:
        st.markdown(R.answer_html(ans.answer, mid, {c.n for c in ans.citations}), unsafe_allow_html=True)
        source_cards(ans, mid, "**Bronnen**")
    info = [f"{len(ans.passages)} passages doorzocht", answerers.spec(ans.generator).label.split(" (")[0]]
    if msg.get("seconds") is not None:  # what the user waited, measured around the whole question
        info.insert(0, "antwoord in " + R.seconds_label(msg["seconds"]))
    st.caption(" · ".join(info))

    in_note = any(item.msgid == mid for item in st.session_state.note)
    c1, c2 = st.columns([1, 2])
    with c1:
        if in_note or not ans.status.abstained:
            st.button("In notitie ✓" if in_note else "Toevoegen aan notitie", key=f"add-{mid}",
                      disabled=in_note, on_click=add_to_note, args=(mid,), icon=":material/note_add:")
        else:  # not an answer: only on purpose, and it keeps its label in the note
            label = ans.status.label
            with st.popover("Toch in notitie …", icon=":material/note_add:"):
                st.write(f"Dit is geen volledig antwoord. In de notitie blijft het gemarkeerd als ‘{label}’.")
                st.button(f"Toevoegen als ‘{label}’", key=f"add-{mid}", on_click=add_to_note, args=(mid,))
    with c2:
        with st.expander("Kopiëren als Markdown"):
            st.code(N.answer_markdown(N.NoteItem.from_answer(ans, mid)), language="markdown", wrap_lines=True)


def ask(guard: H.PipelineGuard, question: str, opts: H.ChatOptions) -> None:
    """Show the question, stream the answer, then render it in full."""
    started = time.perf_counter()
    messages = st.session_state.messages
    history = H.history_pairs(messages)
    messages.append({"id": new_id(), "role": "user", "content": question})
    save_message(messages[-1])
    with st.chat_message("user"):
        st.markdown(R.md_escape(question))
    mid = new_id()
    with st.chat_message("assistant"):
        placeholder = st.empty()
        pipeline = guard.pipeline
        generator = opts.generator
        spec = answerers.spec(generator)
        if spec.needs_server:
            if not check_llm(pipeline, opts.llm):
                text = st.session_state.llm_checked[1]
                placeholder.error(text)
                messages.append({"id": mid, "role": "assistant", "error": text})
                save_message(messages[-1])
                return
            pipeline = H.with_llm_settings(pipeline, opts.llm)
        streamed: list[str] = []

        def on_delta(delta: str) -> None:
            streamed.append(delta)
            placeholder.markdown(R.md_escape("".join(streamed)) + " ▌")

        try:
            with st.spinner("Zoeken in de brieven …"):
                answer = guard.ask(question, opts.search, pipeline=pipeline, generator=generator,
                                   on_delta=on_delta if spec.streams else None, history=history or None)
        except Exception as exc:  # noqa: BLE001 - RagError: message + hint; others: short text + log
            text = show_error(exc, placeholder)
            messages.append({"id": mid, "role": "assistant", "error": text})
            save_message(messages[-1])
            return
        if not spec.streams and not answer.abstained:
            cited = {c.n for c in answer.citations}
            for step in R.reveal_steps(answer.answer):  # sentence by sentence
                placeholder.markdown(R.answer_html(step, mid, cited), unsafe_allow_html=True)
                time.sleep(0.08)
        msg = {"id": mid, "role": "assistant", "answer": answer, "seconds": time.perf_counter() - started}
        messages.append(msg)
        save_message(msg)
        with placeholder.container():
            render_assistant(msg)


def view_chat(guard: H.PipelineGuard, opts: H.ChatOptions) -> None:
    messages = st.session_state.messages
    asked = st.session_state.pop("asked", None)  # an example clicked: asked below, so no examples above it
    if not messages and asked is None:
        st.markdown("Stel een vraag over de Kamerbrieven. Elk antwoord verwijst met [n] naar de passage "
                    "waarop het steunt; staat het niet in de brieven, dan zegt de assistent dat.")
        st.caption("Bijvoorbeeld (klik om te vragen):")
        for i, example in enumerate(EXAMPLES):
            st.button(example, key=f"example-{i}", on_click=st.session_state.update, kwargs={"asked": example},
                      icon=":material/help:")
    for msg in messages:
        with st.chat_message(msg["role"]):
            if msg["role"] == "user":
                st.markdown(R.md_escape(msg["content"]))
            else:
                render_assistant(msg)
    question = st.chat_input("Stel een vraag over de brieven …", key="question")
    question = asked if question is None else question
    if question is not None:
        ask(guard, question, opts)


# -------------------------------------------------------------------- note
def _note_header_changed(field: str) -> None:
    ss = st.session_state
    ss[field] = ss[f"{field}_w"]
    save_note()


def start_edit(i: int, text: str) -> None:
    st.session_state.editing = i
    st.session_state[f"edit-{i}"] = text
    st.session_state.pop("edit_error", None)


def view_note(pipeline) -> None:
    st.subheader(T.NOTE_TITLE)
    # Widget state is dropped while another view is shown: keep the values in
    # plain session keys and give the widgets copies.
    ss = st.session_state
    ss.note_title_w, ss.note_intro_w = ss.note_title, ss.note_intro
    st.text_input("Titel", key="note_title_w", on_change=_note_header_changed, args=("note_title",),
                  help="Ook de naam van deze notitie in de lijst ‘Eerdere notities’.")
    st.text_area("Inleiding", key="note_intro_w", height=100,
                 placeholder="Korte inleiding: aanleiding en doel van de notitie.",
                 on_change=_note_header_changed, args=("note_intro",))
    items: list[N.NoteItem] = st.session_state.note
    if not items:
        st.info("De notitie is nog leeg. Kies ‘Toevoegen aan notitie’ onder een antwoord in het gesprek.")
        return
    present = {x.letter_id for x in pipeline.letters}
    num = N.number_note(items)
    for i, (item, text) in enumerate(zip(items, num.texts)):
        with st.container(border=True):
            st.markdown(f"**{i + 1}. {R.md_escape(item.question)}**")
            if item.standalone_question:
                st.caption(f"Gezocht als: {R.md_escape(item.standalone_question)}")
            if ss.editing == i:
                # A form: the text goes to the server together with "Opslaan", never after it.
                with st.form(f"edit-form-{i}", border=False):
                    st.text_area("Tekst van het antwoord", key=f"edit-{i}", height=160,
                                 help="Verwijzingen als [1] blijven gelden; haalt u er een weg, dan vervalt die "
                                      "referentie.")
                    if ss.get("edit_error"):
                        st.error(ss.edit_error)
                    with st.container(horizontal=True):
                        st.form_submit_button("Opslaan", type="primary", on_click=save_edit,
                                              args=(i, num.item_maps[i]))
                        st.form_submit_button("Annuleren", on_click=ss.update, kwargs={"editing": None})
            else:
                st.markdown(N.note_answer(item, text, num.item_refs[i]))
                if item.edited:
                    st.caption("Tekst bewerkt in de notitie")
            for w in item.warnings:
                st.caption(f"Let op: {R.md_escape(w)}")
            with st.container(horizontal=True):
                st.button("↑", key=f"up-{item.msgid}-{i}", on_click=move_note_item, args=(i, -1),
                          disabled=i == 0, help="Omhoog")
                st.button("↓", key=f"down-{item.msgid}-{i}", on_click=move_note_item, args=(i, 1),
                          disabled=i == len(items) - 1, help="Omlaag")
                st.button("Bewerken", key=f"edit-btn-{item.msgid}-{i}", on_click=start_edit, args=(i, text),
                          disabled=ss.editing == i, icon=":material/edit:")
                st.button("Verwijderen", key=f"del-{item.msgid}-{i}", on_click=remove_note_item, args=(i,))
    if num.references:
        st.markdown("**Referenties**")
        st.markdown("\n".join(f"[{c.n}] {R.md_escape(R.reference_text(c, N.gone(c, present)))}  "
                              for c in num.references))
    if num.sources:
        st.markdown("**Bronnen**")
        st.markdown("\n".join(f"- {R.md_escape(R.source_text(*s))}" for s in num.sources))

    title, intro = st.session_state.note_title, st.session_state.note_intro
    markdown = N.note_markdown(title, intro, items, present)
    name = slug(title, "notitie")
    c1, c2, _ = st.columns([1, 1, 2])
    c1.download_button("Download Markdown", markdown, file_name=f"{name}.md", mime="text/markdown",
                       on_click="ignore", icon=":material/download:", key="dl_md")
    c2.download_button("Download Word (DOCX)", N.note_docx(title, intro, items, present), file_name=f"{name}.docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       on_click="ignore", icon=":material/download:", key="dl_docx")
    with st.expander("Markdown bekijken en kopiëren"):
        st.code(markdown, language="markdown", wrap_lines=True)


# ------------------------------------------------------------------ letters
LETTERS_PER_PAGE = 25


def view_letters(guard: H.PipelineGuard) -> None:
    pipeline = guard.pipeline
    ss = st.session_state
    st.subheader(f"Brieven in het corpus ({len(pipeline.letters)})")
    c1, c2, c3 = st.columns([3, 2, 1])
    search = c1.text_input("Zoeken in de brieven (tekst, titel, Kamerstuk, dossier, soort, afzender, datum)",
                           key="letters_search", placeholder="bijv. witwassen, of voortgangsbrief 2025")
    sort = c2.selectbox("Volgorde", R.LETTER_SORTS, key="letters_sort")
    page_no = c3.number_input("Pagina", min_value=1, value=1, step=1, key="letters_page")
    in_text: list[str] = []
    if search.strip():
        try:
            in_text = guard.library.letters_with_text(search)
        except RagError:  # e.g. only stopwords: the metadata search still runs
            in_text = []
    # A letter just added stays in view (first) whatever the search says.
    shown = R.letter_page(pipeline.letters, search, sort, int(page_no), per_page=LETTERS_PER_PAGE,
                          in_text=in_text, pinned=ss.get("just_added", ()))
    st.caption(f"{shown.matches} {'brief' if shown.matches == 1 else 'brieven'} gevonden · "
               f"pagina {shown.page} van {shown.pages}")
    if shown.letters:
        st.table(R.letter_rows(shown.letters), hide_index=True, border="horizontal")
    else:  # Streamlit's empty table says "empty"
        st.info("Geen brieven gevonden. Probeer andere woorden.")
    titles = {x.letter_id: R.letter_label(x) for x in shown.letters}
    if "open_letter" in ss:  # asked for before this run (a card's link, an upload): set before the widget
        ss.read_letter = ss.pop("open_letter")
    wanted = ss.get("read_letter")
    if wanted and wanted not in titles and any(x.letter_id == wanted for x in pipeline.letters):
        titles = {wanted: R.letter_label(guard.library.letter(wanted)), **titles}  # opened from a source card
    if ss.get("read_letter") not in titles:
        ss.read_letter = next(iter(titles), None)
    chosen = st.selectbox("Brief lezen", list(titles), format_func=lambda lid: titles.get(lid, lid),
                          key="read_letter", placeholder="Geen brief gevonden")
    if chosen:
        letter = guard.library.letter(chosen)
        st.markdown(R.meta_line_html(letter.title, letter.kamerstuk, letter.date, None), unsafe_allow_html=True)
        try:
            pages = guard.library.letter_text(chosen)
        except Exception as exc:  # noqa: BLE001
            show_error(exc)
            pages = []
        target = ss.get("read_page")
        for n, text in pages:
            with st.expander(f"Pagina {n}", expanded=n == target):
                marked = [ss.get("read_quote", "")] if n == target else []
                st.markdown(R.letter_page_html(text, marked), unsafe_allow_html=True)

    st.subheader("Brief toevoegen")
    from rag.ingest.corpus import KINDS

    with st.form("upload", clear_on_submit=True):
        upload = st.file_uploader(f"Bestand ({F.suffix_list(' of ')}, tot {st.get_option('server.maxUploadSize')} MB)",
                                  type=F.upload_types(), key="upload_file")
        c1, c2 = st.columns(2)
        title = c1.text_input("Titel (leeg: uit de tekst)", key="upload_title")
        kind = c2.selectbox("Soort", KINDS, key="upload_kind")
        c3, c4 = st.columns(2)
        when = c3.text_input("Datum (JJJJ-MM-DD, leeg als onbekend)", key="upload_date")
        kamerstuk = c4.text_input("Kamerstuk (bijv. 29 911, nr. 355)", key="upload_kamerstuk")
        submitted = st.form_submit_button("Toevoegen en indexeren", icon=":material/upload_file:")
    flash = ss.pop("flash", None)  # the result of the last upload, next to the form
    if flash:
        st.success(flash)
    if submitted:
        if upload is None:
            st.warning("Kies eerst een bestand.")
            return
        ingest(guard, upload, {"title": title.strip(), "kind": kind, "date": when.strip(),
                               "kamerstuk": kamerstuk.strip()})


def ingest(guard: H.PipelineGuard, upload, meta: dict) -> None:
    pipeline = guard.pipeline
    before = {x.letter_id for x in pipeline.letters}
    folder = Path(tempfile.mkdtemp(prefix="rag-upload-"))
    bar, progress = _progress_bar("Bestand opslaan …")

    try:
        path = folder / (Path(upload.name).name or "brief.txt")
        path.write_bytes(upload.getvalue())
        # Built outside the question lock: other sessions keep answering from
        # the current index and get the new one once it is swapped in.
        new_library, added = guard.library.ingested([path], progress, **{k: v for k, v in meta.items() if v})
        new_library.pipeline.warm_up()
        guard.swap(new_library)
    except Exception as exc:  # noqa: BLE001 - the index in use stays as it was
        bar.empty()
        show_error(exc)
        st.info("De bestaande index is ongewijzigd en blijft doorzoekbaar.")
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    bar.progress(1.0, text="Klaar")
    new = [x for x in added if x.letter_id not in before]
    st.session_state.just_added = [x.letter_id for x in added]
    if added:
        st.session_state.open_letter = added[0].letter_id
    if new:
        st.session_state.flash = "Toegevoegd en direct doorzoekbaar: " + "; ".join(x.title for x in new)
    else:
        st.session_state.flash = "Deze brief stond al in het corpus: " + "; ".join(x.title for x in added)
    st.rerun()


# -------------------------------------------------------------------- main
def open_from_card() -> None:
    """A source card's page link (?brief=…&pagina=…, page_href) opens that
    page of that letter in the letters view; the link is used up."""
    qp, ss = st.query_params, st.session_state
    letter_id = qp.get("brief")
    if not letter_id:
        return
    ss.view = "Brieven"
    ss.open_letter = letter_id
    try:
        ss.read_page = int(qp.get("pagina", "1"))
    except ValueError:
        ss.read_page = 1
    ss.read_quote = qp.get("citaat", "")[:R.MAX_LINK_QUOTE]
    for key in ("brief", "pagina", "citaat"):
        qp.pop(key, None)


def main() -> None:
    st.markdown(CSS, unsafe_allow_html=True)
    init_state()
    st.title("Briefingassistent Kamerbrieven")
    guard = get_guard()
    open_from_card()
    if st.session_state.get("save_error"):
        st.warning("Niet opgeslagen: " + st.session_state.save_error)
    notebooks_panel()
    # Every rerun (each question, each click) may pick up a version another
    # app process or replica built; the views below use that pipeline.
    opts = sidebar(guard.current())
    count = len(st.session_state.note)
    labels = {"Gesprek": "Gesprek", "Notitie": f"Notitie ({count})" if count else "Notitie", "Brieven": "Brieven"}
    # A source card's page link sets the view in Session State; a default beside it would be a conflict.
    view = st.segmented_control("Weergave", VIEWS, default=None if "view" in st.session_state else "Gesprek",
                                required=True, format_func=labels.get,
                                key="view", label_visibility="collapsed")
    if view == "Notitie":
        view_note(guard.current())
    elif view == "Brieven":
        view_letters(guard)
    else:
        view_chat(guard, opts)


try:
    main()
except Exception as exc:  # noqa: BLE001 - last resort: a short message, the traceback in the log
    show_error(exc)
