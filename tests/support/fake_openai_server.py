"""A tiny OpenAI-compatible chat server on 127.0.0.1 for tests.

Real HTTP, so the real client stack (ChatOpenAI -> openai -> httpx, SSE
parsing, error mapping) is exercised instead of a mocked method. Each test
scripts the reply and the failure mode and afterwards inspects `requests`.

Streaming uses HTTP/1.1 chunked encoding like uvicorn/Ollama do; that is what
lets `drop_after` cut a stream so the client notices (a close without the
terminating chunk is an error, a plain EOF would look like a finished reply).
"""
from __future__ import annotations

import json
import re
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = str | Callable[[dict[str, Any]], str]


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages", []))

    def content_of(self, role: str) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == role)


@dataclass
class FakeOpenAIServer:
    reply: Reply = "OK [1]."
    models: list[str] = field(default_factory=lambda: ["fake-model"])
    api_key: str | None = None  # when set, any other bearer token gets 401
    status: int | None = None  # force this HTTP error on chat completions
    delay_s: float = 0.0  # before answering a chat completion (a client hanging up ends it)
    drop_after: int | None = None  # stream this many deltas, then cut the connection
    finish_reason: str = "stop"
    requests: list[Recorded] = field(default_factory=list)
    hang_ups: int = 0  # chat completions the client gave up on while the server was delaying

    def __post_init__(self) -> None:
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._hung_up = threading.Condition(self._lock)

    # -- lifecycle -------------------------------------------------------

    def start(self) -> "FakeOpenAIServer":
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        # Short poll so shutdown() does not cost every test half a second.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "FakeOpenAIServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def record(self, r: Recorded) -> None:
        with self._lock:
            self.requests.append(r)

    def reply_for(self, body: dict[str, Any]) -> str:
        return self.reply(body) if callable(self.reply) else self.reply

    def record_hang_up(self) -> None:
        with self._hung_up:
            self.hang_ups += 1
            self._hung_up.notify_all()

    def wait_for_hang_ups(self, n: int, timeout: float = 10.0) -> bool:
        """True once n clients have hung up on a delayed reply. The server
        notices a hang-up within a poll (50 ms); timeout only bounds a failure."""
        with self._hung_up:
            return self._hung_up.wait_for(lambda: self.hang_ups >= n, timeout)


def split_deltas(text: str) -> list[str]:
    """Word-sized pieces with their whitespace, as real servers stream tokens."""
    return re.findall(r"\s*\S+|\s+$", text) or [""]


def _make_handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep pytest output clean
            pass

        # -- plumbing ----------------------------------------------------

        def _read_body(self) -> dict[str, Any] | None:
            length = int(self.headers.get("Content-Length") or 0)
            if not length:
                return None
            return json.loads(self.rfile.read(length).decode("utf-8"))

        def _record(self, body: dict[str, Any] | None) -> None:
            # Lower-cased: HTTP header names are case-insensitive and httpx sends them lower-case.
            headers = {k.lower(): v for k, v in self.headers.items()}
            server.record(Recorded(self.command, self.path, headers, body))

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True

        def _error(self, status: int, message: str, code: str) -> None:
            self._json(status, {"error": {"message": message, "type": "invalid_request_error", "code": code}})

        def _authorised(self) -> bool:
            if server.api_key is None:
                return True
            return self.headers.get("Authorization") == f"Bearer {server.api_key}"

        # -- routes ------------------------------------------------------

        def do_GET(self) -> None:
            self._record(None)
            if not self._authorised():
                return self._error(401, "Incorrect API key provided", "invalid_api_key")
            if self.path.rstrip("/") != "/v1/models":
                return self._error(404, f"no route {self.path}", "not_found")
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in server.models]
            self._json(200, {"object": "list", "data": data})

        def do_POST(self) -> None:
            body = self._read_body() or {}
            self._record(body)
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._error(404, f"no route {self.path}", "not_found")
            if not self._authorised():
                return self._error(401, "Incorrect API key provided", "invalid_api_key")
            if server.status:
                return self._error(server.status, f"scripted failure {server.status}", "scripted")
            model = body.get("model", "")
            if model not in server.models:
                return self._error(404, f"model '{model}' not found", "model_not_found")
            if server.delay_s and self._client_hangs_up_within(server.delay_s):
                server.record_hang_up()
                return
            text = server.reply_for(body)
            if body.get("stream"):
                self._stream(model, text, bool((body.get("stream_options") or {}).get("include_usage")))
            else:
                self._json(200, _completion(model, text, server.finish_reason))

        def _client_hangs_up_within(self, seconds: float) -> bool:
            """Wait `seconds`, or less if the client closes the connection first
            (a timed-out client does; nothing else is sent on this connection)."""
            deadline = time.monotonic() + seconds
            while (left := deadline - time.monotonic()) > 0:
                readable, _, _ = select.select([self.connection], [], [], min(left, 0.05))
                if readable:
                    try:
                        if not self.connection.recv(1, socket.MSG_PEEK):
                            return True
                    except OSError:
                        return True
                    time.sleep(min(left, 0.05))  # unexpected bytes: keep waiting
            return False

        def _stream(self, model: str, text: str, usage: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            pieces = split_deltas(text)
            for i, piece in enumerate(pieces):
                if server.drop_after is not None and i >= server.drop_after:
                    # Abort without the terminating zero-length chunk.
                    self.wfile.flush()
                    return
                delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
                self._event(_chunk(model, delta, None))
            self._event(_chunk(model, {}, server.finish_reason))
            if usage:
                self._event({**_chunk(model, {}, None), "choices": [], "usage": _usage(text)})
            self._send_chunk(b"data: [DONE]\n\n")
            self._send_chunk(b"")

        def _event(self, payload: dict[str, Any]) -> None:
            self._send_chunk(f"data: {json.dumps(payload)}\n\n".encode("utf-8"))

        def _send_chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode("ascii") + data + b"\r\n")
            self.wfile.flush()

    return Handler


def _chunk(model: str, delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _usage(text: str) -> dict[str, int]:
    n = len(split_deltas(text))
    return {"prompt_tokens": 100, "completion_tokens": n, "total_tokens": 100 + n}


def _completion(model: str, text: str, finish_reason: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": finish_reason,
            }
        ],
        "usage": _usage(text),
    }
