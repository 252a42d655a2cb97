"""Command line: `python -m rag ingest|ask|letters`.

`ask --json` prints exactly Answer.to_dict() (the contract documented in
README); `ask --batch FILE.jsonl --json` loads the models once and prints one
such object per input line. A line's "history" (or `--history FILE.json` for
one question) is the conversation so far in the chat convention
(rag.search.conversation).
"""
from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path
from typing import Any, Iterable, Sequence

from rag.answer import answerers
from rag.ingest import formats
from rag.config import MAX_K, MODES, SearchOptions, load_settings
from rag.search.conversation import EXAMPLE as HISTORY_EXAMPLE, chat_history
from rag.errors import InputError, RagError
from rag.filters import dossier_of, sender_of
from rag.ingest.layout import KINDS
from rag.records import Answer, Letter
from rag.texts import first_of


def _progress(message: str, fraction: float | None = None) -> None:
    pct = f" {fraction * 100:3.0f}%" if fraction is not None else ""
    print(f"[rag]{pct} {message}", file=sys.stderr, flush=True)


class _Bars:
    """Progress of `ingest` on stderr: messages as lines, embedding as a tqdm
    bar with rate and ETA (rag.store.build hands `counts(done, total)` to an object
    that has it), and a bar over the files being read."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, message: str, fraction: float | None = None) -> None:
        from tqdm import tqdm

        tqdm.write(f"[rag] {message}", file=sys.stderr)

    def counts(self, done: int, total: int) -> None:
        from tqdm import tqdm

        if not total:
            return
        if self.bar is None or self.bar.total != total or done < self.bar.n:
            self.close()
            self.bar = tqdm(total=total, desc="Inbedden", unit="tekst", file=sys.stderr, mininterval=1.0,
                            dynamic_ncols=True)
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.close()

    @staticmethod
    def files(paths):
        from tqdm import tqdm

        return tqdm(paths, desc="Lezen", unit="bestand", file=sys.stderr, mininterval=1.0, dynamic_ncols=True,
                    disable=len(paths) < 2)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def format_answer(answer: Answer) -> str:
    """Plain-text answer with its sources, ready to paste into a note."""
    partial = answer.status.context
    lines = [f"{answer.status.label}: {answer.answer}" if partial else answer.answer, ""]
    if answer.standalone_question and answer.standalone_question != answer.question:
        lines.insert(0, f"(Gezocht als: {answer.standalone_question})\n")
    if answer.citations:
        lines.append("Context (geen antwoord op de vraag):" if partial else "Bronnen:")
        for c in answer.citations:
            ref = ", ".join(x for x in (f"Kamerstuk {c.kamerstuk}" if c.kamerstuk else "", c.date, f"p. {c.page_label}") if x)
            lines.append(f"[{c.n}] {c.title} ({ref})")
            lines.append(f"    “{' '.join(c.quote.split())}”")
    elif answer.abstained and answer.passages:
        lines.append("Dichtstbijzijnde passages (ter eigen beoordeling):")
        for p in answer.passages[:3]:
            lines.append(f"- {p.chunk.title}, p. {p.chunk.page}: {' '.join(p.chunk.text.split())[:160]}…")
    for w in answer.warnings:
        lines.append(f"Let op: {w}")
    return "\n".join(lines).rstrip()


def letter_meta(letter: Letter) -> str:
    """What a letter states about itself, in one line; what it does not state is left out."""
    dossier = dossier_of(letter)
    return ", ".join(x for x in (
        letter.kind, letter.date, f"Kamerstuk {letter.kamerstuk}" if letter.kamerstuk else "",
        f"dossier {dossier}" if dossier else "", sender_of(letter)) if x)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m rag",
        description="Vraag-en-antwoord met bronvermelding over de brieven van de minister van JenV "
        "over georganiseerde, ondermijnende criminaliteit.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="bring the index up to date; with PATHs, first add those letters",
                         description="Bring the index up to date with corpus/: it is built only when missing or "
                         "stale (or with --rebuild), and only new texts are embedded. Given PATHs (files, folders "
                         "searched recursively, or quoted globs such as 'brieven/**/*.pdf'), "
                         "copy the letters into corpus/ with a manifest first (title, date, Kamerstuk and minister "
                         "from the text where it states them), then build once. Prints what was added, skipped "
                         "(text already in the corpus: 'al aanwezig') and refused (unreadable, with the reason). "
                         "Interrupted runs resume: what was embedded is kept, and letters an interrupted run put in corpus/ are counted as added ('hervat') when this run indexes them. Exit status 0: every file added or "
                         f"skipped; {EXIT_SOME_FILES_REFUSED}: some files refused (the others were added); 2: "
                         "nothing usable given, or the index could not be built (then nothing is added). "
                         f"Formats: {formats.describe()}; a web page is read without the site's navigation, "
                         "header and footer, a Word document without its page headers and footers.")
    ing.add_argument("paths", nargs="*", type=Path, help="letters, folders or globs (formats: see above)")
    ing.add_argument("--title", help="title of the added letter (one file only)")
    ing.add_argument("--kind", default="kamerbrief", choices=["kamerbrief", "beantwoording kamervragen"])
    ing.add_argument("--date", default="", help="date the letter states, YYYY-MM-DD (default: from the text)")
    ing.add_argument("--kamerstuk", default="",
                     help='Kamerstuk the letter states, e.g. "29 911, nr. 355" (default: from the text)')
    ing.add_argument("--rebuild", action="store_true",
                     help="write a new index version even when it is up to date (only new texts are embedded)")

    ask = sub.add_parser("ask", help="answer a question with cited sentences from the letters",
                         description="Answer a question from the letters. Prints the answer with [n] markers "
                         "and the sources; --json prints the documented JSON object instead, whose "
                         '"searched_as" is the question as it was searched: a follow-up ("Wanneer was dat?") '
                         "made standalone with the previous turn, else the question itself.")
    ask.add_argument("question", nargs="?", help="the question (Dutch or English)")
    ask.add_argument("--batch", type=Path, help='JSONL file with lines {"id": ..., "question": ..., "history": [...]} '
                     '("history" optional: the earlier turns, as for --history); one JSON answer per line; a bad line, '
                     'also one with a malformed history, fails alone (exit 3 when some lines failed)')
    ask.add_argument("--history", type=Path, metavar="FILE.json",
                     help=f"the earlier turns of the conversation, oldest first, in the chat convention: {HISTORY_EXAMPLE} "
                     '("system" messages are ignored; a question without a reply pairs with ""); a follow-up '
                     "question is then searched together with the previous question")
    ask.add_argument("--json", action="store_true", help="print JSON (the contract in README)")
    ask.add_argument("--k", type=int, help=f"number of passages to answer from, 1-{MAX_K} (default 5)")
    ask.add_argument("--mode", choices=MODES, help="retrieval mode (default hybrid)")
    ask.add_argument("--generator", choices=answerers.names(),
                     help="; ".join(f"{n}: {answerers.spec(n).label}" for n in answerers.names())
                     + " (default extractive; a server answerer reads the RAG_LLM_* settings)")
    ask.add_argument("--letters", help="comma-separated letter ids to search (see `python -m rag letters`)")
    ask.add_argument("--dossier", help='comma-separated dossier numbers to search, e.g. "29 911" (spaces optional; '
                     "a letter's dossier is the one it states, also as part of its Kamerstuk)")
    ask.add_argument("--type", dest="kinds", metavar="TYPE",
                     help=f"comma-separated document types to search: {', '.join(KINDS)}")
    ask.add_argument("--date-from", help="only letters dated on or after YYYY-MM-DD (letters that state no date "
                     "are left out, and the answer says how many; see --keep-undated)")
    ask.add_argument("--date-to", help="only letters dated on or before YYYY-MM-DD (as --date-from)")
    ask.add_argument("--keep-undated", action="store_true",
                     help="with --date-from/--date-to, also search the letters that state no date")

    sub.add_parser("letters", help="list the letters with their ids, type, date, Kamerstuk, dossier and sender")
    return p


def _search_options(args: argparse.Namespace, settings) -> SearchOptions:
    """The search the flags ask for, checked before any model loads."""
    return settings.search_options(k=args.k, mode=args.mode, letters=_listed(args.letters),
                                   dossiers=_listed(args.dossier), kinds=_listed(args.kinds),
                                   date_from=args.date_from, date_to=args.date_to,
                                   keep_undated=args.keep_undated)


def _listed(value: str | None) -> list[str] | None:
    """A comma-separated flag's values; None when the flag is not given."""
    return [x.strip() for x in value.split(",") if x.strip()] if value else None


