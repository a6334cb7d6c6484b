"""The sharing app's periodic jobs (registered with the job queue, ADR 0007)."""

from __future__ import annotations

from techbridge.jobs.registry import job, periodic


@job("sharing.settle")
def settle(*, month: str = "") -> None:
    """The monthly settlement as a job: the previous month unless ``month`` (YYYY-MM) is
    given. Idempotent: a month settled before issues nothing new, so a retried or
    repeated job is harmless."""
    from django.utils import timezone

    from techbridge.sharing.services.settlement import parse_month, previous_month, settle_month

    day = parse_month(month) if month else previous_month(timezone.localdate())
    settle_month(actor=None, month=day)


# 02:00 on the 3rd of every month (Beijing time): customers get two days to confirm the
# last orders of the month; what is confirmed later rolls into the next month's run.
periodic("sharing.settle", cron="0 2 3 * *")


@job("sharing.vouchers_expire")
def vouchers_expire() -> None:
    """Mark vouchers past their validity as expired (idempotent)."""
    from techbridge.sharing.services.vouchers import vouchers_expire as expire

    expire(actor=None)


periodic("sharing.vouchers_expire", cron="10 0 * * *")
