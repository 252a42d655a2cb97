"""Structure-aware chunks: one per Kamervraag with its answer, elsewhere along
headings and paragraphs, token-bounded, overlap aligned to sentences.

Chunk text is always verbatim cleaned letter text, so any quote taken from a
chunk is a quote from the letter. A long answer to a Kamervraag is split;
each part then starts with its question (question + blank line + part).
"""
from __future__ import annotations

import re
from typing import Callable

from rag.ingest.clean import CLEANER_VERSION, CleanText
from rag.ingest.layout import ANTWOORDEN, KAMERVRAGEN
from rag.ingest import spans
from rag.fileutil import text_hash
from rag.records import Chunk, Letter
from rag.ingest.sentences import sentence_spans

def _source_digest(*modules: str) -> str:
    """A short hash of the modules that decide what a chunk is: an edit to any
    of them makes existing indexes stale (rebuilt; only changed texts are
    embedded again), so a forgotten version bump cannot leave old chunks."""
    import hashlib
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for name in modules:
        h.update((package / name).read_bytes())
    return h.hexdigest()[:10]


# (textnl.py: the folding spans and layout read with; tokens.py: the chunk sizes;
# build.py: the letter context stored beside the chunks)
CHUNKER_VERSION = f"chunk-8/{CLEANER_VERSION}/{_source_digest('ingest/chunk.py', 'ingest/clean.py', 'ingest/layout.py', 'ingest/sentences.py', 'ingest/spans.py', 'ingest/gazetteer.py', 'textnl.py', 'tokens.py', 'store/build.py')}"

# "3. Hoe kijkt u aan tegen ...?" at the start of a paragraph.
_QUESTION = re.compile(r"(?:^|\n\n)(\d{1,2})\.\s+(?=[A-Z])", re.M)
# A "Vraag 3" (or "Vraag 2 t/m 4", "• Vraag 1") label paragraph.
_VRAAG = re.compile(r"^\s*(?:[•·▪*-]\s*)?Vraag\s+(\d{1,3})", re.I)
# A question's last paragraph: "?", perhaps followed by footnote markers ("? 1)", "?1, 2").
ENDS_QUESTION = re.compile(r"\?\s*(?:\d{1,2}\)?(?:\s*,\s*\d{1,2}\)?)*)?\s*$")
# Documents whose numbered paragraphs are Kamervragen.
QUESTION_KINDS = (ANTWOORDEN, KAMERVRAGEN)


def embedding_text(chunk: Chunk) -> str:
    """What the embedder and BM25 see: title and section give a passage the
    context its sentences lack ("deze landen", "dit project")."""
    head = chunk.title if not chunk.section else f"{chunk.title} — {chunk.section}"
    return f"{head}\n{chunk.text}"


_CAPTION = re.compile(r"(?:Figuur|Tabel|Bron|Grafiek|Afbeelding)\b")
# A footnote that is only a reference ("Kamerstuk 31 234, nr. 56.", "Handelingen
# II 2030/31, nr. 12, item 4."): where something was said, not what; so is the
# publisher's notice of where an enclosure lies ("Ter inzage gelegd bij het
# Centraal Informatiepunt Tweede Kamer.").
_REFERENCE_ONLY = re.compile(r"(?:\d{1,3}\s+)?(?:zie (?:ook )?)?(?:Kamerstuk(?:ken)?|(?:Aanhangsel (?:van de )?)?Handelingen|"
                             r"Stb\.|Stcrt\.|Staatsblad|Staatscourant|Bijlage bij Kamerstuk)(?:\s+I{1,2}\b)?[^a-z]*"
                             r"(?:(?:nrs?\.|nummer|item|en|vergaderjaar|p\.|blz\.)[^a-z]*)*|"
                             r"(?:\d{1,3}\s+)?ter inzage gelegd (?:bij|in|op|ter) [^.]{0,80}\.?",
                             re.I)

