"""Contract pages: list, detail with its events, form, workflow actions, attachments and
the registrar's queue. Object access: contracts_visible_to, else 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny, duty_required, get_visible_or_404
from techbridge.accounts.roles import Duty
from techbridge.codes.choices import ContractType, TechField
from techbridge.contracts import selectors, services
from techbridge.contracts.forms import AttachmentForm, CertifyForm, ContractForm, ReasonForm
from techbridge.contracts.models import ContractAttachment, ContractStatus, TechnologyContract
from techbridge.core.exceptions import ConflictError, TransitionError
from techbridge.core.forms import form_values, report_error, submit_form
from techbridge.core.history import lines as history_lines
from techbridge.core.listing import page_of, sort_choice

OBJECT_TYPE = "contracts.technologycontract"


def _visible(request: HttpRequest, pk: int) -> TechnologyContract:
    return get_visible_or_404(selectors.contracts_visible_to(request.user), pk, request.user)


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.contract_list(
        user=request.user,
        q=request.GET.get("q", "")[:100],
        status=request.GET.get("status", ""),
        contract_type=request.GET.get("type", ""),
        field=request.GET.get("field", ""),
        sort=sort_choice(request, selectors.SORTS, "new"),
    )
    page = page_of(request, qs)
    return render(
        request,
        "contracts/list.html",
        {
            "page": page,
            "sorts": [
                ("new", _("Newest signing date first")),
                ("old", _("Oldest signing date first")),
                ("amount", _("Largest contract amount first")),
                ("technology_amount", _("Largest technology amount first")),
                ("name", _("Name")),
            ],
            "sort": sort_choice(request, selectors.SORTS, "new"),
            "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
            "statuses": ContractStatus.choices,
            "types": ContractType.choices,
            "fields": TechField.choices,
            "can_create": selectors.can_create(request.user),
        },
    )


@duty_required(Duty.REGISTRAR)
def registrar_queue(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.registrar_queue(user=request.user))
    items = selectors.contracts_flags(page)
    return render(request, "contracts/queue.html", {"page": page, "items": items})


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible(request, pk)
    user = request.user
    can_certify = selectors.can_certify(user, contract)
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "events": contract.events.select_related("actor"),
            "history": history_lines(type(contract), contract.events.select_related("actor")),
            "attachments": contract.attachments.all(),
            "flags": selectors.contract_flags(contract) if can_certify else [],
            "can_edit": selectors.can_edit(user, contract),
            "can_submit": selectors.can_submit(user, contract),
            "can_certify": can_certify and contract.status == ContractStatus.SUBMITTED,
            "can_amend": can_certify and contract.status == ContractStatus.REGISTERED,
            "can_cancel": contract.status != ContractStatus.CANCELLED
            and (
                can_certify
                if contract.status == ContractStatus.REGISTERED
                else selectors.can_edit(user, contract) or can_certify
            ),
            "can_attach": selectors.can_edit(user, contract) or can_certify,
            "certify_form": CertifyForm(
                initial={
                    "contract_type": contract.contract_type,
                    "technical_field": contract.technical_field,
                    "technology_amount": contract.technology_amount,
                    "version": contract.version,
                }
            ),
            "reason_form": ReasonForm(),
            "attachment_form": AttachmentForm(),
        },
    )


def _form_data(form: ContractForm) -> dict[str, Any]:
    return form_values(form, exclude=("reason",))


@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_create(request.user):
        raise PermissionDenied
    initial = {}
    organisation_id = getattr(request.user, "organisation_id", None)
    if organisation_id and request.method == "GET":
        initial["seller_organisation"] = organisation_id
    form = ContractForm(request.POST or None, user=request.user, initial=initial)
    done = submit_form(
        request, form, lambda: services.contract_create(actor=request.user, **_form_data(form))
    )
    if done.value is not None:
        messages.success(request, _("Contract saved as a draft."))
        return redirect("contracts:detail", pk=done.value.pk)
    return render(
        request, "contracts/form.html", {"form": form, "creating": True}, status=done.status
    )


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _visible(request, pk)
    amending = contract.status == ContractStatus.REGISTERED and selectors.can_certify(
        request.user, contract
    )
    if not (amending or selectors.can_edit(request.user, contract)):
        deny(request.user, object_type=OBJECT_TYPE, object_id=pk, reason="edit")
    # The ModelForm writes cleaned values into its instance; give it a copy so the
    # service still sees the stored values and can tell what changed.
    form = ContractForm(
        request.POST or None,
        instance=TechnologyContract.objects.get(pk=contract.pk),
        user=request.user,
        amending=amending,
    )

    def save() -> TechnologyContract:
        version = form.cleaned_data.get("version") or contract.version
        if amending:
            return services.contract_amend(
                actor=request.user,
                contract=contract,
                reason=form.cleaned_data["reason"],
                expected_version=version,
                **_form_data(form),
            )
        return services.contract_update(
            actor=request.user, contract=contract, expected_version=version, **_form_data(form)
        )

    done = submit_form(request, form, save)
    if done.saved:
        messages.success(request, _("Changes saved."))
        return redirect("contracts:detail", pk=contract.pk)
    return render(
        request,
        "contracts/form.html",
        {"form": form, "contract": contract, "amending": amending},
        status=done.status,
    )


@login_required
@require_POST
def contract_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """submit / register / return / cancel / attach, each a service call."""
    contract = _visible(request, pk)
    user = request.user
    try:
        if action == "submit":
            services.contract_submit(actor=user, contract=contract)
            messages.success(request, _("Contract submitted for registration."))
        elif action == "register":
            form = CertifyForm(request.POST)
            if not form.is_valid():
                raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
            services.contract_certify_and_register(
                actor=user,
                contract=contract,
                contract_type=form.cleaned_data["contract_type"],
                technical_field=form.cleaned_data["technical_field"],
                technology_amount=form.cleaned_data["technology_amount"],
                expected_version=form.cleaned_data.get("version") or None,
            )
            messages.success(
                request,
                _("Registered as %(number)s.") % {"number": contract.registration_number},
            )
        elif action in ("return", "cancel"):
            reason = request.POST.get("reason", "")
            service = services.contract_return if action == "return" else services.contract_cancel
            service(actor=user, contract=contract, reason=reason)
            messages.success(request, _("Contract updated."))
        elif action == "attach":
            upload_form = AttachmentForm(request.POST, request.FILES)
            if not upload_form.is_valid():
                raise ValidationError(_("Choose a file to attach."))
            services.contract_attach(
                actor=user, contract=contract, upload=upload_form.cleaned_data["file"]
            )
            messages.success(request, _("Attachment added."))
        else:
            deny(user, object_type=OBJECT_TYPE, object_id=pk, reason=f"action {action[:20]}")
    except (TransitionError, ConflictError, ValidationError) as exc:
        report_error(request, exc)
    return redirect("contracts:detail", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Served as a download (never inline) to those who may see the contract."""
    contract = _visible(request, pk)
    try:
        attachment = contract.attachments.get(pk=attachment_id)
    except ContractAttachment.DoesNotExist:
        deny(request.user, object_type="contracts.contractattachment", object_id=attachment_id)
    return attachment.download()
