"""Concurrent real browser sessions against the real Streamlit app.

    .venv/bin/python bench/bench_browser_sessions.py [--sessions 1 4 8] [--questions 5] [--port N]

Starts `streamlit run streamlit_app.py` once, headless, as tests/system/test_app_e2e.py
does (same command line and chromium flags, copied here: that module is a
pytest module and not importable as a package; free_port, healthy, CHROMIUM
and the warm-up QUESTION are imported from bench/bench_app_start.py). Then it
opens the app in one page and asks one warm-up question, so the pipeline
(embedder + index) is loaded before anything is measured.

For each S in --sessions: S browser contexts in ONE headless chromium (each a
separate Streamlit session: own websocket, own st.session_state) load the
app; once all show the chat input, all start together. Each asks the same
--questions questions from eval/letters.jsonl (shuffled with random.Random(0)),
each session in its own rotated order, one after another. Playwright's async
API with asyncio.gather drives them (its sync API is not thread-safe).

Measured per question: from pressing Enter until the answer is fully rendered
-- the new assistant message shows its "Toevoegen aan notitie" button (the
last thing ask() draws, for answers and refusals alike), has its answer body
(.rag-card / .rag-refusal / .rag-partial) and no spinner is left in the page;
the same signals tests/system/test_app_e2e.py waits for. An error box (st.error,
data-testid stAlertContentError) or an uncaught exception in the page, or a
timeout, counts as an error.

Printed per S: questions, wall time of the question phase, questions/s,
latency p50/p95, errors, the CPU seconds the app server and the browser
side used in the round, and an isolation check: each page must hold exactly
as many user and assistant messages as its own session asked, with its own
questions in its own order (no answer rendered in another session's page).
The machine facts line says how many CPUs there are; with other jobs running,
all timings are upper bounds.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.data import questions as eval_questions  # noqa: E402

# Side-effect free module-level helpers of the start bench.
from bench.bench_app_start import CHROMIUM, free_port, healthy
from bench.bench_app_start import QUESTION as WARMUP_QUESTION

# Copied from tests/system/test_app_e2e.py (a pytest module, not importable as a package).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-quic", "--disable-sync",
]
ADD_BUTTON = "Toevoegen aan notitie"  # drawn by render_assistant() once an answer is complete
ANSWER_BODY = ".rag-card, .rag-refusal, .rag-partial"
ERROR_BOX = '[data-testid="stAlertContentError"], [data-testid="stException"]'


def require_browser() -> None:
    """A clear message instead of a traceback when the browser stack is missing."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        raise SystemExit("the playwright Python package is not installed: "
                         ".venv/bin/pip install -r requirements.txt (or `make setup`)")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not installed: apt-get install chromium (as .ci/run does; "
                         "the repo uses Debian's chromium, playwright cannot download one here)")


def load_questions(n: int) -> list[str]:
    questions = eval_questions("letters")
    random.Random(0).shuffle(questions)
    if n > len(questions):
        raise SystemExit(f"--questions {n}: eval/letters.jsonl has only {len(questions)}")
    return questions[:n]


def start_app(port: int) -> tuple[subprocess.Popen, Path]:
    """The e2e test's command line; its own process group so shutdown reaches every child."""
    log_path = Path(tempfile.mkdtemp(prefix="bench-browser-sessions-")) / "streamlit.log"
    with log_path.open("wb") as log:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    return proc, log_path


def wait_healthy(url: str, proc: subprocess.Popen, log_path: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if proc.poll() is not None:
            raise SystemExit(f"streamlit exited with {proc.returncode}; log: {log_path}")
        if time.monotonic() > deadline:
            raise SystemExit(f"streamlit not healthy after {timeout:.0f} s; log: {log_path}")
        time.sleep(0.3)


def stop_app(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# ------------------------------------------------------------------ browser
@dataclass
class SessionResult:
    asked: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    isolation: str = ""  # empty = ok, else what is wrong


async def open_chat(browser, url: str, load_timeout_ms: float):
    """A fresh context (own cookies/storage, own websocket = own Streamlit session) with the chat shown."""
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    page = await context.new_page()
    await page.goto(url)
    await expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=load_timeout_ms)
    return context, page


async def ask_one(page, question: str, index: int, timeout_ms: float) -> float:
    """Ask the index-th question of this page; seconds from Enter to the fully rendered answer.
    Raises RuntimeError on an error box, playwright's TimeoutError on a timeout."""
    from playwright.async_api import expect

    chat = page.get_by_test_id("stChatInputTextArea")
    await chat.fill(question)
    t0 = time.perf_counter()
    await chat.press("Enter")
    # Messages alternate user/assistant, so this page's index-th answer is message 2*index+1.
    msg = page.get_by_test_id("stChatMessage").nth(2 * index + 1)
    done = msg.get_by_role("button", name=ADD_BUTTON).or_(msg.locator(ERROR_BOX))
    await expect(done.first).to_be_visible(timeout=timeout_ms)
    if await page.locator(ERROR_BOX).count():
        raise RuntimeError((await page.locator(ERROR_BOX).first.inner_text())[:200])
    await expect(msg.locator(ANSWER_BODY).first).to_be_attached(timeout=timeout_ms)
    await expect(page.get_by_test_id("stSpinner")).to_have_count(0, timeout=timeout_ms)
    latency = time.perf_counter() - t0
    # Not timed: let the script run end so the next Enter does not interrupt a run
    # still drawing this answer's expander. Streamlit's frontend exposes the run
    # state on the app root (the toolbar status widget is not shown headless).
    await expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=timeout_ms)
    return latency


