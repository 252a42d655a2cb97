"""Stage 1: read, clean and chunk a document (nothing here embeds or stores).

    formats    one reader per file format (suffix -> reader), the registry
    pdftext    a PDF's text in a child process with a time limit
    layout     a parliamentary document's layout: furniture, header metadata
    clean      the text a chunk is cut from (furniture kept visible, never quotable)
    corpus     the corpus folder: adding, listing and loading letters
    sentences  sentence boundaries
    spans      typed spans of a sentence (dates, numbers, money, places, names)
    gazetteer  place and country names the spans read
    chunk      chunks with their quotable sentences and spans
"""
