"""Organisation pages: public directory, detail, create/edit/delete for those allowed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.codes.selectors import region_query
from techbridge.core.forms import form_values, submit_form
from techbridge.core.listing import page_of, sort_choice
from techbridge.core.masking import mask_field
from techbridge.organisations import selectors, services
from techbridge.organisations.forms import OrganisationForm
from techbridge.organisations.models import OrganisationKind


def organisation_list(request: HttpRequest) -> HttpResponse:
    region, region_error = region_query(request.GET.get("region", "")[:40])
    qs = selectors.organisation_list(
        user=request.user,
        q=request.GET.get("q", "")[:100],
        kind=request.GET.get("kind", ""),
        region=region,
        sort=sort_choice(request, selectors.SORTS, "name"),
    )
    page = page_of(request, qs.none() if region_error else qs)
    return render(
        request,
        "organisations/list.html",
        {
            "page": page,
            "sorts": [
                ("name", _("Name")),
                ("new", _("Newest first")),
                ("region", _("Region")),
            ],
            "sort": sort_choice(request, selectors.SORTS, "name"),
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
            "kinds": OrganisationKind.choices,
            "region_error": region_error,
            "can_create": selectors.can_manage_organisations(request.user),
        },
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_or_404(selectors.organisations_visible_to(request.user), pk, request.user)
    reveal = selectors.can_see_contacts(request.user, org)
    contact = {}
    for key in ("name", "phone", "email"):
        name, value = f"contact_{key}", getattr(org, f"contact_{key}")
        contact[key] = value if reveal else mask_field(name, value)
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
    done = submit_form(
        request,
        form,
        lambda: services.organisation_create(actor=request.user, **form_values(form)),
    )
    if done.value is not None:
        messages.success(request, _("Organisation created."))
        return redirect("organisations:detail", pk=done.value.pk)
    return render(
        request, "organisations/form.html", {"form": form, "creating": True}, status=done.status
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_visible_or_404(selectors.organisations_visible_to(request.user), pk, request.user)
    if not selectors.can_edit_organisation(request.user, org):
        deny(request.user, object_type="organisations.organisation", object_id=pk, reason="edit")
    form = OrganisationForm(request.POST or None, instance=org)
    done = submit_form(
        request,
        form,
        lambda: services.organisation_update(
            actor=request.user,
            organisation=org,
            expected_version=form.cleaned_data.get("version") or org.version,
            **form_values(form),
        ),
    )
    if done.saved:
        messages.success(request, _("Changes saved."))
        return redirect("organisations:detail", pk=org.pk)
    return render(
        request, "organisations/form.html", {"form": form, "org": org}, status=done.status
    )


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
