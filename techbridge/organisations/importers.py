"""Import and export of organisations (external_id, name, kind, uscc, region, industry,
legal_person_type — see docs/import-formats.md)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techbridge.codes import selectors as codes
from techbridge.codes.choices import LegalPersonType, OrgTier
from techbridge.imports.base import Importer, Outcome, upsert
from techbridge.imports.columns import Column, choice_of, text
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.organisations.uscc import clean_uscc


def _uscc(value: Any) -> str:
    return clean_uscc(str(value))


def _region(value: Any) -> str:
    code = str(value).strip().removesuffix(".0")
    if not codes.is_valid_region(code):
        raise ValidationError(_("Unknown region code %(code)s (GB/T 2260).") % {"code": code})
    return code


def _industry(value: Any) -> str:
    code = str(value).strip().removesuffix(".0")
    if not codes.is_valid_industry(code):
        raise ValidationError(
            _("Unknown industry code %(code)s (GB/T 4754-2017).") % {"code": code}
        )
    return code


class OrganisationImporter(Importer):
    kind = "organisations"
    ignored_headers = ("status",)  # written by the export, never imported
    columns = (
        Column("external_id", ("外部编号", "编号", "id"), required=True, parse=text(64)),
        Column("name", ("名称", "单位名称", "机构名称"), required=True, parse=text(200)),
        Column(
            "kind",
            ("类型", "单位类型", "机构类型"),
            required=True,
            parse=choice_of(OrganisationKind, gettext_lazy("kind")),
        ),
        Column("uscc", ("统一社会信用代码", "信用代码"), parse=_uscc, default=None),
        Column("region_code", ("region", "地区", "行政区划代码", "所在地区"), parse=_region),
        Column("industry_code", ("industry", "行业", "行业代码"), parse=_industry),
        Column(
            "legal_person_type",
            ("法人类型", "法人类型代码"),
            parse=choice_of(LegalPersonType, gettext_lazy("legal-person type"), width=3),
        ),
        Column(
            "tier", ("层级", "企业层级"), parse=choice_of(OrgTier, gettext_lazy("tier"))
        ),
        Column("address", ("地址",), parse=text(300)),
        Column("description", ("简介", "描述"), parse=text(5000)),
    )

    def apply(self, rows: list[dict[str, Any]], *, dry_run: bool) -> Outcome:
        compare = [c.name for c in self.columns if c.name != "external_id"]
        return upsert(
            Organisation,
            rows,
            key_fields=["external_id"],
            compare_fields=compare,
            actor=self.actor,
            dry_run=dry_run,
        )


EXPORT_FIELDS = (
    "external_id",
    "name",
    "kind",
    "uscc",
    "region_code",
    "industry_code",
    "legal_person_type",
    "tier",
    "status",
    "address",
)


def export_organisations(*, user: Any) -> tuple[list[str], Iterable[list[Any]]]:
    """Organisations visible to ``user`` (None = staff CLI: all); contacts are left out."""
    from techbridge.organisations.selectors import organisations_visible_to

    qs = Organisation.objects.all() if user is None else organisations_visible_to(user)
    rows = ([getattr(o, f) for f in EXPORT_FIELDS] for o in qs.order_by("id").iterator())
    return list(EXPORT_FIELDS), rows
