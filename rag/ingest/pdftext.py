"""PDF text extraction in a child process, bounded in time, memory and pages.

pypdf can take minutes on a large or malformed file, or blow up on a
compression bomb; an upload must not stall or kill the app. The parent runs
`python -m rag.ingest.pdftext FILE` with a time limit; the child caps its own
memory and page count and prints JSON: {"pages": [...]} or {"error": "..."}.
"""
from __future__ import annotations

import json
import logging
import resource
import subprocess
import sys
from pathlib import Path

MAX_PAGES = 1000
MAX_SECONDS = 120
MAX_MEMORY_BYTES = 2 * 2**30
MAX_CHARS = 20_000_000


class PdfError(Exception):
    """Why a PDF cannot be read, in words for the user."""


def extract_pages(path: Path) -> list[str]:
    """Page texts of the PDF, or PdfError with the reason."""
    try:
        proc = subprocess.run([sys.executable, "-m", "rag.ingest.pdftext", str(path)], capture_output=True, text=True,
                              timeout=MAX_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise PdfError(f"tekst uitlezen duurde langer dan {MAX_SECONDS} s") from None
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        reason = "te weinig geheugen" if proc.returncode < 0 or "MemoryError" in proc.stderr else "de lezer stopte"
        raise PdfError(reason) from None
    if "error" in out:
        raise PdfError(out["error"])
    return out["pages"]


def _read(path: str) -> dict:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings are not the user's business
    try:
        reader = PdfReader(path)
    except Exception as exc:  # noqa: BLE001 - an encryption pypdf cannot open fails while reading the trailer
        if "encrypt" in f"{type(exc).__name__} {exc}".lower():
            return {"error": "de PDF is versleuteld"}
        raise
    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):
                return {"error": "de PDF is versleuteld"}
        except Exception:  # noqa: BLE001 - any decrypt failure means: cannot read
            return {"error": "de PDF is versleuteld"}
    if len(reader.pages) > MAX_PAGES:
        return {"error": f"meer dan {MAX_PAGES} pagina's"}
    pages, total = [], 0
    for page in reader.pages:
        text = page.extract_text() or ""
        total += len(text)
        if total > MAX_CHARS:
            return {"error": f"meer dan {MAX_CHARS // 1_000_000} miljoen tekens tekst"}
        pages.append(text)
    return {"pages": pages}


def main(argv: list[str]) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (MAX_MEMORY_BYTES, MAX_MEMORY_BYTES))
    try:
        out = _read(argv[0])
    except MemoryError:
        out = {"error": "te weinig geheugen (is het een zogeheten compressiebom?)"}
    except Exception as exc:  # noqa: BLE001 - every pypdf failure becomes a reason, never a traceback
        out = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
