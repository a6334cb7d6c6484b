"""Writes of the chronicle: entries, articles (draft → published) and report imports.

Every write checks that the actor edits the programme (bureau staff, or the programme's
staff), runs in one transaction and writes its event and audit row. An import only stores
the report and its proposals; an entry is written only when an editor accepts a proposal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.chronicle import extraction, selectors
from techbridge.chronicle.extraction import Figure, ReportError
from techbridge.chronicle.fields import ENTRY_FIELDS
from techbridge.chronicle.models import (
    Article,
    ArticleAttachment,
    ArticleEvent,
    ArticleEventKind,
    ArticleKind,
    ArticleStatus,
    ChronicleEntry,
    DatePrecision,
    EntryEvent,
    EntryEventKind,
    EntryFigure,
    EntryKind,
    ImportEventKind,
    ImportStatus,
    ProposalStatus,
    ProposedEntry,
    Quantity,
    ReportImport,
    ReportImportEvent,
)
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.attachments import store_attachment
from techbridge.core.events import record_event
from techbridge.core.exceptions import TransitionError
from techbridge.programmes.models import Programme

TITLE_MAX = 200
BODY_MAX = 20_000
REPORT_MAX = 100_000
MAX_FIGURES = 20
MAX_NAMES = 20


def _require_editor(actor: Actor, programme_id: int | None) -> None:
    if not selectors.can_edit(actor, programme_id):
        raise PermissionDenied(
            _("Only bureau staff and the programme's staff edit its chronicle and news.")
        )


def _text(value: Any, field: str, limit: int, label: str, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("Enter the %(label)s.") % {"label": label}})
    if len(text) > limit:
        raise ValidationError(
            {
                field: _("The %(label)s is %(n)s characters long; at most %(limit)s.")
                % {"label": label, "n": len(text), "limit": limit}
            }
        )
    return text


def _names(value: Any, field: str) -> list[str]:
    names = (
        extraction.split_names(value)
        if isinstance(value, str)
        else [str(v).strip() for v in value or ()]
    )
    names = [n for n in names if n]
    if len(names) > MAX_NAMES:
        raise ValidationError({field: _("At most %(n)s names.") % {"n": MAX_NAMES}})
    return [n[:100] for n in names]


def _figures(value: Any) -> list[Figure]:
    if isinstance(value, str):
        try:
            figures = extraction.parse_figure_lines(value)
        except ReportError as exc:
            raise ValidationError(
                {
                    "figures": _(
                        "“%(line)s” is not a figure: write one per line as label, number and "
                        "unit, e.g. “签约项目 59 个” or “总投资 660亿元”."
                    )
                    % {"line": exc.detail[:60]}
                }
            ) from None
    else:
        figures = list(value or ())
    if len(figures) > MAX_FIGURES:
        raise ValidationError({"figures": _("At most %(n)s figures.") % {"n": MAX_FIGURES}})
    return figures


def clean_entry_values(values: dict[str, Any]) -> dict[str, Any]:
    """The entry fields checked and normalised (names as lists, figures as Figure)."""
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise ValueError(f"unknown entry fields: {sorted(unknown)}")
    kind = values.get("kind") or EntryKind.OTHER
    if kind not in EntryKind.values:
        raise ValidationError({"kind": _("Choose the kind of event.")})
    precision = values.get("precision") or DatePrecision.DAY
    if precision not in DatePrecision.values:
        raise ValidationError({"precision": _("Choose day, month or year.")})
    happened_on = values.get("happened_on")
    if not isinstance(happened_on, dt.date):
        raise ValidationError({"happened_on": _("Enter the date of the event.")})
    # A month or a year is stored as its first day, so the timeline sorts it first.
    if precision == DatePrecision.MONTH:
        happened_on = happened_on.replace(day=1)
    elif precision == DatePrecision.YEAR:
        happened_on = happened_on.replace(month=1, day=1)
    source_url = _text(
        values.get("source_url"), "source_url", 500, _("source link"), required=False
    )
    if source_url and not source_url.startswith(("http://", "https://")):
        raise ValidationError(
            {"source_url": _("The source link must start with http:// or https://.")}
        )
    published = values.get("source_published_on")
    if published is not None and not isinstance(published, dt.date):
        raise ValidationError({"source_published_on": _("Enter a date.")})
    return {
        "kind": kind,
        "title": _text(values.get("title"), "title", TITLE_MAX, _("title")),
        "summary": _text(values.get("summary"), "summary", BODY_MAX, _("summary"), required=False),
        "happened_on": happened_on,
        "precision": precision,
        "places": _names(values.get("places"), "places"),
        "organisations": _names(values.get("organisations"), "organisations"),
        "figures": _figures(values.get("figures")),
        "source_title": _text(
            values.get("source_title"), "source_title", 200, _("source title"), required=False
        ),
        "source_url": source_url,
        "source_published_on": published,
    }


def _set_figures(entry: ChronicleEntry, figures: Iterable[Figure]) -> None:
    entry.figures.all().delete()
    EntryFigure.objects.bulk_create(
        [
            EntryFigure(
                entry=entry,
                position=i,
                label=f.label[:40],
                quantity=Quantity.MONEY if f.quantity == extraction.MONEY else Quantity.COUNT,
                value=f.value,
                unit="元" if f.quantity == extraction.MONEY else f.unit[:8],
            )
            for i, f in enumerate(figures, start=1)
        ]
    )


def entry_figures(entry: ChronicleEntry) -> list[Figure]:
    return [Figure(f.label, f.quantity, f.value, f.unit) for f in entry.figures.all()]


@transaction.atomic
def entry_create(
    *,
    actor: Actor,
    programme: Programme,
    source_report: ReportImport | None = None,
    proposal: ProposedEntry | None = None,
    **values: Any,
) -> ChronicleEntry:
    """Add an entry to ``programme``'s chronicle; returns it."""
    _require_editor(actor, programme.pk)
    clean = clean_entry_values(values)
    figures = clean.pop("figures")
    entry = ChronicleEntry.objects.create(
        programme=programme,
        source_report=source_report,
        proposal=proposal,
        created_by=actor_or_none(actor),
        **clean,
    )
    _set_figures(entry, figures)
    kind = EntryEventKind.ACCEPTED if proposal is not None else EntryEventKind.CREATED
    data = {"proposal": proposal.pk} if proposal is not None else None
    record_event_entry(entry, actor, kind, data)
    audit_record(AuditEventType.CREATE, actor=actor, obj=entry, detail={"programme": programme.pk})
    return entry


