"""Boards, deal pages and deal actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny, get_visible_or_404, role_required
from techbridge.accounts.roles import Role
from techbridge.brokerage import selectors, services
from techbridge.brokerage.forms import (
    AttachmentForm,
    ContractPrefillForm,
    DealForm,
    MoveForm,
    NoteForm,
    ReasonForm,
    TaskForm,
)
from techbridge.brokerage.models import OPEN_STAGES, Deal, DealResult, DealStage
from techbridge.brokerage.views.contacts import resource_contacts
from techbridge.catalogue.kinds import RESOURCE_KINDS
from techbridge.codes.choices import TechField
from techbridge.contracts import selectors as contract_selectors
from techbridge.core.forms import SERVICE_ERRORS, form_values, report_error, submit_form


def _deal(request: HttpRequest, pk: int) -> Deal:
    return get_visible_or_404(selectors.deals_visible_to(request.user), pk, request.user)


@role_required(Role.BROKER)
def broker_board(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    deals = selectors.deals_visible_to(user).filter(broker=user)
    return render(
        request,
        "brokerage/board.html",
        {
            "columns": selectors.board(deals),
            "bureau": False,
            "workload": selectors.workload(user),
            "demands": selectors.demands_to_curate(user),
        },
    )


@role_required(Role.BUREAU_STAFF)
def bureau_board(request: HttpRequest) -> HttpResponse:
    deals = selectors.deal_list(
        user=request.user,
        broker=request.GET.get("broker", ""),
        field=request.GET.get("field", ""),
        q=request.GET.get("q", "")[:100],
    )
    return render(
        request,
        "brokerage/board.html",
        {
            "columns": selectors.board(deals),
            "bureau": True,
            "brokers": selectors.brokers_visible_to(request.user),
            "fields": TechField.choices,
        },
    )


@login_required
def my_deals(request: HttpRequest) -> HttpResponse:
    qs = selectors.deal_list(
        user=request.user, stage=request.GET.get("stage", ""), q=request.GET.get("q", "")[:100]
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    stages = [*DealStage.choices, *DealResult.choices]
    return render(request, "brokerage/deal_list.html", {"page": page, "stages": stages})


def _resource_links(deal: Deal) -> list[dict[str, Any]]:
    """The deal's resources as {"title", "url"}; url None for an entry that names no
    catalogue record (the list is free JSON, edited through the API too)."""
    links = []
    for item in deal.resources or []:
        if not isinstance(item, dict):
            continue
        kind, pk = item.get("kind"), item.get("id")
        url = None
        if kind in RESOURCE_KINDS and isinstance(pk, int):
            url = reverse("catalogue:detail", kwargs={"kind": kind, "pk": pk})
        links.append({"title": item.get("title") or "—", "url": url})
    return links


def _next_stage(deal: Deal) -> str:
    """The label of the stage "next" moves an open deal to ("" at the last one)."""
    if deal.stage not in OPEN_STAGES:
        return ""
    index = OPEN_STAGES.index(deal.stage) + 1
    return str(DealStage(OPEN_STAGES[index]).label) if index < len(OPEN_STAGES) else ""


@login_required
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal(request, pk)
    manage = services.can_manage(request.user, deal)
    contract = deal.contract
    if (
        contract is not None
        and not contract_selectors.contracts_visible_to(request.user)
        .filter(pk=contract.pk)
        .exists()
    ):
        contract_link = False
    else:
        contract_link = contract is not None
    initial_contract = services.contract_prefill(deal)
    reco = deal.recommendation
    return render(
        request,
        "brokerage/deal_detail.html",
        {
            "deal": deal,
            "manage": manage,
            "events": deal.events.select_related("actor"),
            "tasks": deal.tasks.all(),
            "notes": deal.notes.select_related("author"),
            "attachments": deal.attachments.all(),
            "contract": contract,
            "contract_link": contract_link,
            "move_form": MoveForm(initial={"version": deal.version}),
            "reason_form": ReasonForm(initial={"version": deal.version}),
            "task_form": TaskForm(),
            "note_form": NoteForm(),
            "attachment_form": AttachmentForm(),
            "contract_form": ContractPrefillForm(
                initial={
                    "contract_amount": initial_contract.get("contract_amount"),
                    "technology_amount": initial_contract.get("technology_amount"),
                    "signed_on": initial_contract["signed_on"],
                }
            ),
            "stages": [(s, DealStage(s).label) for s in DealStage.values],
            "next_stage": _next_stage(deal),
            "resources": _resource_links(deal),
            "contact": resource_contacts(request.user, [reco], via="deal").get(reco.pk)
            if reco is not None
            else None,
        },
    )


@login_required
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal(request, pk)
    if not services.can_manage(request.user, deal):
        deny(request.user, object_type="brokerage.deal", object_id=pk, reason="edit")
    form = DealForm(request.POST or None, instance=deal)
    done = submit_form(
        request,
        form,
        lambda: services.deal_update(
            actor=request.user,
            deal=deal,
            expected_version=form.cleaned_data.get("version") or deal.version,
            **form_values(form),
        ),
    )
    if done.saved:
        messages.success(request, _("Changes saved."))
        return redirect("brokerage:deal", pk=deal.pk)
    return render(
        request, "brokerage/deal_form.html", {"form": form, "deal": deal}, status=done.status
    )


@role_required(Role.BROKER, Role.BUREAU_STAFF)
@require_POST
def deal_from_recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    reco = get_visible_or_404(selectors.recommendations_visible_to(request.user), pk, request.user)
    try:
        deal = services.deal_create(actor=request.user, recommendation=reco)
    except SERVICE_ERRORS as exc:
        report_error(request, exc)
        return redirect("brokerage:curate", pk=reco.demand_id)
    messages.success(request, _("Deal opened."))
    return redirect("brokerage:deal", pk=deal.pk)


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _act(request: HttpRequest, deal: Deal, action: str) -> Any:
    user, post = request.user, request.POST
    if action == "move":
        form = MoveForm(post)
        if not form.is_valid():
            return _("Choose a stage.")
        return services.deal_move(
            actor=user,
            deal=deal,
            to_stage=form.cleaned_data["to_stage"],
            note=form.cleaned_data["note"],
            expected_version=_version(request),
        )
    if action == "next":
        return services.deal_move(actor=user, deal=deal, expected_version=_version(request))
    if action == "win":
        return services.deal_win(
            actor=user, deal=deal, note=post.get("note", ""), expected_version=_version(request)
        )
    if action == "lose":
        return services.deal_lose(
            actor=user,
            deal=deal,
            reason=post.get("reason", ""),
            expected_version=_version(request),
        )
    if action == "task":
        task_form = TaskForm(post)
        if not task_form.is_valid():
            return _("Name the task.")
        return services.deal_add_task(actor=user, deal=deal, **task_form.cleaned_data)
    if action == "task-done":
        try:
            task = deal.tasks.get(pk=int(post.get("task", "")))
        except (ValueError, deal.tasks.model.DoesNotExist):
            deny(user, object_type="brokerage.dealtask", object_id=post.get("task", ""))
        return services.deal_complete_task(actor=user, task=task)
    if action == "note":
        return services.deal_add_note(actor=user, deal=deal, text=post.get("text", ""))
    if action == "attach":
        file_form = AttachmentForm(post, request.FILES)
        if not file_form.is_valid():
            return _("Choose a file.")
        return services.deal_attach(actor=user, deal=deal, upload=file_form.cleaned_data["file"])
    if action == "contract":
        contract_form = ContractPrefillForm(post)
        if not contract_form.is_valid():
            return " ".join(
                f"{k}: {' '.join(str(e) for e in v)}" for k, v in contract_form.errors.items()
            )
        return services.deal_create_contract(actor=user, deal=deal, **contract_form.cleaned_data)
    deny(user, object_type="brokerage.deal", object_id=deal.pk, reason=f"action {action[:20]}")


@login_required
@require_POST
def deal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    deal = _deal(request, pk)
    if not services.can_manage(request.user, deal):
        deny(request.user, object_type="brokerage.deal", object_id=pk, reason=action[:20])
    try:
        outcome = _act(request, deal, action)
    except SERVICE_ERRORS as exc:
        status = report_error(request, exc)
        response = redirect("brokerage:deal", pk=pk)
        if status == 409:
            response.status_code = 303  # back to a fresh page; the message says why
        return response
    if isinstance(outcome, str):
        messages.error(request, outcome)
    else:
        messages.success(request, _("Done."))
    return redirect("brokerage:deal", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Served as a download (never inline) to those who may see the deal."""
    deal = _deal(request, pk)
    try:
        attachment = deal.attachments.get(pk=attachment_id)
    except deal.attachments.model.DoesNotExist:
        deny(request.user, object_type="brokerage.dealattachment", object_id=attachment_id)
    return attachment.download()
