"""load_code_lists: a first load creates everything, a second one changes nothing."""

from __future__ import annotations

import pytest

from techbridge.codes import selectors
from techbridge.codes.choices import CODE_LISTS
from techbridge.codes.models import REGION_EDITION, CodeListEntry, Country, Industry, Region
from techbridge.codes.services import load_code_lists

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Region.objects.count(),
        Industry.objects.count(),
        Country.objects.count(),
        CodeListEntry.objects.count(),
    )


def test_loading_twice_changes_nothing() -> None:
    first = load_code_lists()
    assert first["regions"].created == 6564
    assert first["industries"].created == 1970
    assert first["countries"].created == 249
    assert first["tech_field"].created == 11
    counts = _counts()
    assert counts == (6564, 1970, 249, sum(len(s.choices.values) for s in CODE_LISTS.values()))

    second = load_code_lists()
    assert {r.created for r in second.values()} == {0}
    assert {r.updated for r in second.values()} == {0}
    assert {r.stale for r in second.values()} == {0}
    assert second["regions"].unchanged == 6564
    assert _counts() == counts


def test_reload_repairs_a_changed_row_and_keeps_a_renamed_one_until_pruned() -> None:
    load_code_lists(only=["regions"])
    Region.objects.filter(code="520100").update(name="筑城")  # new natural key
    Region.objects.filter(code="130800").update(latitude=0.0, parent=None)
    selectors.clear_cache()

    result = load_code_lists(only=["regions"])["regions"]
    assert result.created == 1  # 贵阳市 again
    assert result.stale == 1  # 筑城 is no longer in the fixture
    assert result.deleted == 0
    # 承德市 itself plus the districts and counties of 贵阳市, moved to the new row.
    assert result.updated == 1 + Region.objects.filter(parent__name="贵阳市").count()
    chengde = Region.objects.get(code="130800")
    assert chengde.parent is not None and chengde.parent.code == "130000"

    pruned = load_code_lists(only=["regions"], prune=True)["regions"]
    assert (pruned.created, pruned.updated, pruned.deleted) == (0, 0, 1)
    assert not Region.objects.filter(name="筑城").exists()
    assert selectors.region_label("520100") == "贵州省 贵阳市"


def test_load_clears_the_selector_cache() -> None:
    assert selectors.get_region("520100") is None  # empty tables, now cached as such
    load_code_lists(only=["regions"])
    region = selectors.get_region("520100")
    assert region is not None and region.edition == REGION_EDITION


def test_unknown_list_name_is_refused() -> None:
    with pytest.raises(ValueError, match="nope"):
        load_code_lists(only=["nope"])


def test_progress_reports_every_row() -> None:
    seen: dict[str, tuple[int, int]] = {}

    def progress(name: str, done: int, total: int) -> None:
        seen[name] = (done, total)

    load_code_lists(only=["industries", "tech_field"], progress=progress)
    assert seen == {"industries": (1970, 1970), "tech_field": (11, 11)}