def record_event_entry(entry: ChronicleEntry, actor: Actor, kind: str, data: Any = None) -> None:
    record_event(EntryEvent, subject=entry, actor=actor, kind=kind, data=data)


@transaction.atomic
def entry_update(
    *, actor: Actor, entry: ChronicleEntry, expected_version: int | None = None, **values: Any
) -> ChronicleEntry:
    """Change an entry (optimistic lock on ``expected_version``)."""
    _require_editor(actor, entry.programme_id)
    clean = clean_entry_values(values)
    figures = clean.pop("figures")
    changed = [name for name, value in clean.items() if getattr(entry, name) != value]
    figures_changed = entry_figures(entry) != figures
    for name, value in clean.items():
        setattr(entry, name, value)
    entry.save_versioned(expected_version=expected_version, update_fields=list(clean))
    if figures_changed:
        _set_figures(entry, figures)
        changed.append("figures")
    record_event_entry(entry, actor, EntryEventKind.CHANGED, {"fields": changed})
    audit_record(AuditEventType.UPDATE, actor=actor, obj=entry, detail={"fields": changed})
    return entry


# --- articles -----------------------------------------------------------------------------


def _article_values(kind: Any, title: Any, body: Any) -> dict[str, str]:
    if kind not in ArticleKind.values:
        raise ValidationError({"kind": _("Choose news or notice.")})
    return {
        "kind": kind,
        "title": _text(title, "title", TITLE_MAX, _("title")),
        "body": _text(body, "body", BODY_MAX, _("text")),
    }


@transaction.atomic
def article_create(
    *,
    actor: Actor,
    programme: Programme | None,
    kind: str = ArticleKind.NEWS,
    title: str,
    body: str,
    attachments: Iterable[Any] = (),
) -> Article:
    """A draft article of ``programme`` (None: the bureau's own, bureau staff only)."""
    _require_editor(actor, programme.pk if programme else None)
    article = Article.objects.create(
        programme=programme, created_by=actor_or_none(actor), **_article_values(kind, title, body)
    )
    record_event(ArticleEvent, subject=article, actor=actor, kind=ArticleEventKind.CREATED)
    audit_record(AuditEventType.CREATE, actor=actor, obj=article)
    for upload in attachments:
        article_attach(actor=actor, article=article, upload=upload)
    return article