# Exit codes (README): 0 all answered, 2 bad invocation or setup, 3 some batch
# lines failed (each has its own {"id", "error"} line), 1 a bug.
EXIT_SOME_LINES_FAILED = 3
# ingest PATHs: some files were refused (each named with its reason); the
# others were added and the index built.
EXIT_SOME_FILES_REFUSED = 3


def _no_constants(name: str):
    raise ValueError(f"{name} is not valid JSON here")


def _batch_item(raw: bytes) -> dict[str, Any]:
    """One batch line -> {"id", "question"}; ValueError says what is wrong."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        item = json.loads(line, parse_constant=_no_constants)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"invalid JSON line: {exc}") from None
    if not isinstance(item, dict) or not isinstance(item.get("question"), str):
        raise ValueError('expected {"id": ..., "question": "..."}')
    for key in ("id", "question"):
        try:
            json.dumps(item.get(key), ensure_ascii=False, allow_nan=False).encode("utf-8")
        except (UnicodeEncodeError, ValueError, TypeError):
            raise ValueError(f"{key} holds characters that are not valid Unicode text") from None
    return item


def _batch(pipeline, path: Path, options: SearchOptions, generator: str | None, as_json: bool) -> int:
    """Answer every line of a JSONL file; a bad line fails alone. Lines are
    split on \\n only (U+2028 and friends are text inside a line), decoded one
    by one, and a UTF-8 BOM is allowed."""
    if not path.is_file():
        raise InputError(f"Batchbestand {path} bestaat niet.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"Batchbestand {path} kan niet gelezen worden ({exc.strerror}).") from None
    failures = 0
    for lineno, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            item = _batch_item(raw.rstrip(b"\r"))
        except ValueError as exc:
            failures += 1
            print(json.dumps({"id": None, "line": lineno, "error": str(exc)}, ensure_ascii=False), flush=True)
            continue
        qid = item.get("id", lineno)
        try:
            history = chat_history(item.get("history"), pipeline.settings.max_question_chars)
        except InputError as exc:
            failures += 1
            print(json.dumps({"id": qid, "line": lineno, "error": str(exc)}, ensure_ascii=False), flush=True)
            continue
        try:
            answer = pipeline.ask(item["question"], options, generator=generator, qid=qid, history=history or None)
        except Exception as exc:  # noqa: BLE001 - one line never takes the batch down
            failures += 1
            message = str(exc) if isinstance(exc, RagError) else f"onverwachte fout ({type(exc).__name__})"
            print(json.dumps({"id": qid, "question": item["question"], "error": message}, ensure_ascii=False),
                  flush=True)
            continue
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json else format_answer(answer) + "\n", flush=True)
    return EXIT_SOME_LINES_FAILED if failures else 0


def _read_history(path: Path, max_question_chars: int) -> list[tuple[str, str]]:
    """`--history FILE.json`: the conversation so far, checked before any model loads."""
    if not path.is_file():
        raise InputError(f"Geschiedenisbestand {path} bestaat niet.")
    try:
        text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except OSError as exc:
        raise InputError(f"Geschiedenisbestand {path} kan niet gelezen worden ({exc.strerror}).") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"Geschiedenisbestand {path} is geen UTF-8 ({exc.reason} bij byte {exc.start}).") from None
    try:
        messages = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise InputError(f"Geschiedenisbestand {path} is te diep genest.") from None
    except ValueError as exc:
        raise InputError(f"Geschiedenisbestand {path} is geen geldige JSON ({exc}).",
                         f"Vorm: {HISTORY_EXAMPLE}") from None
    return chat_history(messages, max_question_chars)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except RagError as exc:
        print(f"Fout: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Afgebroken.", file=sys.stderr)
        return 130
    except OSError as exc:  # read-only folder, full disk, no permission: the machine, not a bug
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"Fout: {exc.strerror or exc}{where}.", file=sys.stderr)
        print("Controleer of de map schrijfbaar is en er ruimte op de schijf is.", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: say so briefly, keep the traceback for a report
        print(f"Onverwachte fout ({type(exc).__name__}): {exc}", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return 1


def _names(paths: Iterable[Path], shown: int = 5) -> str:
    """': a, b, c en 12 meer' — a summary line stays one line at any size."""
    names = [p.name for p in paths]
    return ": " + first_of(names, shown) if names else ""


def _ingest(args: argparse.Namespace, settings) -> int:
    """Without paths: bring the index up to date (built only when missing or
    stale, or with --rebuild; only new texts are embedded). With paths: read
    and sort every file first (nothing written), then the one ingest path of
    CLI and app (Library.ingest), which takes the letters out again when the
    index cannot be built, so corpus and index stay in step."""
    from rag.ingest import corpus
    from rag.library import Library
    from rag.store.stores import store_for

    if args.title and len(args.paths) != 1:
        raise InputError("--title gaat over één brief: geef precies één PATH.")
    bars = _Bars()
    sorted_ = corpus.Triage()
    if args.paths:
        sorted_ = corpus.triage(args.paths, settings, each=bars.files)
        if not (sorted_.new or sorted_.duplicates or sorted_.refused):
            raise InputError("Geen bestanden van een ondersteund type gevonden in " + ", ".join(map(str, args.paths)) + ".",
                             f"Ondersteund: {formats.suffix_list()}.")
        if args.title and len(sorted_.new) + len(sorted_.duplicates) > 1:
            raise InputError("--title gaat over één brief, maar PATH bevat er meer.")
    store = store_for(settings)
    live = store.live_version()
    before = store.live_manifest()
    indexed_before = set(before.corpus_hashes) if before else set()
    try:
        library = Library.load(settings, progress=bars, rebuild=args.rebuild)
        added = library.ingest(sorted_.new, progress=bars, title=args.title, kind=args.kind, date=args.date,
                                kamerstuk=args.kamerstuk) if sorted_.new else []
    finally:
        bars.close()
    ids = {str(path): letter.letter_id for path, letter in zip(sorted_.new, added)}
    # A letter an interrupted earlier ingest copied into the corpus but never
    # indexed is found as "already there" by the triage; this run indexed it.
    now = {letter.letter_id for letter in library.letters}
    resumed = [(p, lid) for p, lid in sorted_.duplicates if lid in now and lid not in indexed_before]
    skipped = [d for d in sorted_.duplicates if d not in resumed]
    for letter in added:
        stated = ", ".join(x for x in (letter.date, f"Kamerstuk {letter.kamerstuk}" if letter.kamerstuk else "",
                                       letter.minister) if x)
        print(f"toegevoegd: {letter.letter_id}\t{letter.title}" + (f" ({stated})" if stated else ""))
    for path, same in resumed:
        print(f"toegevoegd (hervat): {path} = {same}")
    for path, same in skipped:
        print(f"al aanwezig (overgeslagen): {path} = {ids.get(same, same)}")
    for path, reason in sorted_.refused:
        print(f"geweigerd: {path}: {reason}")
    if args.paths:
        print(f"samenvatting: {len(added) + len(resumed)} toegevoegd"
              + (f" (waarvan {len(resumed)} hervat: al in de corpusmap gezet door een onderbroken eerdere ingest)"
                 if resumed else "")
              + f", {len(skipped)} overgeslagen (al aanwezig{_names(p for p, _ in skipped)}), "
              f"{len(sorted_.refused)} geweigerd"
              + (f", {len(sorted_.ignored)} genegeerd (ander bestandstype)" if sorted_.ignored else ""))
    state = "al actueel, niet opnieuw gebouwd" if library.version == live else "gebouwd"
    print(f"index ({state}): {len(library.pipeline.retriever.index)} passages uit {len(library.letters)} brieven "
          f"in {settings.index_dir}")
    return EXIT_SOME_FILES_REFUSED if sorted_.refused else 0


def _run(args: argparse.Namespace) -> int:
    from rag.library import Library

    settings = load_settings()
    if args.command == "letters":
        from rag.ingest.corpus import load_letters

        for letter in load_letters(settings):
            print(f"{letter.letter_id}\t{letter.title} ({letter_meta(letter)})")
        return 0
    if args.command == "ingest":
        return _ingest(args, settings)
    # ask
    if (args.question is None) == (args.batch is None):
        raise InputError("Geef een vraag of --batch FILE.jsonl (niet allebei).")
    if args.batch and args.history:
        raise InputError("--history gaat over één vraag.",
                         'Geef bij --batch de eerdere beurten per regel mee: {"id": ..., "question": ..., "history": [...]}.')
    history: list[tuple[str, str]] = []
    if args.question is not None:
        from rag.search.question import check_question

        check_question(args.question, settings.max_question_chars)  # before any model loads
        if args.history:
            history = _read_history(args.history, settings.max_question_chars)
    options = _search_options(args, settings)
    pipeline = Library.load(settings, progress=_progress).pipeline
    if args.batch:
        return _batch(pipeline, args.batch, options, args.generator, args.json)
    answer = pipeline.ask(args.question, options, generator=args.generator, history=history or None)
    print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) if args.json else format_answer(answer))
    return 0
