"""Who sees and does what, on pages: bureau staff everything, a handler their
department's projects, the local company its own (read only), everyone else 404; the
pages render for those who may open them, contacts masked for readers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEvent
from techbridge.core.testing import make_user
from techbridge.projects import services
from techbridge.projects.models import FundingEntry, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(ledger, make_project):
    p = make_project()
    services.funding_record(
        actor=ledger.staff, project=p, amount="1234567.89", entry_date=dt.date(2014, 3, 1)
    )
    return p


def _client(ledger, user):
    return ledger.personas.client_for(user)


def test_detail_visibility_by_persona(ledger, project):
    url = project.get_absolute_url()
    p = ledger.personas
    for user in (p.staff, ledger.handler, p.owner, p.colleague):
        assert _client(ledger, user).get(url).status_code == 200, user
    for user in (p.outsider, p.researcher, ledger.other_handler, p.audit_admin, p.system_admin):
        assert _client(ledger, user).get(url).status_code == 404, user
    assert p.anonymous.get(url).status_code == 302
    assert AuditEvent.objects.filter(event="access_denied", object_id=project.code).count() == 5


def test_list_shows_only_visible_projects(ledger, project, make_project):
    hidden = make_project(
        name="观山湖项目",
        responsible_department=ledger.other_department,
        local_company=ledger.personas.other_org,
    )
    url = reverse("projects:list")
    staff = _client(ledger, ledger.staff).get(url).content.decode()
    assert project.name in staff and hidden.name in staff
    handler = _client(ledger, ledger.handler).get(url).content.decode()
    assert project.name in handler and hidden.name not in handler
    owner = _client(ledger, ledger.personas.owner).get(url).content.decode()
    assert project.name in owner and hidden.name not in owner
    outsider = _client(ledger, ledger.personas.researcher).get(url).content.decode()
    assert project.name not in outsider and hidden.name not in outsider


def test_contacts_masked_for_readers_not_for_handlers(ledger, project):
    url = project.get_absolute_url()
    handler = _client(ledger, ledger.handler).get(url).content.decode()
    assert "13812345678" in handler
    ledger.personas.institution.members.exists()
    # The local company sees its own contact; a handler of another department sees nothing.
    assert "13812345678" in _client(ledger, ledger.personas.owner).get(url).content.decode()
    bureau_reader = make_user("reader", Role.DEPARTMENT_HANDLER, ledger.department)
    project.responsible_department = ledger.other_department
    project.save(update_fields=["responsible_department"])
    project.responsible_officer = None
    other = _client(ledger, bureau_reader).get(url)
    assert other.status_code == 404


def test_member_of_the_local_company_cannot_act(ledger, project):
    client = _client(ledger, ledger.personas.owner)
    before = project.version
    client.post(
        reverse("projects:action", args=[project.code, "stage"]),
        {"stage": "started", "on": "2014-02-01"},
    )
    client.post(
        reverse("projects:action", args=[project.code, "funding"]),
        {"amount": "100", "entry_date": "2014-03-02"},
    )
    assert client.get(reverse("projects:edit", args=[project.code])).status_code == 404
    project.refresh_from_db()
    assert project.version == before and project.stage == "signed"
    assert FundingEntry.objects.filter(project=project).count() == 1


def test_handler_moves_the_stage_and_records_funds_through_the_page(ledger, project):
    client = _client(ledger, ledger.handler)
    response = client.post(
        reverse("projects:action", args=[project.code, "stage"]),
        {"stage": "started", "on": "2014-02-01", "version": project.version},
    )
    assert response.status_code == 302
    client.post(
        reverse("projects:action", args=[project.code, "funding"]),
        {"amount": "0.11", "entry_date": "2014-03-02", "note": "第二笔"},
    )
    project.refresh_from_db()
    assert project.stage == "started"
    assert project.funds_in_place == Decimal("1234568.00")
    page = client.get(project.get_absolute_url()).content.decode()
    assert "1,234,568.00" in page and "第二笔" in page
    assert "已签约 → 已开工" in page or "Signed → Started" in page


def test_stall_without_reason_is_refused_on_the_page(ledger, project):
    client = _client(ledger, ledger.staff)
    response = client.post(
        reverse("projects:action", args=[project.code, "stage"]), {"stage": "stalled"}, follow=True
    )
    project.refresh_from_db()
    assert project.stage == "signed"
    assert "原因" in response.content.decode() or "Say why" in response.content.decode()


def test_correction_through_the_page_keeps_both_rows(ledger, project):
    client = _client(ledger, ledger.staff)
    entry = FundingEntry.objects.get(project=project)
    client.post(
        reverse("projects:action", args=[project.code, "correct"]),
        {"entry": entry.pk, "amount": "1234567.00", "reason": "录入错误"},
    )
    project.refresh_from_db()
    assert project.funds_in_place == Decimal("1234567.00")
    assert FundingEntry.objects.filter(project=project).count() == 2


def test_edit_form_conflict_answers_409(ledger, project):
    client = _client(ledger, ledger.staff)
    url = reverse("projects:edit", args=[project.code])
    form = {
        "name": "新名称",
        "batch": ledger.batch.pk,
        "investor_name": project.investor_name,
        "region_code": "520100",
        "zone": ledger.zone.pk,
        "total_investment": "500000000.00",
        "version": project.version,
    }
    assert client.post(url, form).status_code == 302
    assert client.post(url, {**form, "name": "又一个"}).status_code == 409
    project.refresh_from_db()
    assert project.name == "新名称"


def test_create_page_for_staff_and_handlers_only(ledger):
    url = reverse("projects:create")
    assert _client(ledger, ledger.staff).get(url).status_code == 200
    assert _client(ledger, ledger.handler).get(url).status_code == 200
    assert _client(ledger, ledger.personas.owner).get(url).status_code == 403
    response = _client(ledger, ledger.handler).post(
        url,
        {
            "name": "处室新项目",
            "batch": ledger.batch.pk,
            "investor_name": "北京投资方",
            "zone": ledger.zone.pk,
            "total_investment": "1,000.5",
            "planned_funds": "12.345",
        },
    )
    assert response.status_code == 400  # a fen is the finest amount
    assert not Project.objects.exists()
    response = _client(ledger, ledger.handler).post(
        url,
        {
            "name": "处室新项目",
            "batch": ledger.batch.pk,
            "investor_name": "北京投资方",
            "zone": ledger.zone.pk,
            "total_investment": "150万",
        },
    )
    assert response.status_code == 302
    created = Project.objects.get(name="处室新项目")
    assert created.responsible_department == ledger.department
    assert created.region_code == "520100"
    assert created.total_investment == Decimal("1500000.00")


@pytest.mark.parametrize("name", ["projects:dashboard", "projects:overdue", "projects:briefing"])
def test_reports_for_staff_and_handlers_only(ledger, project, name):
    url = reverse(name)
    assert _client(ledger, ledger.staff).get(url).status_code == 200
    assert _client(ledger, ledger.handler).get(url).status_code == 200
    assert _client(ledger, ledger.personas.owner).get(url).status_code == 403
    assert ledger.personas.anonymous.get(url).status_code == 302


def test_dashboard_counts_only_the_handlers_department(ledger, project, make_project):
    make_project(name="别处项目", responsible_department=ledger.other_department)
    page = _client(ledger, ledger.handler).get(reverse("projects:dashboard")).content.decode()
    assert 'data-kpi="signed">1<' in page
    page = _client(ledger, ledger.staff).get(reverse("projects:dashboard")).content.decode()
    assert 'data-kpi="signed">2<' in page
    assert "<svg" in page and "<script" not in page.split("</head>")[1]


def test_briefing_is_printable_and_states_the_sentence(ledger, project):
    services.project_set_stage(
        actor=ledger.staff, project=project, stage="started", on=dt.date(2014, 2, 1)
    )
    page = _client(ledger, ledger.staff).get(reverse("projects:briefing"), {"month": "2014-03"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "projects/projects.css" in text and "data-print" in text
    assert "100.00%" in text  # 1 of 1 started
    assert "2014" in text


def test_overdue_lists_not_started_and_behind_plan(ledger, make_project):
    late = make_project(name="迟迟未开工项目")
    behind = make_project(
        name="资金滞后项目", planned_funds="200000000", planned_funds_due=dt.date(2014, 6, 30)
    )
    page = _client(ledger, ledger.staff).get(reverse("projects:overdue"), {"days": "30"})
    text = page.content.decode()
    assert late.name in text and behind.name in text
    assert "200,000,000.00" in text


def test_export_contains_visible_rows_masked_for_readers(ledger, project, make_project):
    from io import BytesIO

    from openpyxl import load_workbook

    make_project(
        name="别处项目",
        responsible_department=ledger.other_department,
        local_company=ledger.personas.other_org,
    )
    response = _client(ledger, ledger.personas.owner).get(reverse("projects:export"))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert len(rows) == 2  # header + own project
    assert rows[0][0] == "项目编号"
    assert AuditEvent.objects.filter(event="export", object_type="export.projects").exists()


def test_links_page_links_a_registered_contract(ledger, project):
    from techbridge.codes.services import load_code_lists
    from techbridge.contracts import services as contract_services
    from techbridge.contracts.tests.conftest import contract_data
    from techbridge.projects.models import ProjectEvent

    load_code_lists(only=["countries"])

    contract = contract_services.contract_create(
        actor=ledger.personas.owner, **contract_data(ledger.personas)
    )
    contract_services.contract_submit(actor=ledger.personas.owner, contract=contract)
    contract_services.contract_certify_and_register(actor=ledger.staff, contract=contract)
    client = _client(ledger, ledger.staff)
    url = reverse("projects:links", args=[project.code])
    # A contract between other parties: not offered by default (bureau staff would face
    # every contract of the market), one click away with "show all".
    other = contract_services.contract_create(
        actor=ledger.personas.outsider,
        **contract_data(
            ledger.personas, name="别家的合同", seller_organisation=ledger.personas.other_org
        ),
    )
    assert "别家的合同" not in client.get(url).content.decode()
    shown_all = client.get(url, {"all": "1"}).content.decode()
    assert "别家的合同" in shown_all and str(contract) in shown_all
    assert other.pk
    assert client.post(url, {"contracts": [contract.pk]}).status_code == 302
    assert list(project.contracts.all()) == [contract]
    # ... and once linked it is offered by default, ticked.
    assert str(contract) in client.get(url).content.decode()
    assert ProjectEvent.objects.filter(project=project, kind="linked").exists()
    page = client.get(project.get_absolute_url()).content.decode()
    assert contract.name in page
    # A handler who cannot see the contract gets it refused.
    assert (
        _client(ledger, ledger.handler).post(url, {"contracts": [contract.pk]}).status_code == 400
    )