@transaction.atomic
def article_update(
    *,
    actor: Actor,
    article: Article,
    expected_version: int | None = None,
    kind: str,
    title: str,
    body: str,
    attachments: Iterable[Any] = (),
) -> Article:
    _require_editor(actor, article.programme_id)
    values = _article_values(kind, title, body)
    changed = [name for name, value in values.items() if getattr(article, name) != value]
    for name, value in values.items():
        setattr(article, name, value)
    article.save_versioned(expected_version=expected_version, update_fields=list(values))
    record_event(
        ArticleEvent,
        subject=article,
        actor=actor,
        kind=ArticleEventKind.CHANGED,
        data={"fields": changed},
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=article, detail={"fields": changed})
    for upload in attachments:
        article_attach(actor=actor, article=article, upload=upload)
    return article


@transaction.atomic
def article_attach(*, actor: Actor, article: Article, upload: Any) -> ArticleAttachment:
    _require_editor(actor, article.programme_id)
    attachment = store_attachment(ArticleAttachment, subject=article, actor=actor, upload=upload)
    record_event(
        ArticleEvent,
        subject=article,
        actor=actor,
        kind=ArticleEventKind.ATTACHED,
        data={"attachment": attachment.pk},
    )
    audit_record(
        AuditEventType.UPDATE, actor=actor, obj=article, detail={"attachment": attachment.pk}
    )
    return attachment


@transaction.atomic
def article_set_status(*, actor: Actor, article: Article, status: str) -> Article:
    """Publish a draft or take a published article back to draft."""
    _require_editor(actor, article.programme_id)
    if status not in ArticleStatus.values:
        raise ValidationError({"status": _("Choose draft or published.")})
    old = article.status
    if old == status:
        raise TransitionError(
            _("The article is already published.")
            if status == ArticleStatus.PUBLISHED
            else _("The article is already a draft.")
        )
    published_at = timezone.now() if status == ArticleStatus.PUBLISHED else article.published_at
    updated = Article.objects.filter(pk=article.pk, status=old).update(
        status=status, published_at=published_at, version=article.version + 1
    )
    if updated != 1:
        raise TransitionError(_("Someone else changed the article's status first."))
    article.status, article.published_at, article.version = (
        status,
        published_at,
        article.version + 1,
    )
    kind = (
        ArticleEventKind.PUBLISHED
        if status == ArticleStatus.PUBLISHED
        else ArticleEventKind.UNPUBLISHED
    )
    record_event(
        ArticleEvent, subject=article, actor=actor, kind=kind, from_state=old, to_state=status
    )
    audit_record(
        AuditEventType.TRANSITION, actor=actor, obj=article, detail={"from": old, "to": status}
    )
    return article


# --- report imports -------------------------------------------------------------------------


def _report_error(exc: ReportError) -> ValidationError:
    if exc.code == "binary":
        return ValidationError(
            {"text": _("The report contains binary data; paste or upload plain text.")}
        )
    return ValidationError({"text": str(exc)})


@transaction.atomic
def report_import(
    *,
    actor: Actor,
    programme: Programme,
    text: str,
    title: str = "",
    source_url: str = "",
    published_on: dt.date | None = None,
    original_name: str = "",
) -> tuple[ReportImport, bool]:
    """Clean the report, propose entries from its dated sentences and store both for
    review; nothing is written to the chronicle. The same cleaned text for the same
    programme finds the earlier import: returns (run, created)."""
    _require_editor(actor, programme.pk)
    text = str(text or "")
    if not text.strip():
        raise ValidationError({"text": _("Paste the report's text or upload it as a file.")})
    if len(text) > REPORT_MAX:
        raise ValidationError(
            {
                "text": _("The report is %(n)s characters long; at most %(limit)s.")
                % {"n": len(text), "limit": REPORT_MAX}
            }
        )
    source_url = str(source_url or "").strip()
    if source_url and not source_url.startswith(("http://", "https://")):
        raise ValidationError(
            {"source_url": _("The source link must start with http:// or https://.")}
        )
    try:
        read = extraction.extract(text, published_on=published_on)
    except ReportError as exc:
        raise _report_error(exc) from None
    if not read.paragraphs:
        raise ValidationError(
            {"text": _("Nothing is left of the report once page furniture is removed.")}
        )
    existing = ReportImport.objects.filter(programme=programme, digest=read.digest).first()
    if existing is not None:
        return existing, False
    if not read.proposals:
        raise ValidationError(
            {
                "text": _(
                    "No sentence of the report has a date (such as 2013年9月7日, 9月7日, "
                    "二〇一三年九月 or 2013-09-07), so no entry can be proposed."
                )
            }
        )
    headline = next(
        (p for p in read.paragraphs if 8 <= len(p) <= 80 and not any(c in p for c in "。！？")),
        read.proposals[0].title,
    )
    try:
        with transaction.atomic():
            run = ReportImport.objects.create(
                programme=programme,
                title=_text(title, "title", TITLE_MAX, _("report title"), required=False)
                or headline[:TITLE_MAX],
                source_url=source_url,
                published_on=read.report_date,
                original_name=str(original_name or "")[:200],
                raw_text=text,
                cleaned_text=read.text,
                removed_lines=read.removed_lines,
                repeated_paragraphs=read.repeated_paragraphs,
                digest=read.digest,
                created_by=actor_or_none(actor),
            )
    except IntegrityError:
        # Imported at the same moment by someone else: theirs is the import.
        return ReportImport.objects.get(programme=programme, digest=read.digest), False
    ProposedEntry.objects.bulk_create(
        [
            ProposedEntry(
                run=run,
                position=i,
                sentence=p.sentence,
                context=p.context,
                kind=p.kind,
                title=p.title[:TITLE_MAX],
                happened_on=p.date,
                precision=p.precision,
                places=p.places,
                organisations=p.organisations,
                figures=[f.as_dict() for f in p.figures],
            )
            for i, p in enumerate(read.proposals, start=1)
        ]
    )
    record_event(
        ReportImportEvent,
        subject=run,
        actor=actor,
        kind=ImportEventKind.IMPORTED,
        to_state=run.status,
        data={"proposals": len(read.proposals), "removed_lines": read.removed_lines},
    )
    audit_record(
        AuditEventType.IMPORT, actor=actor, obj=run, detail={"proposals": len(read.proposals)}
    )
    return run, True


