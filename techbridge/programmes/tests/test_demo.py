"""The demo world holds two programmes side by side (issue 15 acceptance): 首都科技条件平台
贵阳工作站 (Guiyang ← Beijing) and 中关村–承德合作 (Chengde ← Haidian); each dashboard counts
its own records, and a Chengde demand's partner signal goes to Haidian resources only."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from techbridge.accounts import demo as accounts_demo
from techbridge.catalogue import demo as catalogue_demo
from techbridge.catalogue.models import Demand
from techbridge.matching import selectors as matching
from techbridge.programmes import demo, selectors
from techbridge.programmes.models import Programme, Target

pytestmark = pytest.mark.django_db


def _actual(programme: Programme, key: str) -> int:
    year = timezone.localdate().year
    return next(r.actual for r in selectors.dashboard(programme, year) if r.metric.key == key)


def test_two_programmes_side_by_side(
    codes, settings, tmp_path, fresh_search_index, django_capture_on_commit_callbacks
) -> None:
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the index updates after commit
        accounts_demo.load(out)
        catalogue_demo.load(out)
        demo.load(out)
    counts = (Programme.objects.count(), Target.objects.count(), Demand.objects.count())
    demo.load(out)  # idempotent
    assert (Programme.objects.count(), Target.objects.count(), Demand.objects.count()) == counts
    guiyang = Programme.objects.get(name=demo.GUIYANG)
    chengde = Programme.objects.get(name=demo.CHENGDE)
    assert guiyang.is_default and Programme.objects.count() == 2

    chengde_demands = Demand.objects.filter(region_code__startswith="1308")
    assert _actual(chengde, "demands_collected") == chengde_demands.count() == 3
    guiyang_demands = Demand.objects.filter(region_code__startswith="5201").exclude(
        status__in=["draft", "withdrawn"]
    )
    year = timezone.localdate().year
    assert (
        _actual(guiyang, "demands_collected")
        == guiyang_demands.filter(created_at__year=year).count()
        > 0
    )

    from techbridge.catalogue.kinds import KINDS

    def signalled(demand: Demand) -> dict[str, bool]:
        """Region of each match → whether it got the partner-region signal."""
        out = {}
        for result in matching.match_demand(demand=demand, limit=30).results:
            region = KINDS[result.kind]._default_manager.get(pk=result.id).region_code
            out[f"{result.kind}:{result.id}:{region}"] = any(
                s["name"] == "partner_region" for s in result.signals
            )
        return out

    chengde_seen = {}
    for demand in chengde_demands:
        chengde_seen.update(signalled(demand))
    assert any(chengde_seen.values())  # some Haidian resource matched
    for key, partnered in chengde_seen.items():
        assert partnered == key.split(":")[2].startswith("110108"), key
    guiyang_seen = {}
    for demand in guiyang_demands.filter(status="published")[:5]:
        guiyang_seen.update(signalled(demand))
    beijing_elsewhere = [k for k, v in guiyang_seen.items() if v and ":110108" not in k]
    assert beijing_elsewhere  # a Guiyang demand's partner is all of Beijing
    for key, partnered in guiyang_seen.items():
        assert partnered == key.split(":")[2].startswith("11"), key
