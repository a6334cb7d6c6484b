"""Import and export of rates (收费标准) and usage records (使用记录), XLSX or CSV with
Chinese headers (English names accepted too).

Both imports go through ``imports.services.import_file``: every row is validated first and
one bad row imports nothing (the report names row, column and value); the valid file is
written in one transaction (``chunk_rows`` = the whole file). Both are idempotent: a rate is
keyed by (resource, rate class, effective date) and a usage record by the order number, so
importing the same file twice changes nothing the second time. Exports write the import
format, so an export re-imports unchanged; personal data (the customer's contact) is masked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.core.actors import is_active_user
from techbridge.core.masking import mask_name
from techbridge.core.money import parse_amount
from techbridge.imports.base import Importer, Outcome
from techbridge.imports.columns import Column, choice_of, iso_date, text
from techbridge.imports.services import ImportReport, import_file
from techbridge.sharing import pricing
from techbridge.sharing.models import (
    BilledOn,
    OrderStatus,
    Rate,
    RateClass,
    RateUnit,
    Resource,
    ServiceOrder,
    UsageRecord,
)

# --- cell parsers -------------------------------------------------------------------------


def _amount_or_zero(value: Any) -> Any:
    if isinstance(value, float):
        value = repr(value).removesuffix(".0")
    return parse_amount(value, allow_zero=True)


def _percent(value: Any) -> int:
    from techbridge.sharing.services.agreements import parse_percent

    if isinstance(value, float) and 0 <= value <= 1 and value != int(value):
        # A spreadsheet percent cell (50 % is stored as 0.5).
        value = f"{round(value * 100, 2):g}"
    return parse_percent(value, label=_("late cancellation fee"))


def _quantity(value: Any) -> int:
    raw = repr(value).removesuffix(".0") if isinstance(value, float) else str(value)
    try:
        return pricing.parse_quantity(raw)
    except ValueError as exc:
        raise ValidationError(
            _("Not a quantity (a number with at most 3 decimals): %(v)s") % {"v": raw[:30]}
        ) from exc


def _count(value: Any) -> int:
    raw = str(value).strip().removesuffix(".0")
    if not raw.isdigit() or len(raw) > 9:
        raise ValidationError(_("Not a whole number: %(v)s") % {"v": raw[:30]})
    return int(raw)


def _moment(value: Any) -> dt.datetime:
    """A date and time ('2026-03-02 09:30', an XLSX date-time cell), local time."""
    moment = value if isinstance(value, dt.datetime) else _parse_moment(str(value))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _parse_moment(text_value: str) -> dt.datetime:
    raw = text_value.strip().replace("/", "-").replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return dt.datetime.strptime(raw[:19], fmt)
        except ValueError:
            continue
    raise ValidationError(_("Not a date and time (use YYYY-MM-DD HH:MM): %(v)s") % {"v": raw[:30]})


def _usernames(value: Any) -> list[str]:
    from techbridge.imports.columns import keywords

    return keywords(value)


# The words fee tables use for units, besides the labels (每小时, per hour) and the codes.
_UNIT_WORDS = {
    "小时": RateUnit.HOUR,
    "时": RateUnit.HOUR,
    "按小时": RateUnit.HOUR,
    "元/小时": RateUnit.HOUR,
    "机时": RateUnit.HOUR,
    "样": RateUnit.SAMPLE,
    "样品": RateUnit.SAMPLE,
    "按样": RateUnit.SAMPLE,
    "按样品": RateUnit.SAMPLE,
    "元/样": RateUnit.SAMPLE,
    "天": RateUnit.DAY,
    "日": RateUnit.DAY,
    "按天": RateUnit.DAY,
    "元/天": RateUnit.DAY,
    "次": RateUnit.FLAT,
    "按次": RateUnit.FLAT,
    "元/次": RateUnit.FLAT,
    "固定收费": RateUnit.FLAT,
}
_unit_label = choice_of(RateUnit, gettext_lazy("unit"))


def _unit(value: Any) -> str:
    word = str(value).strip()
    return str(_UNIT_WORDS[word]) if word in _UNIT_WORDS else _unit_label(word)


# --- rates ---------------------------------------------------------------------------------

RATE_COLUMNS: tuple[Column, ...] = (
    Column("resource_id", ("资源编号", "资源ID"), parse=_count, default=None),
    Column("resource", ("资源名称", "资源", "仪器名称"), parse=text(300)),
    Column(
        "rate_class",
        ("收费类别", "费率类别", "用户类别"),
        required=True,
        parse=choice_of(RateClass, gettext_lazy("rate class")),
    ),
    Column("unit", ("计费单位", "单位"), required=True, parse=_unit),
    Column("price", ("单价（元）", "单价", "收费标准（元）"), required=True, parse=_amount_or_zero),
    Column(
        "minimum_charge",
        ("最低收费（元）", "最低收费", "起步价"),
        parse=_amount_or_zero,
        default=None,
    ),
    Column(
        "billed_on",
        ("计费依据", "按何计费"),
        parse=choice_of(BilledOn, gettext_lazy("billed on")),
        default=BilledOn.USED,
    ),
    Column("late_cancellation", ("迟取消费比例", "违约金比例"), parse=_percent, default=None),
    Column("effective_from", ("生效日期", "起始日期"), required=True, parse=iso_date),
)
RATE_HEADERS = [
    "资源编号",
    "资源名称",
    "收费类别",
    "计费单位",
    "单价（元）",
    "最低收费（元）",
    "计费依据",
    "迟取消费比例",
    "生效日期",
    "截止日期",
]


class RateImporter(Importer):
    """Rates of the importing institution's own resources."""

    kind = "sharing-rates"
    columns = RATE_COLUMNS
    ignored_headers = ("截止日期", "effective_until")

    def prepare(self) -> None:
        actor = self.actor
        if not (is_active_user(actor) and actor.role == Role.INSTITUTION_MEMBER):
            raise ValidationError(
                {"": [_("Rates are imported by members of the owner institution.")]}
            )
        self._resources = {r.pk: r for r in Resource.objects.filter(owner_id=actor.organisation_id)}
        self._by_name: dict[str, list[Resource]] = {}
        for resource in self._resources.values():
            self._by_name.setdefault(resource.name, []).append(resource)
        self._planned: dict[tuple[int, str], list[dt.date]] = {}

    def _resource(self, values: dict[str, Any]) -> Resource:
        pk = values.get("resource_id")
        name = values.get("resource") or ""
        if pk:
            resource = self._resources.get(pk)
            if resource is None:
                raise ValidationError(
                    {"resource_id": [_("Not a resource of your institution: %(v)s") % {"v": pk}]}
                )
            return resource
        if not name:
            raise ValidationError({"resource": [_("Name the resource (or give its number).")]})
        found = self._by_name.get(name, [])
        if len(found) != 1:
            message = (
                _("No resource of your institution is called 「%(v)s」.")
                if not found
                else _("Several resources are called 「%(v)s」; give the resource number.")
            )
            raise ValidationError({"resource": [message % {"v": name[:60]}]})
        return found[0]

    def clean_row(self, values: dict[str, Any]) -> dict[str, Any]:
        from techbridge.sharing.services.agreements import check_new_rate

        resource = self._resource(values)
        row = {
            "rate_class": values["rate_class"],
            "unit": values["unit"],
            "price": values["price"],
            "minimum_charge": values.get("minimum_charge") or parse_amount("0", allow_zero=True),
            "billed_on": values.get("billed_on") or BilledOn.USED,
            "late_cancellation_bp": (
                values["late_cancellation"]
                if values.get("late_cancellation") is not None
                else 5_000
            ),
            "effective_from": values["effective_from"],
        }
        existing = Rate.objects.filter(
            resource=resource, rate_class=row["rate_class"], effective_from=row["effective_from"]
        ).first()
        if existing is not None:
            same = all(getattr(existing, k) == v for k, v in row.items())
            if not same:
                raise ValidationError(
                    {
                        "effective_from": [
                            _(
                                "A rate of this class from %(d)s exists with other values; a "
                                "rate is never changed in place: add one from a later date."
                            )
                            % {"d": row["effective_from"].isoformat()}
                        ]
                    }
                )
            return {"resource": resource, "values": row, "exists": True}
        check_new_rate(resource, row)
        return {"resource": resource, "values": row, "exists": False}

    def natural_key(self, cleaned: dict[str, Any]) -> Hashable:
        values = cleaned["values"]
        return (cleaned["resource"].pk, values["rate_class"], values["effective_from"])

    def apply(self, rows: list[dict[str, Any]], *, dry_run: bool) -> Outcome:
        from techbridge.sharing.services.agreements import rate_create

        outcome = Outcome()
        # In date order, so each new rate ends the one before it as a person would.
        for row in sorted(rows, key=lambda r: r["values"]["effective_from"]):
            if row["exists"]:
                outcome.unchanged += 1
                continue
            outcome.created += 1
            if not dry_run:
                rate_create(actor=self.actor, resource=row["resource"], **row["values"])
        return outcome


