"""A conversation as clients send it (the OpenAI chat convention) turned
into the (question, answer) pairs the pipeline takes, and every JSON answer
saying what was searched."""
from __future__ import annotations

import pytest

from rag.search.conversation import MAX_ANSWER_CHARS, MAX_MESSAGES, chat_history
from rag.errors import InputError
from rag.records import Answer

MAX_Q = 2000


def user(text):
    return {"role": "user", "content": text}


def assistant(text):
    return {"role": "assistant", "content": text}


def test_turns_pair_oldest_first_and_system_messages_are_ignored():
    messages = [{"role": "system", "content": "Antwoord kort."},
                user("Welke proef loopt er bij de sluizen?"), assistant("De proef Veilige Sluizen."),
                user("Wanneer begint die?"), assistant("Op 15 april."), assistant("Ze duurt twee jaar."),
                user("  Wie doen   er mee? ")]
    assert chat_history(messages, MAX_Q) == [
        ("Welke proef loopt er bij de sluizen?", "De proef Veilige Sluizen."),
        ("Wanneer begint die?", "Op 15 april. Ze duurt twee jaar."),  # a reply in two parts
        ("Wie doen er mee?", ""),  # no reply (yet): an empty answer
    ]


def test_unanswered_questions_pair_with_an_empty_answer_and_a_greeting_answers_nothing():
    messages = [assistant("Waarmee kan ik helpen?"), user("Vraag een?"), user("Vraag twee?"), assistant("")]
    assert chat_history(messages, MAX_Q) == [("Vraag een?", ""), ("Vraag twee?", "")]
    assert chat_history([], MAX_Q) == [] and chat_history(None, MAX_Q) == []


@pytest.mark.parametrize("messages, says", [
    ("Wat is Fortius?", "moet een lijst van berichten zijn; dit is een tekst"),
    ({"role": "user", "content": "x"}, "moet een lijst van berichten zijn; dit is een object"),
    (["Wat is Fortius?"], "Bericht 1 van de gespreksgeschiedenis is geen object maar een tekst"),
    ([user("a"), {"role": "bot", "content": "b"}], "Bericht 2 van de gespreksgeschiedenis heeft een onbekende rol ('bot')"),
    ([{"content": "a"}], "heeft een onbekende rol (null)"),
    ([user(["a"])], "(user) heeft als inhoud geen tekst maar een lijst"),
    ([user("a"), {"role": "assistant", "content": None}], "Bericht 2 van de gespreksgeschiedenis (assistant) heeft als inhoud geen tekst maar null"),
    ([user("a \ud800")], "geen geldige Unicode-tekst"),
    ([user("   ")], "(user) is leeg"),
    ([user("x" * (MAX_Q + 1))], f"is te lang ({MAX_Q + 1} tekens; maximaal {MAX_Q})"),
    ([user("a"), assistant("x" * (MAX_ANSWER_CHARS + 1))], f"maximaal {MAX_ANSWER_CHARS}"),
    ([user("a"), assistant("b")] * (MAX_MESSAGES // 2) + [user("c")], f"te lang ({MAX_MESSAGES + 1} berichten"),
])
def test_a_malformed_history_is_refused_with_what_is_wrong(messages, says):
    with pytest.raises(InputError) as exc:
        chat_history(messages, MAX_Q)
    assert says in exc.value.message


def test_the_longest_history_allowed_is_accepted():
    messages = [user("a"), assistant("b")] * (MAX_MESSAGES // 2)
    assert len(chat_history(messages, MAX_Q)) == MAX_MESSAGES // 2


def test_every_json_answer_says_what_was_searched():
    asked = Answer(question="Wanneer begint die?", answer="Op 15 april. [1]",
                   standalone_question="Welke proef loopt er? Wanneer begint die?")
    plain = Answer(question="Wat is Fortius?", answer="Dat staat niet in deze brieven.", status="not_found")
    assert asked.to_dict()["searched_as"] == "Welke proef loopt er? Wanneer begint die?"
    assert plain.to_dict()["searched_as"] == "Wat is Fortius?"
    # The rest of the contract keeps its keys.
    assert list(plain.to_dict()) == ["id", "question", "searched_as", "answer", "status", "abstained", "citations",
                                     "passages", "timings_ms"]
