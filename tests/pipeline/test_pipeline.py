"""End-to-end over the real letters with the real embedder: chunks, answers,
citations and refusals (the CLI and its JSON contract: tests/system/test_cli.py)."""
from __future__ import annotations

import re

import pytest

from rag.store.build import chunk_letters
from rag.ingest.corpus import load_letters
from rag.errors import InputError
from rag.ingest.sentences import sentence_spans


@pytest.fixture(scope="module")
def chunks(settings):
    return chunk_letters(settings, load_letters(settings))[0]


def test_kamervragen_letter_yields_17_question_answer_units(chunks):
    qa = [c for c in chunks if c.letter_id == "kamervragen-2022" and c.kind == "qa"]
    assert sorted({c.question_no for c in qa}) == list(range(1, 18))
    for c in qa:  # every part keeps its question
        assert c.text.startswith(f"{c.question_no}. "), c.chunk_id


@pytest.mark.model
def test_no_chunk_exceeds_the_limits(chunks, pipeline, settings):
    from rag.ingest.chunk import embedding_text
    from rag.tokens import count_tokens

    for c in chunks:
        assert count_tokens(c.text) <= settings.chunk_tokens + 40, c.chunk_id  # a qa part adds its question
        assert pipeline.embedder.count_tokens(embedding_text(c)) <= 512, c.chunk_id


@pytest.mark.model
def test_no_body_sentence_is_lost(chunks, settings, pipeline):
    from rag.ingest.corpus import clean, read_text

    for letter in load_letters(settings):
        text = pipeline.index.letters[letter.letter_id].text
        furniture = clean(read_text(letter, settings)).furniture  # a run of header lines alone is no passage
        covered = " ".join(c.text for c in chunks if c.letter_id == letter.letter_id)
        for a, b in sentence_spans(text):
            if any(x <= a and b <= y for x, y, _ in furniture):
                continue
            assert text[a:b] in covered, (letter.letter_id, text[a:b][:80])


QUESTIONS = [
    ("Welke landen produceren de cocaïne die naar Europa komt?", "toekomstagenda-internationaal", "Colombia"),
    ("Hoe werkt het project Fortius in de haven van Antwerpen?", None, "Fortius"),
    ("Wanneer gaat het verbod op nieuwe psychoactieve stoffen in?", "voortgangsbrief-2025", "1 juli 2025"),
    ("Which countries produce cocaine according to the minister?", "toekomstagenda-internationaal", "Colombia"),
]


@pytest.mark.model
@pytest.mark.parametrize("question,letter,fact", QUESTIONS)
def test_answers_cite_verbatim_sentences(pipeline, question, letter, fact):
    a = pipeline.ask(question)
    assert not a.abstained, a.answer
    assert fact in a.answer
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", a.answer)]
    assert markers and {c.n for c in a.citations} == set(markers)
    by_id = {p.chunk.chunk_id: p.chunk for p in a.passages}
    for c in a.citations:
        assert c.quote in by_id[c.chunk_id].text  # exact quote of the cited passage
        assert " ".join(c.quote.split()) in a.answer
    if letter:
        assert letter in {c.letter_id for c in a.citations}


@pytest.mark.model
@pytest.mark.parametrize("question", ["Wie is de burgemeester van Amsterdam?", "Wat is het recept voor appeltaart?"])
def test_off_topic_questions_are_refused(pipeline, question):
    a = pipeline.ask(question)
    assert a.status == "not_found" and a.answer == "Dat staat niet in deze brieven." and a.citations == []


@pytest.mark.model
@pytest.mark.parametrize("question", ["", "   ", "x" * 5000, "?!"])
def test_bad_questions_get_a_clear_error(pipeline, question):
    with pytest.raises(InputError):
        pipeline.ask(question)


@pytest.mark.model
def test_letter_filter_restricts_sources(pipeline):
    a = pipeline.ask("Welke landen produceren cocaïne?", letters=["kamervragen-2022"])
    assert {p.chunk.letter_id for p in a.passages} == {"kamervragen-2022"}


@pytest.mark.model
def test_follow_up_is_made_standalone(pipeline):
    a = pipeline.ask("En welke transitlanden worden daarbij genoemd?",
                     history=[("Welke landen produceren de cocaïne die naar Europa komt?", "Colombia, Bolivia en Peru.")])
    assert a.standalone_question and "cocaïne" in a.standalone_question


@pytest.mark.model
def test_a_new_question_in_a_conversation_is_searched_as_itself(pipeline):
    history = [("Welke landen produceren de cocaïne die naar Europa komt?", "Colombia, Bolivia en Peru."),
               ("En welke transitlanden worden daarbij genoemd?", "")]
    a = pipeline.ask("Wat is het doel van het programma dat jongeren uit de criminaliteit moet houden?",
                     history=history)
    assert a.standalone_question is None
    assert not any("cocaïne" in p.chunk.text.lower() for p in a.passages[:1])


@pytest.mark.model
def test_a_filter_that_leaves_no_letter_says_so(pipeline):
    a = pipeline.ask("Welke landen produceren cocaïne?", date_from="2023-01-01")
    assert a.status == "not_found" and a.passages == [] and a.citations == []
    assert a.warnings and "filter" in a.warnings[0] and "filter" in a.answer


@pytest.mark.model
def test_partial_answer_names_what_is_missing_and_cites_context(pipeline):
    # The letters discuss the programme but give no budget for it.
    a = pipeline.ask("Hoeveel geld krijgt Preventie met Gezag in 2031?")
    assert a.status == "partial" and a.abstained
    assert a.answer.startswith("De brieven noemen") and "[" not in a.answer
    assert a.citations and all(c.quote in {p.chunk.chunk_id: p.chunk.text for p in a.passages}[c.chunk_id]
                               for c in a.citations)


