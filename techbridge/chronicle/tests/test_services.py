"""Imports propose and never write; accepting writes exactly one entry; access and audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent
from techbridge.chronicle import services
from techbridge.chronicle.extraction import COUNT, MONEY, Figure
from techbridge.chronicle.models import (
    ArticleStatus,
    ChronicleEntry,
    ImportStatus,
    ProposalStatus,
    ReportImport,
)
from techbridge.chronicle.tests.report_sample import REPORT
from techbridge.core.exceptions import TransitionError
from techbridge.core.testing import make_user
from techbridge.programmes.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme() -> Programme:
    return Programme.objects.create(name="北部湾—黔山科技合作工作站")


def test_an_import_proposes_and_writes_nothing_until_accepted(personas, programme) -> None:
    before = ChronicleEntry.objects.count()
    run, created = services.report_import(actor=personas.staff, programme=programme, text=REPORT)
    assert created and run.status == ImportStatus.PENDING
    assert run.proposals.count() == 4
    assert ChronicleEntry.objects.count() == before
    assert run.title == "北部湾—黔山科技合作工作站揭牌 首批项目集中签约"

    again, created_again = services.report_import(
        actor=personas.staff, programme=programme, text=REPORT + "\n分享到：微博\n"
    )
    assert (again.pk, created_again) == (run.pk, False)  # same cleaned text: the same run
    assert ReportImport.objects.count() == 1

    meeting = run.proposals.get(position=2)
    entry = services.proposal_accept(
        actor=personas.staff,
        proposal=meeting,
        title="黔山—北部湾科技成果对接会",
        kind="signing",
        figures="签约项目 24 个\n总投资 48.5亿元",
    )
    assert ChronicleEntry.objects.count() == before + 1
    entry.refresh_from_db()
    assert (entry.title, entry.kind, entry.happened_on) == (
        "黔山—北部湾科技成果对接会",
        "signing",
        dt.date(2015, 6, 11),
    )
    assert services.entry_figures(entry) == [
        Figure("签约项目", COUNT, 24, "个"),
        Figure("总投资", MONEY, 485_000_000_000, "元"),
    ]
    assert entry.source_report == run and entry.source_published_on == dt.date(2015, 6, 12)
    with pytest.raises(TransitionError):
        services.proposal_accept(actor=personas.staff, proposal=meeting)
    assert ChronicleEntry.objects.count() == before + 1

    for proposal in run.proposals.filter(status=ProposalStatus.PENDING):
        services.proposal_reject(actor=personas.staff, proposal=proposal)
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert list(run.events.values_list("kind", flat=True)) == [
        "imported",
        "accepted",
        "rejected",
        "rejected",
        "rejected",
        "reviewed",
    ]
    assert AuditEvent.objects.filter(event="import", object_id=str(run.pk)).exists()


def test_a_bad_edit_refuses_the_accept_and_keeps_the_proposal_pending(personas, programme) -> None:
    run, _ = services.report_import(actor=personas.staff, programme=programme, text=REPORT)
    proposal = run.proposals.get(position=1)
    with pytest.raises(ValidationError) as err:
        services.proposal_accept(actor=personas.staff, proposal=proposal, figures="总投资 很多")
    assert "figures" in err.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert ChronicleEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("   ", "Paste the report's text"),
        ("分享到：微信\n版权所有 黔山市", "Nothing is left"),
        ("双方将继续深化合作。", "No sentence of the report has a date"),
        ("a\x00b", "binary"),
    ],
)
def test_bad_reports_are_refused_naming_what_is_wrong(personas, programme, text, words) -> None:
    with pytest.raises(ValidationError) as err:
        services.report_import(actor=personas.staff, programme=programme, text=text)
    assert words in " ".join(err.value.message_dict["text"])
    assert ReportImport.objects.count() == 0


def test_only_editors_write(personas, programme) -> None:
    for user in (personas.owner, personas.outsider, personas.system_admin, None):
        with pytest.raises(PermissionDenied):
            services.report_import(actor=user, programme=programme, text=REPORT)
        with pytest.raises(PermissionDenied):
            services.article_create(actor=user, programme=programme, title="t", body="b")
    station = make_user("station1", Role.STATION_STAFF, personas.institution)
    programme.staff.add(station)
    other = Programme.objects.create(name="别的合作区")
    services.entry_create(
        actor=station, programme=programme, title="揭牌", happened_on=dt.date(2015, 6, 10)
    )
    with pytest.raises(PermissionDenied):
        services.entry_create(
            actor=station, programme=other, title="揭牌", happened_on=dt.date(2015, 6, 10)
        )
    with pytest.raises(PermissionDenied):
        services.article_create(actor=station, programme=None, title="局里新闻", body="正文")


def test_entries_store_month_precision_and_articles_publish_once(personas, programme) -> None:
    entry = services.entry_create(
        actor=personas.staff,
        programme=programme,
        title="工作站筹建",
        happened_on=dt.date(2013, 9, 17),
        precision="month",
        places="贵阳、北京",
    )
    assert entry.happened_on == dt.date(2013, 9, 1) and entry.places == ["贵阳", "北京"]
    services.entry_update(
        actor=personas.staff,
        entry=entry,
        expected_version=1,
        title="工作站筹建启动",
        happened_on=dt.date(2013, 9, 1),
        precision="month",
    )
    assert entry.version == 2 and list(entry.events.values_list("kind", flat=True)) == [
        "created",
        "changed",
    ]
    article = services.article_create(
        actor=personas.staff, programme=programme, title="新闻", body="正文"
    )
    assert article.status == ArticleStatus.DRAFT
    services.article_set_status(actor=personas.staff, article=article, status="published")
    with pytest.raises(TransitionError):
        services.article_set_status(actor=personas.staff, article=article, status="published")
    article.refresh_from_db()
    assert article.status == "published" and article.published_at is not None
