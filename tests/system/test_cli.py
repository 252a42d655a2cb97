"""The command line (`python -m rag`): its JSON contract, exit codes and
messages. One test runs the CLI as a real process (module entry point, exit
status, stdout/stderr of a fresh interpreter); every other test calls
`rag.cli.main(argv)` in-process with the settings taken from RAG_* variables,
so the embedder loaded once for the session is reused."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from rag import cli
from rag.records import Answer, Chunk, Citation, Passage

ROOT = Path(__file__).resolve().parents[2]

CITATION_KEYS = {"n", "chunk_id", "letter_id", "title", "kamerstuk", "date", "page", "page_end", "quote"}

# A made-up letter for the ingest test (not one of the corpus letters).
LETTER = (
    " Geachte voorzitter,\n\nMet deze brief informeer ik uw Kamer over de proef Veilige Sluizen "
    "IJmuiden. De proef begint op 15 april 2026 en duurt twee jaar. Douane en politie controleren "
    "daarbij samen de binnenvaart bij de sluizen.\n\nDe Minister van Justitie en Veiligheid,\nY. Voorbeeld\n"
)


def _no_traceback(err: str) -> None:
    assert "Fout:" in err and "Traceback" not in err, err


# ----------------------------------------------------------- the one process
@pytest.mark.subprocess
def test_cli_as_a_process_prints_the_json_contract_and_refuses_an_empty_question(pipeline):
    """`python -m rag ask ... --json` in a fresh interpreter (the `pipeline`
    fixture only makes sure the index is built, so the process loads it)."""
    def run(*args):
        return subprocess.run([sys.executable, "-m", "rag", *args], cwd=ROOT, capture_output=True, text=True, check=False,
                              timeout=600)

    r = run("ask", "Wat is het project Fortius?", "--json", "--k", "3")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert set(d) >= {"id", "question", "answer", "status", "abstained", "citations", "passages", "timings_ms"}
    assert len(d["passages"]) == 3 and [p["rank"] for p in d["passages"]] == [1, 2, 3]
    assert set(d["timings_ms"]) == {"retrieve", "answer", "total"}
    assert d["citations"], d["answer"]  # a contract check over no citations would check nothing
    for c in d["citations"]:
        assert set(c) == CITATION_KEYS
        assert c["page_end"] == 0 or c["page_end"] > c["page"]
        assert any(c["quote"] in p["text"] for p in d["passages"] if p["chunk_id"] == c["chunk_id"])

    r = run("ask", "")
    assert r.returncode == 2 and r.stdout == ""
    _no_traceback(r.stderr)


UNDATED_WARNING = "Het datumfilter liet 4 brieven zonder datum buiten beschouwing."


@pytest.mark.subprocess
def test_cli_filters_by_dossier_type_and_undated_letters_and_says_what_it_left_out(pipeline):
    """--dossier/--type/--keep-undated through a fresh interpreter: the
    passages come from the letters the filters leave, and the JSON answer's
    `warnings` says how many letters a filter left out (four of the five
    bundled letters state no date)."""
    def ask(*flags):
        r = subprocess.run([sys.executable, "-m", "rag", "ask", "Welke landen produceren de cocaïne?", "--json",
                            "--k", "8", *flags], cwd=ROOT, capture_output=True, text=True, check=False, timeout=600)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    undated = {x.letter_id for x in pipeline.letters if not x.date}
    assert len(undated) == 4, "the bundled letters: four state no date"
    d = ask("--date-from", "2020")
    assert d["warnings"] == [UNDATED_WARNING]
    assert d["passages"] and not {p["letter_id"] for p in d["passages"]} & undated

    d = ask("--dossier", "29911", "--type", "kamerbrief", "--date-from", "2020", "--keep-undated")
    assert {p["letter_id"] for p in d["passages"]} == {"toekomstagenda-internationaal", "voortgangsbrief-2023"}
    assert d["warnings"] == ["Het filter op dossier en soort liet 3 van de 5 brieven buiten beschouwing."]


# ----------------------------------------------------- in-process, no model
def test_k_out_of_range_is_refused(capsys):
    assert cli.main(["ask", "Wat is Fortius?", "--k", "0"]) == 2
    assert "k moet een geheel getal van 1 tot en met 50 zijn" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["ask"],  # neither a question nor --batch
    ["ask", ""], ["ask", "?!"], ["ask", "x" * 5000],  # the question is checked before the model loads
    ["ask", "Wat is Fortius?", "--batch", "vragen.jsonl"],  # both
    ["ingest", "a.txt", "b.txt", "--title", "Twee brieven"],  # --title is about one letter
    ["ask", "Wat is Fortius?", "--date-from", "gisteren"],
    ["ask", "Wat is Fortius?", "--date-from", "2025", "--date-to", "2022"],
    ["ask", "Wanneer was dat?", "--history", "nergens.json"],  # the history is read before the model loads
    ["ask", "--batch", "vragen.jsonl", "--history", "gesprek.json"],  # a history per line, not for the batch
    ["ask", "Wat is Fortius?", "--type", "brief"],  # not a document type
])
def test_bad_invocations_exit_2_with_a_message_before_any_model_loads(argv, capsys, monkeypatch):
    from rag.embed import model as embed

    def no_model(*a, **kw):
        raise AssertionError("a model was loaded for a refused invocation")

    monkeypatch.setattr(embed, "get_embedder", no_model)
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    _no_traceback(captured.err)


@pytest.mark.parametrize("content, says", [
    (b'{"role": "user", "content": "Wat is Fortius?"}', "moet een lijst van berichten zijn"),
    (b'[{"role": "user", "content": "Wat is Fortius?"}, {"role": "tool", "content": "x"}]', "onbekende rol ('tool')"),
    (b'[{"role": "user", "content": "Wat is Fortius?"', "is geen geldige JSON"),
    (b'\xff\xfe[]', "is geen UTF-8"),
])
def test_a_malformed_history_file_exits_2_before_any_model_loads(content, says, tmp_path, capsys, monkeypatch):
    from rag.embed import model as embed

    def no_model(*a, **kw):
        raise AssertionError("a model was loaded for a refused history")

    monkeypatch.setattr(embed, "get_embedder", no_model)
    f = tmp_path / "gesprek.json"
    f.write_bytes(content)
    assert cli.main(["ask", "Wanneer was dat?", "--history", str(f), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and says in captured.err
    _no_traceback(captured.err)


def test_letters_lists_every_corpus_letter_with_its_id(capsys, settings):
    from rag.ingest.corpus import load_letters

    assert cli.main(["letters"]) == 0
    lines = capsys.readouterr().out.splitlines()
    letters = load_letters(settings)
    assert len(lines) == len(letters) >= 5
    for line, letter in zip(lines, letters):
        lid, rest = line.split("\t")
        assert lid == letter.letter_id and rest.startswith(f"{letter.title} (")
        assert letter.kind in rest and (letter.minister or "") in rest and "onbekend" not in rest
    by_id = dict(line.split("\t") for line in lines)
    assert "Kamerstuk 29 911, nr. 355, dossier 29 911, D. Yeşilgöz-Zegerius)" in by_id["toekomstagenda-internationaal"]


def test_letter_meta_names_dossier_and_sender_and_leaves_out_what_is_not_stated():
    from rag.records import Letter

    motie = Letter("m", "Motie", "motie", "m.txt", "x", date="2024-06-15", dossier="36 800 X",
                   sender="Lid van de Tweede Kamer")
    assert cli.letter_meta(motie) == "motie, 2024-06-15, dossier 36 800 X, Lid van de Tweede Kamer"
    assert cli.letter_meta(Letter("b", "Brief", "kamerbrief", "b.txt", "x")) == "kamerbrief"


def _citation(n: int, page: int, page_end: int = 0) -> Citation:
    return Citation(n=n, chunk_id="b:001", letter_id="b", title="Brief over de sluizen", kamerstuk="12 345, nr. 6",
                    date="2026-03-01", page=page, page_end=page_end, quote="De proef begint\nop 15 april   2026.")


def test_plain_text_answer_names_pages_and_folds_quote_whitespace():
    a = Answer(question="Wanneer begint de proef?", answer="De proef begint op 15 april 2026 [1][2].",
               citations=[_citation(1, 2), _citation(2, 2, 3)], warnings=["Iets om op te letten."])
    out = cli.format_answer(a).splitlines()
    assert out[0] == "De proef begint op 15 april 2026 [1][2]." and "Bronnen:" in out
    assert "[1] Brief over de sluizen (Kamerstuk 12 345, nr. 6, 2026-03-01, p. 2)" in out
    assert "[2] Brief over de sluizen (Kamerstuk 12 345, nr. 6, 2026-03-01, p. 2–3)" in out
    assert "    “De proef begint op 15 april 2026.”" in out
    assert out[-1] == "Let op: Iets om op te letten."


def test_plain_text_partial_and_refused_answers_say_what_they_are():
    partial = Answer(question="Wat kost de proef?", answer="De brieven noemen de proef, maar geven geen bedrag.",
                     status="partial", citations=[_citation(1, 1)], standalone_question="Wat kost de proef bij de sluizen?")
    out = cli.format_answer(partial)
    assert out.startswith("(Gezocht als: Wat kost de proef bij de sluizen?)\n")
    assert "Gedeeltelijk antwoord: De brieven noemen" in out
    assert "Context (geen antwoord op de vraag):" in out and "Bronnen:" not in out

    chunk = Chunk(chunk_id="b:002", letter_id="b", title="Brief over de sluizen", date="", kamerstuk="", pages=(4,),
                  section="", start=0, end=30, text="Douane en politie\ncontroleren samen.")
    refused = Answer(question="Wat kost een taart?", answer="Dat staat niet in deze brieven.", status="not_found",
                     passages=[Passage(chunk, 1, 0.1)])
    out = cli.format_answer(refused)
    assert "Dichtstbijzijnde passages (ter eigen beoordeling):" in out
    assert "- Brief over de sluizen, p. 4: Douane en politie controleren samen.…" in out
    assert "Bronnen:" not in out


# ------------------------------------------------ in-process, with the model
@pytest.mark.model
def test_plain_text_ask_prints_the_formatted_answer(pipeline, capsys):
    question = "Wat is het project Fortius?"
    assert cli.main(["ask", question, "--k", "3"]) == 0
    out = capsys.readouterr().out
    expected = pipeline.ask(question, k=3)
    assert expected.citations and "Bronnen:" in out
    assert out.rstrip("\n") == cli.format_answer(expected)


@pytest.mark.model
def test_plain_text_ask_prints_what_a_filter_left_out_with_the_answer(pipeline, capsys):
    assert cli.main(["ask", "Welke landen produceren de cocaïne?", "--date-from", "2020"]) == 0
    out = capsys.readouterr().out
    assert "Bronnen:" in out and out.rstrip().endswith(f"Let op: {UNDATED_WARNING}")
    assert cli.main(["ask", "Welke landen produceren de cocaïne?", "--date-from", "2020", "--keep-undated"]) == 0
    assert "Let op:" not in capsys.readouterr().out
    assert cli.main(["ask", "Welke landen produceren de cocaïne?", "--dossier", "12 345"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Geen brief in dossier 12 345." in captured.err and "29 911" in captured.err
    _no_traceback(captured.err)


@pytest.mark.model
def test_cli_batch_and_errors(tmp_path, pipeline, capsys):
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "a", "question": "Wat is Fortius?"}\nnot json\n{"id": "b", "question": "Wie is de burgemeester van Amsterdam?"}\n')
    code = cli.main(["ask", "--batch", str(f), "--json"])
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x.get("id") for x in lines] == ["a", None, "b"]
    assert "error" in lines[1] and lines[2]["abstained"] is True
    assert code == 3  # one bad line
    assert cli.main(["ask", "   "]) == 2
    _no_traceback(capsys.readouterr().err)


@pytest.mark.subprocess
def test_batch_lines_carry_their_conversation_and_a_malformed_history_fails_alone(tmp_path, pipeline):
    """Through a real process: each line's "history" (the chat convention)
    is its own conversation; a follow-up is searched with the previous
    question, a question with its own subject as itself, and a line whose
    history is malformed fails alone."""
    opening = "Wat is het project Fortius?"
    chat = [{"role": "system", "content": "Antwoord kort."}, {"role": "user", "content": opening},
            {"role": "assistant", "content": "Een samenwerking tegen drugssmokkel via de haven van Antwerpen."}]
    lines = [
        {"id": "opening", "question": opening},
        {"id": "follow", "question": "Wanneer is dat gestart?", "history": chat},
        {"id": "unanswered", "question": "Wanneer is dat gestart?", "history": chat[:2]},  # no reply: pairs with ""
        {"id": "own", "question": "Welke rol heeft de burgemeester bij het sluiten van drugspanden?", "history": chat},
        {"id": "none", "question": opening, "history": None},
        {"id": "bad-role", "question": "Wanneer is dat gestart?", "history": [{"role": "bot", "content": opening}]},
        {"id": "not-a-list", "question": "Wanneer is dat gestart?", "history": opening},
        {"id": "last", "question": "Wanneer is dat gestart?", "history": chat},
    ]
    f = tmp_path / "gesprekken.jsonl"
    f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "rag", "ask", "--batch", str(f), "--json", "--k", "3"], cwd=ROOT,
                       capture_output=True, text=True, check=False, timeout=600)
    assert r.returncode == cli.EXIT_SOME_LINES_FAILED, r.stderr
    out = {d["id"]: d for d in map(json.loads, r.stdout.splitlines())}
    assert list(out) == [x["id"] for x in lines]
    for qid in ("bad-role", "not-a-list"):
        assert set(out[qid]) == {"id", "line", "error"}
        assert out[qid]["line"] == [x["id"] for x in lines].index(qid) + 1
    assert "onbekende rol ('bot')" in out["bad-role"]["error"]
    assert "moet een lijst van berichten zijn" in out["not-a-list"]["error"]
    answered = {qid: d for qid, d in out.items() if "error" not in d}
    assert set(answered) == {"opening", "follow", "unanswered", "own", "none", "last"}
    for d in answered.values():
        assert set(d) >= {"id", "question", "searched_as", "answer", "status", "abstained", "citations", "passages",
                          "timings_ms"}
    for qid in ("follow", "unanswered", "last"):
        assert answered[qid]["searched_as"] == f"{opening} Wanneer is dat gestart?"
    for qid in ("opening", "own", "none"):
        assert answered[qid]["searched_as"] == answered[qid]["question"]
    # The follow-up found the project the conversation is about.
    assert "Fortius" in answered["follow"]["answer"]


@pytest.mark.model
def test_one_question_with_its_history_file(tmp_path, pipeline, capsys):
    f = tmp_path / "gesprek.json"
    f.write_text(json.dumps([{"role": "user", "content": "Wat is het project Fortius?"},
                             {"role": "assistant", "content": "Een samenwerking met België."}]), encoding="utf-8")
    assert cli.main(["ask", "Wanneer is dat gestart?", "--history", str(f), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["question"] == "Wanneer is dat gestart?"
    assert d["searched_as"] == "Wat is het project Fortius? Wanneer is dat gestart?"
    assert cli.main(["ask", "Wanneer is dat gestart?", "--history", str(f)]) == 0
    assert capsys.readouterr().out.startswith("(Gezocht als: Wat is het project Fortius? Wanneer is dat gestart?)")


@pytest.mark.model
def test_a_missing_batch_file_exits_2(tmp_path, pipeline, capsys):
    assert cli.main(["ask", "--batch", str(tmp_path / "nergens.jsonl"), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "nergens.jsonl" in captured.err
    _no_traceback(captured.err)


@pytest.mark.model
def test_batch_lines_fail_alone(tmp_path, pipeline, capsys):
    good = '{"id": "ok", "question": "Wat is Fortius?"}'
    lines = [
        "\ufeff" + good,                                        # BOM on the first line
        '{"id": "u2028", "question": "Wat is\u2028Fortius?"}',  # U+2028 inside a line is text
        '{"id": "deep", "question": ' + "[" * 100000 + "]" * 100000 + "}",
        '{"id": NaN, "question": "Wat is Fortius?"}',
        '{"id": "sur", "question": "Wat is \\ud800 Fortius?"}',  # a lone surrogate
        '{"id": 7}',
    ]
    data = "\n".join(lines).encode("utf-8") + b"\n\xff\xfe not utf-8\n" + good.replace("ok", "last").encode()
    f = tmp_path / "q.jsonl"
    f.write_bytes(data)
    code = cli._batch(pipeline, f, pipeline.settings.search_options(), None, as_json=True)
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert code == cli.EXIT_SOME_LINES_FAILED
    answered = [x["id"] for x in out if "error" not in x]
    assert answered == ["ok", "u2028", "last"]
    assert sum("error" in x for x in out) == 5 and len(out) == 8


@pytest.mark.model
def test_cli_refuses_a_corrupted_index_with_what_to_run(pipeline, tmp_path, monkeypatch, capsys):
    src = pipeline.retriever.index.path.parent
    dst = tmp_path / "index"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".lock"))
    live = dst / (dst / "CURRENT").read_text().strip()
    faiss_file = next(p for p in live.iterdir() if p.suffix == ".faiss")
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    monkeypatch.setenv("RAG_INDEX_DIR", str(dst))
    assert cli.main(["ask", "Wat is Fortius?"]) == 2
    err = capsys.readouterr().err
    assert "make ingest" in err
    _no_traceback(err)


@pytest.mark.model
def test_cli_generative_path_over_http_and_server_down(pipeline, monkeypatch, capsys):
    """`ask --generator openai` end to end: real client, real HTTP, a local
    OpenAI-compatible server; then the same with nothing listening."""
    from tests.support.fake_openai_server import FakeOpenAIServer

    with FakeOpenAIServer(reply="Colombia, Bolivia en Peru [1]. Verzonnen [9].") as server:
        monkeypatch.setenv("RAG_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("RAG_LLM_MODEL", "fake-model")
        code = cli.main(["ask", "Welke landen produceren cocaïne?", "--generator", "openai", "--json"])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        d = json.loads(captured.out)
        assert "[9]" not in d["answer"] and [c["n"] for c in d["citations"]] == [1]
        assert d["citations"][0]["quote"] in d["passages"][0]["text"]
        assert any("9" in w for w in d.get("warnings", []))
        assert server.chat_requests, "the CLI never called the server"
        prompt = server.chat_requests[-1].content_of("user")
        assert d["passages"][0]["text"][:60] in prompt  # the retrieved passages were sent

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("RAG_LLM_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("RAG_LLM_MODEL", "m")
    assert cli.main(["ask", "Welke landen produceren cocaïne?", "--generator", "openai"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"127.0.0.1:{port}" in captured.err
    _no_traceback(captured.err)


@pytest.mark.model
def test_cli_ingest_rolls_back_when_the_index_cannot_be_built(tmp_path, monkeypatch, capsys, pipeline, settings):
    """The CLI goes through Library.ingest: a failed build takes the new
    letter out of the corpus again and says why, with exit 2."""
    from rag.store import build as build_mod

    corpus_dir, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(settings.corpus_dir, corpus_dir)
    shutil.copytree(pipeline.retriever.index.path.parent, index_dir)
    monkeypatch.setenv("RAG_CORPUS_DIR", str(corpus_dir))
    monkeypatch.setenv("RAG_INDEX_DIR", str(index_dir))
    f = tmp_path / "sluizen.txt"
    f.write_text(LETTER, encoding="utf-8")
    before = sorted(p.name for p in corpus_dir.iterdir())

    def read_only(*args, **kw):
        raise OSError(30, "Read-only file system", str(index_dir))

    monkeypatch.setattr(build_mod, "build_index", read_only)
    assert cli.main(["ingest", str(f), "--title", "Veilige Sluizen"]) == 2
    err = capsys.readouterr().err
    assert "Fout: Read-only file system" in err
    _no_traceback(err)
    assert sorted(p.name for p in corpus_dir.iterdir()) == before


@pytest.mark.subprocess
def test_the_installed_rag_command_is_the_cli():
    """`make` installs the package (pyproject.toml): `rag` beside the venv's
    python runs the same CLI as `python -m rag`."""
    rag = Path(sys.executable).with_name("rag")
    assert rag.exists(), f"{rag} missing: `pip install -e . --no-deps --no-build-isolation` (make does it)"
    out = subprocess.run([str(rag), "letters"], capture_output=True, text=True, timeout=120)
    same = subprocess.run([sys.executable, "-m", "rag", "letters"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout == same.stdout and "kamervragen" in out.stdout
