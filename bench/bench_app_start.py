"""How long `make app` takes to be usable, and whether a start changes the index.

    .venv/bin/python bench/bench_app_start.py [--runs 2]

Each run starts `make app PORT=<free port>` (the README's command), times
until Streamlit's health endpoint answers, then opens the chat in headless
chromium and times until the chat input is shown (the pipeline is loaded)
and until a first question is answered. Prints one line per run and whether
the live index version (index/CURRENT) stayed the same: on an up-to-date
index a start must not build a new version or embed anything.
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
QUESTION = "Welke landen produceren de cocaïne die naar Europa komt?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def one_start() -> dict[str, float | bool]:
    from playwright.sync_api import expect, sync_playwright

    before = (ROOT / "index" / "CURRENT").read_text().strip() if (ROOT / "index" / "CURRENT").exists() else ""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(Path(tempfile.mkdtemp(prefix="bench-app-")) / "make-app.log", "wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen(["make", "app", f"PORT={port}"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "STREAMLIT_SERVER_HEADLESS": "true"}, start_new_session=True)
    out: dict[str, float | bool] = {}
    try:
        while not healthy(url):
            if proc.poll() is not None:
                raise SystemExit(f"make app exited with {proc.returncode}; log: {log.name}")
            if time.perf_counter() - t0 > 600:
                raise SystemExit(f"not healthy after 600 s; log: {log.name}")
            time.sleep(0.2)
        out["healthy_s"] = time.perf_counter() - t0
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto(url)
            chat = page.get_by_test_id("stChatInputTextArea")
            expect(chat).to_be_visible(timeout=600_000)
            out["chat_ready_s"] = time.perf_counter() - t0
            chat.fill(QUESTION)
            chat.press("Enter")
            expect(page.get_by_test_id("stChatMessage").nth(1).locator(".rag-card").first).to_be_visible(
                timeout=120_000)
            out["first_answer_s"] = time.perf_counter() - t0
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    after = (ROOT / "index" / "CURRENT").read_text().strip()
    out["index_unchanged"] = bool(before) and before == after
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    for i in range(1, args.runs + 1):
        r = one_start()
        print(f"start {i}: healthy {r['healthy_s']:.1f} s, chat ready {r['chat_ready_s']:.1f} s, "
              f"first answer {r['first_answer_s']:.1f} s, index version unchanged: {r['index_unchanged']}",
              flush=True)


if __name__ == "__main__":
    main()
