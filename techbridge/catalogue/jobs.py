"""The catalogue's periodic jobs (registered with the job queue, ADR 0007)."""

from __future__ import annotations

from techbridge.jobs.registry import job, periodic


@job("catalogue.expire_demands")
def expire_demands() -> None:
    """`techbridge expire-demands` as a job: idempotent, a renewed demand is left alone."""
    from techbridge.catalogue.services import demands_expire_due

    demands_expire_due()


periodic("catalogue.expire_demands", cron="30 0 * * *")  # daily, 00:30 Beijing time
