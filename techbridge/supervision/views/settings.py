"""The bureau's settings pages: SLA clocks per category and urgency, routing rules,
department heads and supervising offices, personal links and Open311 client keys.
Bureau staff only; every change goes through supervision.services.config / credentials."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import role_required
from techbridge.accounts.roles import Role
from techbridge.core.forms import submit_form
from techbridge.organisations.models import Organisation, OrganisationKind
from techbridge.supervision import selectors, services
from techbridge.supervision.forms import (
    ClientForm,
    DepartmentForm,
    LinkForm,
    PolicyForm,
    RoutingForm,
)
from techbridge.supervision.models import (
    DEFAULT_POLICIES,
    Category,
    ContactLink,
    Open311Client,
    RoutingRule,
    SlaPolicy,
    Urgency,
)
from techbridge.supervision.services.config import POLICY_FIELDS, head_candidates

bureau_only = role_required(Role.BUREAU_STAFF)


def _policy_rows() -> list[dict[str, Any]]:
    stored = {(p.category, p.urgency): p for p in SlaPolicy.objects.all()}
    rows = []
    for category, category_label in Category.choices:
        for urgency, urgency_label in Urgency.choices:
            policy = stored.get((category, urgency))
            values = policy.values if policy else DEFAULT_POLICIES[urgency]
            rows.append(
                {
                    "category": category,
                    "category_label": category_label,
                    "urgency": urgency,
                    "urgency_label": urgency_label,
                    "values": values,
                    "stored": policy is not None,
                }
            )
    return rows


@bureau_only
def policies(request: HttpRequest) -> HttpResponse:
    return render(request, "supervision/policies.html", {"rows": _policy_rows()})


@bureau_only
def policy_edit(request: HttpRequest, category: str, urgency: str) -> HttpResponse:
    if category not in Category.values or urgency not in Urgency.values:
        raise Http404()
    policy = SlaPolicy.objects.filter(category=category, urgency=urgency).first()
    values = policy.values if policy else DEFAULT_POLICIES[urgency]
    initial = {f: getattr(values, f) for f in POLICY_FIELDS}
    initial["version"] = policy.version if policy else None
    form = PolicyForm(request.POST or None, initial=initial)
    done = submit_form(
        request,
        form,
        lambda: services.policy_save(
            actor=request.user,
            category=category,
            urgency=urgency,
            expected_version=form.cleaned_data.get("version"),
            **{f: form.cleaned_data[f] for f in POLICY_FIELDS},
        ),
    )
    if done.saved:
        messages.success(request, _("Clock saved. It applies to problems reported from now on."))
        return redirect("supervision:policies")
    return render(
        request,
        "supervision/policy_form.html",
        {"form": form, "category": Category(category).label, "urgency": Urgency(urgency).label},
        status=done.status,
    )


@bureau_only
def routing(request: HttpRequest) -> HttpResponse:
    form = RoutingForm(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda: services.routing_rule_create(
            actor=request.user,
            category=form.cleaned_data["category"],
            zone=form.cleaned_data["zone"],
            department=form.cleaned_data["department"],
        ),
    )
    if done.saved:
        messages.success(request, _("Routing rule added."))
        return redirect("supervision:routing")
    return render(
        request,
        "supervision/routing.html",
        {"form": form, "rules": selectors.routing_rules()},
        status=done.status,
    )


@bureau_only
@require_POST
def routing_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(RoutingRule, pk=pk)
    services.routing_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Routing rule deleted."))
    return redirect("supervision:routing")


@bureau_only
def departments(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "supervision/departments.html",
        {
            "departments": selectors.departments(),
            "organisations": Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT).order_by(
                "name"
            ),
        },
    )


@bureau_only
def department_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation, pk=organisation_id, kind=OrganisationKind.GOVERNMENT
    )
    desk = selectors.departments().filter(organisation=organisation).first()
    initial: dict[str, Any] = {"organisation": organisation}
    if desk is not None:
        initial |= {
            "head": desk.head,
            "supervised_by": desk.supervised_by,
            "is_supervising_office": desk.is_supervising_office,
        }
    form = DepartmentForm(
        request.POST or None, initial=initial, heads=head_candidates(organisation)
    )
    form.fields["organisation"].disabled = True
    done = submit_form(
        request,
        form,
        lambda: services.department_save(
            actor=request.user,
            organisation=organisation,
            head=form.cleaned_data["head"],
            supervised_by=form.cleaned_data["supervised_by"],
            is_supervising_office=form.cleaned_data["is_supervising_office"],
        ),
    )
    if done.saved:
        messages.success(request, _("Department saved."))
        return redirect("supervision:departments")
    return render(
        request,
        "supervision/department_form.html",
        {"form": form, "organisation": organisation},
        status=done.status,
    )


@bureau_only
def links(request: HttpRequest) -> HttpResponse:
    form = LinkForm(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda: services.link_issue(
            actor=request.user,
            project=form.cleaned_data["project"],
            contact_name=form.cleaned_data["contact_name"],
            contact_phone=form.cleaned_data["contact_phone"],
            days=form.cleaned_data["days"],
        ),
    )
    if done.value is not None:
        link, secret = done.value
        url = request.build_absolute_uri(reverse("supervision:mobile_enter", args=[secret]))
        return render(
            request,
            "supervision/issued.html",
            {
                "what": _("Personal link for %(name)s") % {"name": link.contact_name},
                "secret": url,
                "help": _(
                    "Send this link to the contact (e.g. as the WeChat menu's address). It "
                    "is shown only now; issue a new one if it is lost."
                ),
                "back": reverse("supervision:links"),
            },
        )
    return render(
        request,
        "supervision/links.html",
        {"form": form, "links": selectors.contact_links()[:200]},
        status=done.status,
    )


@bureau_only
@require_POST
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(ContactLink, pk=pk)
    services.link_revoke(actor=request.user, link=link)
    messages.success(request, _("Link revoked."))
    return redirect("supervision:links")


@bureau_only
def clients(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST or None)
    done = submit_form(
        request,
        form,
        lambda: services.client_issue(
            actor=request.user,
            name=form.cleaned_data["name"],
            reads_all=form.cleaned_data["reads_all"],
        ),
    )
    if done.value is not None:
        client, key = done.value
        return render(
            request,
            "supervision/issued.html",
            {
                "what": _("API key for %(name)s") % {"name": client.name},
                "secret": key,
                "help": _(
                    "Give this API key to the client system's operator. It is shown only "
                    "now; revoke it and issue a new one if it is lost."
                ),
                "back": reverse("supervision:clients"),
            },
        )
    return render(
        request,
        "supervision/clients.html",
        {"form": form, "clients": selectors.open311_clients()},
        status=done.status,
    )


@bureau_only
@require_POST
def client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(Open311Client, pk=pk)
    services.client_revoke(actor=request.user, client=client)
    messages.success(request, _("Key revoked."))
    return redirect("supervision:clients")