def export_rates(qs: QuerySet[Rate]) -> tuple[list[str], Iterable[list[Any]]]:
    """Rates in the import format (Chinese labels for the codes)."""
    rows = (
        [
            rate.resource_id,
            rate.resource.name,
            rate.get_rate_class_display(),
            rate.get_unit_display(),
            rate.price,
            rate.minimum_charge,
            rate.get_billed_on_display(),
            f"{pricing.percent(rate.late_cancellation_bp)}%",
            rate.effective_from,
            rate.effective_until,
        ]
        for rate in qs.select_related("resource").order_by(
            "resource__name", "resource_id", "rate_class", "effective_from"
        )
    )
    return list(RATE_HEADERS), rows


# --- usage records -------------------------------------------------------------------------

USAGE_COLUMNS: tuple[Column, ...] = (
    Column("number", ("订单号", "订单编号"), required=True, parse=text(20)),
    Column("actual_start", ("实际开始", "开始时间", "实际开始时间"), parse=_moment, default=None),
    Column("actual_end", ("实际结束", "结束时间", "实际结束时间"), parse=_moment, default=None),
    Column("samples", ("样品数", "样品数量"), parse=_count, default=None),
    Column("quantity", ("使用量", "用量"), parse=_quantity, default=None),
    Column("staff", ("服务人员", "操作人员"), parse=_usernames, default=None),
    Column("note", ("备注",), parse=text(2000), default=""),
    Column("reason", ("更正原因", "修改原因"), parse=text(2000), default=""),
)
USAGE_HEADERS = [
    "订单号",
    "资源名称",
    "服务日期",
    "客户单位",
    "客户联系人",
    "订单状态",
    "实际开始",
    "实际结束",
    "样品数",
    "使用量",
    "服务人员",
    "备注",
    "计费单位",
    "单价（元）",
    "预约量",
    "计费量",
    "费用（元）",
    "创新券支付（元）",
    "企业支付（元）",
]
_USAGE_EXPORT_ONLY = (
    "资源名称",
    "服务日期",
    "客户单位",
    "客户联系人",
    "订单状态",
    "计费单位",
    "单价（元）",
    "预约量",
    "计费量",
    "费用（元）",
    "创新券支付（元）",
    "企业支付（元）",
    "更正原因",
)


