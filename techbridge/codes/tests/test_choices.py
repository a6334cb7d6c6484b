"""The small fixed lists: exact labels, stable codes, complete English labels."""

from __future__ import annotations

from techbridge.codes.choices import (
    CODE_LISTS,
    TRL,
    ContractType,
    IPType,
    LegalPersonType,
    TechField,
    TransferMode,
)


def test_tech_fields_are_the_eleven_statistics_labels_in_order() -> None:
    assert TechField.labels == [
        "电子信息",
        "航空航天",
        "先进制造",
        "生物、医药和医疗器械",
        "新材料及其应用",
        "新能源与高效节能",
        "环境保护与资源综合利用",
        "核应用",
        "农业",
        "现代交通",
        "城市建设与社会发展",
    ]
    assert TechField.ELECTRONIC_INFORMATION == "electronic_information"
    assert all(value.isascii() for value in TechField.values)


def test_contract_types_are_the_civil_codes_five() -> None:
    assert dict(ContractType.choices) == {
        "development": "技术开发",
        "transfer": "技术转让",
        "licence": "技术许可",
        "consulting": "技术咨询",
        "service": "技术服务",
    }


def test_trl_runs_from_1_to_9_with_descriptions() -> None:
    assert TRL.values == list(range(1, 10))
    assert TRL(1).label == "基本原理被发现和报道"
    assert all(TRL.labels)


def test_registration_codes_confirmed_by_the_brief() -> None:
    assert LegalPersonType("021").label == "科研机构"
    assert LegalPersonType("022").label == "高等院校"
    assert LegalPersonType("100").label == "内资企业"
    assert all(len(code) == 3 and code.isdigit() for code in LegalPersonType.values)


def test_other_lists_hold_the_agreed_codes() -> None:
    assert IPType.values == [
        "invention_patent",
        "utility_model",
        "design_patent",
        "software_copyright",
        "ic_layout",
        "plant_variety",
        "know_how",
        "other",
        "none",
    ]
    assert TransferMode("equity").label == "作价投资"


def test_every_list_has_an_english_label_for_every_code_and_valid_parents() -> None:
    for name, spec in CODE_LISTS.items():
        codes = [str(value) for value in spec.choices.values]
        assert sorted(spec.label_en) == sorted(codes), name
        assert all(spec.label_en.values()), name
        assert set(spec.parent) <= set(codes) and set(spec.parent.values()) <= set(codes), name