def proposal_values(proposal: ProposedEntry) -> dict[str, Any]:
    """The proposal as entry fields (what the review form starts from)."""
    run = proposal.run
    return {
        "kind": proposal.kind,
        "title": proposal.title,
        "summary": (proposal.sentence + proposal.context).strip(),
        "happened_on": proposal.happened_on,
        "precision": proposal.precision,
        "places": list(proposal.places),
        "organisations": list(proposal.organisations),
        "figures": [Figure(**f) for f in proposal.figures],
        "source_title": run.title,
        "source_url": run.source_url,
        "source_published_on": run.published_on,
    }


def _decide(proposal: ProposedEntry, actor: Actor, status: str) -> None:
    """Take the proposal from pending to ``status`` once (a conditional update)."""
    updated = ProposedEntry.objects.filter(pk=proposal.pk, status=ProposalStatus.PENDING).update(
        status=status, decided_by=actor_or_none(actor), decided_at=timezone.now()
    )
    if updated != 1:
        current = ProposedEntry.objects.get(pk=proposal.pk).status
        raise TransitionError(
            _("This proposal was already accepted.")
            if current == ProposalStatus.ACCEPTED
            else _("This proposal was already rejected.")
        )
    proposal.status = status


def _close_if_done(run: ReportImport, actor: Actor) -> None:
    if run.proposals.filter(status=ProposalStatus.PENDING).exists():
        return
    if ReportImport.objects.filter(pk=run.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.DONE
    ):
        record_event(
            ReportImportEvent,
            subject=run,
            actor=actor,
            kind=ImportEventKind.REVIEWED,
            from_state=ImportStatus.PENDING,
            to_state=ImportStatus.DONE,
        )
        run.status = ImportStatus.DONE


@transaction.atomic
def proposal_accept(*, actor: Actor, proposal: ProposedEntry, **values: Any) -> ChronicleEntry:
    """Write the proposal, with the editor's ``values`` (entry fields; missing ones keep
    the proposal's), as one chronicle entry. A second accept is refused (TransitionError)."""
    run = proposal.run
    _require_editor(actor, run.programme_id)
    merged = {**proposal_values(proposal), **values}
    clean_entry_values(merged)  # refuse bad edits before the proposal is decided
    _decide(proposal, actor, ProposalStatus.ACCEPTED)
    entry = entry_create(
        actor=actor, programme=run.programme, source_report=run, proposal=proposal, **merged
    )
    record_event(
        ReportImportEvent,
        subject=run,
        actor=actor,
        kind=ImportEventKind.ACCEPTED,
        data={"proposal": proposal.pk, "entry": entry.pk},
    )
    _close_if_done(run, actor)
    return entry


@transaction.atomic
def proposal_reject(*, actor: Actor, proposal: ProposedEntry) -> ProposedEntry:
    run = proposal.run
    _require_editor(actor, run.programme_id)
    _decide(proposal, actor, ProposalStatus.REJECTED)
    record_event(
        ReportImportEvent,
        subject=run,
        actor=actor,
        kind=ImportEventKind.REJECTED,
        data={"proposal": proposal.pk},
    )
    audit_record(AuditEventType.UPDATE, actor=actor, obj=run, detail={"rejected": proposal.pk})
    _close_if_done(run, actor)
    return proposal