class UsageImporter(Importer):
    """Usage records entered offline by service staff: an order awaiting usage gets it and
    is priced; a priced order with other values is corrected (needs 更正原因); the same
    values again are unchanged."""

    kind = "sharing-usage"
    columns = USAGE_COLUMNS
    ignored_headers = _USAGE_EXPORT_ONLY[:-1]

    def prepare(self) -> None:
        if not is_active_user(self.actor):
            raise ValidationError({"": [_("Sign in to import usage records.")]})

    def clean_row(self, values: dict[str, Any]) -> dict[str, Any]:
        from techbridge.sharing.selectors.agreements import rate_in_force
        from techbridge.sharing.selectors.orders import is_order_staff, orders_visible_to
        from techbridge.sharing.services.order_kit import used_quantity

        order = orders_visible_to(self.actor).filter(number=values["number"]).first()
        if order is None:
            raise ValidationError({"number": [_("No such order: %(v)s") % {"v": values["number"]}]})
        if not is_order_staff(self.actor, order):
            raise ValidationError(
                {"number": [_("Only the service staff of this resource record its usage.")]}
            )
        staff_ids: list[int] | None = None
        if values.get("staff"):
            users = {u.username: u.pk for u in User.objects.filter(username__in=values["staff"])}
            missing = [n for n in values["staff"] if n not in users]
            if missing:
                raise ValidationError(
                    {"staff": [_("Unknown accounts: %(v)s") % {"v": "、".join(missing)[:80]}]}
                )
            staff_ids = sorted(users[n] for n in values["staff"])
        rate = rate_in_force(order.resource, order.rate_class, order.service_date)
        if rate is None:
            raise ValidationError(
                {
                    "number": [
                        _("No rate in force on the service date of order %(v)s.")
                        % {"v": order.number}
                    ]
                }
            )
        usage: dict[str, Any] = {
            "actual_start": values.get("actual_start"),
            "actual_end": values.get("actual_end"),
            "samples": values.get("samples"),
            "quantity_milli": values.get("quantity"),
            "staff": staff_ids,
            "note": values.get("note") or "",
        }
        used = used_quantity(
            rate.unit,
            actual_start=usage["actual_start"],
            actual_end=usage["actual_end"],
            samples=usage["samples"],
            quantity_milli=usage["quantity_milli"],
        )
        current = UsageRecord.objects.filter(order=order).first()
        action = "record"
        if current is not None:
            same = (
                current.quantity_milli == used
                and current.actual_start == usage["actual_start"]
                and current.actual_end == usage["actual_end"]
                and current.samples == usage["samples"]
                and (
                    staff_ids is None
                    or sorted(current.staff.values_list("pk", flat=True)) == staff_ids
                )
            )
            if same:
                action = "unchanged"
            elif order.status != OrderStatus.PRICED:
                raise ValidationError(
                    {
                        "number": [
                            _("Order %(n)s is %(s)s: its usage can no longer change.")
                            % {"n": order.number, "s": order.get_status_display()}
                        ]
                    }
                )
            elif not values.get("reason"):
                raise ValidationError(
                    {
                        "reason": [
                            _(
                                "The usage of order %(n)s differs from the one recorded; "
                                "give a reason (更正原因) to correct it."
                            )
                            % {"n": order.number}
                        ]
                    }
                )
            else:
                action = "amend"
        elif order.status != OrderStatus.DRAFT:
            raise ValidationError(
                {
                    "number": [
                        _("Order %(n)s is %(s)s and takes no usage record.")
                        % {"n": order.number, "s": order.get_status_display()}
                    ]
                }
            )
        return {"order": order, "usage": usage, "action": action, "reason": values.get("reason")}

    def natural_key(self, cleaned: dict[str, Any]) -> Hashable:
        return cleaned["order"].number

    def apply(self, rows: list[dict[str, Any]], *, dry_run: bool) -> Outcome:
        from techbridge.sharing.services.orders import usage_amend, usage_record

        outcome = Outcome()
        for row in rows:
            if row["action"] == "unchanged":
                outcome.unchanged += 1
                continue
            if row["action"] == "record":
                outcome.created += 1
                if not dry_run:
                    usage_record(actor=self.actor, order=row["order"], **row["usage"])
            else:
                outcome.updated += 1
                if not dry_run:
                    usage_amend(
                        actor=self.actor, order=row["order"], reason=row["reason"], **row["usage"]
                    )
        return outcome


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_usage(qs: QuerySet[ServiceOrder], *, user: Any) -> tuple[list[str], Iterable[list[Any]]]:
    """Orders with their usage in the import format plus the price columns; the customer's
    contact is masked, staff user names only shown to the resource side."""
    from techbridge.sharing.selectors.orders import sees_owner_side

    def rows() -> Iterable[list[Any]]:
        orders = qs.select_related(
            "resource", "customer", "customer_user", "agreement", "usage"
        ).prefetch_related("usage__staff")
        for order in orders.order_by("service_date", "id").iterator(chunk_size=500):
            usage = getattr(order, "usage", None)
            owner_side = sees_owner_side(user, order)
            staff = (
                "；".join(
                    u.username if owner_side else mask_name(str(u)) for u in usage.staff.all()
                )
                if usage is not None
                else ""
            )
            yield [
                order.number,
                order.resource.name,
                order.service_date,
                order.customer.name,
                mask_name(str(order.customer_user)),
                order.get_status_display(),
                _local(usage.actual_start) if usage else "",
                _local(usage.actual_end) if usage else "",
                usage.samples if usage and usage.samples is not None else "",
                pricing.format_quantity(usage.quantity_milli) if usage else "",
                staff,
                usage.note if usage else "",
                order.get_unit_display() if order.unit else "",
                order.unit_price if order.rate_id else "",
                pricing.format_quantity(order.booked_quantity_milli),
                pricing.format_quantity(order.billed_quantity_milli) if order.rate_id else "",
                order.amount,
                order.voucher_amount,
                order.enterprise_amount,
            ]

    return list(USAGE_HEADERS), rows()


