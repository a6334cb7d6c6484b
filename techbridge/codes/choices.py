"""Small fixed code lists, usable as model field ``choices`` by every app.

Each class's *label* is the official Chinese term (the exact wording that statistics and
bulletins use), so ``TechField.ELECTRONIC_INFORMATION.label == "电子信息"`` in every UI
language; the English wording lives in :data:`CODE_LISTS` and in ``CodeListEntry.label_en``.
The values are stable ASCII codes (or the three-digit registration codes for
:class:`LegalPersonType`): never rename a value, only add new ones.

``load_codes`` copies these lists into ``CodeListEntry`` (edition :data:`LISTS_EDITION`),
so the API and old statistics can read them from the database as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

#: Edition recorded for the lists written in this module.
LISTS_EDITION = "techbridge-2026"


class RegionLevel(models.IntegerChoices):
    """Administrative level of a GB/T 2260 division."""

    PROVINCE = 1, "省级"
    PREFECTURE = 2, "地级"
    COUNTY = 3, "县级"


class IndustryLevel(models.IntegerChoices):
    """Level in the GB/T 4754-2017 hierarchy."""

    SECTION = 1, "门类"
    DIVISION = 2, "大类"
    GROUP = 3, "中类"
    CLASS = 4, "小类"


class TechField(models.TextChoices):
    """技术领域 — the 11 technical fields of the technology-market statistics, in order."""

    ELECTRONIC_INFORMATION = "electronic_information", "电子信息"
    AEROSPACE = "aerospace", "航空航天"
    ADVANCED_MANUFACTURING = "advanced_manufacturing", "先进制造"
    BIOMEDICINE = "biomedicine", "生物、医药和医疗器械"
    NEW_MATERIALS = "new_materials", "新材料及其应用"
    NEW_ENERGY = "new_energy", "新能源与高效节能"
    ENVIRONMENT = "environment", "环境保护与资源综合利用"
    NUCLEAR = "nuclear", "核应用"
    AGRICULTURE = "agriculture", "农业"
    MODERN_TRANSPORT = "modern_transport", "现代交通"
    URBAN_SOCIAL = "urban_social", "城市建设与社会发展"


class ContractType(models.TextChoices):
    """技术合同类型 — the five technology contracts of the Civil Code (民法典 第二十章)."""

    DEVELOPMENT = "development", "技术开发"
    TRANSFER = "transfer", "技术转让"
    LICENCE = "licence", "技术许可"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"


class TRL(models.IntegerChoices):
    """技术就绪水平 (TRL) 1–9 after GB/T 22900; the descriptions are short paraphrases."""

    TRL1 = 1, "基本原理被发现和报道"
    TRL2 = 2, "形成技术概念和应用设想"
    TRL3 = 3, "关键功能和特性通过分析和实验得到验证"
    TRL4 = 4, "实验室环境中完成部件或功能模块验证"
    TRL5 = 5, "相关环境中完成部件或模块验证"
    TRL6 = 6, "相关环境中完成系统或原型样机演示"
    TRL7 = 7, "实际使用环境中完成原型样机演示"
    TRL8 = 8, "实际系统完成并通过试验验证"
    TRL9 = 9, "实际系统在使用中得到验证"


class IPType(models.TextChoices):
    """知识产权类型 of an achievement or contract."""

    INVENTION_PATENT = "invention_patent", "发明专利"
    UTILITY_MODEL = "utility_model", "实用新型专利"
    DESIGN_PATENT = "design_patent", "外观设计专利"
    SOFTWARE_COPYRIGHT = "software_copyright", "软件著作权"
    IC_LAYOUT = "ic_layout", "集成电路布图设计"
    PLANT_VARIETY = "plant_variety", "植物新品种"
    KNOW_HOW = "know_how", "技术秘密"
    OTHER = "other", "其他"
    NONE = "none", "无"


class LegalPersonType(models.TextChoices):
    """法人类型 codes as used in technology-contract registration (技术合同认定登记).

    100–300 follow the NBS enterprise registration types (企业登记注册类型); the other
    codes follow common registration practice. See data/PROVENANCE.md: verify the list
    against the current 技术合同认定登记 manual before relying on it in bulletins.
    """

    GOVERNMENT = "010", "机关法人"
    RESEARCH_INSTITUTE = "021", "科研机构"
    UNIVERSITY = "022", "高等院校"
    OTHER_PUBLIC_INSTITUTION = "023", "其他事业法人"
    DOMESTIC_ENTERPRISE = "100", "内资企业"
    STATE_OWNED = "110", "国有企业"
    COLLECTIVE = "120", "集体企业"
    JOINT_STOCK_COOPERATIVE = "130", "股份合作企业"
    JOINT_OPERATION = "140", "联营企业"
    LIMITED_LIABILITY = "150", "有限责任公司"
    COMPANY_LIMITED_BY_SHARES = "160", "股份有限公司"
    PRIVATE = "170", "私营企业"
    OTHER_DOMESTIC = "190", "其他企业"
    HK_MACAO_TAIWAN_INVESTED = "200", "港澳台商投资企业"
    FOREIGN_INVESTED = "300", "外商投资企业"
    NATURAL_PERSON = "400", "自然人"
    OTHER_ORGANISATION = "500", "其他组织"
    OVERSEAS = "900", "境外"


class TransferMode(models.TextChoices):
    """成果转化方式 offered for an achievement."""

    TRANSFER = "transfer", "转让"
    LICENCE = "licence", "许可"
    EQUITY = "equity", "作价投资"
    JOINT_DEVELOPMENT = "joint_development", "合作开发"
    SERVICE = "service", "技术服务"


class OrgTier(models.TextChoices):
    """Enterprise cultivation tier (微成长、小升规、高变强)."""

    MICRO = "micro", "微型企业"
    SMALL = "small", "小型企业"
    ABOVE_SIZE = "above_size", "规模以上企业"
    HIGH_TECH = "high_tech", "高新技术企业"
    OTHER = "other", "其他"



class CalendarDayKind(models.TextChoices):
    """What the official holiday calendar says about a listed day (节假日安排)."""

    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"

@dataclass(frozen=True)
class CodeListSpec:
    """One small list: its choices class, English labels and optional parent codes."""

    choices: type[models.Choices]
    label_en: dict[str, str]
    #: code → the code it rolls up to in statistics (e.g. 110 国有企业 → 100 内资企业).
    parent: dict[str, str]
    edition: str = LISTS_EDITION

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(code, label_zh, label_en, parent_code) in display order; codes as strings."""
        return [
            (str(value), str(label), self.label_en[str(value)], self.parent.get(str(value), ""))
            for value, label in self.choices.choices
        ]


