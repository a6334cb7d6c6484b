"""Import and export of technology contracts (docs/contracts.md has the format).

Rows with a registration number are registered contracts (historical registry loads),
idempotent by that number; rows without one are submitted contracts waiting for a
registrar, idempotent by (seller, buyer, name, signing date).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record_many
from techbridge.codes import selectors as codes
from techbridge.codes.choices import ContractType, IPType, LegalPersonType, TechField
from techbridge.contracts import bulk, fields, numbering
from techbridge.contracts.models import (
    CHINA,
    ContractEvent,
    ContractEventKind,
    ContractStatus,
    TechnologyContract,
)
from techbridge.contracts.validation import NEEDS_IP_TYPE, clean_country
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.events import record_event
from techbridge.imports.base import Importer, Outcome
from techbridge.imports.columns import Column, amount, choice_of, iso_date, text
from techbridge.organisations.models import Organisation


def _registration_number(value: Any) -> str:
    number = str(value).strip().removesuffix(".0")
    if not number.isalnum() or len(number) > 19:
        raise ValidationError(
            _("A registration number has at most 19 letters or digits: %(v)s") % {"v": number}
        )
    return number


def _code(value: Any) -> str:
    return str(value).strip().removesuffix(".0")


# A code ("21" → "021") or its label (科研机构); an unknown one lists what is accepted.
_legal_type = choice_of(LegalPersonType, gettext_lazy("legal-person type"), width=3)


def _party_columns(side: str, zh: str) -> list[Column]:
    return [
        Column(side, (zh, f"{zh}名称"), required=True, parse=text(200)),
        Column(f"{side}_region", (f"{zh}地区", f"{zh}所在地区", f"{zh}行政区划代码"), parse=_code),
        Column(f"{side}_country", (f"{zh}国别", f"{zh}国家", f"{zh}国家或地区"), parse=_code),
        Column(f"{side}_type", (f"{zh}类型", f"{zh}法人类型"), parse=_legal_type),
    ]


class ContractImporter(Importer):
    kind = "contracts"
    columns = (
        Column(
            "registration_number", ("合同登记号", "登记号"), parse=_registration_number, default=""
        ),
        Column("name", ("合同名称", "项目名称"), required=True, parse=text(200)),
        Column(
            "contract_type",
            ("type", "合同类型"),
            required=True,
            parse=choice_of(ContractType, gettext_lazy("contract type")),
        ),
        *_party_columns("seller", "卖方"),
        *_party_columns("buyer", "买方"),
        Column("signed_on", ("签订日期", "合同签订日期"), required=True, parse=iso_date),
        Column("contract_amount", ("合同成交额", "合同金额"), required=True, parse=amount),
        Column("technology_amount", ("技术交易额",), required=True, parse=amount),
        Column(
            "technical_field",
            ("field", "技术领域"),
            required=True,
            parse=choice_of(TechField, gettext_lazy("technical field")),
        ),
        Column(
            "ip_type",
            ("知识产权类型",),
            parse=choice_of(IPType, gettext_lazy("IP type")),
        ),
    )

    def prepare(self) -> None:
        self._regions = codes.region_codes()
        self._countries: dict[str, str] = {}
        # Parties are linked to an organisation when the cell holds its external id, its
        # credit code or its exact name.
        self._orgs: dict[str, int] = {}
        for pk, name, external_id, uscc in Organisation.objects.values_list(
            "pk", "name", "external_id", "uscc"
        ):
            for key in (name, external_id, uscc):
                if key:
                    self._orgs.setdefault(key, pk)
        self._today = timezone.localdate()
        self._org_cache: dict[int, Organisation] = {}

    def _country(self, value: str) -> str:
        if not value:
            return CHINA
        if value not in self._countries:
            self._countries[value] = clean_country(value)
        return self._countries[value]

    def clean_row(self, values: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        row: dict[str, Any] = {
            "name": values["name"],
            "contract_type": values["contract_type"],
            "signed_on": values["signed_on"],
            "contract_amount": values["contract_amount"],
            "technology_amount": values["technology_amount"],
            "technical_field": values["technical_field"],
            "ip_type": values.get("ip_type", ""),
        }
        for side in ("seller", "buyer"):
            name = values[side]
            org_id = self._orgs.get(name)
            row[f"{side}_organisation_id"] = org_id
            row[f"{side}_name"] = name
            try:
                country = self._country(values.get(f"{side}_country", ""))
            except ValidationError as exc:
                errors[f"{side}_country"] = exc.messages
                country = CHINA
            row[f"{side}_country"] = country
            region = values.get(f"{side}_region", "")
            if region and region not in self._regions:
                errors[f"{side}_region"] = [
                    _("Unknown region code %(code)s (GB/T 2260).") % {"code": region}
                ]
            elif not region and country == CHINA:
                errors[f"{side}_region"] = [
                    _("A party in China needs its region code (GB/T 2260).")
                ]
            row[f"{side}_region"] = region
            row[f"{side}_type"] = values.get(f"{side}_type", "")
        if row["technology_amount"] > row["contract_amount"]:
            errors["technology_amount"] = [
                _(
                    "The technology transaction amount (%(t)s) cannot exceed the contract "
                    "amount (%(c)s)."
                )
                % {"t": row["technology_amount"], "c": row["contract_amount"]}
            ]
        if row["contract_type"] in NEEDS_IP_TYPE and not row["ip_type"]:
            errors["ip_type"] = [_("Transfer and licence contracts must name the IP type.")]
        signed = row["signed_on"]
        if signed > self._today:
            errors["signed_on"] = [_("The signing date cannot be in the future.")]
        if errors:
            raise ValidationError(errors)
        row["signed_month"] = signed.year * 100 + signed.month
        number = values.get("registration_number") or ""
        if number:
            row["registration_number"] = number
            row["status"] = ContractStatus.REGISTERED
            parsed = numbering.parse_number(number)
            row["registration_office"] = parsed[1] if parsed else ""
        else:
            row["registration_number"] = None
            row["status"] = ContractStatus.SUBMITTED
        return row

    def natural_key(self, cleaned: dict[str, Any]) -> Hashable:
        if cleaned["registration_number"]:
            return cleaned["registration_number"]
        return (
            cleaned["seller_name"],
            cleaned["buyer_name"],
            cleaned["name"],
            cleaned["signed_on"],
        )

    def apply(self, rows: list[dict[str, Any]], *, dry_run: bool) -> Outcome:
        _widen_sqlite_cache()
        registered = [r for r in rows if r["registration_number"]]
        pending = [r for r in rows if not r["registration_number"]]
        actor = actor_or_none(self.actor)
        existing = self._existing(registered)
        new = [r for r in registered if r["registration_number"] not in existing]
        outcome = Outcome(created=len(new))
        changed = []
        for row in registered:
            current = existing.get(row["registration_number"])
            if current is None:
                continue
            diff = [f for f in COMPARED_FIELDS if getattr(current, f) != row[f]]
            if not diff:
                outcome.unchanged += 1
                continue
            before = {f: _plain(getattr(current, f)) for f in diff}
            for name in diff:
                setattr(current, name, row[name])
            changed.append((current, diff, before))
        outcome.updated = len(changed)
        pending_outcome = self._apply_pending(pending, actor=actor, dry_run=dry_run)
        outcome.created += pending_outcome.created
        outcome.unchanged += pending_outcome.unchanged
        if dry_run:
            return outcome
        if new:
            # In signing-date order the date-led statistics index grows at its end.
            new.sort(key=lambda r: r["signed_on"])
            ids = bulk.insert_contracts(new, actor_id=getattr(actor, "pk", None))
            bulk.insert_events(
                ids.values(), kind=ContractEventKind.IMPORTED, actor=actor, detail={}
            )
            bulk.insert_audit_rows(
                ((pk, number) for number, pk in ids.items()),
                event=AuditEventType.CREATE,
                actor=actor,
                detail={"via": "import"},
            )
        for contract, diff, before in changed:
            # Amendments through a file are rare: the ordinary versioned save, an AMENDED
            # event with old and new values, and an audit row each.
            contract.save_versioned(expected_version=None, update_fields=diff)
            record_event(
                ContractEvent,
                subject=contract,
                actor=actor,
                kind=ContractEventKind.AMENDED,
                note=_("Changed by an import"),
                data={"fields": {f: [before[f], _plain(getattr(contract, f))] for f in diff}},
            )
        if changed:
            audit_record_many(
                AuditEventType.UPDATE,
                actor=actor,
                objects=[c for c, _d, _b in changed],
                detail={"via": "import"},
            )
        numbering.advance_counters([r["registration_number"] for r in registered])
        return outcome

    def _existing(self, rows: list[dict[str, Any]]) -> dict[str, TechnologyContract]:
        """Contracts already registered under the file's numbers: the numbers first (one
        narrow query per chunk), then whole objects only for those found."""
        numbers = [r["registration_number"] for r in rows]
        found_pks: list[int] = []
        for start in range(0, len(numbers), 900):
            chunk = numbers[start : start + 900]
            found_pks.extend(
                TechnologyContract.objects.filter(registration_number__in=chunk).values_list(
                    "pk", flat=True
                )
            )
        found: dict[str, TechnologyContract] = {}
        for start in range(0, len(found_pks), 900):
            for contract in TechnologyContract.objects.filter(
                pk__in=found_pks[start : start + 900]
            ):
                if contract.registration_number:
                    found[contract.registration_number] = contract
        return found

    def _apply_pending(self, rows: list[dict[str, Any]], *, actor: Actor, dry_run: bool) -> Outcome:
        outcome = Outcome()
        new = []
        for row in rows:
            exists = (
                TechnologyContract.objects.filter(
                    name=row["name"],
                    signed_on=row["signed_on"],
                    seller_name=row["seller_name"],
                    buyer_name=row["buyer_name"],
                )
                .exclude(status=ContractStatus.CANCELLED)
                .exists()
            )
            if exists:
                outcome.unchanged += 1
            else:
                new.append(TechnologyContract(**row, created_by=actor_or_none(actor)))
        outcome.created = len(new)
        if new and not dry_run:
            TechnologyContract.objects.bulk_create(new, batch_size=500)
            outcome.created_objects.extend(new)
            audit_record_many(
                AuditEventType.CREATE, actor=actor, objects=new, detail={"via": "import"}
            )
        return outcome


COMPARED_FIELDS = fields.IMPORT_COMPARED_FIELDS


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _widen_sqlite_cache() -> None:
    """A registry load writes three covering indexes in random key order; SQLite's default
    2 MB page cache would spill to disk on every batch. Let this connection cache up to
    512 MB (allocated only as used; other connections are unaffected)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -524288")


EXPORT_HEADERS = list(fields.EXPORT_HEADERS)
_EXPORT_FIELDS = list(fields.EXPORT_FIELDS)


def export_contracts(*, user: Any) -> tuple[list[str], Iterable[list[Any]]]:
    """Registered contracts visible to ``user`` (None = staff CLI: all), in the import
    format, so an export re-imports unchanged."""
    from techbridge.contracts.selectors import contracts_visible_to

    qs = TechnologyContract.objects.all() if user is None else contracts_visible_to(user)
    qs = qs.filter(status=ContractStatus.REGISTERED).order_by("id")
    rows = (list(values) for values in qs.values_list(*_EXPORT_FIELDS).iterator(chunk_size=5000))
    return list(EXPORT_HEADERS), rows