# Text that addresses the reader as an assistant (prompt injection): it stays
# searchable and visible in its passage, but is never quoted as an answer.
INJECTION = re.compile(
    r"\b(?:negeer|vergeet|ignore|disregard|forget)\b.{0,60}\b(?:instructies|opdrachten|regels|"
    r"instructions|prompts?|rules)\b|\bje bent nu\b|\byou are now\b|\bsystee?m ?prompt\b|\bsystem prompt\b|"
    r"</?\s*(?:system|assistant|user|passage)\b[^>]*>|(?:^|\s)(?:SYSTEEM|SYSTEM|ASSISTANT|ASSISTENT)\s*:",
    re.I | re.S)


# A written question that reports something: the formulas that put a claim or
# a report to the minister ("Klopt het dat ...", "Kent u het bericht «...»?",
# "Deelt u de mening dat ..."), a quoted title, what a report shows or a source says.
_REPORTING_QUESTION = re.compile(
    r"^\W*(?:Klopt het|Is het (?:waar|juist|correct)|Kent u|Bent u (?:bekend|op de hoogte)|Heeft u kennis ?genomen|"
    r"Herkent u|Deelt u|Erkent u|Onderschrijft u|Bevestigt u|Kunt u bevestigen)\b|«[^»]{8,}»|"
    r"\bwaaruit blijkt\b|\b(?:zegt|zeggen|stelt|stellen|meldt|melden|schrijft|schrijven) dat\b")


# Figures a question can put to the minister ("... en daar dus 12 miljoen euro
# voor uit te trekken?"): what it states, even where it does not open like a report.
_FIGURES = (spans.MONEY, spans.PERCENT)


def _reports(question: str) -> bool:
    return bool(_REPORTING_QUESTION.search(question)) or any(sp.kind in _FIGURES for sp in spans.extract(question))


def answer_spans(text: str, excluded: list[tuple[int, int]], *, questions: bool = False) -> tuple[tuple[int, int], ...]:
    """Sentences of `text` that can be quoted as an answer: not overlapping an
    excluded span (furniture, headings, the question asked), at least five
    words, not a question, not a caption, and ending like a sentence unless
    long (a heading has no full stop). With `questions` (a Kamervraag nobody
    answered) a question that reports something or states a sum or a
    percentage is quoted too: the claim or report it puts to the minister is
    what the document says on its subject;
    one that only asks ("Wat is uw visie op ...?") says nothing."""
    out = []
    for a, b in sentence_spans(text):
        # A salutation glued to the first sentence ("Geachte ..., In antwoord
        # op ...") is cut off; the rest of the sentence stays quotable.
        for x, y in excluded:
            if x <= a < y < b:
                a = y
                while a < b and not text[a].isalnum():
                    a += 1
        s = text[a:b]
        words = s.split()
        asks = s.rstrip().endswith("?")
        if len(words) < 5 or (asks and not (questions and _reports(s))) or _CAPTION.match(s) \
                or _REFERENCE_ONLY.fullmatch(s.strip()) or INJECTION.search(s):
            continue
        if not re.search(r"[.!:;)’”?]$" if questions else r"[.!:;)’”]$", s.rstrip()) and len(words) < 12:
            continue
        if any(a < y and x < b for x, y in excluded):
            continue
        out.append((a, b))
    return tuple(out)


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"(?:(?!\n\n).)+", text[start:end], flags=re.S):
        a, b = start + m.start(), start + m.end()
        if text[a:b].strip():
            out.append((a, b))
    return out


def _pack(
    clean: CleanText,
    spans: list[tuple[int, int]],
    max_tokens: int,
    overlap: int,
    count: Callable[[str], int],
    prefix_tokens: int = 0,
) -> list[tuple[int, int]]:
    """Greedily pack consecutive sentence spans into windows of <= max_tokens.

    A paragraph boundary is preferred: a window that is already over half
    full is closed at a paragraph end rather than cut mid-paragraph later.
    Each new window repeats the last `overlap` sentences of the previous one.
    """
    text = clean.text
    sents: list[tuple[int, int, bool]] = []  # (start, end, ends_paragraph)
    for a, b in spans:
        ss = sentence_spans(text, a, b)
        sents.extend((s, e, i == len(ss) - 1) for i, (s, e) in enumerate(ss))
    budget = max_tokens - prefix_tokens
    windows: list[tuple[int, int]] = []
    i = 0
    fresh = 0  # the first sentence no window holds yet
    while i < len(sents):
        j, used = i, 0
        while j < len(sents):
            t = count(text[sents[j][0] : sents[j][1]]) + 1
            if used and used + t > budget:
                break
            used += t
            j += 1
            if sents[j - 1][2] and used > budget * 0.6 and j < len(sents):
                nxt = count(text[sents[j][0] : sents[j][1]])
                if used + nxt > budget * 0.85:
                    break
        if j <= fresh:
            # Only repeated sentences fit beside the next one: this window
            # starts without overlap rather than repeat what came before.
            i = fresh
            continue
        if used > budget:  # a single over-long sentence: hard split by words
            windows.extend(_split_long(text, sents[i][0], sents[i][1], budget, count))
            i = fresh = i + 1
            continue
        windows.append((sents[i][0], sents[j - 1][1]))
        if j >= len(sents):
            break
        fresh = j
        i = max(i + 1, j - overlap) if not sents[j - 1][2] else j
    return windows


