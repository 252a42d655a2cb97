"""What several test files share: fakes that stand in for the model and the
index (fakes), a Postgres server (pg), the browser helpers (browser), the
fake OpenAI-compatible server, the app worker process and the quality
gate's checks. Nothing here is collected as a test."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