@pytest.mark.model
@pytest.mark.parametrize("question", ["Wat voor weer wordt het morgen in Utrecht?",
                                      "What is the capital of Australia?",
                                      "Hoe lang moet een taart in de oven?"])
def test_everyday_questions_are_not_found(pipeline, question):
    a = pipeline.ask(question)
    assert a.status == "not_found" and a.citations == []


@pytest.mark.model
def test_letter_furniture_is_never_an_answer(pipeline):
    for q in ("Welke naam staat onder de brief over de toekomstagenda?", "Wat is het retouradres van het ministerie?"):
        a = pipeline.ask(q)
        for c in a.citations:
            assert not c.quote.startswith(("De Minister van", "De minister van", "> Retouradres", "Datum ")), c.quote


@pytest.mark.model
def test_pipeline_is_a_langchain_runnable_chain(pipeline):
    from langchain_core.runnables import Runnable

    chain = pipeline.chain
    assert isinstance(chain, Runnable)
    steps = [getattr(s, "name", "") for s in chain.steps]
    assert steps == ["search", "answer"]
    a = chain.invoke(pipeline.query("Wat is het project Fortius?", k=3))
    assert len(a.passages) == 3 and not a.abstained
    batch = chain.batch([pipeline.query("Wat is Fortius?"), pipeline.query("Wie is de burgemeester van Amsterdam?")])
    assert [b.abstained for b in batch] == [False, True]
    with pytest.raises(TypeError):  # one typed input
        chain.invoke({"question": "Wat is Fortius?"})


@pytest.mark.model
def test_the_search_hands_its_vector_on_and_the_answerer_builds_the_whole_answer(pipeline, monkeypatch):
    """The typed hand-off (rag.answer.answerers): the answerer gets the question
    as checked, the vector the search ranked with, the passages and the
    filters' scope, and returns the complete Answer (Retrieved.answer), so
    nothing encodes twice and nothing patches the answer afterwards."""
    import numpy as np

    from rag.answer import answerers
    from rag.records import Status

    seen = []

    class Echo:
        name = "echo"

        def respond(self, r):
            seen.append(r)
            return r.answer(answer=f"{len(r.passages)} passages", status=Status.PARTIAL)

        def condense(self, history, question):
            return question

    monkeypatch.setattr(answerers, "_REGISTRY", dict(answerers._REGISTRY))
    answerers.register(answerers.AnswererSpec("echo", "Echo", needs_server=False, streams=False,
                                              make=lambda context: Echo()))
    calls = []
    encode = pipeline.embedder.encode_queries
    monkeypatch.setattr(pipeline.embedder, "encode_queries", lambda texts, *a, **kw: calls.append(texts) or encode(texts, *a, **kw))
    a = pipeline.ask("  Wat is   het project Fortius? ", generator="echo", qid="q-1", k=3, date_from="2022")
    assert len(calls) == 1  # encoded once, for search and answer together
    r = seen[0]
    assert r.question == r.standalone == "Wat is het project Fortius?"
    assert np.array_equal(r.vector, np.asarray(encode(["Wat is het project Fortius?"]), np.float32).reshape(-1))
    assert a.answer == f"{len(r.passages)} passages" and a.status == Status.PARTIAL and a.abstained
    assert a.id == "q-1" and a.generator == "echo" and a.question == r.question
    assert [p.chunk.chunk_id for p in a.passages] == [p.chunk.chunk_id for p in r.passages]
    assert set(a.timings_ms) == {"retrieve", "answer", "total"}
    assert r.scope.undated and any("datum" in w for w in a.warnings)  # the date filter's undated letters, said


@pytest.mark.model
def test_the_question_is_tokenised_once_for_the_search_and_the_extractive_answer(pipeline, monkeypatch):
    """The search's tokens travel in Retrieved: BM25 and the answerer's word
    coverage, Kamervraag match and out-of-corpus share read them."""
    from rag.search import retrieve
    from rag.textnl import tokenize

    question = "Hoeveel geld gaat er naar het project Fortius?"
    calls = []

    def counting(text, *a, **kw):
        if text == question:
            calls.append(text)
        return tokenize(text, *a, **kw)

    monkeypatch.setattr(retrieve, "tokenize", counting)
    monkeypatch.setattr(pipeline.extractive, "tokenize", counting)
    a = pipeline.ask(question)
    assert a.passages and len(calls) == 1

@pytest.mark.model
def test_eval_pipeline_without_a_letter(pipeline, tmp_path):
    """The index `python -m eval run --exclude-source` evaluates against."""
    from eval.run import pipeline_without

    reduced = pipeline_without(pipeline, "kamervragen-2022", tmp_path)
    assert "kamervragen-2022" not in {c.letter_id for c in reduced.retriever.index.chunks}
    a = reduced.ask("Hoe werkt het project Fortius in de haven van Antwerpen?")
    assert {c.letter_id for c in a.citations} <= {"toekomstagenda-internationaal", "voortgangsbrief-2023",
                                                   "voortgangsbrief-2025", "regionale-aanpak"}


@pytest.mark.model
def test_the_letters_search_finds_a_word_in_the_text_not_only_in_titles(pipeline):
    from rag.library import Library
    from rag.textnl import fold

    library = Library(pipeline)
    hits = library.letters_with_text("witwassen")
    assert len(hits) >= 2
    for letter_id in hits:
        assert "witwas" in fold(" ".join(text for _, text in library.letter_text(letter_id)))
    # Every word must stand in one passage: two words from different letters find less than either.
    both = library.letters_with_text("witwassen fietsenstalling")
    assert both == []
    assert library.letters_with_text("de het een") == []  # stopwords only: nothing to look for
