"""Stage 4: from a question to passages.

    question      a question checked and read (language, coarse asked kind)
    request       the typed request: the asked type and the anchors
    conversation  a follow-up searched with its conversation
    english       English question words to Dutch ones
    retrieve      the one Retriever: filters, fusion, Passages, for every store
"""
