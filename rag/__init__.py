"""Retrieval-augmented answers over Dutch government letters, with citations.

Pipeline, one module per stage:
  corpus (ingest) -> clean -> chunk -> embed / index -> retrieve -> answer -> cli / app
"""
__version__ = "0.1.0"