_DOMESTIC_SUBTYPES = ("110", "120", "130", "140", "150", "160", "170", "190")

#: Every small list by its API/list name. Adding a list here is enough to load and serve it.
CODE_LISTS: dict[str, CodeListSpec] = {
    "tech_field": CodeListSpec(
        TechField,
        {
            "electronic_information": "Electronic information",
            "aerospace": "Aerospace",
            "advanced_manufacturing": "Advanced manufacturing",
            "biomedicine": "Biology, medicine and medical devices",
            "new_materials": "New materials and their applications",
            "new_energy": "New energy and energy efficiency",
            "environment": "Environmental protection and resource recycling",
            "nuclear": "Nuclear applications",
            "agriculture": "Agriculture",
            "modern_transport": "Modern transport",
            "urban_social": "Urban construction and social development",
        },
        {},
    ),
    "contract_type": CodeListSpec(
        ContractType,
        {
            "development": "Technology development",
            "transfer": "Technology transfer",
            "licence": "Technology licensing",
            "consulting": "Technical consulting",
            "service": "Technical service",
        },
        {},
    ),
    "trl": CodeListSpec(
        TRL,
        {
            "1": "Basic principles observed and reported",
            "2": "Technology concept and application formulated",
            "3": "Critical function and characteristics proven by analysis and experiment",
            "4": "Component or module validated in a laboratory environment",
            "5": "Component or module validated in a relevant environment",
            "6": "System or prototype demonstrated in a relevant environment",
            "7": "Prototype demonstrated in an operational environment",
            "8": "Actual system completed and qualified through test",
            "9": "Actual system proven in operation",
        },
        {},
    ),
    "ip_type": CodeListSpec(
        IPType,
        {
            "invention_patent": "Invention patent",
            "utility_model": "Utility model patent",
            "design_patent": "Design patent",
            "software_copyright": "Software copyright",
            "ic_layout": "Integrated circuit layout design",
            "plant_variety": "New plant variety",
            "know_how": "Know-how (technical secret)",
            "other": "Other",
            "none": "None",
        },
        {},
    ),
    "legal_person_type": CodeListSpec(
        LegalPersonType,
        {
            "010": "Government body",
            "021": "Research institute",
            "022": "Higher education institution",
            "023": "Other public institution",
            "100": "Domestic enterprise",
            "110": "State-owned enterprise",
            "120": "Collective enterprise",
            "130": "Joint-stock cooperative enterprise",
            "140": "Joint operation enterprise",
            "150": "Limited liability company",
            "160": "Company limited by shares",
            "170": "Private enterprise",
            "190": "Other domestic enterprise",
            "200": "Hong Kong, Macao or Taiwan invested enterprise",
            "300": "Foreign-invested enterprise",
            "400": "Natural person",
            "500": "Other organisation",
            "900": "Overseas party",
        },
        dict.fromkeys(_DOMESTIC_SUBTYPES, "100"),
    ),
    "transfer_mode": CodeListSpec(
        TransferMode,
        {
            "transfer": "Transfer",
            "licence": "Licence",
            "equity": "Equity investment",
            "joint_development": "Joint development",
            "service": "Technical service",
        },
        {},
    ),
    "org_tier": CodeListSpec(
        OrgTier,
        {
            "micro": "Micro enterprise",
            "small": "Small enterprise",
            "above_size": "Enterprise above designated size",
            "high_tech": "High-tech enterprise",
            "other": "Other",
        },
        {},
    ),
}
