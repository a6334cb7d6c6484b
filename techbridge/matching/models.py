"""Relevance judgments from the platform itself (issue 13): what brokers and enterprises
said about a candidate for a record — the ground truth ``techbridge eval-matching
--judgments`` measures the ranking against. Ids and codes only: no personal data."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JudgmentSource(models.TextChoices):
    BROKER_RECOMMENDED = "broker_recommended", _("Recommended by a broker")
    ACCEPTED = "accepted", _("Accepted by the enterprise")
    DECLINED = "declined", _("Declined by the enterprise")


class Judgment(models.Model):
    """How relevant ``candidate`` is for ``query`` (a demand and a resource, say), from one
    source; the latest judgment of a pair counts. Grades: 0 not relevant, 1 unclear,
    2 relevant, 3 accepted."""

    GRADE_MAX = 3

    query_kind = models.CharField(_("record kind"), max_length=16)
    query_id = models.BigIntegerField(_("record id"))
    candidate_kind = models.CharField(_("candidate kind"), max_length=16)
    candidate_id = models.BigIntegerField(_("candidate id"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    source = models.CharField(_("source"), max_length=24, choices=JudgmentSource.choices)
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    judged_at = models.DateTimeField(_("judged at"), default=timezone.now)

    class Meta:
        verbose_name = _("relevance judgment")
        verbose_name_plural = _("relevance judgments")
        ordering = ["judged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["query_kind", "query_id", "candidate_kind", "candidate_id", "source"],
                name="mat_judgment_unique",
            ),
            models.CheckConstraint(condition=Q(grade__lte=3), name="mat_judgment_grade_range"),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in JudgmentSource]),
                name="mat_judgment_source_valid",
            ),
        ]
        indexes = [models.Index(fields=["query_kind", "query_id"], name="mat_judgment_query")]

    def __str__(self) -> str:
        return (
            f"{self.query_kind}:{self.query_id} → {self.candidate_kind}:{self.candidate_id} "
            f"= {self.grade}"
        )
