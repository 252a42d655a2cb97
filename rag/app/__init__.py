"""The app's logic that needs no Streamlit (streamlit_app.py draws it):

    session  conversation history, a session's LLM server and options, the
             error a user sees, the server's one Library and its lock
    render   how an answer, its source cards and a letter's metadata look
    note     the briefing note: items, references, editing, Word export
    notebooks conversations and notes kept per user (SQLite)
"""
