"""Issue 9 item 7: a JSONL file names its fields per line, so a key that the first line
lacks must still be read on every later line; a key that no column knows is refused with
a message naming it (in every format), never dropped silently."""

from __future__ import annotations

import pytest

from techbridge.catalogue.importers import AchievementImporter
from techbridge.catalogue.models import Achievement
from techbridge.contracts.importers import ContractImporter
from techbridge.contracts.models import TechnologyContract
from techbridge.imports.services import import_file
from techbridge.imports.tests.helpers import contract, write_csv, write_jsonl

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("first_at", [2, 500])
def test_optional_keys_first_seen_on_a_later_line_are_imported(codes, tmp_path, first_at):
    # Lines before ``first_at`` are 技术服务 contracts without ip_type; from there on every
    # line is a 技术转让 contract that names it (and must: transfers need the IP type).
    records = [
        contract(i)
        if i < first_at
        else contract(i, type="技术转让", ip_type="发明专利", seller_type="021")
        for i in range(1, first_at + 3)
    ]
    report = import_file(ContractImporter(actor=None), write_jsonl(tmp_path / "c.jsonl", records))
    assert report.ok, report.errors[:3]
    assert report.created == first_at + 2
    transfers = TechnologyContract.objects.filter(contract_type="transfer")
    assert transfers.count() == 3
    assert set(transfers.values_list("ip_type", "seller_type")) == {("invention_patent", "021")}
    assert not TechnologyContract.objects.filter(contract_type="service").exclude(ip_type="")


def test_catalogue_jsonl_keys_may_differ_per_line(personas, codes, tmp_path):
    lines = [
        {"external_id": "A1", "title": "赤泥提铁"},
        {"external_id": "A2", "title": "高强铝合金", "trl": 6, "asking_price": "12000.50"},
        {"external_id": "A3", "keywords": ["铝合金"], "title": "镁合金", "field": "新材料及其应用"},
    ]
    report = import_file(
        AchievementImporter(actor=None, options={"org": personas.institution.name}),
        write_jsonl(tmp_path / "a.jsonl", lines),
    )
    assert report.ok, report.errors
    a2 = Achievement.objects.get(external_id="A2")
    assert a2.trl == 6 and str(a2.asking_price) == "12000.50"
    a3 = Achievement.objects.get(external_id="A3")
    assert a3.keywords == ["铝合金"] and a3.technical_field == "new_materials"


def test_a_required_key_missing_on_a_later_line_names_that_line(codes, tmp_path):
    records = [contract(1), contract(2, name=None)]
    report = import_file(ContractImporter(actor=None), write_jsonl(tmp_path / "c.jsonl", records))
    assert not report.ok and TechnologyContract.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(2, "name")]


def test_unknown_key_on_a_later_jsonl_line_is_refused_with_the_accepted_names(codes, tmp_path):
    records = [contract(1), contract(2, type="技术转让", ip_tpye="发明专利")]
    report = import_file(ContractImporter(actor=None), write_jsonl(tmp_path / "c.jsonl", records))
    assert not report.ok and TechnologyContract.objects.count() == 0
    unknown = [e for e in report.errors if e.column == "ip_tpye"]
    assert len(unknown) == 1 and unknown[0].row == 2
    assert "ip_tpye" in unknown[0].message and "ip_type" in unknown[0].message
    assert "registration_number" in unknown[0].message  # the accepted names are listed


def test_unknown_csv_header_is_refused_not_ignored(codes, tmp_path):
    path = write_csv(tmp_path / "c.csv", [contract(1, remark="备注")])
    report = import_file(ContractImporter(actor=None), path)
    assert not report.ok and TechnologyContract.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(1, "remark")]
    assert "remark" in report.errors[0].message and "ip_type" in report.errors[0].message


def test_export_only_columns_of_the_catalogue_still_reimport(personas, codes, tmp_path):
    # A catalogue export adds status and published_at; importing it back must still work.
    lines = [{"external_id": "A1", "title": "赤泥提铁", "status": "draft", "published_at": ""}]
    report = import_file(
        AchievementImporter(actor=None, options={"org": personas.institution.name}),
        write_jsonl(tmp_path / "a.jsonl", lines),
    )
    assert report.ok, report.errors
