"""Ranking quality a user notices (issue 13): an exact phrase inside a long report, a demand
written as a paragraph, explanations in whole words."""

from __future__ import annotations

import pytest

from techbridge.matching import selectors
from techbridge.search import weights as search_weights
from techbridge.search.selectors import search

pytestmark = pytest.mark.django_db

# Sentences of a long annual report (written for this test), none of them about contracts.
FILLER = (
    "本年度工作站围绕区域产业需求开展走访调研，累计走访企业一百余家。",
    "平台组织专家团队对重点企业的生产工艺进行诊断，提出改进建议。",
    "在人才培养方面，举办培训班六期，参训人员覆盖园区主要企业。",
    "仪器设备共享服务持续扩大，机时利用率较上年明显提高。",
    "针对中小企业融资难的问题，联合金融机构推出专项服务产品。",
    "下一步将继续完善线上服务功能，提升供需对接的精准度。",
)


def long_report() -> str:
    body = [FILLER[i % len(FILLER)] for i in range(90)]
    body.insert(45, "全年协助企业完成技术合同认定登记一百二十项，成交额同比增长。")
    return "".join(body)


def test_long_report_with_the_exact_phrase_is_in_the_top_3(catalogue):
    report = catalogue.published(title="科技服务工作站年度报告", summary=long_report())
    assert len(report.summary) > 2000
    # Short records that share the phrase's common words, but not the phrase.
    for title, summary in [
        ("技术服务合同范本", "技术服务合同的主要条款与风险提示"),
        ("合同技术审查要点", "合同中技术条款的审查方法"),
        ("技术转移合同培训", "技术转移合同签订流程培训课程"),
        ("技术开发合同管理", "技术开发合同履约管理系统"),
        ("科技成果合同登记系统", "合同信息录入与技术分类"),
        ("技术许可合同谈判", "许可合同中的技术秘密保护"),
        ("技术咨询合同案例", "咨询类技术合同的典型案例"),
        ("合同能源管理技术", "合同能源管理模式与节能技术"),
    ]:
        catalogue.published(title=title, summary=summary)
    found = [r.id for r in search(q="技术合同认定登记", limit=10).results]
    assert report.pk in found[:3], found


def test_without_pair_evidence_the_long_report_sinks(catalogue, monkeypatch):
    """The check above fails without the adjacent-word pairs: it can fail."""
    report = catalogue.published(title="科技服务工作站年度报告", summary=long_report())
    for i in range(8):
        catalogue.published(title=f"技术合同管理{i}", summary=f"技术合同登记流程说明{i}")
    monkeypatch.setattr(search_weights, "PAIR_BOOST", 0.0)
    found = [r.id for r in search(q="技术合同认定登记", limit=10).results]
    assert report.pk not in found[:3]


ABSTRACTS = {
    "concrete": (
        "高寒地区混凝土冻融破坏机理与防治技术",
        "本研究面向高寒地区水工建筑物。针对混凝土在反复冻融循环作用下表面剥蚀、强度下降的问题，"
        "开展了引气剂掺量与气泡间距系数的试验研究。结果表明，含气量控制在百分之五左右时，"
        "混凝土抗冻等级可提高两个等级。同时采用硅烷浸渍对表层进行防护，吸水率降低百分之六十。"
        "研究成果已在三座水库的大坝工程中应用。",
    ),
    "battery": (
        "锂离子电池高镍正极材料",
        "高镍三元正极材料能量密度高，但循环稳定性差。通过铝掺杂与包覆改性，抑制了颗粒微裂纹。"
        "改性材料在一千次循环后容量保持率达到百分之九十。该技术可用于动力电池。",
    ),
    "membrane": (
        "海水淡化反渗透膜抗污染改性",
        "反渗透膜在运行中易受有机物污染，通量衰减明显。通过表面接枝亲水聚合物，膜的抗污染能力显著提高。"
        "中试装置连续运行半年，清洗周期延长一倍。",
    ),
    "road": (
        "寒区道路沥青路面低温开裂防治",
        "寒区沥青路面在低温下易产生温缩裂缝。采用改性沥青与纤维加筋，提高了混合料的低温延展性。"
        "试验路段经过三个冬季观测，裂缝数量减少百分之七十。",
    ),
}


@pytest.fixture
def abstracts(catalogue):
    return {
        key: catalogue.published(title=title, summary=summary)
        for key, (title, summary) in ABSTRACTS.items()
    }


def test_a_demand_written_as_a_paragraph_finds_the_record_it_was_cut_from(
    abstracts, catalogue, personas
):
    middle = (
        "结果表明，含气量控制在百分之五左右时，混凝土抗冻等级可提高两个等级。"
        "同时采用硅烷浸渍对表层进行防护，吸水率降低百分之六十。"
    )
    assert middle in abstracts["concrete"].summary
    paragraph = f"我单位在生产中遇到以下问题：{middle}希望寻求高校或科研院所开展技术合作。"
    demand = catalogue.published(
        "demand", by=personas.owner, title="寻求技术合作", summary=paragraph
    )
    matches = selectors.match_demand(demand=demand, limit=5)
    assert matches.results[0].id == abstracts["concrete"].pk
    text = selectors.match_text(text=paragraph, kinds=["achievement"], limit=5)
    assert text.results[0].id == abstracts["concrete"].pk
    # The same paragraph in traditional script with pinyin annotations.
    from techbridge.matching.evaluation.queries import annotate_pinyin

    noisy = selectors.match_text(text=annotate_pinyin(paragraph), kinds=["achievement"], limit=5)
    assert noisy.results[0].id == abstracts["concrete"].pk


def test_why_terms_are_whole_query_words(catalogue):
    from techbridge.text import add_words

    add_words(["石墨烯", "离子散射谱"])
    catalogue.published(
        title="石墨烯复合材料导热膜", summary="离子散射谱表征", keywords=["石墨烯", "离子散射谱"]
    )
    result = search(q="石墨烯复合材料").results[0]
    assert "石墨烯" in result.terms and "复合材料" in result.terms
    # Sub-words of a matched word (石墨 of 石墨烯) and index-only pieces never show.
    assert not {"石墨", "墨烯", "复合", "材料", "合材"} & set(result.terms)
    record = result.record
    similar = catalogue.published(
        title="石墨烯散热片", summary="离子散射谱分析", keywords=["石墨烯"]
    )
    match = selectors.more_like_this(record=record, limit=5).results[0]
    assert match.id == similar.pk
    assert not {"墨烯", "子散", "射谱"} & set(match.terms)


def test_structured_signals_never_lift_a_clearly_weaker_text_match(catalogue, personas):
    from techbridge.matching import weights

    assert weights.STRUCTURED_MAX <= 0.2 * weights.TEXT
    better = catalogue.published(
        title="反渗透膜清洗药剂",
        summary="反渗透膜 有机污染 清洗药剂 通量恢复",
        technical_field="environment",
    )
    weaker = catalogue.published(
        title="反渗透膜检测服务", summary="检测", technical_field="new_energy", trl=9
    )
    demand = catalogue.published(
        "demand",
        by=personas.owner,
        title="反渗透膜有机污染清洗",
        summary="寻求反渗透膜清洗药剂，恢复通量",
        technical_field="new_energy",
    )
    results = selectors.match_demand(demand=demand, limit=5).results
    ids = [r.id for r in results]
    assert ids.index(better.pk) < ids.index(weaker.pk)
    points = {s["name"] for s in results[ids.index(weaker.pk)].signals}
    assert "same_field" in points  # the weaker one carried the structured signals
