"""`techbridge bulletin --from 2013-09 --to 2014-11 --seller-region 110000 --buyer-region
520000` — print the bulletin paragraph and its table of technical fields."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from techbridge.stats.bulletin import contract_bulletin
from techbridge.stats.selectors import make_filter


class Command(BaseCommand):
    help = "Print the technology-market bulletin paragraph and its numbers table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="from", default="", help="YYYY-MM or YYYY-MM-DD")
        parser.add_argument("--to", dest="to", default="", help="YYYY-MM or YYYY-MM-DD")
        parser.add_argument("--seller-region", default="", help="GB/T 2260 code, e.g. 110000")
        parser.add_argument("--buyer-region", default="", help="GB/T 2260 code, e.g. 520000")
        parser.add_argument("--type", default="")
        parser.add_argument("--field", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            filters = make_filter(options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        bulletin = contract_bulletin(filters)
        self.stdout.write(bulletin.sentence)
        self.stdout.write("")
        self.stdout.write("技术领域\t合同数（项）\t合同成交额（元）\t技术交易额（元）\t占比（%）")
        for row in bulletin.stats.rows:
            self.stdout.write(
                f"{row.labels['field']}\t{row.count}\t{row.contract_amount}\t"
                f"{row.technology_amount}\t{row.share}"
            )
        stats = bulletin.stats
        self.stdout.write(
            f"合计\t{stats.count}\t{stats.contract_amount}\t{stats.technology_amount}\t"
            f"{'100.00' if stats.count else '0.00'}"
        )
