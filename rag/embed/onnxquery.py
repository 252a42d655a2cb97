"""One question's encoder forward pass through ONNX Runtime.

Why: the app answers several sessions side by side on 2 cores. Through torch
a question's forward pass is mostly Python (the modules' calls, holding the
GIL) around the matrix products, so sessions queue for the interpreter.
ONNX Runtime runs the whole graph in C++ without the GIL: on this machine
one question encoded in 18 ms instead of 37 ms (one thread), and 8 threads
encoded 107 questions/s instead of 34 (bench/bench_concurrency.py measures
the whole answer path).

It is the same model, not another one: the embedder's own transformer is
exported once (torch.onnx, into the model cache) and every load checks it
against torch on probe texts before it is used; a file that fails to load or
to match is exported again, and if that fails too the questions stay on torch
(logged). Passages (index builds) stay on torch.
"""
from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rag.errors import ModelError
from rag.fileutil import atomic_file, atomic_write_text, file_lock, slug

log = logging.getLogger(__name__)

FILE_NAME = "query-encoder.onnx"
STAMP_NAME = "query-encoder.json"
# Bump when the exported graph's inputs/outputs or the export settings change.
EXPORT_VERSION = "2"
OPSET = 17
# The check at load: texts of several lengths and scripts (a graph traced on
# one length must hold for all). Cosine to torch's vector, per text.
PROBES = (
    "query: cocaïne",
    "query: Welke maatregelen neemt het kabinet tegen ondermijnende criminaliteit in havens?",
    "passage: " + "De minister van Justitie en Veiligheid schrijft de Kamer over de aanpak. " * 12,
)
MIN_COSINE = 0.9999

# (input_ids, attention_mask) of one text, shape (1, n) -> its token vectors (n, H)
Forward = Callable[[np.ndarray, np.ndarray], np.ndarray]


class OnnxUnavailable(ModelError):
    """The ONNX route cannot be used here; questions stay on torch."""


class QueryEncoder:
    """An ONNX Runtime session over the exported transformer (thread-safe:
    sessions answer side by side).

    The graph starts after the word-embedding lookup, which is done here on
    torch's own table (a view, no copy): that table is 384 of the model's
    470 MB, and a graph holding it would add all of it to every app process
    (measured +544 MB RSS with it, +150 MB without)."""

    def __init__(self, session, word_embeddings: np.ndarray, path: Path):
        self._session = session
        self._words = word_embeddings
        self.path = path

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        return self._session.run(None, {"inputs_embeds": self._words[input_ids],
                                        "attention_mask": attention_mask.astype(np.int64)})[0][0]


def folder_for(cache_dir: Path, model_id: str) -> Path:
    return Path(cache_dir) / "onnx" / slug(model_id, "model", max_len=120)


def prepare(auto_model, tokenizer, model_id: str, cache_dir: Path, threads: int,
            reference: Forward) -> QueryEncoder:
    """The checked ONNX encoder of `auto_model`, exporting it first if the
    cache has none (or a stale or damaged one). Raises OnnxUnavailable."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError as e:
        raise OnnxUnavailable("onnxruntime is not installed",
                              "pip install -r requirements.txt, or RAG_QUERY_RUNTIME=torch") from e
    folder = folder_for(cache_dir, model_id)
    path = folder / FILE_NAME
    stamp = _stamp(model_id)
    probes = [tokenizer(text, truncation=True, max_length=512, return_tensors="np") for text in PROBES]
    table = words(auto_model).numpy()
    problem = ""
    if _stamp_ok(folder, stamp):
        try:
            return _checked(_session(path, threads), table, path, probes, reference)
        except OnnxUnavailable as e:  # damaged, or from other weights: export again
            problem = e.message
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with file_lock(folder / ".export.lock"):
            if problem or not _stamp_ok(folder, stamp):  # not done meanwhile by another process
                _export(auto_model, probes[1], folder, stamp, problem)
    except OSError as e:
        raise OnnxUnavailable(f"cannot write the ONNX query encoder to {folder}: {e}",
                              "the model cache (RAG_CACHE_DIR) must be writable") from e
    return _checked(_session(path, threads), table, path, probes, reference)


def words(auto_model):
    """The model's word-embedding table (a torch tensor without grad)."""
    return auto_model.get_input_embeddings().weight.detach()


