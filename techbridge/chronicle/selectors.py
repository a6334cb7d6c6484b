"""Reads: who edits which programme's chronicle, the timeline, visible articles and imports.

Editors are bureau staff (every programme) and a programme's own staff (``Programme.staff``).
The timeline and published articles are public; drafts and imports are for editors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from techbridge.accounts.roles import Role
from techbridge.chronicle.models import (
    Article,
    ArticleStatus,
    ChronicleEntry,
    EntryFigure,
    ImportStatus,
    ProposalStatus,
    ReportImport,
)
from techbridge.core.actors import is_active_user
from techbridge.programmes.models import Programme


def editable_programmes(user: Any) -> QuerySet[Programme]:
    if not is_active_user(user):
        return Programme.objects.none()
    if user.role == Role.BUREAU_STAFF:
        return Programme.objects.all()
    return Programme.objects.filter(staff=user)


def is_editor(user: Any) -> bool:
    # Bureau staff edit even before any programme exists (their own articles, imports).
    if is_active_user(user) and user.role == Role.BUREAU_STAFF:
        return True
    return editable_programmes(user).exists()


def can_edit(user: Any, programme_id: int | None) -> bool:
    """May ``user`` write for this programme (None: the bureau's own articles)?"""
    if not is_active_user(user):
        return False
    if user.role == Role.BUREAU_STAFF:
        return True
    return programme_id is not None and editable_programmes(user).filter(pk=programme_id).exists()


def public_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(active=True)


def timeline_programmes() -> QuerySet[Programme]:
    """Every programme a timeline may be opened for (inactive ones keep their history)."""
    return Programme.objects.all()


def entries_of(programme: Programme) -> QuerySet[ChronicleEntry]:
    return (
        ChronicleEntry.objects.filter(programme=programme)
        .prefetch_related(Prefetch("figures", queryset=EntryFigure.objects.order_by("position")))
        .order_by("-happened_on", "-id")
    )


@dataclass
class Year:
    year: int
    entries: list[ChronicleEntry]


def timeline(programme: Programme) -> list[Year]:
    """The programme's entries grouped by year, newest year (and entry) first."""
    years: list[Year] = []
    for entry in entries_of(programme):
        if not years or years[-1].year != entry.happened_on.year:
            years.append(Year(entry.happened_on.year, []))
        years[-1].entries.append(entry)
    return years


def editable_entries(user: Any) -> QuerySet[ChronicleEntry]:
    return ChronicleEntry.objects.filter(programme__in=editable_programmes(user))


def articles_visible_to(user: Any) -> QuerySet[Article]:
    """Published articles for everyone; drafts for their programme's editors."""
    published = Q(status=ArticleStatus.PUBLISHED)
    qs = Article.objects.select_related("programme", "created_by")
    if not is_active_user(user):
        return qs.filter(published)
    if user.role == Role.BUREAU_STAFF:
        return qs
    return qs.filter(published | Q(programme__in=editable_programmes(user)))


def editable_articles(user: Any) -> QuerySet[Article]:
    if not is_active_user(user):
        return Article.objects.none()
    if user.role == Role.BUREAU_STAFF:
        return Article.objects.all()
    return Article.objects.filter(programme__in=editable_programmes(user))


def published_articles(programme: Programme | None = None) -> QuerySet[Article]:
    qs = Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("programme")
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.order_by("-published_at", "-id")


def drafts_for(user: Any) -> QuerySet[Article]:
    return editable_articles(user).filter(status=ArticleStatus.DRAFT).order_by("-updated_at")


def imports_visible_to(user: Any) -> QuerySet[ReportImport]:
    return ReportImport.objects.filter(programme__in=editable_programmes(user)).select_related(
        "programme", "created_by"
    )


def pending_imports(user: Any) -> QuerySet[ReportImport]:
    return imports_visible_to(user).filter(status=ImportStatus.PENDING)


def pending_proposal_count(run: ReportImport) -> int:
    return run.proposals.filter(status=ProposalStatus.PENDING).count()