# --- running an import (the pages in views/transfer.py upload, preview and confirm) -----

IMPORTERS: dict[str, type[Importer]] = {
    "sharing-rates": RateImporter,
    "sharing-usage": UsageImporter,
}


def run_import(kind: str, *, actor: Any, path: Path, dry_run: bool) -> ImportReport:
    importer = IMPORTERS[kind](actor=actor)
    # The whole file in one chunk: a rate or usage file is all-or-nothing.
    return import_file(importer, path, dry_run=dry_run, chunk_rows=1_000_000)


# --- the `techbridge export` command (imports.registry) ------------------------------------


def export_rates_for(*, user: Any) -> tuple[list[str], Iterable[list[Any]]]:
    """Rates visible to ``user`` (None = the staff CLI: all)."""
    from techbridge.sharing.selectors.resources import rates_visible_to

    qs = Rate.objects.all() if user is None else rates_visible_to(user)
    return export_rates(qs)


def export_usage_for(*, user: Any) -> tuple[list[str], Iterable[list[Any]]]:
    """Orders and usage visible to ``user`` (None = the staff CLI: all, staff masked)."""
    from techbridge.sharing.selectors.orders import orders_visible_to

    qs = ServiceOrder.objects.all() if user is None else orders_visible_to(user)
    return export_usage(qs, user=user)