def _split_long(text: str, a: int, b: int, budget: int, count: Callable[[str], int]) -> list[tuple[int, int]]:
    out, cur = [], a
    words = [m.end() for m in re.finditer(r"\S+", text[a:b])]
    last = a
    for w in words:
        end = a + w
        if count(text[cur:end]) > budget and last > cur:
            out.append((cur, last))
            cur = last + 1
        last = end
    out.append((cur, b))
    return out


def chunk_letter(
    letter: Letter,
    clean: CleanText,
    *,
    max_tokens: int,
    overlap_sentences: int = 1,
    count: Callable[[str], int],
) -> list[Chunk]:
    text = clean.text
    chunks: list[Chunk] = []
    # Not answer text, in clean-text offsets: furniture and headings.
    not_answers = [(a, b) for a, b, _ in clean.furniture]
    not_answers += [(o, o + len(h)) for o, h in clean.headings]

    def add(start: int, end: int, *, kind: str, section: str, body: str | None = None, qno: int | None = None,
            asked: tuple[int, int] | None = None, questions: bool = False) -> None:
        """`asked`: the Kamervraag's span, in chunk-text offsets, never quoted
        (its answer is); `questions`: the unit is a question without an answer,
        whose sentences, questions included, may be quoted."""
        if body is None:
            body = text[start:end]
            excluded = [(a - start, b - start) for a, b in not_answers if a < end and start < b]
        else:  # question + blank line + part of a long answer
            shift = len(body) - (end - start)
            excluded = [(a - start + shift, b - start + shift) for a, b in not_answers if a < end and start < b]
        if asked:
            excluded.append(asked)
        if kind == "body" and all(any(x <= start + a and start + b <= y for x, y, _ in clean.furniture)
                                  for a, b in sentence_spans(body)):
            return  # only furniture (a header block): shown in the letter view, never a passage
        c = Chunk(
            chunk_id=f"{letter.letter_id}:{len(chunks):03d}",
            letter_id=letter.letter_id,
            title=letter.title,
            date=letter.date,
            kamerstuk=letter.kamerstuk,
            pages=clean.pages_for(start, end),
            section=section,
            start=start,
            end=end,
            text=body,
            kind=kind,
            question_no=qno,
            answer_spans=answer_spans(body, excluded, questions=questions),
        )
        chunks.append(_with_hash(c))

    # Kamervragen: "Vraag N" / "Antwoord N" labels (the layout marks them),
    # else numbered paragraphs "N. ...?" in a document of written questions.
    labels = [(a, b, text[a:b]) for a, b, kind in clean.furniture if kind == "label"]
    units: list[tuple[int, int, int | None]] = []  # (start, qno, start of its "Antwoord" label)
    for a, b, label in labels:
        m = _VRAAG.match(label)
        if m:
            units.append((a, int(m.group(1)), None))
        elif units and units[-1][2] is None:
            units[-1] = (units[-1][0], units[-1][1], a)
    if not units and letter.kind in QUESTION_KINDS:
        units = [(m.start() + (2 if text[m.start(): m.start() + 2] == "\n\n" else 0), int(m.group(1)), None)
                 for m in _sequential(list(_QUESTION.finditer(text)), text)]
    body_end = units[0][0] if units else len(text)

    # Letter body, section by section.
    bounds = [o for o, _ in clean.headings if o < body_end] + [body_end]
    cuts = sorted({0, *bounds})
    for a, b in zip(cuts, cuts[1:]):
        spans = _paragraphs(text, a, b)
        if not spans:
            continue
        section = clean.section_at(spans[0][0])
        for s, e in _pack(clean, spans, max_tokens, overlap_sentences, count):
            add(s, e, kind="body", section=section)

    # Kamervragen: question + answer units.
    for qi, (q_start, qno, answer_label) in enumerate(units):
        u_end = units[qi + 1][0] if qi + 1 < len(units) else len(text)
        paras = _paragraphs(text, q_start, u_end)
        if not paras:
            continue
        if answer_label is not None:
            # The question runs until its "Antwoord" label.
            k = max(0, next((i for i, (a, _) in enumerate(paras) if a >= answer_label), len(paras)) - 1)
        else:
            # The question runs until the paragraph that ends with "?" (all of
            # the unit in a document of questions only).
            asks = [i for i, (a, e) in enumerate(paras) if ENDS_QUESTION.search(text[a:e])]
            labelled = bool(_VRAAG.match(text[paras[0][0]:paras[0][1]]))
            # Without a "?" the whole unit is question in a document of questions
            # only, or after a "Vraag N" label (nothing marks where an answer starts).
            k = asks[0] if asks else (len(paras) - 1 if letter.kind == KAMERVRAGEN or labelled else 0)
        q_end = paras[k][1]
        question = text[q_start:q_end]
        asked = re.sub(r"^(?:\d+\.|[•·▪*-]?\s*Vraag\s+[\d ,en/tm-]+:?)\s*", "", " ".join(question.split()))
        section = f"Vraag {qno}: {asked}"
        if k == len(paras) - 1:
            # Nothing answers it (a page of written questions, answers still to
            # come): the question itself is what the document says on its
            # subject ("Klopt het dat een op de vijf fietspaden te smal is?"),
            # quotable as the member's question.
            for s, e in _pack(clean, paras, max_tokens, overlap_sentences, count):
                add(s, e, kind="question", section=section, qno=qno, questions=True)
            continue
        if count(text[q_start : paras[-1][1]]) <= max_tokens:
            add(q_start, paras[-1][1], kind="qa", section=section, qno=qno, asked=(0, q_end - q_start))
            continue
        prefix = min(count(question) + 2, max_tokens // 2)
        for s, e in _pack(clean, paras[k + 1 :], max_tokens, overlap_sentences, count, prefix_tokens=prefix):
            add(s, e, kind="qa", section=section, body=f"{question}\n\n{text[s:e]}", qno=qno,
                asked=(0, len(question)))

    # Footnotes: small chunks, searchable and linked to their page.
    for fn in clean.footnotes:
        body = f"{fn.number} {fn.text}"
        c = Chunk(
            chunk_id=f"{letter.letter_id}:fn{fn.number}-p{fn.page}",
            letter_id=letter.letter_id, title=letter.title, date=letter.date,
            kamerstuk=letter.kamerstuk, pages=(fn.page,), section="Voetnoot",
            start=-1, end=-1, text=body, kind="footnote",
        )
        chunks.append(_with_hash(c))
    return chunks


def _sequential(matches: list[re.Match], text: str) -> list[re.Match]:
    """Keep question starts numbered 1, 2, 3, ...: of the candidates carrying
    the next number, the first whose paragraph asks something ("?"), so a
    list numbered 1., 2. inside an answer is not taken for the next question;
    without such a candidate, the first one carrying the number."""
    def asks(m: re.Match) -> bool:
        end = text.find("\n\n", m.end())
        return "?" in text[m.end(): end if end >= 0 else len(text)]

    out: list[re.Match] = []
    i = 0
    while i < len(matches):
        want = len(out) + 1
        rest = [j for j in range(i, len(matches)) if int(matches[j].group(1)) == want]
        if not rest:
            break
        j = next((j for j in rest if asks(matches[j])), rest[0])
        out.append(matches[j])
        i = j + 1
    return out


def _with_hash(c: Chunk) -> Chunk:
    from dataclasses import replace

    return replace(c, content_hash=text_hash(embedding_text(c)), typed=spans.of_chunk(c.text, c.answer_spans, c.date))
