"""The browsing site for journalists: search and filter everything collected (``lendwatch browse``).

``search`` turns text and queries into FTS5 terms and highlights; ``index`` keeps the search index
(its own SQLite file) in step with the database; ``queries`` answers filtered lists; ``app`` is the
read-only WSGI site; ``server`` runs it on 127.0.0.1; ``static`` writes it as static files
(``lendwatch site``).
"""
