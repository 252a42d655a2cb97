"""A scratch copy of the corpus and the built index, for benches that change them."""
from __future__ import annotations

import shutil
from pathlib import Path

from rag.config import Settings


def scratch_settings(base: Settings, tmp: Path) -> Settings:
    """Settings over copies of base's corpus and index inside tmp."""
    shutil.copytree(base.corpus_dir, tmp / "corpus")
    shutil.copytree(base.index_dir, tmp / "index")
    return base.replace(corpus_dir=tmp / "corpus", index_dir=tmp / "index")
