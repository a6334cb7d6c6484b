import io

import pytest

from techbridge.chronicle import demo
from techbridge.chronicle.models import Article, ChronicleEntry, ReportImport
from techbridge.programmes.models import Programme

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_skips_missing_programmes(personas) -> None:
    Programme.objects.create(name="中关村–承德合作")
    demo.load(io.StringIO())
    counts = (ChronicleEntry.objects.count(), Article.objects.count(), ReportImport.objects.count())
    assert counts == (2, 1, 1)
    assert ReportImport.objects.get().proposals.count() == 2
    demo.load(io.StringIO())
    assert (
        ChronicleEntry.objects.count(),
        Article.objects.count(),
        ReportImport.objects.count(),
    ) == counts
