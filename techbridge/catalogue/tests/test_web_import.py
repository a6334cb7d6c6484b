"""The staff import page: upload → preview with errors → confirm (re-validated)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from techbridge.catalogue.models import Achievement

pytestmark = pytest.mark.django_db

GOOD = (
    "外部编号,成果名称,技术领域,成熟度\n"
    "W1,刺梨冷杀菌工艺,农业,6\n"
    "W2,天麻素提取,生物、医药和医疗器械,5\n"
)


def _upload(client, content: str, name: str = "a.csv", **extra):
    data = {"kind": "achievements", "org": extra.pop("org", ""), **extra}
    data["file"] = SimpleUploadedFile(name, content.encode("gb18030"))
    return client.post("/catalogue/import/", data)


def test_preview_then_confirm(personas, codes, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    staff = personas.client_for(personas.staff)
    response = _upload(staff, GOOD, org=personas.institution.name)
    assert response.status_code == 200
    token = response.context["token"]
    assert token and response.context["report"].created == 2
    assert Achievement.objects.count() == 0  # preview only
    stored = list((tmp_path / "uploads" / "imports").iterdir())
    assert [p.name for p in stored] == [f"{token}.csv"]  # a random name, not the user's
    response = staff.post(
        "/catalogue/import/confirm/",
        {"token": token, "kind": "achievements", "org": personas.institution.name},
    )
    assert response.status_code == 302
    assert Achievement.objects.filter(owner=personas.institution).count() == 2
    assert not list((tmp_path / "uploads" / "imports").iterdir())


def test_preview_lists_errors_and_offers_no_confirm(personas, codes, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    staff = personas.client_for(personas.staff)
    response = _upload(staff, GOOD + "W3,坏行,不存在的领域,6\n", org=personas.institution.name)
    report = response.context["report"]
    assert not report.ok and report.errors[0].row == 4 and report.errors[0].column == "技术领域"
    assert response.context["token"] == ""
    assert "不存在的领域" in response.content.decode()


def test_disguised_upload_and_outsiders_refused(personas, codes, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    staff = personas.client_for(personas.staff)
    response = _upload(staff, GOOD, name="../../evil.exe")
    assert response.context["report"] is None and response.context["form"].errors
    assert personas.client_for(personas.outsider).get("/catalogue/import/").status_code == 403
    assert personas.anonymous.get("/catalogue/import/").status_code == 302
    response = staff.post(
        "/catalogue/import/confirm/", {"token": "../secret_key", "kind": "achievements"}
    )
    assert response.status_code == 404
