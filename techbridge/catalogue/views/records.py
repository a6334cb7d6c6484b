"""List, detail, create, edit and workflow actions for every record kind."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.catalogue import selectors, services
from techbridge.catalogue.forms import (
    EnterpriseChoiceForm,
    RenewForm,
    ReturnForm,
    record_form_class,
)
from techbridge.catalogue.history import history_lines
from techbridge.catalogue.importers import export_rows
from techbridge.catalogue.kinds import KINDS
from techbridge.catalogue.models import Demand, Expert, Status
from techbridge.catalogue.views.display import body_text, expert_contact, facts
from techbridge.codes.choices import TRL, TechField
from techbridge.codes.selectors import region_query
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.core.forms import (
    INVALID_STATUS,
    Submission,
    form_values,
    report_error,
    submit_form,
)
from techbridge.core.listing import page_of, sort_choice


def _kind_label(kind: str) -> str:
    return str(KINDS[kind]._meta.verbose_name_plural)


def _filters(request: HttpRequest) -> dict[str, Any]:
    get = request.GET
    return {
        "q": get.get("q", "")[:100].strip(),
        "field": get.get("field", "") if get.get("field", "") in TechField.values else "",
        "region": region_query(get.get("region", "")[:40])[0],
        "trl": get.get("trl", "")[:1],
        "status": get.get("status", "") if get.get("status", "") in Status.values else "",
        "owner": get.get("org", "")[:12],
        "sort": sort_choice(request, selectors.SORTS, "new"),
    }


def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    user: Any = request.user
    region_error = region_query(request.GET.get("region", "")[:40])[1]
    qs = selectors.record_list(kind, user=request.user, **_filters(request))
    page = page_of(request, qs.none() if region_error else qs)
    can_create = bool(user.is_authenticated and (user.is_member or selectors.is_bureau_staff(user)))
    filtered = any(v for k, v in request.GET.items() if k not in ("page", "sort"))
    return render(
        request,
        "catalogue/list.html",
        {
            "kind": kind,
            "title": _kind_label(kind),
            "page": page,
            "fields": TechField.choices,
            "region_error": region_error,
            "trls": TRL.choices,
            "statuses": Status.choices,
            "sees_all_statuses": request.user.is_authenticated,
            "filtered": filtered,
            "can_create": can_create,
            "can_record": kind == "demand"
            and user.is_authenticated
            and user.role == Role.STATION_STAFF,
        },
    )


def _visible(request: HttpRequest, kind: str, pk: int) -> Any:
    return get_visible_or_404(selectors.visible_queryset(kind, request.user), pk, request.user)


def record_detail(request: HttpRequest, kind: str, pk: int, revealed: bool = False) -> HttpResponse:
    record = _visible(request, kind, pk)
    user: Any = request.user
    context: dict[str, Any] = {
        "kind": kind,
        "record": record,
        "facts": facts(user, record, revealed=revealed),
        "texts": body_text(user, record),
        "history": history_lines(record, selectors.record_history(record))
        if user.is_authenticated
        else [],
        "can_edit": selectors.can_edit(user, record),
        "can_review": selectors.is_reviewer(user)
        and record.status == Status.SUBMITTED
        and record.owner_id != user.organisation_id,
        "return_form": ReturnForm(),
        "renew_form": RenewForm(),
    }
    if isinstance(record, Expert):
        context["contact"] = expert_contact(user, record, revealed=revealed)
        context["can_reveal"] = services.can_reveal(user) and not revealed
    if isinstance(record, Demand):
        context["can_confirm"] = (
            record.needs_confirmation
            and user.is_authenticated
            and user.is_member
            and user.organisation_id == record.owner_id
        )
        context["can_propose"] = (
            record.status == Status.PUBLISHED
            and user.is_authenticated
            and user.is_member
            and user.organisation_id != record.owner_id
        )
        context["proposals"] = selectors.proposals_visible_to(user).filter(demand=record)
    return render(request, "catalogue/detail.html", context)


def _may_create(user: Any) -> bool:
    return bool(user.is_member or selectors.is_bureau_staff(user))


@login_required
def record_create(request: HttpRequest, kind: str) -> HttpResponse:
    if not _may_create(request.user):
        raise PermissionDenied
    form_class = record_form_class(kind)
    form = form_class(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda: services.record_create(actor=request.user, kind=kind, **form_values(form)),
    )
    if done.value is not None:
        messages.success(request, _("Draft saved. Submit it for review when it is complete."))
        return redirect(done.value.get_absolute_url())
    return render(
        request,
        "catalogue/form.html",
        {"form": form, "kind": kind, "title": _kind_label(kind), "creating": True},
        status=done.status,
    )


@login_required
def demand_record(request: HttpRequest) -> HttpResponse:
    """Station staff record a demand collected on a visit, for an enterprise."""
    if getattr(request.user, "role", None) != Role.STATION_STAFF:
        raise PermissionDenied
    form_class = record_form_class("demand")
    form = form_class(request.POST or None)
    who = EnterpriseChoiceForm(request.POST or None)
    if request.method == "POST" and not who.is_valid():
        form.is_valid()  # show this form's errors too
        done: Submission[Demand] = Submission(status=INVALID_STATUS)
    else:
        done = submit_form(
            request,
            form,
            lambda: services.demand_record_for_enterprise(
                actor=request.user, enterprise=who.cleaned_data["enterprise"], **form_values(form)
            ),
        )
    if done.value is not None:
        messages.success(request, _("Demand recorded; the enterprise is asked to confirm it."))
        return redirect(done.value.get_absolute_url())
    return render(
        request,
        "catalogue/form.html",
        {
            "form": form,
            "who": who,
            "kind": "demand",
            "title": _("Record a demand"),
            "creating": True,
        },
        status=done.status,
    )


@login_required
def record_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _visible(request, kind, pk)
    if not selectors.can_edit(request.user, record):
        deny(request.user, object_type=record._meta.label_lower, object_id=pk, reason="edit")
    form = record_form_class(kind)(request.POST or None, instance=record)
    done = submit_form(
        request,
        form,
        lambda: services.record_update(
            actor=request.user,
            record=record,
            expected_version=form.cleaned_data.get("version") or record.version,
            **form_values(form),
        ),
    )
    if done.saved:
        messages.success(request, _("Changes saved."))
        return redirect(record.get_absolute_url())
    return render(
        request,
        "catalogue/form.html",
        {"form": form, "kind": kind, "record": record, "title": _kind_label(kind)},
        status=done.status,
    )


ACTIONS = {
    "submit",
    "publish",
    "return",
    "withdraw",
    "delete",
    "renew",
    "confirm",
    "reveal",
    "withdraw_consent",
}


@login_required
@require_POST
def record_action(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    record = _visible(request, kind, pk)
    user = request.user
    try:
        if action == "submit":
            services.record_submit(actor=user, record=record)
            messages.success(request, _("Submitted for review."))
        elif action == "publish":
            services.record_publish(actor=user, record=record)
            messages.success(request, _("Published."))
        elif action == "return":
            reason = request.POST.get("reason", "")
            services.record_return(actor=user, record=record, reason=str(reason))
            messages.success(request, _("Returned to the owner."))
        elif action == "withdraw":
            services.record_withdraw(
                actor=user, record=record, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Withdrawn."))
        elif action == "delete":
            services.record_delete(actor=user, record=record)
            messages.success(request, _("Deleted."))
            return redirect("catalogue:workspace")
        elif action == "renew" and isinstance(record, Demand):
            renew = RenewForm(request.POST)
            if not renew.is_valid():
                raise ValidationError(_("Give a valid new expiry date."))
            services.demand_renew(
                actor=user, demand=record, expires_on=renew.cleaned_data["expires_on"]
            )
            messages.success(request, _("Renewed."))
        elif action == "confirm" and isinstance(record, Demand):
            services.demand_confirm(actor=user, demand=record)
            messages.success(request, _("Demand confirmed."))
        elif action == "reveal" and isinstance(record, Expert):
            services.expert_reveal(actor=user, expert=record)
            return record_detail(request, kind, pk, revealed=True)
        elif action == "withdraw_consent" and isinstance(record, Expert):
            services.expert_withdraw_consent(actor=user, expert=record)
            messages.success(request, _("Consent withdrawn; the profile is hidden and erased."))
        else:
            raise Http404
    except PermissionDenied:
        deny(user, object_type=record._meta.label_lower, object_id=pk, reason=action)
    except (TransitionError, ConflictError, ValidationError) as exc:
        report_error(request, exc)
    return redirect(record.get_absolute_url())


@login_required
def record_export(request: HttpRequest, kind: str) -> HttpResponse:
    """The filtered list as CSV or XLSX (visibility and masking as on the page)."""
    from techbridge.imports.exports import write_table

    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    qs = selectors.record_list(kind, user=request.user, **_filters(request))
    headers, rows = export_rows(kind, qs.iterator(chunk_size=2000), user=request.user)
    buffer = io.BytesIO()
    count = write_table(buffer, fmt, headers, rows)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
    audit_record(
        AuditEventType.EXPORT,
        actor=request.user,
        object_type=f"export.{kind}",
        object_repr=f"{kind}.{fmt}",
        detail={"rows": count, "filters": {k: v for k, v in _filters(request).items() if v}},
    )
    return response
