"""The demo world tells a story: Beijing → Guizhou concentrated in a few fields."""

from __future__ import annotations

import io

import pytest

from techbridge.accounts import demo as accounts_demo
from techbridge.contracts import demo
from techbridge.contracts.models import ContractStatus, TechnologyContract
from techbridge.stats.bulletin import contract_bulletin
from techbridge.stats.selectors import StatsFilter

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_bulletin_tells_the_story(codes, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    accounts_demo.load(out)
    demo.load(out)
    count = TechnologyContract.objects.count()
    demo.load(out)
    assert TechnologyContract.objects.count() == count
    assert TechnologyContract.objects.filter(status=ContractStatus.SUBMITTED).count() == 2
    bulletin = contract_bulletin(StatsFilter(seller_region="110000", buyer_region="520000"))
    assert bulletin.stats.count > 200
    assert bulletin.leading_fields[:2] == ["现代交通", "城市建设与社会发展"]
    assert "北京输出到贵州省" in bulletin.sentence
