"""The demo loader runs after the accounts' (and catalogue's) demo and is idempotent."""

from __future__ import annotations

import io

import pytest

from techbridge.accounts import demo as accounts_demo
from techbridge.brokerage import demo
from techbridge.brokerage.models import Deal, MatchmakingEvent, Meeting, VisitLog
from techbridge.catalogue import demo as catalogue_demo

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(codes, settings, tmp_path, fresh_search_index):
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    accounts_demo.load(out)
    catalogue_demo.load(out)
    demo.load(out)
    counts = (Deal.objects.count(), Meeting.objects.count(), VisitLog.objects.count())
    demo.load(out)
    assert (Deal.objects.count(), Meeting.objects.count(), VisitLog.objects.count()) == counts
    stages = set(Deal.objects.filter(broker__username="broker").values_list("stage", flat=True))
    assert {"publication", "valuation", "financing", "closed"} <= stages
    event = MatchmakingEvent.objects.get(title=demo.EVENT_TITLE)
    assert event.status == "published"
    assert Meeting.objects.filter(event=event).count() == 3
    assert VisitLog.objects.count() == 1
