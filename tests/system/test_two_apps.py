"""Two app processes on one index: what one ingests, the other answers from
without a restart. Each process runs the app's session code
(tests/support/app_worker.py: PipelineGuard, load, current, ask, ingest as an
upload does) with the real embedder; they share either one index folder
(the file index, one machine) or one Postgres database (RAG_STORE; each
process has a corpus folder of its own, as on two machines)."""
from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.pg import fresh_db, server  # noqa: F401 - the Postgres server fixture

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[2]
ZEPPELIN = ("Geachte Voorzitter,\n\nHierbij informeer ik uw Kamer over de aanpak van zeppelinsmokkel in de "
            "Waddenzee. Het kabinet trekt 7 miljoen euro uit voor extra controles op zeppelins boven de "
            "Waddeneilanden.\n\nDe Minister van Justitie en Veiligheid,\n\nD. Testpersoon\n")
BALLON = ("Geachte Voorzitter,\n\nGraag bericht ik u over smokkel met heteluchtballonnen in Drenthe. "
          "De politie zet vanaf 1 maart 2026 twaalf extra rechercheurs in op ballonvaarten die drugs "
          "vervoeren.\n\nDe Minister van Justitie en Veiligheid,\n\nD. Testpersoon\n")


class App:
    def __init__(self, env: dict[str, str], log: Path):
        self.log = open(log, "w")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "support" / "app_worker.py")], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.ready = self._read(300)["ready"]

    def _read(self, timeout: float) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if select.select([self.proc.stdout], [], [], 1.0)[0]:
                line = self.proc.stdout.readline()
                if not line:
                    break
                return json.loads(line)
            if self.proc.poll() is not None:
                break
        self.log.flush()
        raise AssertionError(f"app process gave no answer; its log:\n{Path(self.log.name).read_text()[-3000:]}")

    def __call__(self, timeout: float = 300, **cmd) -> dict:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self._read(timeout)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)
        self.log.close()


def _env(**rag: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    return {**env, "RAG_REFRESH_SECONDS": "0", **rag}


def _index_copy(pipeline, dest: Path) -> Path:
    """The built index of the shipped letters (with its vector cache: the
    five letters are not embedded again)."""
    shutil.copytree(pipeline.settings.index_dir, dest, ignore=shutil.ignore_patterns(".lock"))
    return dest


def _exchange(a: App, b: App, tmp_path: Path) -> None:
    before = a(cmd="letters")["letters"]
    assert b(cmd="letters")["letters"] == before

    (tmp_path / "zeppelin.txt").write_text(ZEPPELIN, encoding="utf-8")
    added = a(cmd="ingest", path=str(tmp_path / "zeppelin.txt"), title="Zeppelinsmokkel")
    assert added["added"] == ["zeppelinsmokkel"]
    # b was started before; its next request finds a's version and answers from it.
    seen = b(cmd="letters")
    assert seen["version"] == added["version"] and seen["letters"] == sorted([*before, "zeppelinsmokkel"])
    asked = b(cmd="ask", q="Hoeveel geld trekt het kabinet uit voor controles op zeppelins?")
    assert asked["top"] == "zeppelinsmokkel"

    (tmp_path / "ballon.txt").write_text(BALLON, encoding="utf-8")
    added = b(cmd="ingest", path=str(tmp_path / "ballon.txt"), title="Ballonsmokkel")
    assert added["added"] == ["ballonsmokkel"]
    seen = a(cmd="letters")
    assert seen["version"] == added["version"]
    assert seen["letters"] == sorted([*before, "zeppelinsmokkel", "ballonsmokkel"])  # b's build kept a's letter
    assert a(cmd="ask", q="Hoeveel rechercheurs zet de politie in op ballonvaarten?")["top"] == "ballonsmokkel"


@pytest.mark.parametrize("store", ["file", "postgres"])
def test_two_app_processes_see_each_others_ingested_letters(store, pipeline, tmp_path, request):
    if store == "file":  # one machine: one corpus folder and one index folder
        corpus = tmp_path / "corpus"
        shutil.copytree(pipeline.settings.corpus_dir, corpus)
        index = _index_copy(pipeline, tmp_path / "index")
        env_a = env_b = _env(RAG_CORPUS_DIR=str(corpus), RAG_INDEX_DIR=str(index))
    else:  # two machines: a corpus and a vector cache each, one database
        uri = fresh_db(request.getfixturevalue("server"), "twoapps")
        envs = []
        for name in ("a", "b"):
            shutil.copytree(pipeline.settings.corpus_dir, tmp_path / name / "corpus")
            envs.append(_env(RAG_STORE=uri, RAG_CORPUS_DIR=str(tmp_path / name / "corpus"),
                             RAG_INDEX_DIR=str(_index_copy(pipeline, tmp_path / name / "index"))))
        env_a, env_b = envs
    a = App(env_a, tmp_path / "a.log")
    b = App(env_b, tmp_path / "b.log")
    try:
        assert a.ready == b.ready  # b loaded what a built or loaded
        _exchange(a, b, tmp_path)
    finally:
        a.close()
        b.close()
