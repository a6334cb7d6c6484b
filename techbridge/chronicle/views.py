"""Chronicle pages: the public timeline and news, and for editors entry forms, article
compose/edit/publish, report import and the review of its proposals."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import get_visible_or_404
from techbridge.audit.models import AuditEventType, AuditResult
from techbridge.audit.services import audit_record
from techbridge.chronicle import selectors, services
from techbridge.chronicle.fields import ENTRY_FIELDS
from techbridge.chronicle.forms import ArticleForm, EntryCreateForm, EntryForm, ImportForm
from techbridge.chronicle.models import ArticleStatus, ProposalStatus, ProposedEntry
from techbridge.chronicle.reading import read_report_upload
from techbridge.core.forms import SERVICE_ERRORS, add_service_errors, report_error, submit_form


def editor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous → login page; signed in but editing no programme → 403 (audited)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.is_editor(request.user):
            audit_record(
                AuditEventType.ACCESS_DENIED,
                actor=request.user,
                result=AuditResult.DENIED,
                object_type="page",
                object_repr=request.path[:200],
            )
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _entry_values(form: EntryForm) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in ENTRY_FIELDS}


# --- public -----------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "chronicle/index.html",
        {
            "programmes": selectors.public_programmes(),
            "news": selectors.published_articles()[:10],
            "editor": selectors.is_editor(request.user),
        },
    )


def timeline(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_visible_or_404(selectors.timeline_programmes(), programme_id, request.user)
    return render(
        request,
        "chronicle/timeline.html",
        {
            "programme": programme,
            "years": selectors.timeline(programme),
            "news": selectors.published_articles(programme)[:5],
            "editor": selectors.can_edit(request.user, programme.pk),
        },
    )


def news(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.published_articles(), 20).get_page(request.GET.get("page"))
    drafts = list(selectors.drafts_for(request.user)[:20])
    return render(
        request,
        "chronicle/news.html",
        {"page": page, "drafts": drafts, "editor": selectors.is_editor(request.user)},
    )


def article(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(selectors.articles_visible_to(request.user), pk, request.user)
    return render(
        request,
        "chronicle/article.html",
        {
            "article": item,
            "attachments": item.attachments.all(),
            "editor": selectors.can_edit(request.user, item.programme_id),
        },
    )


def attachment(request: HttpRequest, pk: int, attachment_id: int) -> Any:
    item = get_visible_or_404(selectors.articles_visible_to(request.user), pk, request.user)
    return get_visible_or_404(item.attachments.all(), attachment_id, request.user).download()


# --- entries ------------------------------------------------------------------------------


@editor_required
def entry_create(request: HttpRequest) -> HttpResponse:
    programmes = selectors.editable_programmes(request.user)
    initial = {"programme": request.GET.get("programme")}
    form = EntryCreateForm(request.POST or None, programmes=programmes, initial=initial)
    done = submit_form(
        request,
        form,
        lambda: services.entry_create(
            actor=request.user, programme=form.cleaned_data["programme"], **_entry_values(form)
        ),
    )
    if done.saved and done.value is not None:
        messages.success(request, _("Entry added to the chronicle."))
        return redirect(done.value.get_absolute_url())
    return render(request, "chronicle/entry_form.html", {"form": form}, status=done.status)


@editor_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_visible_or_404(selectors.editable_entries(request.user), pk, request.user)
    initial = EntryForm.initial_from(
        {name: getattr(entry, name) for name in ENTRY_FIELDS if name != "figures"}
        | {"figures": services.entry_figures(entry), "version": entry.version}
    )
    form = EntryForm(request.POST or None, initial=initial)
    done = submit_form(
        request,
        form,
        lambda: services.entry_update(
            actor=request.user,
            entry=entry,
            expected_version=form.cleaned_data.get("version") or entry.version,
            **_entry_values(form),
        ),
    )
    if done.saved:
        messages.success(request, _("Changes saved."))
        return redirect(entry.get_absolute_url())
    return render(
        request, "chronicle/entry_form.html", {"form": form, "entry": entry}, status=done.status
    )


# --- articles -----------------------------------------------------------------------------


def _uploads(form: ArticleForm) -> list[Any]:
    upload = form.cleaned_data.get("attachment")
    return [upload] if upload else []


@editor_required
def article_compose(request: HttpRequest) -> HttpResponse:
    programmes = selectors.editable_programmes(request.user)
    form = ArticleForm(request.POST or None, request.FILES or None, programmes=programmes)
    done = submit_form(
        request,
        form,
        lambda: services.article_create(
            actor=request.user,
            programme=form.cleaned_data["programme"],
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            attachments=_uploads(form),
        ),
    )
    if done.saved and done.value is not None:
        messages.success(request, _("Draft saved."))
        return redirect(done.value.get_absolute_url())
    return render(request, "chronicle/article_form.html", {"form": form}, status=done.status)


@editor_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(selectors.editable_articles(request.user), pk, request.user)
    programmes = selectors.editable_programmes(request.user)
    initial = {
        "programme": item.programme_id,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "version": item.version,
    }
    form = ArticleForm(
        request.POST or None, request.FILES or None, programmes=programmes, initial=initial
    )
    form.fields["programme"].disabled = True
    done = submit_form(
        request,
        form,
        lambda: services.article_update(
            actor=request.user,
            article=item,
            expected_version=form.cleaned_data.get("version") or item.version,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            attachments=_uploads(form),
        ),
    )
    if done.saved:
        messages.success(request, _("Changes saved."))
        return redirect(item.get_absolute_url())
    return render(
        request, "chronicle/article_form.html", {"form": form, "article": item}, status=done.status
    )


@editor_required
@require_POST
def article_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(selectors.editable_articles(request.user), pk, request.user)
    status = (
        ArticleStatus.DRAFT if item.status == ArticleStatus.PUBLISHED else ArticleStatus.PUBLISHED
    )
    try:
        services.article_set_status(actor=request.user, article=item, status=status)
    except SERVICE_ERRORS as exc:
        report_error(request, exc)
    else:
        messages.success(
            request, _("Published.") if status == ArticleStatus.PUBLISHED else _("Back to draft.")
        )
    return redirect(item.get_absolute_url())


# --- report imports -------------------------------------------------------------------------


@editor_required
def imports(request: HttpRequest) -> HttpResponse:
    programmes = selectors.editable_programmes(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, programmes=programmes)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                run, created = _import(request, form)
            except SERVICE_ERRORS as exc:
                if isinstance(exc, ValidationError):
                    add_service_errors(form, exc)
                else:
                    status = report_error(request, exc)
            else:
                if created:
                    messages.success(
                        request,
                        _("%(n)s entries proposed. Check each and accept or reject it.")
                        % {"n": run.proposals.count()},
                    )
                else:
                    messages.info(request, _("This report was imported before; here it is."))
                return redirect(run.get_absolute_url())
    runs = Paginator(selectors.imports_visible_to(request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "chronicle/imports.html", {"form": form, "runs": runs}, status=status)


def _import(request: HttpRequest, form: ImportForm) -> Any:
    upload = form.cleaned_data.get("file")
    text = form.cleaned_data.get("text") or ""
    if upload and text.strip():
        raise ValidationError({"text": _("Paste the text or upload a file, not both.")})
    name = ""
    if upload:
        text, name = read_report_upload(upload), upload.name
    return services.report_import(
        actor=request.user,
        programme=form.cleaned_data["programme"],
        text=text,
        title=form.cleaned_data.get("title") or "",
        source_url=form.cleaned_data.get("source_url") or "",
        published_on=form.cleaned_data.get("published_on"),
        original_name=name,
    )


def _proposal_form(proposal: ProposedEntry, data: Any = None) -> EntryForm:
    initial = EntryForm.initial_from(services.proposal_values(proposal))
    return EntryForm(data, initial=initial, prefix=f"p{proposal.pk}")


@editor_required
def import_review(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_visible_or_404(selectors.imports_visible_to(request.user), pk, request.user)
    return _review(request, run)


def _review(
    request: HttpRequest, run: Any, bound: EntryForm | None = None, status: int = 200
) -> HttpResponse:
    rows = []
    for proposal in run.proposals.select_related("accepted_entry").order_by("position"):
        form = bound if bound is not None and bound.prefix == f"p{proposal.pk}" else None
        if proposal.status == ProposalStatus.PENDING and form is None:
            form = _proposal_form(proposal)
        rows.append({"proposal": proposal, "form": form})
    return render(request, "chronicle/review.html", {"run": run, "rows": rows}, status=status)


@editor_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int, proposal_id: int) -> HttpResponse:
    run = get_visible_or_404(selectors.imports_visible_to(request.user), pk, request.user)
    proposal = get_visible_or_404(run.proposals.all(), proposal_id, request.user)
    if request.POST.get("decision") == "reject":
        try:
            services.proposal_reject(actor=request.user, proposal=proposal)
        except SERVICE_ERRORS as exc:
            return _review(request, run, status=report_error(request, exc))
        messages.success(request, _("Proposal rejected."))
        return redirect(run.get_absolute_url())
    if request.POST.get("decision") != "accept":
        messages.error(request, _("Choose accept or reject."))
        return _review(request, run, status=400)
    form = _proposal_form(proposal, request.POST)
    done = submit_form(
        request,
        form,
        lambda: services.proposal_accept(
            actor=request.user, proposal=proposal, **_entry_values(form)
        ),
    )
    if done.saved:
        messages.success(request, _("Entry added to the chronicle."))
        return redirect(run.get_absolute_url())
    return _review(request, run, bound=form, status=done.status)
