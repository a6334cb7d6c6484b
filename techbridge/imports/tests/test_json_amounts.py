"""Issue 9 item 9: an amount written as a JSON *number* is judged as strictly as the same
text in a string — in JSONL imports and in the REST API. Exponent form, NaN/Infinity and
more than 2 decimals are refused with a message; 1234567.89 stays exact."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from techbridge.catalogue.models import Achievement
from techbridge.contracts.importers import ContractImporter
from techbridge.contracts.models import TechnologyContract
from techbridge.imports.services import import_file
from techbridge.imports.tests.helpers import contract, write_raw_jsonl

pytestmark = pytest.mark.django_db

BAD_NUMBERS = ["1e10", "1E10", "1.5e3", "10000000000.0e0", "NaN", "Infinity", "-Infinity"]
BAD_NUMBERS += ["1.234", "0.001", "-1", "1e-2"]


def _line(number: int, amount_literal: str) -> str:
    """A JSONL line whose contract_amount is the JSON literal given (a bare number)."""
    record = contract(number, contract_amount="AMOUNT", technology_amount="100")
    return json.dumps(record, ensure_ascii=False).replace('"AMOUNT"', amount_literal)


@pytest.mark.parametrize("literal", BAD_NUMBERS)
def test_jsonl_amount_numbers_are_checked_like_strings(codes, tmp_path, literal):
    path = write_raw_jsonl(tmp_path / "c.jsonl", [_line(1, "5000"), _line(2, literal)])
    report = import_file(ContractImporter(actor=None), path)
    assert not report.ok, f"{literal} was accepted"
    assert TechnologyContract.objects.count() == 0
    assert [(e.row, e.column) for e in report.errors] == [(2, "contract_amount")]
    assert "mount" in report.errors[0].message


@pytest.mark.parametrize(
    ("literal", "exact"),
    [("1234567.89", "1234567.89"), ("1234567", "1234567.00"), ("9999999999999.99", None)],
)
def test_jsonl_plain_numbers_stay_exact(codes, tmp_path, literal, exact):
    path = write_raw_jsonl(tmp_path / "c.jsonl", [_line(1, literal)])
    report = import_file(ContractImporter(actor=None), path)
    assert report.ok, report.errors
    stored = TechnologyContract.objects.get().contract_amount
    assert stored == Decimal(exact or literal)


def test_jsonl_catalogue_price_number_in_exponent_form_is_refused(personas, codes, tmp_path):
    from techbridge.catalogue.importers import AchievementImporter

    path = write_raw_jsonl(
        tmp_path / "a.jsonl",
        [
            '{"external_id": "A1", "title": "t", "asking_price": 12000.5}',
            '{"external_id": "A2", "title": "t", "asking_price": 1.2e4}',
        ],
    )
    report = import_file(
        AchievementImporter(actor=None, options={"org": personas.institution.name}), path
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "asking_price")]
    assert Achievement.objects.count() == 0


def _api_contract(personas, amount_literal: str):
    # Built as text: the amount must reach the server as a bare JSON number literal.
    body = (
        f'{{"name": "x", "contract_type": "service", "seller_organisation": {personas.org.pk},'
        ' "buyer_name": "y", "buyer_region": "110105", "signed_on": "2024-06-01",'
        f' "contract_amount": {amount_literal}, "technology_amount": "1",'
        ' "technical_field": "modern_transport"}'
    )
    return personas.client_for(personas.owner).post(
        "/api/v1/contracts/", body, content_type="application/json"
    )


@pytest.mark.parametrize("literal", ["1e10", "1E+10", "1.5e3", "1.234", "NaN", "Infinity"])
def test_api_refuses_amount_numbers_in_exponent_form_or_inexact(personas, codes, literal):
    response = _api_contract(personas, literal)
    assert response.status_code == 400, (literal, response.content)
    assert TechnologyContract.objects.count() == 0
    error = response.json()["error"]
    assert "contract_amount" in (error.get("fields") or {}) or literal in ("NaN", "Infinity")


def test_api_plain_number_amount_is_exact(personas, codes):
    response = _api_contract(personas, "1234567.89")
    assert response.status_code == 201, response.content
    assert response.json()["contract_amount"] == "1234567.89"
    assert TechnologyContract.objects.get().contract_amount == Decimal("1234567.89")


def test_api_catalogue_price_number_is_exact_and_exponent_refused(personas, codes):
    client = personas.client_for(personas.researcher)
    ok = client.post(
        "/api/v1/achievements/",
        '{"external_id": "P1", "title": "赤泥提铁", "asking_price": 12000.5}',
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["asking_price"] == "12000.50"
    bad = client.post(
        "/api/v1/achievements/",
        '{"external_id": "P2", "title": "赤泥提铁", "asking_price": 1.2e4}',
        content_type="application/json",
    )
    assert bad.status_code == 400, bad.content
    assert "asking_price" in bad.json()["error"]["fields"]
