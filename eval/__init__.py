"""Evaluation: the question sets (data), running them through rag.pipeline
(run), scoring the answers (scoring, on the pure functions of metrics), the
LangChain baseline (baselines), the optional LLM judge (judge) and reports
(report). See eval/README.md."""
