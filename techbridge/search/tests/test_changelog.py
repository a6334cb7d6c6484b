"""The durable index change log: written in the business transaction, followed by every
node's index from its own cursor (issue 10)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from techbridge.catalogue.services import records as record_services
from techbridge.search import changelog, follower, indexing
from techbridge.search.backends import reset_backends
from techbridge.search.models import IndexChange, IndexCursor
from techbridge.search.selectors import search

pytestmark = pytest.mark.django_db


def titles(q: str) -> list[str]:
    return [r.title for r in search(q=q).results]


def use_node(settings, path: Path) -> None:
    """Point this process at another node's index directory."""
    follower.release_locks()
    reset_backends()
    settings.SEARCH_INDEX_DIR = path


def test_rolled_back_change_writes_no_log_row(personas, fresh_search_index):
    before = IndexChange.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_services.record_create(
            actor=personas.researcher,
            kind="achievement",
            title="回滚的成果",
            technical_field="new_energy",
        )
        assert IndexChange.objects.count() == before + 1  # written inside the transaction
        raise RuntimeError("the business transaction fails")
    assert IndexChange.objects.count() == before


def test_committed_change_is_logged_inside_the_transaction(personas, fresh_search_index):
    with transaction.atomic():
        record = record_services.record_create(
            actor=personas.researcher,
            kind="achievement",
            title="提交的成果",
            technical_field="new_energy",
        )
        # Before the commit: the row is part of the same transaction, not an after-commit
        # callback that a kill -9 could lose.
        row = IndexChange.objects.get(kind="achievement", record_pk=record.pk)
    assert IndexChange.objects.filter(pk=row.pk).exists()


def test_cursor_is_stored_with_the_index_and_follows_the_log(catalogue, fresh_search_index):
    record = catalogue.published(title="钠离子电池正极", summary="层状氧化物")
    cursor = follower.read_cursor()
    assert cursor is not None
    assert cursor.high == IndexChange.objects.latest("pk").pk
    assert list(fresh_search_index.glob("cursor-*.json"))
    catalogue.withdraw(record)
    assert follower.read_cursor().high == IndexChange.objects.latest("pk").pk
    assert titles("钠离子") == []


def test_a_second_node_rebuilds_then_follows(catalogue, settings, tmp_path):
    catalogue.published(title="光伏硅片切割", summary="金刚线")
    use_node(settings, tmp_path / "node-b")
    assert follower.apply_pending() >= 0  # empty index: rebuild, then follow
    assert titles("金刚线") == ["光伏硅片切割"]
    use_node(settings, tmp_path / "node-c")
    follower.apply_pending()
    assert titles("金刚线") == ["光伏硅片切割"]


def test_reapplying_the_log_changes_nothing(catalogue, fresh_search_index):
    record = catalogue.published(title="氢燃料电池电堆", summary="质子交换膜")
    # A crash after the index commit but before the cursor was saved: apply again.
    rewind(3)
    assert follower.apply_pending() == 3
    assert titles("电堆") == ["氢燃料电池电堆"]
    assert indexing.differences("achievement") == (set(), set())
    catalogue.withdraw(record)
    rewind(4)
    assert follower.apply_pending() == 4
    assert titles("电堆") == []


def rewind(n: int) -> None:
    """Put this node's cursor ``n`` changes back, as if the last save had been lost."""
    cursor = follower.read_cursor()
    rows = list(IndexChange.objects.filter(pk__lte=cursor.high).order_by("-pk")[: n + 1])
    if len(rows) > n:
        back = rows[n]
        cursor = cursor.replace(high=back.pk, high_at=changelog.stamp(back.created_at))
    else:
        cursor = cursor.replace(high=0, high_at=0)  # back to the start of the log
    follower.write_cursor(cursor)


