"""The ledger list, a project's page (facts, stage, funds in place, links, history), its
form and its actions. Object access: selectors.projects_visible_to, else 404 (audited)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny
from techbridge.brokerage.selectors import deals_visible_to
from techbridge.codes import selectors as codes
from techbridge.contracts.selectors import contracts_visible_to
from techbridge.core.forms import SERVICE_ERRORS, form_values, report_error, submit_form
from techbridge.core.masking import mask_field
from techbridge.projects import selectors, services
from techbridge.projects.fields import CONTACT_FIELDS
from techbridge.projects.forms import CorrectionForm, FundingForm, LinksForm, ProjectForm, StageForm
from techbridge.projects.models import FundingEntry, Project, ProjectEvent, ProjectStage

OBJECT_TYPE = "projects.project"


def int_or_none(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def visible_project(request: HttpRequest, code: str) -> Project:
    """The project with ``code`` if the user may see it; 404 otherwise (audited)."""
    project = selectors.get_by_code(request.user, code)
    if project is None:
        if Project.objects.filter(code=code).exists():
            deny(request.user, object_type=OBJECT_TYPE, object_id=code)
        raise Http404
    return project


def list_filters(request: HttpRequest) -> dict[str, Any]:
    stage = request.GET.get("stage", "")
    return {
        "q": request.GET.get("q", "")[:100].strip(),
        "batch": int_or_none(request.GET.get("batch")),
        "zone": int_or_none(request.GET.get("zone")),
        "stage": stage if stage in ProjectStage.values else "",
    }


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    filters = list_filters(request)
    qs = selectors.project_list(user=request.user, **filters)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "filters": filters,
            "batches": selectors.batches(),
            "zones": selectors.zones(),
            "stages": ProjectStage.choices,
            "can_create": selectors.can_create(request.user),
            "sees_ledger": selectors.sees_ledger(request.user),
            "export_query": request.GET.urlencode(),
        },
    )


def describe_event(event: ProjectEvent) -> str:
    """What an event changed, in words (no internal ids)."""
    data = event.data or {}
    if event.kind == "stage":
        return _("on %(day)s") % {"day": data.get("on", "")} if data.get("on") else ""
    if event.kind in ("funding", "correction"):
        amount = data.get("amount")
        return _("%(amount)s yuan") % {"amount": f"{Decimal(amount):,.2f}"} if amount else ""
    if event.kind == "updated":
        return "、".join(field_label(name) for name in data.get("fields", {}))
    if event.kind == "linked":
        return "、".join(field_label(name) for name in data)
    return ""


def stage_change(event: ProjectEvent) -> str:
    """ "Signed → Started" in the reader's language ("" when the stage did not move)."""
    labels = dict(ProjectStage.choices)
    parts = [str(labels.get(s, s)) for s in (event.from_state, event.to_state) if s]
    return " → ".join(parts)


def field_label(name: str) -> str:
    """A field's name for people; an old event may name a field that is gone."""
    try:
        return str(getattr(Project._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def funding_rows(project: Project) -> list[dict[str, Any]]:
    """The entries with the running total, oldest first."""
    rows, running = [], Decimal("0.00")
    for entry in selectors.funding_history(project):
        running += entry.amount
        rows.append({"entry": entry, "running": running})
    return rows


def contact_values(user: Any, project: Project) -> dict[str, str]:
    unmasked = selectors.can_see_contacts(user, project)
    return {
        name: (getattr(project, name) if unmasked else mask_field(name, getattr(project, name)))
        for name in CONTACT_FIELDS
    }


@login_required
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    project = visible_project(request, code)
    user = request.user
    can_edit = selectors.can_edit(user, project)
    events = [(e, stage_change(e), describe_event(e)) for e in selectors.events(project)]
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "region_label": codes.region_label(project.region_code),
            "industry_label": codes.industry_label(project.industry_code)
            if project.industry_code
            else "",
            "contact": contact_values(user, project),
            "events": events,
            "funding": funding_rows(project),
            "deals": deals_visible_to(user).filter(projects=project),
            "contracts": contracts_visible_to(user).filter(projects=project),
            "can_edit": can_edit,
            "can_change_stage": selectors.can_change_stage(user, project),
            "resume_to": services.resume_stage(project)
            if project.stage == ProjectStage.STALLED
            else "",
            "stage_form": StageForm(project=project),
            "funding_form": FundingForm(),
            "correction_form": CorrectionForm(),
        },
    )


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_create(request.user):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    batch = int_or_none(request.GET.get("batch"))
    if batch:
        initial["batch"] = batch
    if not selectors.is_ledger_keeper(request.user):
        initial["responsible_department"] = getattr(request.user, "organisation_id", None)
    form = ProjectForm(request.POST or None, user=request.user, initial=initial)
    done = submit_form(
        request, form, lambda: services.project_create(actor=request.user, **form_values(form))
    )
    if done.value is not None:
        messages.success(request, _("Project %(code)s entered.") % {"code": done.value.code})
        return redirect(done.value.get_absolute_url())
    return render(
        request, "projects/form.html", {"form": form, "creating": True}, status=done.status
    )


