"""Stage 5: compose an answer from the passages and cite it.

    answerers   the answerer registry (name -> factory) and its context
    extractive  the offline answerer: the letters' own sentences, cited
    llm         an OpenAI-compatible server as the answerer
    citations   the citation markers and their checks
"""
