"""Demo data for `techbridge setup-demo`: a few invented chronicle entries and a published
article for each demo programme, and one report import awaiting review. Idempotent; runs
after the programmes demo and skips a programme it does not find."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from techbridge.accounts.models import User
from techbridge.accounts.roles import Role
from techbridge.chronicle import services
from techbridge.chronicle.models import Article, ChronicleEntry, ReportImport
from techbridge.programmes.models import Programme

_ENTRIES: dict[str, list[dict[str, object]]] = {
    "首都科技条件平台贵阳工作站": [
        {
            "kind": "launch",
            "title": "工作站揭牌运行（演示）",
            "happened_on": dt.date(2013, 9, 1),
            "precision": "month",
            "places": "贵阳",
            "organisations": "首都科技条件平台贵阳工作站",
        },
        {
            "kind": "meeting",
            "title": "京筑科技成果对接会（演示）",
            "happened_on": dt.date(2014, 5, 20),
            "places": "贵阳",
            "figures": "签约项目 12 个\n总投资 3.5亿元",
        },
        {
            "kind": "training",
            "title": "技术经纪人培训班（演示）",
            "happened_on": dt.date(2015, 1, 1),
            "precision": "year",
            "figures": "培训 320 人次",
        },
    ],
    "中关村–承德合作": [
        {
            "kind": "signing",
            "title": "中关村与承德签署合作框架协议（演示）",
            "happened_on": dt.date(2016, 3, 18),
            "places": "承德",
        },
        {
            "kind": "visit",
            "title": "中关村企业赴承德考察（演示）",
            "happened_on": dt.date(2016, 8, 9),
            "figures": "企业 15 家",
        },
    ],
}

_REPORT = """首页 > 新闻中心
发布时间：2016-09-02　来源：演示科技局
分享到：微信 微博
2016年8月30日，演示合作站在承德召开项目推介会，共签约项目6个，总投资达8亿元。
9月1日，双方联合举办科技特派员培训班，培训120人次。
2016年8月30日，演示合作站在承德召开项目推介会，共签约项目6个，总投资达8亿元。
版权所有 演示科技局　京ICP备00000000号
"""


def load(out: TextIO) -> None:
    staff = User.objects.filter(role=Role.BUREAU_STAFF, is_active=True).order_by("pk").first()
    if staff is None:
        out.write("chronicle: no bureau staff account; skipped\n")
        return
    for name, entries in _ENTRIES.items():
        programme = Programme.objects.filter(name=name).first()
        if programme is None:
            continue
        for values in entries:
            if not ChronicleEntry.objects.filter(
                programme=programme, title=values["title"]
            ).exists():
                services.entry_create(actor=staff, programme=programme, **values)  # type: ignore[arg-type]
        title = f"{programme.short_name or programme.name}工作动态（演示）"
        if not Article.objects.filter(programme=programme, title=title).exists():
            article = services.article_create(
                actor=staff,
                programme=programme,
                title=title,
                body="本文为演示数据：介绍合作项目近期的对接、培训和签约情况。",
            )
            services.article_set_status(actor=staff, article=article, status="published")
        if (
            name == "中关村–承德合作"
            and not ReportImport.objects.filter(programme=programme).exists()
        ):
            services.report_import(actor=staff, programme=programme, text=_REPORT)
    out.write(
        f"chronicle: {ChronicleEntry.objects.count()} entries, "
        f"{Article.objects.count()} articles, {ReportImport.objects.count()} report imports\n"
    )
