"""Pages for shared resources, their agreements, rates and qualifications.

Objects come from the visibility selectors (hidden → 404, audited); every change goes
through services/agreements.py; forms re-render with 400 (refused) or 409 (conflict)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.accounts.roles import Role
from techbridge.codes.choices import TechField
from techbridge.core.forms import SERVICE_ERRORS, form_values, report_error, submit_form
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.sharing import access, importers
from techbridge.sharing.forms.agreements import (
    AgreementForm,
    EndForm,
    ImportForm,
    QualificationForm,
    RateForm,
    ReasonForm,
    ResourceRegisterForm,
    ResourceSettingsForm,
)
from techbridge.sharing.models import Qualification, Resource, ResourceKind, SharingAgreement
from techbridge.sharing.selectors import resources as selectors
from techbridge.sharing.selectors.orders import can_order
from techbridge.sharing.services import agreements as services
from techbridge.sharing.views import transfer

AGREEMENT_ROLES = frozenset({Role.INSTITUTION_MEMBER, Role.BUREAU_STAFF, Role.BROKER})


def _resource(request: HttpRequest, pk: int) -> Resource:
    return get_visible_or_404(selectors.resources_visible_to(request.user), pk, request.user)


def _managed(request: HttpRequest, pk: int) -> Resource:
    resource = _resource(request, pk)
    if not access.manages(request.user, resource):
        deny(request.user, object_type="sharing.resource", object_id=pk, reason="manage")
    return resource


def _agreement(request: HttpRequest, pk: int) -> SharingAgreement:
    return get_visible_or_404(selectors.agreements_visible_to(request.user), pk, request.user)


def _may_manage_agreement(user: Any, agreement: SharingAgreement) -> bool:
    if agreement.resource_id is not None:
        return access.manages(user, agreement.resource)  # type: ignore[arg-type]
    return bool(
        getattr(user, "role", None) == Role.INSTITUTION_MEMBER
        and getattr(user, "organisation_id", None) == agreement.owner_id
    )


def _form_errors(form: Any) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


# --- resources ----------------------------------------------------------------------------


@login_required
def resource_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.resource_list(
        user=request.user,
        q=request.GET.get("q", "")[:100],
        kind=request.GET.get("kind", "")[:16],
        field=request.GET.get("field", "")[:32],
        mine=request.GET.get("mine") == "1",
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "sharing/agreements/resource_list.html",
        {
            "page": page,
            "kinds": ResourceKind.choices,
            "fields": TechField.choices,
            "can_register": selectors.can_register(request.user),
        },
    )


@login_required
def resource_register(request: HttpRequest) -> HttpResponse:
    if not selectors.can_register(request.user):
        raise PermissionDenied
    records = selectors.registrable_records(request.user)
    form = ResourceRegisterForm(request.POST or None, records=records)

    def save() -> Resource:
        kind, pk = form.cleaned_data["record"]
        return services.resource_register(actor=request.user, catalogue_kind=kind, catalogue_id=pk)

    done = submit_form(request, form, save)
    if done.value is not None:
        messages.success(request, _("The record is now shared. Add an agreement and rates."))
        return redirect("sharing:resource", pk=done.value.pk)
    return render(
        request,
        "sharing/agreements/resource_register.html",
        {"form": form, "records": records},
        status=done.status,
    )


@login_required
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource(request, pk)
    user = request.user
    manages = access.manages(user, resource)
    sees_agreements = selectors.can_see_agreements(user, resource)
    today = timezone.localdate()
    return render(
        request,
        "sharing/agreements/resource_detail.html",
        {
            "resource": resource,
            "manages": manages,
            "current_rates": selectors.current_rates(resource, today),
            "rates": selectors.rates_for(resource).select_related("created_by"),
            "agreements": (
                selectors.agreement_list(user=user, resource=resource) if sees_agreements else []
            ),
            "sees_agreements": sees_agreements,
            "qualifications": (
                resource.qualifications.select_related("user").order_by("-valid_until")
                if sees_agreements
                else []
            ),
            "events": resource.events.select_related("actor").order_by("-at", "-id")[:50],
            "today": today,
            "end_form": EndForm(initial={"last_day": today}),
            "reason_form": ReasonForm(),
            "can_order": can_order(user),
        },
    )


@login_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _managed(request, pk)
    form = ResourceSettingsForm(request.POST or None, instance=Resource.objects.get(pk=resource.pk))
    done = submit_form(
        request,
        form,
        lambda: services.resource_update(
            actor=request.user,
            resource=resource,
            expected_version=form.cleaned_data.get("version") or resource.version,
            **form_values(form),
        ),
    )
    if done.saved:
        messages.success(request, _("Changes saved."))
        return redirect("sharing:resource", pk=pk)
    return render(
        request,
        "sharing/agreements/form.html",
        {"form": form, "resource": resource, "title": _("Sharing settings")},
        status=done.status,
    )


@login_required
@require_POST
def resource_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _managed(request, pk)
    try:
        services.resource_refresh(actor=request.user, resource=resource)
        messages.success(request, _("Name, field and region copied again from the catalogue."))
    except SERVICE_ERRORS as exc:
        report_error(request, exc)
    return redirect("sharing:resource", pk=pk)


# --- agreements ---------------------------------------------------------------------------


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    # Owners' institution members, bureau staff and people of operating agencies only; an
    # enterprise member has no agreements to see (deny by default, like the menu entry).
    user_org = getattr(request.user, "organisation", None)
    if getattr(request.user, "role", None) not in AGREEMENT_ROLES and not (
        user_org is not None and user_org.kind == OrganisationKind.AGENCY
    ):
        raise PermissionDenied
    qs = selectors.agreement_list(user=request.user)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    user = request.user
    can_create_wide = getattr(user, "role", None) == Role.INSTITUTION_MEMBER and bool(
        getattr(user, "organisation_id", None)
    )
    return render(
        request,
        "sharing/agreements/agreement_list.html",
        {"page": page, "today": timezone.localdate(), "can_create_wide": can_create_wide},
    )


def _agreement_form_page(
    request: HttpRequest, *, resource: Resource | None, owner: Organisation
) -> HttpResponse:
    form = AgreementForm(
        request.POST or None, owner_id=owner.pk, initial={"valid_from": timezone.localdate()}
    )

    def save() -> SharingAgreement:
        values = form.service_values()
        return services.agreement_create(
            actor=request.user, resource=resource, owner=owner, **values
        )

    done = submit_form(request, form, save)
    if done.value is not None:
        messages.success(request, _("Agreement saved."))
        return redirect("sharing:agreement", pk=done.value.pk)
    return render(
        request,
        "sharing/agreements/form.html",
        {
            "form": form,
            "resource": resource,
            "title": _("New sharing agreement"),
            "scope": resource.name if resource else _("All resources of %(o)s") % {"o": owner},
        },
        status=done.status,
    )


@login_required
def agreement_create(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _managed(request, pk)
    return _agreement_form_page(request, resource=resource, owner=resource.owner)


@login_required
def agreement_create_wide(request: HttpRequest) -> HttpResponse:
    user = request.user
    owner = getattr(user, "organisation", None)
    if getattr(user, "role", None) != Role.INSTITUTION_MEMBER or owner is None:
        raise PermissionDenied
    return _agreement_form_page(request, resource=None, owner=owner)


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    may_manage = _may_manage_agreement(request.user, agreement)
    return render(
        request,
        "sharing/agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "staff": selectors.agreement_staff(agreement),
            "orders_count": services.orders_using(agreement).count(),
            "editable": services.is_agreement_editable(agreement),
            "may_manage": may_manage,
            "events": agreement.events.select_related("actor").order_by("at", "id"),
            "end_form": EndForm(initial={"last_day": timezone.localdate()}),
            "today": timezone.localdate(),
        },
    )


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if not _may_manage_agreement(request.user, agreement):
        deny(request.user, object_type="sharing.sharingagreement", object_id=pk, reason="edit")
    editable = services.is_agreement_editable(agreement)
    initial = {
        "agency": agreement.agency_id,
        "ratio": (agreement.owner_share_bp, agreement.staff_share_bp, agreement.agency_share_bp),
        "valid_until": agreement.valid_until,
        "staff": list(agreement.staff.values_list("pk", flat=True)),
        "requires_approval": agreement.requires_approval,
        "note": agreement.note,
        "version": agreement.version,
    }
    form = AgreementForm(
        request.POST or None,
        owner_id=agreement.owner_id,
        editable=editable,
        creating=False,
        initial=initial,
    )
    done = submit_form(
        request,
        form,
        lambda: services.agreement_update(
            actor=request.user, agreement=agreement, **form.service_values()
        ),
    )
    if done.saved:
        messages.success(request, _("Changes saved."))
        return redirect("sharing:agreement", pk=pk)
    return render(
        request,
        "sharing/agreements/form.html",
        {
            "form": form,
            "agreement": agreement,
            "resource": agreement.resource,
            "title": _("Change the agreement"),
            "locked_note": None
            if editable
            else _(
                "This agreement is in force and orders use it: its ratio, agency and dates "
                "stay as they are. A new ratio is a new agreement from its start date."
            ),
        },
        status=done.status,
    )


@login_required
@require_POST
def agreement_end(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if not _may_manage_agreement(request.user, agreement):
        deny(request.user, object_type="sharing.sharingagreement", object_id=pk, reason="end")
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.agreement_end(
                actor=request.user,
                agreement=agreement,
                last_day=form.cleaned_data["last_day"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The agreement ends on the day you chose."))
        except SERVICE_ERRORS as exc:
            report_error(request, exc)
    return redirect("sharing:agreement", pk=pk)


# --- rates --------------------------------------------------------------------------------


@login_required
def rate_create(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _managed(request, pk)
    form = RateForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    done = submit_form(
        request,
        form,
        lambda: services.rate_create(
            actor=request.user, resource=resource, **form.service_values()
        ),
    )
    if done.saved:
        messages.success(request, _("Rate saved; the rate it replaces ends the day before."))
        return redirect("sharing:resource", pk=pk)
    return render(
        request,
        "sharing/agreements/form.html",
        {"form": form, "resource": resource, "title": _("New rate")},
        status=done.status,
    )


@login_required
@require_POST
def rate_end(request: HttpRequest, pk: int) -> HttpResponse:
    rate = get_visible_or_404(selectors.rates_visible_to(request.user), pk, request.user)
    if not access.manages(request.user, rate.resource):
        deny(request.user, object_type="sharing.rate", object_id=pk, reason="end")
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.rate_end(actor=request.user, rate=rate, last_day=form.cleaned_data["last_day"])
            messages.success(request, _("The rate ends on the day you chose."))
        except SERVICE_ERRORS as exc:
            report_error(request, exc)
    return redirect("sharing:resource", pk=rate.resource_id)


@login_required
def rates_export(request: HttpRequest) -> HttpResponse:
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    resource_id = request.GET.get("resource", "")
    qs = selectors.rates_visible_to(request.user)
    if resource_id.isdigit():
        qs = qs.filter(resource_id=int(resource_id))
    return transfer.export_response(
        request, kind="sharing-rates", fmt=fmt, headers_rows=importers.export_rates(qs)
    )


@login_required
def rates_import(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "role", None) != Role.INSTITUTION_MEMBER:
        raise PermissionDenied
    return transfer.import_page(
        request,
        kind="sharing-rates",
        form_class=ImportForm,
        template="sharing/agreements/import.html",
        title=_("Import rates"),
        columns=importers.RateImporter.columns,
        done_url="sharing:resource_list",
    )


# --- qualifications -----------------------------------------------------------------------


@login_required
def qualification_create(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _managed(request, pk)
    today = timezone.localdate()
    form = QualificationForm(
        request.POST or None,
        initial={"valid_from": today, "valid_until": today + dt.timedelta(days=365)},
    )

    def save() -> Qualification:
        values = dict(form.cleaned_data)
        return services.qualification_grant(
            actor=request.user, resource=resource, user=values.pop("username"), **values
        )

    done = submit_form(request, form, save)
    if done.saved:
        messages.success(request, _("Qualification recorded."))
        return redirect("sharing:resource", pk=pk)
    return render(
        request,
        "sharing/agreements/form.html",
        {"form": form, "resource": resource, "title": _("Record a qualification")},
        status=done.status,
    )


@login_required
@require_POST
def qualification_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    qualification = get_visible_or_404(
        selectors.qualifications_visible_to(request.user), pk, request.user
    )
    if not access.manages(request.user, qualification.resource):
        deny(request.user, object_type="sharing.qualification", object_id=pk, reason="revoke")
    try:
        services.qualification_revoke(
            actor=request.user,
            qualification=qualification,
            reason=request.POST.get("reason", "")[:2000],
        )
        messages.success(request, _("Qualification revoked."))
    except SERVICE_ERRORS as exc:
        report_error(request, exc)
    return redirect("sharing:resource", pk=qualification.resource_id)
