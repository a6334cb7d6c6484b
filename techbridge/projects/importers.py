"""Import and export of the project ledger (台账) — docs/projects.md has the columns.

The file is the department's ledger as it stands: a row finds its project by 项目编号
(a code issued here), else by 外部编号 (the department's own number), else by batch and
project name; a new key is a new project. Re-importing the same file changes nothing.
Money columns take yuan, 万 or 亿 ("150万", "1,500,000", "4.6566亿"; a header such as
总投资（万元） sets the column's unit). 到位资金 is the cumulative figure: when it differs
from the ledger, the difference becomes a dated funding entry (a correction if lower),
so the history of funds in place is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techbridge.accounts.models import User
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record, audit_record_many
from techbridge.codes.choices import TechField
from techbridge.core.events import new_event, record_event, record_events
from techbridge.core.masking import mask_field
from techbridge.core.money import to_fen
from techbridge.core.sequences import advance_to, next_number
from techbridge.imports.base import Importer, Outcome
from techbridge.imports.columns import Column, choice, choice_of, choices_lookup, iso_date, text
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.projects import selectors
from techbridge.projects.amounts import WAN, YI, parse_cn_amount
from techbridge.projects.fields import CONTACT_FIELDS, PROJECT_FIELDS
from techbridge.projects.models import (
    Batch,
    FundingEntry,
    Project,
    ProjectEvent,
    ProjectEventKind,
    ProjectStage,
    Zone,
)
from techbridge.projects.services import CODE_RE, code_scope, plain
from techbridge.projects.validation import check_whole, clean_project, fill_defaults

# Fields an import compares with the ledger (model attribute names).
COMPARED_FIELDS = (
    "batch_id",
    "name",
    "external_id",
    "signed_on",
    "investor_name",
    "investor_organisation_id",
    "local_company_name",
    "local_company_id",
    "region_code",
    "zone_id",
    "industry_code",
    "technical_field",
    "is_contract_type",
    "total_investment",
    "planned_funds",
    "planned_funds_due",
    "responsible_department_id",
    "responsible_officer_id",
    "contact_name",
    "contact_phone",
    "contact_email",
    "description",
)
STAGE_FIELDS = ("stage", "stage_reason", "started_on", "in_production_on")

_YES = ("是", "y", "yes", "true", "1", "合同类", "√")
_NO = ("否", "n", "no", "false", "0", "非合同类", "")
_STAGE_WORDS = {
    **{w: ProjectStage.SIGNED for w in ("已签约", "签约", "未开工", "待开工")},
    **{w: ProjectStage.STARTED for w in ("已开工", "开工", "已启动", "启动", "在建", "开工(启动)")},
    **{w: ProjectStage.IN_PRODUCTION for w in ("已投产", "投产", "建成投产")},
    **{w: ProjectStage.STALLED for w in ("停滞", "停工", "暂停", "缓建")},
    **{w: ProjectStage.CANCELLED for w in ("终止", "取消", "已取消", "已终止")},
}


def _flag(value: Any) -> bool:
    word = str(value).strip().lower().removesuffix(".0")
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValidationError(
        _("Write 是 or 否 (yes / no), not 「%(v)s」.") % {"v": str(value).strip()[:20]}
    )


def _code(value: Any) -> str:
    return str(value).strip().removesuffix(".0")


def _money(unit: str = "") -> Any:
    def parse(value: Any) -> Decimal:
        return parse_cn_amount(value, unit=unit)

    return parse


def _money_columns(name: str, headers: tuple[str, ...]) -> list[Column]:
    """One field, three units: the plain header (yuan, or a unit in the cell), 万元, 亿元."""
    return [
        Column(name, (*headers, *(f"{h}（元）" for h in headers)), parse=_money()),
        Column(f"{name}__wan", tuple(f"{h}（万元）" for h in headers), parse=_money(WAN)),
        Column(f"{name}__yi", tuple(f"{h}（亿元）" for h in headers), parse=_money(YI)),
    ]


_stage_lookup = {
    **{str(s.value): str(s.value) for s in ProjectStage},
    **_STAGE_WORDS,
}


def _stage(value: Any) -> str:
    return choice({**choices_lookup(ProjectStage), **_stage_lookup}, gettext_lazy("stage"))(value)


class ProjectImporter(Importer):
    kind = "projects"
    columns = (
        Column("code", ("项目编号", "项目代码"), parse=_code),
        Column("external_id", ("外部编号", "台账编号", "原编号"), parse=text(64)),
        Column("name", ("项目名称",), required=True, parse=text(200)),
        Column("batch", ("签约批次", "批次"), required=True, parse=text(200)),
        Column("signed_on", ("签约日期", "签约时间"), parse=iso_date),
        Column(
            "investor",
            ("投资方", "投资主体", "签约企业", "投资企业"),
            required=True,
            parse=text(200),
        ),
        Column("local_company", ("落地企业", "项目公司", "本地企业"), parse=text(200)),
        Column("uscc", ("统一社会信用代码", "落地企业统一社会信用代码"), parse=text(18)),
        Column("region_code", ("行政区划代码", "所在地区代码", "区县代码"), parse=_code),
        Column("zone", ("园区", "所在园区", "开发区"), parse=text(100)),
        Column("industry_code", ("行业代码", "国民经济行业代码"), parse=_code),
        Column(
            "technical_field",
            ("技术领域",),
            parse=choice_of(TechField, gettext_lazy("technical field")),
        ),
        Column("is_contract_type", ("是否合同类", "合同类"), parse=_flag),
        *_money_columns("total_investment", ("总投资", "投资总额", "总投资额")),
        *_money_columns("funds_in_place", ("到位资金", "累计到位资金")),
        Column("funds_as_of", ("到位资金截至日期", "统计截止日期", "截至日期"), parse=iso_date),
        *_money_columns("planned_funds", ("计划到位资金",)),
        Column("planned_funds_due", ("计划到位日期",), parse=iso_date),
        Column("department", ("责任部门", "责任单位"), parse=text(200)),
        Column("officer", ("责任人账号",), parse=text(150)),
        Column("contact_name", ("联系人",), parse=text(60)),
        Column("contact_phone", ("联系电话",), parse=text(30)),
        Column("contact_email", ("联系邮箱", "电子邮箱"), parse=text(254)),
        Column("stage", ("项目状态", "进展阶段", "阶段"), parse=_stage),
        Column("started_on", ("开工日期", "开工时间", "启动日期"), parse=iso_date),
        Column("in_production_on", ("投产日期", "投产时间"), parse=iso_date),
        Column("stage_reason", ("停滞或终止原因", "原因"), parse=text(2000)),
        Column("description", ("项目简介", "建设内容"), parse=text(4000)),
    )

    def prepare(self) -> None:
        actor = self.actor if getattr(self.actor, "is_authenticated", False) else None
        if actor is not None and not selectors.can_create(actor):
            raise ValidationError(
                _("Only bureau staff and department handlers import the project ledger.")
            )
        self._actor = actor
        self._keeper = actor is None or selectors.is_ledger_keeper(actor)
        self._own_department = None if self._keeper else getattr(actor, "organisation", None)
        self._today = timezone.localdate()
        self._batches = {b.name: b for b in Batch.objects.all()}
        self._zones: dict[str, list[Zone]] = {}
        for zone in Zone.objects.all():
            self._zones.setdefault(zone.name, []).append(zone)
        self._orgs: dict[str, int] = {}
        self._departments: dict[str, int] = {}
        for pk, name, external_id, uscc, kind in Organisation.objects.values_list(
            "pk", "name", "external_id", "uscc", "kind"
        ):
            for key in (name, external_id, uscc):
                if key:
                    self._orgs.setdefault(key, pk)
                    if kind == OrganisationKind.GOVERNMENT:
                        self._departments.setdefault(key, pk)
        self._org_cache: dict[int, Organisation] = {}
        self._officers = {
            u.username: u
            for u in User.objects.filter(
                is_active=True, role__in=["department_handler", "bureau_staff"]
            )
        }
        self._new_batches: dict[str, dt.date] = {}

    # --- one row ----------------------------------------------------------------------

    def _org(self, pk: int | None) -> Organisation | None:
        if pk is None:
            return None
        if pk not in self._org_cache:
            self._org_cache[pk] = Organisation.objects.get(pk=pk)
        return self._org_cache[pk]

    def _unit_value(self, values: dict[str, Any], name: str, errors: dict) -> Any:
        given = [
            values.get(key)
            for key in (name, f"{name}__wan", f"{name}__yi")
            if values.get(key) not in (None, "")
        ]
        if len(given) > 1:
            errors[name] = [_("Give the amount in one column only (元, 万元 or 亿元).")]
        return given[0] if given else None

    def clean_row(self, values: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, list[str]] = {}
        code = (values.get("code") or "").upper()
        if code and not CODE_RE.match(code):
            errors["code"] = [
                _(
                    "A project code reads XM, the year and five digits (XM202600001): "
                    "%(v)s. Keep other numbers in the external id."
                )
                % {"v": code[:30]}
            ]
        batch_name = values["batch"]
        batch = self._batches.get(batch_name)
        signed_on = values.get("signed_on")
        if batch is None:
            if not self._keeper:
                errors["batch"] = [
                    _("Unknown signing batch 「%(v)s」; bureau staff create batches.")
                    % {"v": batch_name}
                ]
            elif not signed_on:
                errors["signed_on"] = [
                    _("The batch 「%(v)s」 is new: give the signing date.") % {"v": batch_name}
                ]
            else:
                first = self._new_batches.setdefault(batch_name, signed_on)
                self._new_batches[batch_name] = min(first, signed_on)
        zone = None
        if values.get("zone"):
            zone = self._zone(values["zone"], values.get("region_code", ""), errors)
        fields: dict[str, Any] = {
            "name": values["name"],
            "investor_name": values["investor"],
            "investor_organisation": self._org(self._orgs.get(values["investor"])),
            "zone": zone,
        }
        if batch is not None:
            fields["batch"] = batch
        if signed_on:
            fields["signed_on"] = signed_on
        elif batch is not None:
            fields["signed_on"] = batch.signed_on
        company = None
        if values.get("uscc"):
            company = self._org(self._orgs.get(values["uscc"].upper()))
            if company is None:
                errors["uscc"] = [
                    _("No organisation has the credit code 「%(v)s」.") % {"v": values["uscc"]}
                ]
        elif values.get("local_company"):
            company = self._org(self._orgs.get(values["local_company"]))
        if "local_company" in values or "uscc" in values:
            fields["local_company"] = company
            fields["local_company_name"] = values.get("local_company") or (
                company.name if company else ""
            )
        for name in (
            "external_id",
            "region_code",
            "industry_code",
            "technical_field",
            "is_contract_type",
            "planned_funds_due",
            *CONTACT_FIELDS,
            "started_on",
            "in_production_on",
            "stage_reason",
            "description",
        ):
            if name in values:
                fields[name] = values[name]
        total = self._unit_value(values, "total_investment", errors)
        if total is None:
            errors.setdefault("total_investment", [_("Total investment is required.")])
        fields["total_investment"] = total
        planned = self._unit_value(values, "planned_funds", errors)
        if planned is not None or "planned_funds_due" in values:
            fields["planned_funds"] = planned
        funds = self._unit_value(values, "funds_in_place", errors)
        if "department" in values:
            fields["responsible_department"] = self._department(values["department"], errors)
        elif self._own_department is not None:
            fields["responsible_department"] = self._own_department
        if self._own_department is not None and fields.get("responsible_department") not in (
            None,
            self._own_department,
        ):
            errors["department"] = [
                _("A department handler imports projects of their own department only.")
            ]
        if values.get("officer"):
            officer = self._officers.get(values["officer"])
            if officer is None:
                errors["officer"] = [
                    _("No active handler or bureau staff account 「%(v)s」.")
                    % {"v": values["officer"]}
                ]
            fields["responsible_officer"] = officer
        if "stage" in values:
            fields["stage"] = values["stage"] or ProjectStage.SIGNED
        as_of = values.get("funds_as_of") or self._today
        if as_of > self._today:
            errors["funds_as_of"] = [_("The date cannot be in the future.")]
        if errors:
            raise ValidationError(errors)
        cleaned = clean_project(fields)
        fill_defaults(cleaned)
        whole = dict(cleaned)
        whole.setdefault("stage", ProjectStage.SIGNED)
        check_whole(whole, today=self._today)
        cleaned["_code"] = code
        cleaned["_batch"] = batch_name
        cleaned["_funds"] = funds
        cleaned["_funds_as_of"] = as_of
        return cleaned

    def _zone(self, name: str, region: str, errors: dict[str, list[str]]) -> Zone | None:
        candidates = self._zones.get(name, [])
        if len(candidates) > 1 and region:
            candidates = [z for z in candidates if region.startswith(z.region_code[:4])]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            errors["zone"] = [
                _("The zone name 「%(v)s」 exists in several regions; give the region code.")
                % {"v": name}
            ]
        else:
            known = "、".join(sorted(self._zones)) or "—"
            errors["zone"] = [
                _("Unknown zone 「%(v)s」; known zones: %(known)s") % {"v": name, "known": known}
            ]
        return None

    def _department(self, name: str, errors: dict[str, list[str]]) -> Organisation | None:
        if not name:
            return None
        department = self._org(self._departments.get(name))
        if department is None:
            errors["department"] = [
                _("Unknown government department 「%(v)s」 (name, external id or credit code).")
                % {"v": name}
            ]
        return department

    def natural_key(self, cleaned: dict[str, Any]) -> Hashable:
        if cleaned["_code"]:
            return ("code", cleaned["_code"])
        if cleaned.get("external_id"):
            return ("external", cleaned["external_id"])
        return ("name", cleaned["_batch"], cleaned["name"])

    # --- writing a chunk ----------------------------------------------------------------

    def _existing(self, rows: list[dict[str, Any]]) -> dict[Hashable, Project]:
        codes = [r["_code"] for r in rows if r["_code"]]
        externals = [r["external_id"] for r in rows if r.get("external_id")]
        names = [r["name"] for r in rows if not r["_code"] and not r.get("external_id")]
        found: dict[Hashable, Project] = {}
        qs = Project.objects.select_related("batch")
        for start in range(0, len(codes), 500):
            for p in qs.filter(code__in=codes[start : start + 500]):
                found[("code", p.code)] = p
        for start in range(0, len(externals), 500):
            for p in qs.filter(external_id__in=externals[start : start + 500]):
                found[("external", p.external_id)] = p
        for start in range(0, len(names), 500):
            for p in qs.filter(name__in=names[start : start + 500]):
                found.setdefault(("name", p.batch.name, p.name), p)
        return found

    def apply(self, rows: list[dict[str, Any]], *, dry_run: bool) -> Outcome:
        existing = self._existing(rows)
        outcome = Outcome()
        new_rows = [r for r in rows if self.natural_key(r) not in existing]
        outcome.created = len(new_rows)
        for row in rows:
            project = existing.get(self.natural_key(row))
            if project is None:
                continue
            if self._own_department is not None and not selectors.can_edit(self._actor, project):
                raise ValidationError(
                    _("Project %(code)s is not one of your department's.") % {"code": project.code}
                )
            if self._update(project, row, dry_run=dry_run):
                outcome.updated += 1
                outcome.updated_objects.append(project)
            else:
                outcome.unchanged += 1
        if dry_run or not new_rows:
            if not dry_run and outcome.updated_objects:
                audit_record_many(
                    AuditEventType.UPDATE,
                    actor=self._actor,
                    objects=outcome.updated_objects,
                    detail={"via": "import"},
                )
            return outcome
        created = self._create(new_rows)
        outcome.created_objects.extend(created)
        audit_record_many(
            AuditEventType.CREATE, actor=self._actor, objects=created, detail={"via": "import"}
        )
        if outcome.updated_objects:
            audit_record_many(
                AuditEventType.UPDATE,
                actor=self._actor,
                objects=outcome.updated_objects,
                detail={"via": "import"},
            )
        return outcome

    def _batch(self, name: str) -> Batch:
        batch = self._batches.get(name)
        if batch is None:
            batch, made = Batch.objects.get_or_create(
                name=name,
                defaults={
                    "signed_on": self._new_batches[name],
                    "source_event": _("Created by a ledger import"),
                },
            )
            if made:
                audit_record(
                    AuditEventType.CREATE, actor=self._actor, obj=batch, detail={"via": "import"}
                )
            self._batches[name] = batch
        return batch

    def _model_values(self, row: dict[str, Any], *, dry_run: bool = False) -> dict[str, Any]:
        values = {k: v for k, v in row.items() if not k.startswith("_")}
        if dry_run and row["_batch"] not in self._batches:
            # A batch the real run would create: compare as "moved to a new batch".
            values["batch"] = Batch(pk=-1, name=row["_batch"], signed_on=row["signed_on"])
        else:
            values["batch"] = self._batch(row["_batch"])
        if not values.get("signed_on"):
            values["signed_on"] = values["batch"].signed_on
        return values

    def _create(self, rows: list[dict[str, Any]]) -> list[Project]:
        year = self._today.year
        fresh = [r for r in rows if not r["_code"]]
        first = 0
        if fresh:
            # One block of numbers for the chunk: the counter row stays locked until the
            # chunk commits, so the block is ours alone.
            first = next_number(code_scope(year))
            advance_to(code_scope(year), first + len(fresh) - 1)
        for row in rows:
            if row["_code"]:
                match = CODE_RE.match(row["_code"])
                assert match is not None
                advance_to(code_scope(int(match.group(1))), int(match.group(2)))
        projects = []
        number = first
        for row in rows:
            values = self._model_values(row)
            values.setdefault("stage", ProjectStage.SIGNED)
            if row["_code"]:
                code = row["_code"]
            else:
                code, number = f"XM{year}{number:05d}", number + 1
            project = Project(**values, code=code, created_by=self._actor)
            if project.stage != ProjectStage.SIGNED:
                project.stage_changed_on = project.in_production_on or project.started_on
            funds = row["_funds"]
            if funds:
                project.funds_in_place = funds
            projects.append(project)
        Project.objects.bulk_create(projects, batch_size=500)
        if any(p.pk is None for p in projects):  # pragma: no cover - SQLite < 3.35
            by_code = dict(
                Project.objects.filter(code__in=[p.code for p in projects]).values_list(
                    "code", "pk"
                )
            )
            for p in projects:
                p.pk = by_code[p.code]
        events = []
        entries = []
        for project, row in zip(projects, rows, strict=True):
            events.append(
                new_event(
                    ProjectEvent,
                    subject=project,
                    actor=self._actor,
                    kind=ProjectEventKind.IMPORTED,
                    to_state=project.stage,
                    note=project.stage_reason,
                )
            )
            if row["_funds"]:
                entries.append(
                    FundingEntry(
                        project=project,
                        amount=row["_funds"],
                        entry_date=row["_funds_as_of"],
                        note=_("Funds in place as imported"),
                        created_by=self._actor,
                    )
                )
        FundingEntry.objects.bulk_create(entries, batch_size=1000)
        record_events(ProjectEvent, events)
        return projects

    def _update(self, project: Project, row: dict[str, Any], *, dry_run: bool) -> bool:
        values = _column_names(self._model_values(row, dry_run=dry_run))
        diff = [f for f in COMPARED_FIELDS if f in values and getattr(project, f) != values[f]]
        stage_diff = [f for f in STAGE_FIELDS if f in values and getattr(project, f) != values[f]]
        funds = row["_funds"]
        funds_delta = None if funds is None else funds - project.funds_in_place
        if not diff and not stage_diff and not funds_delta:
            return False
        if dry_run:
            return True
        before = {f: getattr(project, f) for f in (*diff, *stage_diff)}
        old_stage = project.stage
        for name in (*diff, *stage_diff):
            setattr(project, name, values[name])
        if "stage" in stage_diff:
            project.stage_changed_on = project.in_production_on or project.started_on or self._today
        check_whole(_instance_values(project), today=self._today)
        fields = [*diff, *stage_diff] + (["stage_changed_on"] if "stage" in stage_diff else [])
        project.save_versioned(expected_version=None, update_fields=fields)
        if diff:
            changes = {
                f: "changed" if f in CONTACT_FIELDS else [plain(before[f]), plain(values[f])]
                for f in diff
            }
            self._event(project, ProjectEventKind.UPDATED, data={"fields": changes})
        if stage_diff:
            self._event(
                project,
                ProjectEventKind.STAGE,
                from_state=old_stage,
                to_state=project.stage,
                note=project.stage_reason,
                data={"fields": {f: [plain(before[f]), plain(values[f])] for f in stage_diff}},
            )
        if funds_delta:
            entry = FundingEntry.objects.create(
                project=project,
                amount=funds_delta,
                entry_date=row["_funds_as_of"],
                is_correction=funds_delta < 0,
                note=_("Funds in place as imported"),
                created_by=self._actor,
            )
            Project.objects.filter(pk=project.pk).update(
                funds_in_place=F("funds_in_place") + to_fen(funds_delta)
            )
            project.funds_in_place = funds
            self._event(
                project,
                ProjectEventKind.CORRECTION if funds_delta < 0 else ProjectEventKind.FUNDING,
                data={"entry": entry.pk, "amount": plain(funds_delta), "via": "import"},
            )
        return True

    def _event(self, project: Project, kind: str, **extra: Any) -> None:
        record_event(
            ProjectEvent,
            subject=project,
            actor=self._actor,
            kind=kind,
            note=extra.pop("note", "") or _("Changed by an import"),
            **extra,
        )


def _column_names(values: dict[str, Any]) -> dict[str, Any]:
    """Model values keyed as the model's attributes (foreign keys also by their _id), so
    they compare with a stored project."""
    out = dict(values)
    for name in (
        "investor_organisation",
        "local_company",
        "zone",
        "responsible_department",
        "responsible_officer",
        "batch",
    ):
        if name in values:
            out[f"{name}_id"] = getattr(values[name], "pk", None)
    return out


def _instance_values(project: Project) -> dict[str, Any]:
    values = {name: getattr(project, name) for name in PROJECT_FIELDS}
    values["stage"] = project.stage
    values["stage_reason"] = project.stage_reason
    return values


# --- export ----------------------------------------------------------------------------------

EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "项目编号"),
    ("external_id", "外部编号"),
    ("name", "项目名称"),
    ("batch__name", "签约批次"),
    ("signed_on", "签约日期"),
    ("investor_name", "投资方"),
    ("local_company_name", "落地企业"),
    ("local_company__uscc", "统一社会信用代码"),
    ("region_code", "行政区划代码"),
    ("zone__name", "园区"),
    ("industry_code", "行业代码"),
    ("technical_field", "技术领域"),
    ("is_contract_type", "是否合同类"),
    ("total_investment", "总投资（元）"),
    ("funds_in_place", "到位资金（元）"),
    ("planned_funds", "计划到位资金（元）"),
    ("planned_funds_due", "计划到位日期"),
    ("responsible_department__name", "责任部门"),
    ("responsible_officer__username", "责任人账号"),
    ("stage", "项目状态"),
    ("started_on", "开工日期"),
    ("in_production_on", "投产日期"),
    ("stage_reason", "停滞或终止原因"),
    ("contact_name", "联系人"),
    ("contact_phone", "联系电话"),
    ("contact_email", "联系邮箱"),
)
EXPORT_HEADERS = [header for _field, header in EXPORT_COLUMNS]


def export_projects(
    *, user: Any, projects: Iterable[Project] | None = None
) -> tuple[list[str], Iterable[list[Any]]]:
    """The ledger in the import format (Chinese headers, yuan), so an export re-imports
    unchanged. ``user`` None is the staff CLI: every project, contacts masked."""
    if projects is None:
        projects = Project.objects.all() if user is None else selectors.projects_visible_to(user)
    qs = (
        Project.objects.filter(pk__in=[p.pk for p in projects])
        if not hasattr(projects, "select_related")
        else projects
    )
    qs = qs.select_related(  # type: ignore[union-attr]
        "batch", "zone", "local_company", "responsible_department", "responsible_officer"
    ).order_by("code")
    fields_map = dict(TechField.choices)
    stage_map = {s.value: str(s.label) for s in ProjectStage}

    def rows() -> Iterable[list[Any]]:
        for project in qs.iterator(chunk_size=2000):
            unmasked = user is not None and selectors.can_see_contacts(user, project)
            out: list[Any] = []
            for path, _header in EXPORT_COLUMNS:
                value: Any = project
                for part in path.split("__"):
                    value = getattr(value, part, None) if value is not None else None
                if path == "technical_field":
                    value = fields_map.get(value or "", "")
                elif path == "stage":
                    value = stage_map[project.stage]
                elif path == "is_contract_type":
                    value = "是" if value else "否"
                elif path in CONTACT_FIELDS and not unmasked:
                    value = mask_field(path, value or "")
                out.append(value)
            yield out

    return list(EXPORT_HEADERS), rows()
