"""Organisation pages: public directory, detail, create/edit/delete for those allowed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.core.exceptions import ConflictError
from techbridge.core.forms import add_service_errors
from techbridge.core.masking import mask_email, mask_name, mask_phone
from techbridge.organisations import selectors, services
from techbridge.organisations.forms import OrganisationForm
from techbridge.organisations.models import OrganisationKind


def organisation_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.organisation_list(
        user=request.user,
        q=request.GET.get("q", "")[:100],
        kind=request.GET.get("kind", ""),
        region=request.GET.get("region", "")[:6],
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/list.html",
        {
            "page": page,
            "kinds": OrganisationKind.choices,
            "can_create": selectors.can_manage_organisations(request.user),
        },
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_or_404(selectors.organisations_visible_to(request.user), pk, request.user)
    if selectors.can_see_contacts(request.user, org):
        contact = {"name": org.contact_name, "phone": org.contact_phone, "email": org.contact_email}
    else:
        contact = {
            "name": mask_name(org.contact_name),
            "phone": mask_phone(org.contact_phone),
            "email": mask_email(org.contact_email) if org.contact_email else "",
        }
    return render(
        request,
        "organisations/detail.html",
        {
            "org": org,
            "contact": contact,
            "can_edit": selectors.can_edit_organisation(request.user, org),
            "can_delete": selectors.can_manage_organisations(request.user),
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_manage_organisations(request.user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            org = services.organisation_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation created."))
            return redirect("organisations:detail", pk=org.pk)
    return render(request, "organisations/form.html", {"form": form, "creating": True})


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_or_404(selectors.organisations_visible_to(request.user), pk, request.user)
    if not selectors.can_edit_organisation(request.user, org):
        deny(request.user, object_type="organisations.organisation", object_id=pk, reason="edit")
    form = OrganisationForm(request.POST or None, instance=org)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.organisation_update(
                actor=request.user,
                organisation=org,
                expected_version=form.cleaned_data.get("version") or org.version,
                **data,
            )
        except ConflictError as exc:
            form.add_error(None, exc.message)
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organisations:detail", pk=org.pk)
    return render(request, "organisations/form.html", {"form": form, "org": org}, status=status)


@login_required
@require_POST
def organisation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_or_404(selectors.organisations_visible_to(request.user), pk, request.user)
    if not selectors.can_manage_organisations(request.user):
        deny(request.user, object_type="organisations.organisation", object_id=pk, reason="delete")
    try:
        services.organisation_delete(actor=request.user, organisation=org)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("organisations:detail", pk=pk)
    messages.success(request, _("Organisation deleted."))
    return redirect("organisations:list")
