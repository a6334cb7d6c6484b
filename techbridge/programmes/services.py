"""Writes of the programmes app: programmes and their regions, explicit attributions and
yearly targets. Bureau staff only; every write is audited and leaves a ProgrammeEvent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.codes.selectors import region_prefix, resolve_region
from techbridge.core.actors import Actor, actor_or_none, is_active_user
from techbridge.core.events import record_event
from techbridge.core.exceptions import ConflictError
from techbridge.core.money import parse_amount
from techbridge.programmes import attribution
from techbridge.programmes.metrics import METRICS, channel_choices
from techbridge.programmes.models import (
    LinkKind,
    Programme,
    ProgrammeEvent,
    ProgrammeEventKind,
    ProgrammeKind,
    ProgrammeLink,
    ProgrammeRegion,
    RegionRole,
    Target,
)

EDITABLE = ("name", "short_name", "kind", "description", "launched_on", "active")


DEFAULT_NAME = "默认合作项目"


def default_programme() -> Programme:
    """The default programme, made again if missing (migration 0002 makes it; a database
    flushed by tests or emptied by hand may have lost it)."""
    programme = Programme.objects.filter(is_default=True).first()
    if programme is None:
        try:
            with transaction.atomic():
                programme = Programme.objects.create(
                    name=DEFAULT_NAME, short_name="默认", is_default=True
                )
        except IntegrityError:  # made meanwhile by another process
            programme = Programme.objects.get(is_default=True)
        attribution.forget_programmes()
    return programme


def _require_bureau(actor: Actor) -> None:
    if not (is_active_user(actor) and actor.role in (Role.BUREAU_STAFF, Role.SYSTEM_ADMIN)):
        raise PermissionDenied(_("Only bureau staff manage cooperation programmes."))


def parse_regions(values: Iterable[str] | str, *, field: str) -> list[str]:
    """GB/T 2260 prefixes from what people write: "北京", "贵阳市", "北京市 海淀区",
    "110108", "52", or several of them separated by commas. ValidationError names the
    value it cannot read."""
    if isinstance(values, str):
        for sep in ("，", "、", ";", "；", "\n"):
            values = values.replace(sep, ",")
        values = values.split(",")
    out: list[str] = []
    for raw in values:
        text = "".join(str(raw or "").split())
        if not text:
            continue
        digits = text if text.isdigit() else ""
        if digits and len(digits) in (2, 4):
            prefix = digits
        else:
            try:
                code = digits if len(digits) == 6 else resolve_region(text)
                prefix = region_prefix(code)
            except (ValidationError, ValueError) as error:
                message = " ".join(getattr(error, "messages", [str(error)]))
                raise ValidationError({field: message}) from error
        if prefix not in out:
            out.append(prefix)
    return out


def _overlaps(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _check_regions(programme_id: int | None, homes: Sequence[str], partners: Sequence[str]) -> None:
    for home in homes:
        for partner in partners:
            if _overlaps(home, partner):
                raise ValidationError(
                    {
                        "partner_regions": _(
                            "The region %(region)s is both a home and a partner region of "
                            "this programme."
                        )
                        % {"region": partner}
                    }
                )
    others = ProgrammeRegion.objects.filter(role=RegionRole.HOME).select_related("programme")
    if programme_id:
        others = others.exclude(programme_id=programme_id)
    for row in others:
        for home in homes:
            if _overlaps(home, row.region_code):
                raise ValidationError(
                    {
                        "home_regions": _(
                            "The home region %(region)s overlaps the home region of "
                            "“%(other)s”: a record there could belong to both. Choose a "
                            "region that does not overlap, or attribute single records "
                            "explicitly."
                        )
                        % {"region": home, "other": row.programme.name}
                    }
                )


@transaction.atomic
def programme_save(
    *,
    actor: Actor,
    programme: Programme | None = None,
    name: str,
    short_name: str = "",
    kind: str = ProgrammeKind.STATION,
    description: str = "",
    launched_on: dt.date | None = None,
    active: bool = True,
    home_regions: Iterable[str] | str = (),
    partner_regions: Iterable[str] | str = (),
    staff: Iterable[Any] | None = None,
    stations: Iterable[Any] | None = None,
    expected_version: int | None = None,
) -> Programme:
    """Create (``programme`` None) or change a programme and replace its regions."""
    _require_bureau(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("A programme needs a name.")})
    if kind not in ProgrammeKind.values:
        raise ValidationError({"kind": _("Unknown kind “%(value)s”.") % {"value": kind}})
    homes = parse_regions(home_regions, field="home_regions")
    partners = parse_regions(partner_regions, field="partner_regions")
    _check_regions(programme.pk if programme else None, homes, partners)
    values = {
        "name": name,
        "short_name": (short_name or "").strip(),
        "kind": kind,
        "description": description or "",
        "launched_on": launched_on,
        "active": active,
    }
    try:
        with transaction.atomic():
            if programme is None:
                programme = Programme.objects.create(**values)
                event, changed = ProgrammeEventKind.CREATED, list(values)
                audit_record(AuditEventType.CREATE, actor=actor, obj=programme)
            else:
                changed = [k for k, v in values.items() if getattr(programme, k) != v]
                for key, value in values.items():
                    setattr(programme, key, value)
                programme.save_versioned(
                    expected_version=expected_version, update_fields=[*EDITABLE]
                )
                event = ProgrammeEventKind.CHANGED
                audit_record(
                    AuditEventType.UPDATE, actor=actor, obj=programme, detail={"fields": changed}
                )
    except IntegrityError as error:
        raise ValidationError(
            {"name": _("A programme called “%(name)s” exists already.") % {"name": name}}
        ) from error
    before = sorted((r.role, r.region_code) for r in programme.regions.all())
    after = sorted(
        [(RegionRole.HOME.value, h) for h in homes]
        + [(RegionRole.PARTNER.value, p) for p in partners]
    )
    if before != after:
        programme.regions.all().delete()
        ProgrammeRegion.objects.bulk_create(
            ProgrammeRegion(programme=programme, role=role, region_code=code)
            for role, code in after
        )
        changed = [*changed, "regions"]
    if staff is not None:
        programme.staff.set(list(staff))
    if stations is not None:
        programme.stations.set(list(stations))
    record_event(
        ProgrammeEvent,
        subject=programme,
        actor=actor,
        kind=event,
        data={"fields": changed, "home": homes, "partner": partners},
    )
    transaction.on_commit(attribution.forget_programmes)
    attribution.forget_programmes()
    return programme


@transaction.atomic
def programme_link(
    *, actor: Actor, programme: Programme, kind: str, object_id: int
) -> ProgrammeLink:
    """Credit one record to ``programme`` explicitly (moving it from another programme)."""
    _require_bureau(actor)
    if kind not in LinkKind.values:
        raise ValidationError({"kind": _("Unknown record kind “%(value)s”.") % {"value": kind}})
    model: Any = attribution.RULES[kind].model
    if not model._default_manager.filter(pk=object_id).exists():
        raise ValidationError({"object_id": _("No such record: %(id)s.") % {"id": object_id}})
    link, created = ProgrammeLink.objects.select_for_update().get_or_create(
        kind=kind,
        object_id=object_id,
        defaults={"programme": programme, "created_by": actor_or_none(actor)},
    )
    moved_from = None
    if not created and link.programme_id != programme.pk:
        moved_from = link.programme_id
        link.programme = programme
        link.created_by = actor_or_none(actor)
        link.save(update_fields=["programme", "created_by", "updated_at"])
    record_event(
        ProgrammeEvent,
        subject=programme,
        actor=actor,
        kind=ProgrammeEventKind.LINKED,
        data={"kind": kind, "object_id": object_id, "moved_from": moved_from},
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=programme, detail={"link": kind})
    return link


@transaction.atomic
def programme_unlink(*, actor: Actor, programme: Programme, kind: str, object_id: int) -> None:
    """Drop an explicit attribution; the record then follows the region rule again."""
    _require_bureau(actor)
    deleted, _rows = ProgrammeLink.objects.filter(
        programme=programme, kind=kind, object_id=object_id
    ).delete()
    if deleted:
        record_event(
            ProgrammeEvent,
            subject=programme,
            actor=actor,
            kind=ProgrammeEventKind.UNLINKED,
            data={"kind": kind, "object_id": object_id},
        )
        audit_record(AuditEventType.UPDATE, actor=actor, obj=programme, detail={"unlink": kind})


def parse_target_value(metric_key: str, value: Any) -> int:
    """A target as people write it: a count ("100", "１００", "100项") or, for an amount,
    yuan ("150万", "1,500,000", "2亿元") — returned as an integer (fen for amounts)."""
    metric = METRICS[metric_key]
    text = str(value if value is not None else "").strip()
    if metric.is_amount:
        try:
            yuan = parse_amount(text, allow_zero=True)
        except ValidationError as error:
            raise ValidationError({"value": error.messages}) from error
        return int(yuan * 100)
    cleaned = text.translate(str.maketrans("０１２３４５６７８９，", "0123456789,")).replace(
        ",", ""
    )
    for unit in ("项", "个", "次", "场", "家", "人", "名", "台套", "台"):
        cleaned = cleaned.removesuffix(unit)
    if not cleaned.strip().isdigit():
        raise ValidationError(
            {
                "value": _("“%(value)s” is not a whole number. Write a count such as 100 or 20.")
                % {"value": text}
            }
        )
    return int(cleaned.strip())


@transaction.atomic
def target_set(
    *,
    actor: Actor,
    programme: Programme,
    year: int,
    metric: str,
    value: Any,
    channel: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Target:
    """Set (or change) the ``year``'s target of ``metric``; ``expected_version`` guards a
    change against a concurrent one (ConflictError)."""
    _require_bureau(actor)
    if metric not in METRICS:
        raise ValidationError({"metric": _("Unknown figure “%(value)s”.") % {"value": metric}})
    if not (2000 <= int(year) <= 2100):
        raise ValidationError({"year": _("The year must lie between 2000 and 2100.")})
    if channel and (not METRICS[metric].channels or channel not in dict(channel_choices())):
        raise ValidationError({"channel": _("Unknown channel “%(value)s”.") % {"value": channel}})
    amount = parse_target_value(metric, value)
    target = (
        Target.objects.select_for_update()
        .filter(programme=programme, year=year, metric=metric, channel=channel)
        .first()
    )
    if target is None:
        if expected_version not in (None, 0):
            raise ConflictError()
        target = Target.objects.create(
            programme=programme,
            year=year,
            metric=metric,
            channel=channel,
            value=amount,
            note=note or "",
            set_by=actor_or_none(actor),
        )
        audit_record(AuditEventType.CREATE, actor=actor, obj=target)
    else:
        target.value, target.note, target.set_by = amount, note or "", actor_or_none(actor)
        target.save_versioned(
            expected_version=expected_version, update_fields=["value", "note", "set_by"]
        )
        audit_record(AuditEventType.UPDATE, actor=actor, obj=target, detail={"fields": ["value"]})
    record_event(
        ProgrammeEvent,
        subject=programme,
        actor=actor,
        kind=ProgrammeEventKind.TARGET_SET,
        data={"year": year, "metric": metric, "channel": channel, "value": amount},
    )
    return target


def record_from_address(address: str) -> tuple[str, int]:
    """(kind, id) of the record whose page ``address`` is — a full URL or a path, as copied
    from the browser. ValidationError, naming the address and what would be accepted."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    path = urlsplit((address or "").strip()).path or "/"
    refusal = ValidationError(
        {
            "address": _(
                "“%(value)s” is not the address of a demand, matchmaking meeting, deal, "
                "technology contract, signed project, sharing order or problem report. Open "
                "the record and copy the address from the browser."
            )
            % {"value": address}
        }
    )
    try:
        match = resolve(path)
    except Resolver404 as error:
        raise refusal from error
    kwargs = match.kwargs
    name = match.view_name
    if name == "catalogue:detail" and kwargs.get("kind") == "demand":
        return LinkKind.DEMAND, int(kwargs["pk"])
    simple = {
        "brokerage:event": LinkKind.EVENT,
        "brokerage:deal": LinkKind.DEAL,
        "contracts:detail": LinkKind.CONTRACT,
        "sharing:order": LinkKind.ORDER,
    }
    if name in simple:
        return simple[name], int(kwargs["pk"])
    if name == "projects:detail":
        project = (
            attribution.RULES[LinkKind.PROJECT]
            .model._default_manager.filter(code=kwargs["code"])
            .first()
        )
        if project is not None:
            return LinkKind.PROJECT, int(project.pk)
    if name == "supervision:detail":
        report = (
            attribution.RULES[LinkKind.PROBLEM]
            .model._default_manager.filter(number=kwargs["number"])
            .first()
        )
        if report is not None:
            return LinkKind.PROBLEM, int(report.pk)
    raise refusal
