"""The pages: public timeline and news, drafts and imports only for editors, the review
page's accept with edited values, uploads refused with a message naming the problem."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from techbridge.chronicle import services
from techbridge.chronicle.models import ChronicleEntry, ReportImport
from techbridge.chronicle.tests.report_sample import REPORT
from techbridge.programmes.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme() -> Programme:
    return Programme.objects.create(name="北部湾—黔山科技合作工作站")


def test_timeline_is_public_newest_year_first(personas, programme) -> None:
    for title, day in (
        ("二〇一三年的事", dt.date(2013, 9, 7)),
        ("二〇一五年的事", dt.date(2015, 6, 10)),
    ):
        services.entry_create(
            actor=personas.staff, programme=programme, title=title, happened_on=day
        )
    page = personas.anonymous.get(f"/chronicle/p/{programme.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("二〇一五年的事") < text.index("二〇一三年的事")
    assert "2013年9月7日" in text
    assert "/chronicle/entries/" not in text  # no edit links for visitors


def test_draft_articles_are_hidden_until_published(personas, programme) -> None:
    article = services.article_create(
        actor=personas.staff,
        programme=programme,
        title="草稿新闻标题",
        body="正文",
        attachments=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", "application/pdf")],
    )
    url = f"/chronicle/news/{article.pk}/"
    assert personas.anonymous.get(url).status_code == 404
    assert personas.client_for(personas.outsider).get(url).status_code == 404
    assert "草稿新闻标题" not in personas.anonymous.get("/chronicle/news/").content.decode()
    assert personas.client_for(personas.staff).get(url).status_code == 200
    assert personas.client_for(personas.staff).post(f"{url}status/").status_code == 302
    assert personas.anonymous.get(url).status_code == 200
    file_url = f"{url}files/{article.attachments.get().pk}/"
    assert personas.anonymous.get(file_url)["Content-Disposition"].startswith("attachment")


def test_import_pages_are_for_editors_and_accept_takes_the_edits(personas, programme) -> None:
    assert personas.client_for(personas.owner).get("/chronicle/imports/").status_code == 403
    staff = personas.client_for(personas.staff)
    response = staff.post("/chronicle/imports/", {"programme": programme.pk, "text": REPORT})
    run = ReportImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/chronicle/imports/{run.pk}/"
    assert ChronicleEntry.objects.count() == 0
    review = staff.get(f"/chronicle/imports/{run.pk}/")
    assert review.status_code == 200 and "总投资 48.5亿元" in review.content.decode()
    assert (
        personas.client_for(personas.outsider).get(f"/chronicle/imports/{run.pk}/").status_code
        == 403
    )
    proposal = run.proposals.get(position=1)
    p = f"p{proposal.pk}-"
    post = {
        "decision": "accept",
        p + "kind": "launch",
        p + "title": "工作站揭牌（改）",
        p + "happened_on": "2015-06-10",
        p + "precision": "day",
        p + "places": "黔山",
        p + "organisations": "黔山市科技局、北部湾技术转移研究院",
        p + "figures": "",
    }
    url = f"/chronicle/imports/{run.pk}/proposals/{proposal.pk}/"
    assert staff.post(url, post).status_code == 302
    assert staff.post(url, post).status_code == 409  # already accepted: still one entry
    entry = ChronicleEntry.objects.get()
    assert entry.title == "工作站揭牌（改）"
    assert entry.organisations == ["黔山市科技局", "北部湾技术转移研究院"]
    again = staff.post("/chronicle/imports/", {"programme": programme.pk, "text": REPORT})
    assert again["Location"] == f"/chronicle/imports/{run.pk}/"
    assert ReportImport.objects.count() == 1


def test_uploads_txt_read_and_others_refused(personas, programme) -> None:
    staff = personas.client_for(personas.staff)
    gbk = SimpleUploadedFile("report.txt", REPORT.encode("gb18030"), "text/plain")
    assert (
        staff.post("/chronicle/imports/", {"programme": programme.pk, "file": gbk}).status_code
        == 302
    )
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4", "application/pdf")
    refused = staff.post("/chronicle/imports/", {"programme": programme.pk, "file": pdf})
    assert refused.status_code == 400
    assert "report.pdf" in refused.content.decode()
    empty = staff.post("/chronicle/imports/", {"programme": programme.pk, "text": ""})
    assert empty.status_code == 400 and "请粘贴" in empty.content.decode()


def test_api_lists_entries_and_hides_drafts(personas, programme) -> None:
    services.entry_create(
        actor=personas.staff,
        programme=programme,
        title="揭牌",
        happened_on=dt.date(2015, 6, 10),
        figures="总投资 660亿元",
    )
    draft = services.article_create(
        actor=personas.staff, programme=programme, title="草稿", body="b"
    )
    client = personas.client_for(personas.outsider)
    data = client.get(f"/api/v1/chronicle/programmes/{programme.pk}/entries/").json()
    assert data["results"][0]["figures"] == [
        {"label": "总投资", "quantity": "money", "value": 6_600_000_000_000, "unit": "元"}
    ]
    assert client.get(f"/api/v1/chronicle/articles/{draft.pk}/").status_code == 404
    assert client.get("/api/v1/chronicle/articles/").json()["results"] == []
    assert personas.anonymous.get("/api/v1/chronicle/articles/").status_code in {401, 403}
