"""`techbridge settle --month YYYY-MM`: the monthly settlement of sharing income.

Idempotent: a month settled before issues nothing new ("already settled", exit code 0).
Without ``--month`` the previous calendar month is settled, as the scheduled job does.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from techbridge.core import context
from techbridge.core.exceptions import TransitionError
from techbridge.sharing.services.settlement import parse_month, previous_month, settle_month


class Command(BaseCommand):
    help = "Settle a month of sharing income: issue the statements of owners, staff, agencies."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the previous month)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = (
                parse_month(options["month"])
                if options.get("month")
                else previous_month(timezone.localdate())
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        token = context.bind(context.RequestInfo(channel="cli"))
        try:
            result = settle_month(actor=None, month=month)
        except (ValidationError, TransitionError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [exc.message]
            raise CommandError(" ".join(messages)) from None
        finally:
            context.reset(token)
        run = result.run
        if not result.created:
            started = timezone.localtime(run.started_at)
            self.stdout.write(
                f"{run.month:%Y-%m} already settled (on {started:%Y-%m-%d %H:%M}): nothing "
                f"new issued; {result.statements} statement(s), {run.orders} order(s), "
                f"total {run.total} yuan."
            )
            return
        self.stdout.write(
            f"{run.month:%Y-%m} settled: {run.orders} order(s), total {run.total} yuan "
            f"(vouchers {run.voucher_total}), {run.adjustments} adjustment(s) "
            f"{run.adjustment_total} yuan; {result.statements} statement(s), "
            f"{result.lines} line(s) issued."
        )
