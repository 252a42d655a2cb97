"""The earlier turns of a conversation, as a client sends them.

Clients of `rag ask --batch` and `rag ask --history` send a conversation in
the OpenAI chat convention, oldest first:

    [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}, ...]

`Pipeline.ask(history=...)` takes (question, answer) pairs (rag.search.question.condense
reads the last one). `chat_history` checks such a list and turns it into pairs,
or raises an InputError that says what is wrong with which message.
"""
from __future__ import annotations

from typing import Any

from rag.errors import InputError

# Only the last turn is read by the extractive answerer and the last three by
# the LLM's rewrite (rag.answer.llm); a longer list is accepted up to a bound that
# keeps one batch line from holding megabytes of chat.
MAX_MESSAGES = 200
# An earlier answer may be a long LLM reply; a question is bounded by
# Settings.max_question_chars, as when it was asked.
MAX_ANSWER_CHARS = 20_000

ROLES = ("system", "user", "assistant")
EXAMPLE = '[{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}]'


def chat_history(messages: Any, max_question_chars: int) -> list[tuple[str, str]]:
    """(question, answer) pairs from chat messages, oldest first.

    A system message is ignored (it is no turn of the conversation); a user
    message opens a turn and the assistant messages after it are its answer
    (joined, when the reply came in parts); a user message without a reply
    pairs with "" (as a refused or failed turn does in the app); an assistant
    message before any user message (a greeting) answers nothing and is
    skipped. `None` is no history."""
    if messages is None:
        return []
    if not isinstance(messages, list):
        raise InputError(f"De gespreksgeschiedenis moet een lijst van berichten zijn; dit is {_kind(messages)}.",
                         f"Vorm: {EXAMPLE} (oudste eerst).")
    if len(messages) > MAX_MESSAGES:
        raise InputError(f"De gespreksgeschiedenis is te lang ({len(messages)} berichten; maximaal {MAX_MESSAGES}).",
                         "Geef alleen de laatste beurten van het gesprek mee.")
    pairs: list[tuple[str, list[str]]] = []
    for n, message in enumerate(messages, start=1):
        where = f"Bericht {n} van de gespreksgeschiedenis"
        if not isinstance(message, dict):
            raise InputError(f"{where} is geen object maar {_kind(message)}.", f"Vorm: {EXAMPLE}.")
        role = message.get("role")
        if role not in ROLES:
            shown = repr(role) if isinstance(role, str) else _kind(role)
            raise InputError(f"{where} heeft een onbekende rol ({shown}).", "Rollen: " + ", ".join(ROLES) + ".")
        content = message.get("content")
        if not isinstance(content, str):
            raise InputError(f"{where} ({role}) heeft als inhoud geen tekst maar {_kind(content)}.",
                             'Geef de inhoud als tekst: "content": "...".')
        try:
            content.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"{where} ({role}) bevat tekens die geen geldige Unicode-tekst zijn.") from None
        if role == "system":
            continue
        text = " ".join(content.split())
        limit = max_question_chars if role == "user" else MAX_ANSWER_CHARS
        if len(text) > limit:
            raise InputError(f"{where} ({role}) is te lang ({len(text)} tekens; maximaal {limit}).")
        if role == "user":
            if not text:
                raise InputError(f"{where} (user) is leeg.", "Een beurt van de gebruiker is een vraag.")
            pairs.append((text, []))
        elif pairs and text:
            pairs[-1][1].append(text)
    return [(question, " ".join(answer)) for question, answer in pairs]


def _kind(value: Any) -> str:
    """A JSON value's kind, in the words of the messages above."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "een waarheidswaarde"
    if isinstance(value, (int, float)):
        return "een getal"
    if isinstance(value, str):
        return "een tekst"
    if isinstance(value, list):
        return "een lijst"
    if isinstance(value, dict):
        return "een object"
    return type(value).__name__
