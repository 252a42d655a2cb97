"""LLM-judged correctness (`python -m eval run --judge`, optional, never
default): an OpenAI-compatible server says whether an answer agrees with
the question's reference answer."""
from __future__ import annotations

from typing import Any, Callable

from . import metrics as M

JUDGE_PROMPT = """Je beoordeelt een antwoord op een vraag over Kamerbrieven.

Vraag: {question}

Referentieantwoord (juist): {reference}

Te beoordelen antwoord: {answer}

Is het te beoordelen antwoord inhoudelijk juist en in overeenstemming met het
referentieantwoord (het mag korter zijn, maar mag niets tegenstrijdigs of
verzonnens bevatten)? Antwoord met precies één woord: JUIST of ONJUIST."""


def make_judge(settings) -> Callable[[dict[str, Any], str], bool | None]:
    """LLM-judged correctness against the reference answer (optional; needs
    settings.llm_base_url and llm_model). A refusal is judged incorrect
    without asking; an unparseable verdict is None (not counted)."""
    from langchain_openai import ChatOpenAI

    if not settings.llm_base_url or not settings.llm_model:
        raise SystemExit("--judge needs RAG_LLM_BASE_URL and RAG_LLM_MODEL (an OpenAI-compatible server).")
    chat = ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url,
                      api_key=settings.llm_api_key or "not-needed", temperature=0.0,
                      timeout=settings.llm_timeout_s, max_retries=1)

    def judge(item: dict[str, Any], answer: str) -> bool | None:
        if not answer.strip():
            return False
        prompt = JUDGE_PROMPT.format(question=item["question"], reference=item["reference_answer"],
                                     answer=M.strip_markers(answer))
        verdict = chat.invoke(prompt).text.strip().upper()
        if verdict.startswith("ONJUIST") or verdict.startswith("INCORRECT"):
            return False
        if verdict.startswith("JUIST") or verdict.startswith("CORRECT"):
            return True
        return None

    return judge
