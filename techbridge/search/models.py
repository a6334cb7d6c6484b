"""The index change log and the nodes' cursors (ADR 0008).

A service that changes what the index should show writes an :class:`IndexChange` row in
its own transaction (``indexing.index_on_commit``), so a rolled-back change logs nothing
and a committed one cannot be lost by a crash. Every node's index applies the log from
its own cursor and reports that cursor in :class:`IndexCursor`, so old changes can be
pruned once no known node needs them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IndexChange(models.Model):
    """ "Record ``record_pk`` of ``kind`` may look different to the index now." The row
    says nothing about how: the follower re-reads the public record (index) or finds it
    gone (remove), so replaying a row is harmless."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=32)
    record_pk = models.BigIntegerField(_("record id"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("index change")
        verbose_name_plural = _("index changes")

    def __str__(self) -> str:
        return f"{self.pk} {self.kind}:{self.record_pk}"


class IndexCursor(models.Model):
    """Where one node's index stands in the log (``position``: every change up to it is
    applied); refreshed by the node's follower, read by pruning and ``index-check``."""

    node = models.CharField(_("node"), max_length=200, unique=True)
    generation = models.CharField(_("index generation"), max_length=100, blank=True)
    position = models.BigIntegerField(_("position"), default=0)
    high = models.BigIntegerField(_("highest applied change"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("index cursor")
        verbose_name_plural = _("index cursors")

    def __str__(self) -> str:
        return f"{self.node} @ {self.position}"
