"""One app process for tests/system/test_two_apps.py: the Streamlit app's own
session code (rag.app.session.PipelineGuard) without the browser, driven by
JSON lines on stdin, one JSON line answered on stdout per command:

    {"cmd": "letters"}                       -> {"version": ..., "letters": [...]}
    {"cmd": "ask", "q": "..."}               -> {"version": ..., "status": ..., "cited": [...], "top": ...}
    {"cmd": "ingest", "path": "...", "title": "..."} -> {"version": ..., "added": [...]}

Settings come from the RAG_* environment, as for the app.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rag.app.session import PipelineGuard
from rag.config import load_settings


def main() -> None:
    guard = PipelineGuard()
    guard.load(load_settings())
    print(json.dumps({"ready": guard.pipeline.version}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        pipeline = guard.current()  # what every app rerun does first
        if cmd["cmd"] == "letters":
            out = {"letters": sorted(x.letter_id for x in pipeline.letters)}
        elif cmd["cmd"] == "ask":
            answer = guard.ask(cmd["q"])
            out = {"status": answer.status, "cited": sorted({c.letter_id for c in answer.citations}),
                   "top": answer.passages[0].chunk.letter_id if answer.passages else None}
        elif cmd["cmd"] == "ingest":  # as the app's upload: build beside, then swap in
            new, added = guard.library.ingested([Path(cmd["path"])], title=cmd.get("title") or None)
            guard.swap(new)
            out = {"added": [x.letter_id for x in added]}
        else:
            out = {"error": f"unknown command {cmd['cmd']!r}"}
        print(json.dumps({"version": guard.pipeline.version, **out}), flush=True)


if __name__ == "__main__":
    main()
