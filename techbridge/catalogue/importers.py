"""Import and export of catalogue records (see docs/import-formats.md).

One importer class per kind, sharing ``CatalogueImporter``: rows are keyed by (owner,
external_id); ``--org`` names the owner for rows without an ``owner`` column; ``--publish``
(bureau reviewers only) publishes every row of the file once it is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.catalogue import selectors
from techbridge.catalogue.kinds import KINDS, model_for
from techbridge.catalogue.models import (
    Channel,
    CooperationMode,
    FeeUnit,
    LabLevel,
    LabType,
    RunningStatus,
    SharingMode,
    Status,
)
from techbridge.catalogue.services.fields import clean_fields
from techbridge.catalogue.services.records import records_publish_many
from techbridge.codes.choices import IPType, TechField, TransferMode
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.masking import PERSONAL_FIELDS
from techbridge.imports.base import Importer, Outcome, upsert
from techbridge.imports.columns import (
    Column,
    amount,
    choice_of,
    integer,
    iso_date,
    keywords,
    text,
)
from techbridge.organisations.models import Organisation
from techbridge.search.indexing import index_many_on_commit


def _choice(choices: Any, label: str) -> Callable[[Any], str]:
    # The label is translated when a message is made (imports.columns.unknown_choice).
    return choice_of(choices, label)


def _choice_list(choices: Any, label: str) -> Callable[[Any], list[str]]:
    one = _choice(choices, label)

    def parse(value: Any) -> list[str]:
        return [one(v) for v in keywords(value)]

    return parse


_TRUE = {"1", "true", "yes", "y", "是", "面议", "可议", "√", "t"}
_FALSE = {"0", "false", "no", "n", "否", "", "f"}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = str(value).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValidationError(_("Not a yes/no value: %(v)s (use 1/0 or 是/否).") % {"v": value})


def _code(value: Any) -> str:
    return str(value).strip().removesuffix(".0")


COMMON_HEAD: tuple[Column, ...] = (
    Column("external_id", ("外部编号", "编号", "记录编号", "id"), required=True, parse=text(64)),
    Column("owner", ("所属单位", "单位", "单位名称", "机构", "所属机构"), parse=text(200)),
)
COMMON_TAIL: tuple[Column, ...] = (
    Column("keywords", ("关键词", "关键字"), parse=keywords, default=[]),
    Column(
        "technical_field",
        ("field", "技术领域", "领域"),
        parse=_choice(TechField, "technical field"),
    ),
    Column("region_code", ("region", "地区", "所在地区", "行政区划代码"), parse=_code),
    Column("contact_name", ("联系人",), parse=text(60)),
    Column("contact_phone", ("联系电话", "电话"), parse=text(30)),
    Column("contact_email", ("电子邮箱", "邮箱", "email"), parse=text(254)),
)


class CatalogueImporter(Importer):
    """Shared behaviour; subclasses set ``record_kind`` and ``own_columns``."""

    record_kind: ClassVar[str]
    own_columns: ClassVar[tuple[Column, ...]]
    ignored_headers = ("status", "published_at")  # added by the export

    def __init__(self, *, actor: Actor, options: dict[str, Any] | None = None) -> None:
        super().__init__(actor=actor, options=options)
        self.default_owner: Organisation | None = None
        self._orgs: dict[str, Organisation] = {}
        self._published: list[int] = []

    @classmethod
    def all_columns(cls) -> tuple[Column, ...]:
        return (*COMMON_HEAD, *cls.own_columns, *COMMON_TAIL)

    @property
    def columns(self) -> Sequence[Column]:  # type: ignore[override]
        return self.all_columns()

    def prepare(self) -> None:
        if self.options.get("publish") and not selectors.is_reviewer(self.actor):
            raise ValidationError(
                {
                    "--publish": _(
                        "Only bureau staff with the reviewer duty may publish on import; "
                        "run the import with --as-user set to such an account, or without "
                        "--publish."
                    )
                }
            )
        for org in Organisation.objects.only("pk", "external_id", "uscc", "name", "region_code"):
            for key in (org.name, org.uscc, org.external_id):
                if key:
                    self._orgs.setdefault(str(key).strip(), org)
        wanted = (self.options.get("org") or "").strip()
        if wanted:
            self.default_owner = self._orgs.get(wanted) or self._orgs.get(wanted.upper())
            if self.default_owner is None:
                raise ValidationError(
                    {
                        "--org": _("No organisation with external id, credit code or name %(o)s.")
                        % {"o": wanted}
                    }
                )
        elif getattr(self.actor, "organisation", None) is not None and not (
            selectors.is_bureau_staff(self.actor)
        ):
            self.default_owner = self.actor.organisation

    def _may_import_for(self, owner: Organisation) -> bool:
        if self.actor is None or selectors.is_bureau_staff(self.actor):
            return True  # the CLI without --as-user is the operator; staff load registries
        return getattr(self.actor, "organisation_id", None) == owner.pk

    def clean_row(self, values: dict[str, Any]) -> dict[str, Any]:
        owner_name = values.pop("owner", "") or ""
        if owner_name:
            owner = self._orgs.get(owner_name) or self._orgs.get(owner_name.upper())
            if owner is None:
                raise ValidationError(
                    {
                        "owner": _("No organisation with external id, credit code or name %(o)s.")
                        % {"o": owner_name}
                    }
                )
        elif self.default_owner is not None:
            owner = self.default_owner
        else:
            raise ValidationError({"owner": _("No owner: add an owner column or give --org.")})
        if not self._may_import_for(owner):
            raise ValidationError(
                {"owner": _("You may import records only for your own organisation.")}
            )
        if self.options.get("publish") and owner.pk == getattr(self.actor, "organisation_id", None):
            raise ValidationError(
                {
                    "owner": _(
                        "You cannot publish records of your own organisation; another "
                        "organisation's reviewer must publish them."
                    )
                }
            )
        cleaned = clean_fields(self.record_kind, values, creating=True)
        if not cleaned.get("region_code"):
            cleaned["region_code"] = owner.region_code or ""
        cleaned["owner"] = owner
        self.extra_fields(cleaned)
        return cleaned

    def extra_fields(self, cleaned: dict[str, Any]) -> None:
        """Fields set on new rows only (never compared)."""
        if actor_or_none(self.actor) is not None:
            cleaned["created_by"] = self.actor

    def natural_key(self, cleaned: dict[str, Any]) -> Hashable:
        return (cleaned["owner"].pk, cleaned["external_id"])

    def apply(self, rows: list[dict[str, Any]], *, dry_run: bool) -> Outcome:
        compare = [c.name for c in self.columns if c.name not in ("external_id", "owner")]
        outcome = upsert(
            KINDS[self.record_kind],
            rows,
            key_fields=["external_id", "owner"],
            compare_fields=compare,
            actor=self.actor,
            dry_run=dry_run,
        )
        self._keys = [(r["owner"].pk, r["external_id"]) for r in rows]
        if self.options.get("publish") and not dry_run:
            self._publish(self._keys)
        if not dry_run:
            self._log_index_changes(outcome)
        return outcome

    def _publish(self, keys: list[tuple[int, str]]) -> None:
        model = model_for(self.record_kind)
        by_owner: dict[int, list[str]] = {}
        for owner_id, external_id in keys:
            by_owner.setdefault(owner_id, []).append(external_id)
        for owner_id, ids in by_owner.items():
            for start in range(0, len(ids), 900):
                records = list(
                    model._default_manager.filter(
                        owner_id=owner_id, external_id__in=ids[start : start + 900]
                    ).exclude(status=Status.PUBLISHED)
                )
                records_publish_many(actor=self.actor, records=records)
                self._published.extend(r.pk for r in records)

    def _log_index_changes(self, outcome: Outcome) -> None:
        # Inside the chunk's transaction, so a chunk that commits never loses its index
        # changes (the durable log of ADR 0008). New drafts were never in the search index:
        # only updated rows (possibly public) and rows published by this chunk need it.
        pks = {o.pk for o in outcome.updated_objects}
        pks.update(self._published)
        self._published = []
        index_many_on_commit(self.record_kind, pks)  # one INSERT for the chunk's log rows


class AchievementImporter(CatalogueImporter):
    kind = "achievements"
    record_kind = "achievement"
    own_columns = (
        Column("title", ("成果名称", "名称", "标题"), required=True, parse=text(300)),
        Column("summary", ("成果简介", "简介", "摘要", "内容简介"), parse=text(20000)),
        Column("discipline", ("学科", "学科领域", "所属学科"), parse=text(100)),
        Column("trl", ("成熟度", "技术成熟度", "技术就绪水平"), parse=integer(1, 9), default=None),
        Column("ip_type", ("知识产权类型", "知识产权"), parse=_choice(IPType, "IP type")),
        Column("patent_numbers", ("专利号", "专利"), parse=keywords, default=[]),
        Column(
            "transfer_modes",
            ("转化方式", "合作方式", "交易方式"),
            parse=_choice_list(TransferMode, "transfer mode"),
            default=[],
        ),
        Column(
            "asking_price", ("价格", "转让价格", "报价", "价格（元）"), parse=amount, default=None
        ),
        Column("price_negotiable", ("面议", "价格面议"), parse=boolean, default=False),
    )


class ExpertImporter(CatalogueImporter):
    kind = "experts"
    record_kind = "expert"
    own_columns = (
        Column("name", ("姓名", "专家姓名"), required=True, parse=text(60)),
        Column("title", ("职称",), parse=text(60)),
        Column("disciplines", ("学科", "研究方向"), parse=keywords, default=[]),
        Column(
            "technical_fields",
            ("技术领域（多个）", "擅长领域"),
            parse=_choice_list(TechField, "technical field"),
            default=[],
        ),
        Column("profile", ("简介", "个人简介"), parse=text(20000)),
        Column("phone", ("手机", "手机号"), parse=text(30)),
        Column("email", ("电子邮件",), parse=text(254)),
        Column(
            "consent_version",
            ("同意书版本", "授权版本"),
            required=True,
            parse=text(20),
            help="version of the consent text the expert agreed to (PIPL)",
        ),
    )

    def prepare(self) -> None:
        super().prepare()
        from techbridge.catalogue.models import Expert

        # An expert who withdrew consent stays erased: a re-import must not bring the
        # personal data back (PIPL).
        self._withdrawn = set(
            Expert.objects.filter(consent_withdrawn_at__isnull=False).values_list(
                "owner_id", "external_id"
            )
        )

    def clean_row(self, values: dict[str, Any]) -> dict[str, Any]:
        cleaned = super().clean_row(values)
        if (cleaned["owner"].pk, cleaned["external_id"]) in self._withdrawn:
            raise ValidationError(
                {
                    "external_id": _(
                        "This expert withdrew consent; their data cannot be imported again."
                    )
                }
            )
        return cleaned

    def extra_fields(self, cleaned: dict[str, Any]) -> None:
        super().extra_fields(cleaned)
        cleaned["consent_at"] = timezone.now()


class InstrumentImporter(CatalogueImporter):
    kind = "instruments"
    record_kind = "instrument"
    own_columns = (
        Column("name", ("仪器名称", "名称", "设备名称"), required=True, parse=text(200)),
        Column("model_number", ("model", "型号", "规格型号"), parse=text(100)),
        Column("manufacturer", ("生产厂商", "制造商", "厂商"), parse=text(200)),
        Column("country_of_origin", ("产地国别", "产地", "国别"), parse=_code),
        Column("original_value", ("原值", "原值（元）"), parse=amount, default=None),
        Column("category", ("分类", "仪器类别"), parse=text(100)),
        Column("address", ("安放地址", "地址"), parse=text(300)),
        Column("running_status", ("运行状态",), parse=_choice(RunningStatus, "running status")),
        Column(
            "sharing_mode", ("共享方式", "共享模式"), parse=_choice(SharingMode, "sharing mode")
        ),
        Column("fee_internal", ("对内收费", "校内收费"), parse=amount, default=None),
        Column("fee_external", ("对外收费", "收费标准"), parse=amount, default=None),
        Column("fee_unit", ("计费单位",), parse=_choice(FeeUnit, "fee unit")),
        Column("description", ("主要功能", "描述", "简介"), parse=text(20000)),
    )


class LabImporter(CatalogueImporter):
    kind = "labs"
    record_kind = "lab"
    own_columns = (
        Column("name", ("平台名称", "名称", "实验室名称"), required=True, parse=text(200)),
        Column("lab_type", ("类型", "平台类型"), required=True, parse=_choice(LabType, "type")),
        Column("level", ("级别",), required=True, parse=_choice(LabLevel, "level")),
        Column("description", ("简介", "描述"), parse=text(20000)),
    )


class DataImporter(CatalogueImporter):
    kind = "data"
    record_kind = "data"
    own_columns = (
        Column("title", ("数据名称", "名称"), required=True, parse=text(300)),
        Column("description", ("简介", "描述"), parse=text(20000)),
        Column("data_format", ("format", "格式"), parse=text(60)),
        Column("size", ("规模", "数据量"), parse=text(60)),
        Column("update_frequency", ("更新频率",), parse=text(60)),
        Column("access_terms", ("使用条件", "开放条件"), parse=text(5000)),
    )


class ServiceImporter(CatalogueImporter):
    kind = "services"
    record_kind = "service"
    own_columns = (
        Column("title", ("服务名称", "名称"), required=True, parse=text(300)),
        Column("description", ("服务内容", "简介", "描述"), parse=text(20000)),
        Column("price", ("价格", "收费"), parse=amount, default=None),
        Column("price_note", ("收费说明", "价格说明"), parse=text(200)),
    )


class DemandImporter(CatalogueImporter):
    kind = "demands"
    record_kind = "demand"
    own_columns = (
        Column("title", ("需求名称", "名称", "标题"), required=True, parse=text(300)),
        Column("summary", ("需求概述", "公开摘要", "摘要"), parse=text(5000)),
        Column("detail", ("需求详情", "详细描述"), parse=text(20000)),
        Column("industry_code", ("industry", "行业", "行业代码"), parse=_code),
        Column("budget_min", ("预算下限", "最低预算"), parse=amount, default=None),
        Column("budget_max", ("预算上限", "预算", "最高预算"), parse=amount, default=None),
        Column("deadline", ("期望完成时间", "截止日期"), parse=iso_date, default=None),
        Column("expires_on", ("有效期至", "需求有效期"), parse=iso_date, default=None),
        Column(
            "cooperation_mode",
            ("合作方式",),
            parse=_choice(CooperationMode, "cooperation mode"),
        ),
        Column("confidential", ("是否保密", "保密"), parse=boolean, default=True),
        Column("channel", ("征集渠道", "渠道"), parse=_choice(Channel, "channel")),
    )


IMPORTERS = {
    cls.kind: cls
    for cls in (
        AchievementImporter,
        ExpertImporter,
        InstrumentImporter,
        LabImporter,
        DataImporter,
        ServiceImporter,
        DemandImporter,
    )
}

# --- export -----------------------------------------------------------------------------



def export_rows(
    kind: str, qs: Iterable[Any], *, user: Any
) -> tuple[list[str], Iterable[list[Any]]]:
    """Headers (the import column names, plus status and published_at) and rows for
    ``qs``; personal data masked unless the user may see it, confidential demand detail
    left empty unless the user may see it. ``user`` None is the operator's CLI."""
    importer = IMPORTERS[_plural(kind)]
    names = [c.name for c in importer.all_columns()]
    headers = [*names, "status", "published_at"]
    masks = PERSONAL_FIELDS

    def row(record: Any) -> list[Any]:
        reveal = user is not None and selectors.can_see_contacts(user, record)
        values: list[Any] = []
        for name in names:
            if name == "owner":
                values.append(record.owner.external_id or record.owner.uscc or record.owner.name)
                continue
            value = getattr(record, name)
            if name in masks and value and not reveal:
                value = masks[name](value)
            if (
                name == "detail"
                and user is not None
                and not selectors.can_see_demand_detail(user, record)
            ):
                value = ""
            values.append(value)
        values.extend([record.status, record.published_at])
        return values

    return headers, (row(r) for r in qs)


def _plural(kind: str) -> str:
    from techbridge.catalogue.kinds import PLURALS

    return next(p for p, k in PLURALS.items() if k == kind)


def _exporter(kind: str) -> Callable[..., tuple[list[str], Iterable[list[Any]]]]:
    def export(*, user: Any) -> tuple[list[str], Iterable[list[Any]]]:
        model = model_for(kind)
        qs = (
            model._default_manager.all() if user is None else selectors.visible_queryset(kind, user)
        )
        qs = qs.select_related("owner").order_by("id")
        return export_rows(kind, qs.iterator(chunk_size=2000), user=user)

    export.__name__ = f"export_{kind}"
    return export


export_achievements = _exporter("achievement")
export_experts = _exporter("expert")
export_instruments = _exporter("instrument")
export_labs = _exporter("lab")
export_data = _exporter("data")
export_services = _exporter("service")
export_demands = _exporter("demand")
