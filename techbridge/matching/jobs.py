"""The matching app's jobs: the nightly retraining of the topic model (matching.topics)."""

from __future__ import annotations

from techbridge.jobs.registry import job, periodic


@job("matching.topic_model")
def topic_model() -> None:
    """Retrain the topic model from this node's index (idempotent: a retrain replaces it)."""
    from techbridge.matching import topics

    topics.train_from_index()


periodic("matching.topic_model", cron="45 3 * * *")  # nightly, 03:45, after index-check
