"""Cultivation pages: an enterprise's tiers, figures and self-check (its members and
bureau staff), the bureau's register (record, revoke, attach evidence), the list of
enterprises and the cohort dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import get_visible_or_404, role_required
from techbridge.accounts.roles import Role
from techbridge.codes.selectors import region_prefix, region_query
from techbridge.core.forms import SERVICE_ERRORS, form_values, report_error, submit_form
from techbridge.core.listing import page_of, sort_choice
from techbridge.cultivation import charts, labels, selectors, services
from techbridge.cultivation import thresholds as t
from techbridge.cultivation.fields import TIER_FIELDS
from techbridge.cultivation.forms import AttachForm, FiguresForm, RevokeForm, TierRecordForm
from techbridge.cultivation.models import EnterpriseFigures, Tier, TierRecord, TierStatus
from techbridge.organisations.models import Organisation

STAFF = (Role.BUREAU_STAFF,)


def _year(value: Any, default: int) -> int:
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        return default
    return year if 1990 <= year <= default + 1 else default


def _region(text: str) -> tuple[str, str]:
    """A region filter as typed ("花溪区", "贵阳") → (code prefix, message if unknown)."""
    if not text:
        return "", ""
    code, message = region_query(text)
    return (region_prefix(code) if code else ""), message


def _check_rows(organisation: Organisation, figures: EnterpriseFigures) -> list[dict[str, Any]]:
    """The self-check as the template shows it: per tier, per criterion a sentence."""
    rows = []
    for check in selectors.self_check(organisation, figures):
        rows.append(
            {
                "tier": check.tier,
                "label": Tier(check.tier).label,
                "met": check.met,
                "score": check.score,
                "score_parts": check.score_parts,
                "direct_pass": [labels.DIRECT_PASS[k] for k in check.direct_pass],
                "not_assessed": [labels.NOT_ASSESSED[k] for k in check.not_assessed],
                "criteria": [
                    {
                        "label": labels.label(c, check.tier),
                        "sentence": labels.sentence(c),
                        "met": c.met,
                        "verified": c.verified,
                        "source": t.CURRENT.sources[t.CURRENT.thresholds[c.threshold].source],
                        "note": t.CURRENT.thresholds[c.threshold].note,
                    }
                    for c in check.criteria
                ],
            }
        )
    return rows


@role_required(Role.ENTERPRISE_MEMBER)
def mine(request: HttpRequest) -> HttpResponse:
    organisation_id = getattr(request.user, "organisation_id", None)
    if organisation_id is None:
        return render(request, "cultivation/no_enterprise.html")
    return redirect("cultivation:enterprise", pk=organisation_id)


@login_required
def enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_visible_or_404(
        selectors.enterprises_visible_to(request.user), pk, request.user
    )
    today = dt.date.today()
    all_figures = list(selectors.figures_visible_to(request.user).filter(organisation=organisation))
    years = [f.year for f in all_figures]
    default = years[0] if years else today.year - 1
    year = _year(request.GET.get("year"), default)
    figures = next((f for f in all_figures if f.year == year), None)
    records = list(selectors.records_visible_to(request.user).filter(organisation=organisation))
    context = {
        "organisation": organisation,
        "records": records,
        "years": years,
        "year": year,
        "figures": figures,
        "checks": _check_rows(organisation, figures) if figures else [],
        "evidence": selectors.evidence(organisation),
        "is_member": selectors.is_member_of(request.user, organisation),
        "is_staff": selectors.is_bureau_staff(request.user),
        "own_org": getattr(request.user, "organisation_id", None) == organisation.pk,
        "edition": t.CURRENT,
    }
    return render(request, "cultivation/enterprise.html", context)


@login_required
def figures_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organisation = get_visible_or_404(
        selectors.enterprises_visible_to(request.user), pk, request.user
    )
    if not selectors.is_member_of(request.user, organisation):
        raise PermissionDenied
    figures = EnterpriseFigures.objects.filter(organisation=organisation, year=year).first()
    form = FiguresForm(request.POST or None, instance=figures)
    done = submit_form(
        request,
        form,
        lambda: services.figures_save(
            actor=request.user,
            organisation=organisation,
            year=year,
            expected_version=form.cleaned_data.get("version") or None,
            **form_values(form),
        ),
    )
    if done.saved:
        messages.success(request, _("Figures saved."))
        return redirect(f"{organisation_url(organisation)}?year={year}")
    return render(
        request,
        "cultivation/figures_form.html",
        {"form": form, "organisation": organisation, "year": year},
        status=done.status,
    )


def organisation_url(organisation: Organisation) -> str:
    from django.urls import reverse

    return reverse("cultivation:enterprise", kwargs={"pk": organisation.pk})


@role_required(*STAFF)
def enterprises(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    region_text = request.GET.get("region", "").strip()[:60]
    qs = selectors.enterprises_visible_to(request.user).order_by("name", "id")
    if q:
        qs = qs.filter(name__icontains=q)
    region_code, region_error = _region(region_text)
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    return render(
        request,
        "cultivation/enterprises.html",
        {"page": page_of(request, qs), "q": q, "region": region_text, "region_error": region_error},
    )


@role_required(*STAFF)
def register(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    tier = request.GET.get("tier", "")
    status = request.GET.get("status", "")
    region_text = request.GET.get("region", "").strip()[:60]
    region_code, region_error = _region(region_text)
    year_text = request.GET.get("year", "").strip()
    year = _year(year_text, dt.date.today().year) if year_text else None
    sort = sort_choice(request, selectors.SORTS, "new")
    qs = selectors.register_list(
        request.user, q=q, tier=tier, status=status, region=region_code, year=year, sort=sort
    )
    return render(
        request,
        "cultivation/register.html",
        {
            "page": page_of(request, qs),
            "q": q,
            "tier": tier,
            "status": status,
            "region": region_text,
            "region_error": region_error,
            "year": year or "",
            "sort": sort,
            "tiers": Tier.choices,
            "statuses": TierStatus.choices,
        },
    )


@role_required(*STAFF)
def record_new(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_visible_or_404(
        selectors.enterprises_visible_to(request.user), pk, request.user
    )
    form = TierRecordForm(request.POST or None, request.FILES or None)

    def record() -> TierRecord:
        values: dict[str, Any] = {name: form.cleaned_data.get(name) for name in TIER_FIELDS}
        upload = form.cleaned_data.get("attachments")
        return services.tier_record(
            actor=request.user,
            organisation=organisation,
            attachments=[upload] if upload else [],
            **values,
        )

    done = submit_form(request, form, record)
    if done.saved and done.value is not None:
        messages.success(request, _("Tier recorded."))
        return redirect("cultivation:record", pk=done.value.pk)
    return render(
        request,
        "cultivation/record_form.html",
        {"form": form, "organisation": organisation, "validity": t.CURRENT.validity},
        status=done.status,
    )


@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_visible_or_404(selectors.records_visible_to(request.user), pk, request.user)
    return render(
        request,
        "cultivation/record.html",
        {
            "record": obj,
            "events": obj.events.select_related("actor"),
            "attachments": obj.attachments.all(),
            "is_staff": selectors.is_bureau_staff(request.user),
            "own_org": getattr(request.user, "organisation_id", None) == obj.organisation_id,
            "revoke_form": RevokeForm(initial={"version": obj.version}),
            "attach_form": AttachForm(),
        },
    )


@role_required(*STAFF)
@require_POST
def record_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_visible_or_404(selectors.records_visible_to(request.user), pk, request.user)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the tier is revoked."))
        return redirect("cultivation:record", pk=obj.pk)
    try:
        services.tier_revoke(
            actor=request.user,
            record=obj,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data.get("version") or None,
        )
    except SERVICE_ERRORS as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("Tier record revoked."))
    return redirect("cultivation:record", pk=obj.pk)


@role_required(*STAFF)
@require_POST
def record_attach(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_visible_or_404(selectors.records_visible_to(request.user), pk, request.user)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
    else:
        try:
            services.tier_attach(actor=request.user, record=obj, upload=form.cleaned_data["file"])
        except SERVICE_ERRORS as exc:
            report_error(request, exc)
        else:
            messages.success(request, _("File attached."))
    return redirect("cultivation:record", pk=obj.pk)


@login_required
def record_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    obj = get_visible_or_404(selectors.records_visible_to(request.user), pk, request.user)
    attachment = get_visible_or_404(obj.attachments.all(), attachment_id, request.user)
    return attachment.download()  # type: ignore[no-any-return]


@role_required(*STAFF)
def cohorts(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    year = _year(request.GET.get("year"), today.year)
    region_text = request.GET.get("region", "").strip()[:60]
    region_code, region_error = _region(region_text)
    rows = selectors.cohort_by_region(year, region=region_code)
    totals = {tier: sum(r.counts[tier] for r in rows) for tier in t.TIERS}
    per_year = selectors.movements_per_year(region=region_code)
    moves = [
        {"move": m, "tier": Tier(m.tier).label}
        for m in selectors.movements(year=year, region=region_code)
    ]
    return render(
        request,
        "cultivation/cohorts.html",
        {
            "year": year,
            "region": region_text,
            "region_error": region_error,
            "rows": rows,
            "programme_rows": selectors.cohort_by_programme(rows),
            "tiers": [(tier, Tier(tier).label) for tier in t.TIERS],
            "totals": totals,
            "per_year": per_year,
            "moves": moves,
            "engagement": labels.ENGAGEMENT,
            "moves_chart": charts.moves_chart(per_year, title=_("Moves up the ladder per year")),
            "tiers_chart": charts.tiers_chart(
                [(str(Tier(tier).label), totals[tier]) for tier in t.TIERS],
                title=_("Enterprises per tier"),
            ),
        },
    )
