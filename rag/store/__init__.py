"""Stage 3: the index, kept as versions in a store.

    stores   the store registry (scheme -> store): a folder or Postgres
    index    the file store: versions of FAISS + bm25s + chunks, LoadedIndex
    pgstore  the Postgres (pgvector) store
    build    the one build sequence: letters -> chunks -> vectors -> a version
    lexical  the BM25 side written into and read from a version
    rankers  what a loaded version ranks with (the Rankers protocol)
"""
