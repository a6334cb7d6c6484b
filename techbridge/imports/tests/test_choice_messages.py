"""Issue 9 item 8: an unknown value in a choice or code column is reported as unknown —
naming the column, the value and what is accepted — never as a missing value."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from techbridge.catalogue.importers import IMPORTERS as CATALOGUE_IMPORTERS
from techbridge.contracts.importers import ContractImporter
from techbridge.imports.services import import_file
from techbridge.imports.tests.helpers import contract, write_jsonl
from techbridge.organisations.importers import OrganisationImporter

pytestmark = pytest.mark.django_db

ORGANISATION = {"external_id": "O1", "name": "某研究院", "kind": "enterprise"}

# (importer, base record, column, unknown value, one accepted label the message must list)
CASES: list[tuple[str, dict[str, Any], str, str, str]] = [
    ("contracts", contract(1, type="技术转让"), "ip_type", "专利", "发明专利"),
    ("contracts", contract(1), "type", "技术合作", "技术开发"),
    ("contracts", contract(1), "field", "人工智能", "电子信息"),
    ("contracts", contract(1), "seller_type", "999", "科研机构"),
    ("contracts", contract(1), "seller_type", "高校", "高等院校"),
    ("organisations", ORGANISATION, "kind", "公司", "Enterprise"),
    ("organisations", ORGANISATION, "legal_person_type", "999", "科研机构"),
    ("organisations", ORGANISATION, "tier", "巨型企业", "小型企业"),
    ("achievements", {"external_id": "A1", "title": "t"}, "ip_type", "专利", "发明专利"),
    ("achievements", {"external_id": "A1", "title": "t"}, "field", "人工智能", "电子信息"),
    ("achievements", {"external_id": "A1", "title": "t"}, "transfer_modes", "入股", "作价投资"),
    ("experts", {"external_id": "E1", "name": "张三", "consent_version": "v1"},
     "technical_fields", "人工智能", "电子信息"),
    ("instruments", {"external_id": "I1", "name": "质谱仪"}, "running_status", "坏了", None),
    ("instruments", {"external_id": "I1", "name": "质谱仪"}, "sharing_mode", "随便", None),
    ("instruments", {"external_id": "I1", "name": "质谱仪"}, "fee_unit", "每年", None),
    ("labs", {"external_id": "L1", "name": "平台", "level": "国家级"}, "lab_type", "工厂", None),
    ("labs", {"external_id": "L1", "name": "平台", "lab_type": "重点实验室"},
     "level", "村级", None),
    ("demands", {"external_id": "D1", "title": "需求"}, "cooperation_mode", "随便", None),
    ("demands", {"external_id": "D1", "title": "需求"}, "channel", "小道消息", None),
]  # fmt: skip


def _importer(kind: str, personas: Any) -> Any:
    if kind == "contracts":
        return ContractImporter(actor=None)
    if kind == "organisations":
        return OrganisationImporter(actor=None)
    return CATALOGUE_IMPORTERS[kind](actor=None, options={"org": personas.institution.name})


@pytest.mark.parametrize(("kind", "base", "column", "value", "accepted"), CASES)
def test_unknown_choice_is_named_with_what_is_accepted(
    personas, codes, tmp_path, kind, base, column, value, accepted
):
    # The column first appears on line 2 (line 1 is valid without it), as in real files.
    first = {**base, "external_id": "X0"} if "external_id" in base else contract(2)
    if kind == "contracts":
        first = contract(2)
    second = {**base, column: value}
    path = write_jsonl(tmp_path / "f.jsonl", [first, second])
    report = import_file(_importer(kind, personas), path)
    assert not report.ok
    errors = [e for e in report.errors if e.row == 2]
    assert len(errors) == 1, report.errors
    message = errors[0].message
    assert errors[0].column == column
    assert "Unknown" in message and f"「{value}」" in message, message
    assert "required" not in message and "must" not in message, message
    if accepted:
        assert accepted in message, message


def test_unknown_ip_type_message_in_chinese(personas, codes, tmp_path):
    path = write_jsonl(
        tmp_path / "c.jsonl", [contract(1), contract(2, type="技术转让", ip_type="专利")]
    )
    with translation.override("zh-hans"):
        report = import_file(ContractImporter(actor=None), path)
    assert [e.row for e in report.errors] == [2]
    assert report.errors[0].message.startswith(
        "未知的知识产权类型「专利」，可选：发明专利、实用新型专利、外观设计专利"
    ), report.errors[0].message
