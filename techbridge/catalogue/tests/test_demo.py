"""The demo world: big enough, spread over every field, idempotent."""

from __future__ import annotations

import io
import re

import pytest

from techbridge.accounts import demo as accounts_demo
from techbridge.catalogue import demo
from techbridge.catalogue.kinds import KINDS
from techbridge.catalogue.models import Achievement, Demand, Expert, Instrument, Status
from techbridge.codes.choices import TechField
from techbridge.organisations.models import Organisation
from techbridge.organisations.uscc import clean_uscc

pytestmark = pytest.mark.django_db

# Characters that exist only in traditional script (their simplified forms differ).
TRADITIONAL = re.compile("[鋰電確術發應實驗屬於業與產條處開關種農藥資從專東車導設計]")


def test_demo_world_is_large_varied_and_idempotent(codes, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    accounts_demo.load(out)
    demo.load(out)
    counts = {kind: model._default_manager.count() for kind, model in KINDS.items()}
    demo.load(out)
    assert counts == {kind: model._default_manager.count() for kind, model in KINDS.items()}
    assert Organisation.objects.count() >= 40
    for org in Organisation.objects.exclude(uscc=None):
        assert clean_uscc(org.uscc) == org.uscc
    assert Achievement.objects.filter(status=Status.PUBLISHED).count() >= 150
    assert Expert.objects.count() >= 60 and Instrument.objects.count() >= 60
    assert Demand.objects.count() >= 60
    assert set(Achievement.objects.values_list("technical_field", flat=True)) == set(
        TechField.values
    )
    assert Achievement.objects.filter(status=Status.SUBMITTED).exists()  # the review queue
    assert Demand.objects.filter(recorded_by_station__isnull=False).exists()
    traditional = sum(
        1
        for model in (Achievement, Demand, Expert)
        for text in model._default_manager.values_list(
            "name" if model is Expert else "title", flat=True
        )
        if TRADITIONAL.search(text)
    )
    assert traditional >= 10
    assert all(p.startswith("1380000") for p in Expert.objects.values_list("phone", flat=True))


def test_generate_demo_adds_published_synthetic_achievements(personas) -> None:
    from django.core.management import call_command

    call_command("generate_demo", scale=120, no_progress=True, verbosity=0)
    call_command("generate_demo", scale=30, no_progress=True, verbosity=0)
    synthetic = Achievement.objects.filter(external_id__startswith="syn-")
    assert synthetic.count() == 150
    assert set(synthetic.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert synthetic.values("technical_field").distinct().count() == len(TechField.values)