@login_required
def project_edit(request: HttpRequest, code: str) -> HttpResponse:
    project = visible_project(request, code)
    if not selectors.can_edit(request.user, project):
        deny(request.user, object_type=OBJECT_TYPE, object_id=code, reason="edit")
    # The ModelForm writes cleaned values into its instance: give it a copy so the
    # service still sees the stored values and can tell what changed.
    form = ProjectForm(
        request.POST or None, instance=Project.objects.get(pk=project.pk), user=request.user
    )

    def save() -> Project:
        version = form.cleaned_data.get("version") or project.version
        return services.project_update(
            actor=request.user, project=project, expected_version=version, **form_values(form)
        )

    done = submit_form(request, form, save)
    if done.saved:
        messages.success(request, _("Changes saved."))
        return redirect(project.get_absolute_url())
    return render(
        request, "projects/form.html", {"form": form, "project": project}, status=done.status
    )


@login_required
def project_links(request: HttpRequest, code: str) -> HttpResponse:
    project = visible_project(request, code)
    if not selectors.can_edit(request.user, project):
        deny(request.user, object_type=OBJECT_TYPE, object_id=code, reason="links")
    form = LinksForm(
        request.POST or None,
        user=request.user,
        project=project,
        everything=request.GET.get("all") == "1",
        initial={
            "deals": list(project.deals.values_list("pk", flat=True)),
            "contracts": list(project.contracts.values_list("pk", flat=True)),
        },
    )
    done = submit_form(
        request,
        form,
        lambda: services.project_link(
            actor=request.user,
            project=project,
            deals=form.cleaned_data["deals"],
            contracts=form.cleaned_data["contracts"],
        ),
    )
    if done.saved:
        messages.success(request, _("Links saved."))
        return redirect(project.get_absolute_url())
    return render(
        request,
        "projects/links.html",
        {"form": form, "project": project, "everything": request.GET.get("all") == "1"},
        status=done.status,
    )


@login_required
@require_POST
def project_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """stage / funding / correct, each one service call; a refusal is shown as a message
    with the status it stands for."""
    project = visible_project(request, code)
    user = request.user
    try:
        if action == "stage":
            form = StageForm(request.POST, project=project)
            if not form.is_valid():
                raise _form_error(form)
            services.project_set_stage(
                actor=user,
                project=project,
                stage=form.cleaned_data["stage"],
                on=form.cleaned_data.get("on"),
                reason=form.cleaned_data.get("reason", ""),
                expected_version=form.cleaned_data.get("version") or None,
            )
            messages.success(request, _("Stage changed."))
        elif action == "funding":
            funding = FundingForm(request.POST)
            if not funding.is_valid():
                raise _form_error(funding)
            services.funding_record(actor=user, project=project, **funding.cleaned_data)
            messages.success(request, _("Funds in place recorded."))
        elif action == "correct":
            correction = CorrectionForm(request.POST)
            entry = FundingEntry.objects.filter(
                project=project, pk=int_or_none(request.POST.get("entry")) or 0
            ).first()
            if entry is None:
                deny(
                    user,
                    object_type="projects.fundingentry",
                    object_id=request.POST.get("entry", ""),
                )
            if not correction.is_valid():
                raise _form_error(correction)
            services.funding_correct(actor=user, entry=entry, **correction.cleaned_data)
            messages.success(request, _("Entry corrected; the history keeps both."))
        else:
            deny(user, object_type=OBJECT_TYPE, object_id=code, reason=f"action {action[:20]}")
    except SERVICE_ERRORS as exc:
        report_error(request, exc)
    return redirect(project.get_absolute_url())


def _form_error(form: Any) -> Exception:
    return ValidationError([str(e) for errors in form.errors.values() for e in errors])
