"""Evaluation: the eval sets (kamervragen.jsonl, letters.jsonl), the harness
that runs them through rag.pipeline, pure metric functions and reports.
See eval/README.md."""