async def run_session(page, questions: list[str], timeout_ms: float) -> SessionResult:
    from playwright.async_api import TimeoutError as PwTimeout

    res = SessionResult()
    for i, q in enumerate(questions):
        res.asked.append(q)
        try:
            res.latencies.append(await ask_one(page, q, i, timeout_ms))
        except (PwTimeout, AssertionError) as exc:  # expect() raises AssertionError on timeout
            res.errors.append(f"timeout on question {i + 1}: {str(exc).splitlines()[0][:160]}")
            break  # the page is in an unknown state: message indices no longer line up
        except RuntimeError as exc:
            res.errors.append(f"error box on question {i + 1}: {exc}")
            break
    return res


async def check_isolation(page, res: SessionResult) -> str:
    """Empty when the page holds exactly this session's questions and as many answers."""
    users = page.locator('[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarUser"])')
    assistants = page.locator('[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarAssistant"])')
    n_user, n_asst = await users.count(), await assistants.count()
    problems = []
    if n_user != len(res.asked) or n_asst != len(res.asked):
        problems.append(f"{n_user} user / {n_asst} assistant messages for {len(res.asked)} asked")
    # The content part only: the avatar contributes an icon name ("face") to inner_text.
    shown = [t.strip() for t in await users.get_by_test_id("stChatMessageContent").all_inner_texts()]
    if shown != res.asked:
        problems.append("user messages are not this session's questions in its order")
    return "; ".join(problems)


def cpu_split(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the app server (streamlit and its
    children) and by the browser side (chromium and playwright's driver: this
    process's other children), for where a round's time goes."""
    import psutil

    def tree(proc):
        try:
            return [proc, *proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def seconds(procs):
        total = 0.0
        for p in procs:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                pass
        return total

    server = tree(psutil.Process(server_pid))
    ours = {p.pid for p in server}
    browser = [p for p in psutil.Process().children(recursive=True) if p.pid not in ours]
    return {"app server": seconds(server), "browser": seconds(browser)}


async def one_round(browser, url: str, questions: list[str], sessions: int, timeout_ms: float,
                    server_pid: int) -> tuple[float, list, dict[str, float]]:
    opened = await asyncio.gather(*(open_chat(browser, url, timeout_ms) for _ in range(sessions)))
    try:
        # Each session its own rotation, so at any moment sessions ask different questions.
        orders = [questions[s % len(questions):] + questions[:s % len(questions)] for s in range(sessions)]
        before = cpu_split(server_pid)
        t0 = time.perf_counter()
        results = await asyncio.gather(*(run_session(page, order, timeout_ms)
                                         for (_, page), order in zip(opened, orders)))
        wall = time.perf_counter() - t0
        after = cpu_split(server_pid)
        cpu = {k: after[k] - before[k] for k in after}
        for (_, page), res in zip(opened, results):
            res.isolation = await check_isolation(page, res)
        return wall, results, cpu
    finally:
        await asyncio.gather(*(ctx.close() for ctx, _ in opened), return_exceptions=True)


async def bench(url: str, sessions: list[int], questions: list[str], timeout_s: float, server_pid: int) -> None:
    from playwright.async_api import async_playwright

    timeout_ms = timeout_s * 1000
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            # Warm-up: the first page load makes the app load the pipeline.
            t0 = time.perf_counter()
            ctx, page = await open_chat(browser, url, 600_000)
            loaded = time.perf_counter() - t0
            warm = await ask_one(page, WARMUP_QUESTION, 0, timeout_ms)
            await ctx.close()
            print(f"warm-up: chat shown after {loaded:.1f} s (pipeline load), first answer {warm:.1f} s", flush=True)

            one_p50 = None
            for s in sessions:
                wall, results, cpu = await one_round(browser, url, questions, s, timeout_ms, server_pid)
                lat = [x for r in results for x in r.latencies]
                n_done = len(lat)
                n_err = sum(len(r.errors) for r in results)
                p50, p95 = (np.percentile(lat, 50), np.percentile(lat, 95)) if lat else (float("nan"),) * 2
                if s == 1:
                    one_p50 = p50
                bad = [f"session {i + 1}: {r.isolation}" for i, r in enumerate(results) if r.isolation]
                print(f"S={s}: {n_done}/{s * len(questions)} questions answered, wall {wall:.1f} s, "
                      f"{n_done / wall:.2f} questions/s, latency p50 {p50:.2f} s p95 {p95:.2f} s, "
                      f"errors {n_err}, own page only: {'ok' if not bad else 'NO'}; CPU in the round: "
                      + ", ".join(f"{k} {v:.1f} s" for k, v in cpu.items())
                      + f" (of {wall * (os.cpu_count() or 1):.1f} core-seconds)", flush=True)
                for i, r in enumerate(results):
                    for e in r.errors:
                        print(f"    session {i + 1}: {e}")
                for b in bad:
                    print(f"    {b}")
            if one_p50 is not None:
                print(f"one-session p50 for comparison: {one_p50:.2f} s")
            else:
                print("one-session p50 for comparison: not measured (add 1 to --sessions)")
        finally:
            await browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 4, 8])
    ap.add_argument("--questions", type=int, default=5)
    ap.add_argument("--port", type=int, default=0, help="default: a free port")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per answer before it counts as an error")
    args = ap.parse_args()
    require_browser()
    questions = load_questions(args.questions)
    print(f"machine: os.cpu_count()={os.cpu_count()}, load average {os.getloadavg()[0]:.1f}; "
          "timings are upper bounds when other jobs run", flush=True)

    port = args.port or free_port()
    url = f"http://127.0.0.1:{port}"
    proc, log_path = start_app(port)
    try:
        wait_healthy(url, proc, log_path)
        asyncio.run(bench(url, args.sessions, questions, args.timeout, proc.pid))
    finally:
        stop_app(proc)
        print(f"streamlit log: {log_path}")


if __name__ == "__main__":
    main()