def _stamp(model_id: str) -> dict[str, str]:
    import torch

    return {"model": model_id, "export_version": EXPORT_VERSION, "torch": torch.__version__}


def _stamp_ok(folder: Path, want: dict[str, str]) -> bool:
    try:
        have = json.loads((folder / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return have == want and (folder / FILE_NAME).is_file()


def _export(auto_model, example, folder: Path, stamp: dict[str, str], why: str) -> None:
    import sys
    import time

    import torch

    class LastHidden(torch.nn.Module):
        """The transformer with plain tensor inputs and one output."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, inputs_embeds, attention_mask):
            # Position ids then count from the first token, as they do from
            # input_ids for one text without padding (the only use here).
            return self.model(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state

    print(f"Preparing the ONNX query encoder (one-time, a few seconds){f'; {why}' if why else ''}...",
          file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    (folder / STAMP_NAME).unlink(missing_ok=True)  # the stamp goes last: its presence means complete
    dynamic = {0: "batch", 1: "tokens"}
    try:
        with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
            # The tracer warns about Python branches on shapes; PROBES check
            # afterwards that the graph holds for other lengths.
            warnings.simplefilter("ignore")
            with atomic_file(folder / FILE_NAME) as fh:
                torch.onnx.export(
                    LastHidden(auto_model).eval(),
                    (words(auto_model)[torch.from_numpy(example["input_ids"])],
                     torch.from_numpy(example["attention_mask"])),
                    fh, input_names=["inputs_embeds", "attention_mask"], output_names=["last_hidden_state"],
                    dynamic_axes={"inputs_embeds": dynamic, "attention_mask": dynamic, "last_hidden_state": dynamic},
                    opset_version=OPSET, dynamo=False)
    except OSError:
        raise  # the cache cannot be written: prepare says so
    except Exception as e:  # the exporter raises many kinds (unsupported op, protobuf size, ...)
        raise OnnxUnavailable(f"could not export the query encoder to ONNX: {type(e).__name__}: {e}",
                              "questions are encoded with torch instead (RAG_QUERY_RUNTIME=torch "
                              "skips the attempt)") from e
    atomic_write_text(folder / STAMP_NAME, json.dumps(stamp, indent=2) + "\n")
    print(f"ONNX query encoder ready in {time.perf_counter() - t0:.1f} s: {folder / FILE_NAME}",
          file=sys.stderr, flush=True)


def _session(path: Path, threads: int):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    # Each session's question runs on its own thread: a pool per call would
    # have the app's sessions fight over the cores (as torch's threads did).
    opts.intra_op_num_threads = max(1, threads)
    opts.inter_op_num_threads = 1
    # Without the arena (buffers kept per input length met) a question was no
    # slower (13.7 vs 17.8 ms, one run) and the first 10 questions after a
    # start stayed within 2x of the rest: p95 33-59 vs 31-40 ms over four
    # runs, against 57 vs 33 ms in one run with it (bench/bench_concurrency.py).
    opts.enable_cpu_mem_arena = False
    opts.log_severity_level = 3  # errors only: its optimiser's notes are not the user's business
    try:
        return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    except Exception as e:  # ORT raises its own Fail/InvalidProtobuf/... types
        raise OnnxUnavailable(f"the ONNX query encoder {path} does not load: {type(e).__name__}: {e}") from e


def _checked(session, word_embeddings: np.ndarray, path: Path, probes, reference: Forward) -> QueryEncoder:
    encoder = QueryEncoder(session, word_embeddings, path)
    for enc in probes:
        ids, mask = enc["input_ids"], enc["attention_mask"]
        try:
            got = encoder(ids, mask).mean(0)
        except Exception as e:  # a graph that loads but does not run (wrong inputs, ...)
            raise OnnxUnavailable(f"the ONNX query encoder {path} fails: {type(e).__name__}: {e}") from e
        want = reference(ids, mask).mean(0)
        cosine = float(got @ want / (np.linalg.norm(got) * np.linalg.norm(want) or 1.0))
        if not cosine >= MIN_COSINE:
            raise OnnxUnavailable(f"the ONNX query encoder {path} differs from the model "
                                  f"(cosine {cosine:.5f} on a probe text)")
    return encoder
