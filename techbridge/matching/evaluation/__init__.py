"""Matching quality you can prove (issue 13): an evaluation harness over the queries
enterprises really write, next to two plain-BM25 baselines measured in the same run.

``techbridge eval-matching`` (``make eval-matching``) reads the CSL abstracts under
``../shared/data/csl/`` at run time (never copied into the repository), imports them
through the real import path into a throw-away database and index, builds the query
classes from them, runs every query through the real selectors and API, and prints one
table (and a JSON file) per run. ``--judgments`` runs the same metrics on the platform's
own relevance judgments (``matching.Judgment``) instead.

Modules: ``data`` (records, long reports), ``queries`` (query classes, script variants,
tuning/held-out split), ``metrics``, ``baselines`` (bm25s), ``corpus`` (import and index),
``runner`` (the run and its report), ``judged`` (the ``--judgments`` mode). See
docs/matching-quality.md.
"""