def test_a_change_committed_out_of_id_order_is_not_skipped(catalogue, fresh_search_index):
    """PostgreSQL hands out ids at insert time, so a transaction holding a smaller id can
    commit after the follower has read larger ones: the hole is remembered and filled."""
    a = catalogue.published(title="稀土萃取分离", summary="串级萃取")
    b = catalogue.published(title="盐湖提锂吸附剂", summary="铝系吸附")
    high = follower.read_cursor().high
    # b's change arrives with id high+2 first; a's later commit carries high+1.
    IndexChange.objects.create(id=high + 2, kind="achievement", record_pk=b.pk)
    follower.apply_pending()
    cursor = follower.read_cursor()
    assert cursor.high == high + 2 and cursor.gaps == [(high + 1, high + 1, cursor.gaps[0][2])]
    # Meanwhile a was withdrawn in that slow transaction (without the hook, to show that
    # only the late log row makes the index notice).
    type(a)._base_manager.filter(pk=a.pk).update(status="withdrawn")
    IndexChange.objects.create(id=high + 1, kind="achievement", record_pk=a.pk)
    follower.apply_pending()
    assert titles("萃取") == []
    assert follower.read_cursor().gaps == []


def test_a_database_restored_behind_the_cursor_triggers_a_rebuild(catalogue, fresh_search_index):
    catalogue.published(title="秸秆还田机械", summary="粉碎")
    cursor = follower.read_cursor()
    # The cursor's change no longer exists (log pruned past this node, or restored backup).
    IndexChange.objects.filter(pk=cursor.high).delete()
    indexing.reset_index()
    follower.apply_pending()
    assert titles("秸秆") == ["秸秆还田机械"]


def test_prune_keeps_what_any_known_node_still_needs(catalogue, fresh_search_index):
    catalogue.published(title="智能灌溉控制器", summary="滴灌")
    follower.publish_cursor(force=True)
    old = timezone.now() - timedelta(days=8)
    IndexChange.objects.update(created_at=old)
    mine = IndexCursor.objects.get(node=follower.node_name())
    # Another node, seen an hour ago, stands on the second change.
    second = IndexChange.objects.order_by("pk").values_list("pk", flat=True)[1]
    IndexCursor.objects.create(
        node="other", generation="g", position=second, updated_at=timezone.now()
    )
    total = IndexChange.objects.count()
    assert follower.prune() == 1  # only the first change is below every cursor
    assert IndexChange.objects.count() == total - 1
    IndexCursor.objects.filter(node="other").update(updated_at=old)  # gone for 8 days
    follower.prune()
    # Everything below this node's position went; the change its cursor stands on stays.
    assert not IndexChange.objects.filter(pk__lt=mine.position).exists()
    assert IndexChange.objects.filter(pk=mine.position).exists()
    assert follower.apply_pending() == 0 and titles("灌溉") == ["智能灌溉控制器"]


def test_check_and_repair_reports_cursor_and_fixes_a_lost_document(catalogue, fresh_search_index):
    record = catalogue.published(title="桥梁健康监测", summary="光纤传感")
    from techbridge.search.backends import get_backend

    get_backend().remove("achievement", [record.pk])
    report = indexing.check_and_repair()
    assert report["fixed"] == 1
    assert report["lag"] == 0 and report["cursor"] == follower.read_cursor().high
    assert titles("桥梁") == ["桥梁健康监测"]
    assert indexing.check_and_repair()["fixed"] == 0


def test_suspended_writes_no_log_rows(personas, fresh_search_index):
    before = IndexChange.objects.count()
    with indexing.suspended():
        record_services.record_create(
            actor=personas.researcher,
            kind="achievement",
            title="批量",
            technical_field="new_energy",
        )
    assert IndexChange.objects.count() == before


def test_an_import_logs_its_published_rows_and_they_become_findable(
    personas, fresh_search_index, tmp_path, django_capture_on_commit_callbacks
):
    from techbridge.catalogue.importers import AchievementImporter
    from techbridge.codes.services import load_code_lists
    from techbridge.imports.services import import_file

    load_code_lists()
    path = tmp_path / "a.csv"
    rows = ["外部编号,成果名称,成果简介,技术领域"]
    rows += [f"IMP-{i},导入的碳化硅衬底 {i},长晶工艺,new_materials" for i in range(30)]
    path.write_text("\n".join(rows), encoding="utf-8")
    before = IndexChange.objects.count()
    importer = AchievementImporter(
        actor=personas.staff, options={"org": personas.institution.name, "publish": True}
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = import_file(importer, path)
    assert report.ok, report.errors
    assert IndexChange.objects.count() - before == 30
    assert len(search(q="碳化硅衬底", limit=50).results) == 30
